"""The ``callcenter`` command: serve, migrate, demo, asterisk render, media-sync."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from aiohttp import web

from callcenter.observability.logs import AccessLogger
from callcenter.observability.logs import configure as configure_logging
from callcenter.settings import Settings


def _serve(settings: Settings) -> int:
    from callcenter.app import create_app

    problems = settings.secret_problems()
    if problems:
        for problem in problems:
            print(f"callcenter serve: refusing to start: {problem}", file=sys.stderr)
        return 2
    web.run_app(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        print=lambda _: None,
        access_log_class=AccessLogger,
    )
    return 0


def _migrate(settings: Settings) -> None:
    from callcenter.db.migrate import migrate_with_roles

    applied = asyncio.run(
        migrate_with_roles(settings.admin_dsn or settings.dsn, settings.dsn, settings.asterisk_dsn)
    )
    print(f"migrations applied: {', '.join(applied) if applied else 'none (up to date)'}")


def _render(flavour: str, out: Path) -> None:
    from callcenter.asterisk.render import render_dir

    params = {k.removeprefix("AST_"): v for k, v in os.environ.items() if k.startswith("AST_")}
    for path in render_dir(flavour, out, params):
        print(path)


async def _media_sync(settings: Settings, directory: str, recordings: str | None) -> None:
    from callcenter.asterisk.media import PromptMirror, RecordingCollector
    from callcenter.db.pool import create_pool

    mirror = PromptMirror(settings.dsn, directory)
    await mirror.start()
    pool = await create_pool(settings.dsn, max_size=2) if recordings else None
    collector = RecordingCollector(pool, recordings) if recordings else None
    if collector is not None:
        await collector.start()
    try:
        await asyncio.Event().wait()
    finally:
        if collector is not None:
            await collector.stop()
        if pool is not None:
            await pool.close()
        await mirror.stop()


def _billing(settings: Settings, args: argparse.Namespace) -> int:
    from callcenter.billing.cli import run_billing_command

    return asyncio.run(run_billing_command(settings.dsn, args))


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``callcenter`` console script."""
    parser = argparse.ArgumentParser(prog="callcenter")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the control plane (HTTP API, AMI client)")
    sub.add_parser(
        "migrate",
        help="create or upgrade the database schema and its roles (idempotent; as"
        " CALLCENTER_ADMIN_DSN, roles for CALLCENTER_DSN and CALLCENTER_ASTERISK_DSN)",
    )
    demo = sub.add_parser("demo", help="run the whole local stack with a demo tenant")
    demo.add_argument(
        "--no-serve", action="store_true", help="provision, place one demo call, then stop"
    )
    render = sub.add_parser("asterisk", help="render Asterisk configuration")
    render.add_argument("action", choices=["render"])
    render.add_argument("--flavour", choices=["platform", "carrier"], default="platform")
    render.add_argument("--out", type=Path, required=True)
    media = sub.add_parser("media-sync", help="mirror uploaded prompts beside an Asterisk")
    media.add_argument("--dir", required=True, help="the prompt directory Asterisk reads")
    media.add_argument("--recordings", help="where Asterisk leaves finished recordings")
    sounds = sub.add_parser(
        "sounds", help="generate a language's system prompts and digits for Asterisk"
    )
    sounds.add_argument("language", choices=["zh"])
    sounds.add_argument("--out", type=Path, required=True, help="Asterisk's sounds directory")
    from callcenter.billing.cli import add_billing_parser

    add_billing_parser(sub)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    # A service's logs are read by machines (one JSON object per line); a person runs the rest.
    service = args.command in ("serve", "media-sync")
    configure_logging(settings.log_format or ("json" if service else "text"))
    if args.command == "serve":
        return _serve(settings)
    elif args.command == "migrate":
        _migrate(settings)
    elif args.command == "demo":
        from callcenter.devstack.demo import run_demo

        return asyncio.run(run_demo(serve=not args.no_serve))
    elif args.command == "billing":
        return _billing(settings, args)
    elif args.command == "asterisk":
        _render(args.flavour, args.out)
    elif args.command == "sounds":
        from callcenter.prompts.tts import write_language_pack

        written = asyncio.run(write_language_pack(args.out, args.language))
        print(f"sounds: {written} {args.language} files written under {args.out}")
    elif args.command == "media-sync":
        asyncio.run(_media_sync(settings, args.dir, args.recordings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
