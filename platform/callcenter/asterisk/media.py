"""Mirror tenants' uploaded prompts from PostgreSQL into an Asterisk host's prompt directory.

Runs beside each Asterisk (``callcenter media-sync``, or inside the control plane when both
share a host): a full pass at start and after every reconnect, then one file per
``cc_prompts`` notification. Files are ``<dir>/<tenant>/<name>.wav``, written to a temporary
name and renamed, so Asterisk never plays half a file. The dialplan plays
``${CC_PROMPTS}/${TENANT}/<name>``: a tenant can only ever reach its own prompts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import smtplib
from pathlib import Path, PurePath
from typing import Any

import asyncpg

from callcenter.db.pool import connection
from callcenter.errors import DomainError
from callcenter.mailboxes.inbox import notice, parse_message
from callcenter.mailboxes.mailer import Mailer
from callcenter.tasks import cancel_and_wait

log = logging.getLogger(__name__)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _existing(root: Path) -> set[Path]:
    return set(root.glob("*/*.wav")) if root.exists() else set()


class PromptMirror:
    """Keeps ``directory`` equal to the ``prompts`` table."""

    def __init__(self, dsn: str, directory: str) -> None:
        self._dsn = dsn
        self._root = Path(directory)
        self._changes: asyncio.Queue[str] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.synced = asyncio.Event()

    def path_of(self, tenant_id: str, name: str) -> Path:
        """Where a prompt's file lives on this host."""
        return self._root / tenant_id / f"{name}.wav"

    async def start(self) -> None:
        """Start mirroring in the background."""
        self._task = asyncio.ensure_future(self._run())
        self._task.set_name("prompt-mirror")

    async def stop(self) -> None:
        """Stop mirroring."""
        if self._task is not None:
            await cancel_and_wait([self._task])

    async def _run(self) -> None:
        while True:
            try:
                conn = await asyncpg.connect(self._dsn)
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("prompt mirror cannot connect: %s", exc)
                await asyncio.sleep(1)
                continue
            try:
                await conn.add_listener(
                    "cc_prompts", lambda _c, _p, _ch, key: self._changes.put_nowait(str(key))
                )
                await self._full(conn)
                self.synced.set()
                while not conn.is_closed():
                    try:
                        key = await asyncio.wait_for(self._changes.get(), 5)
                    except TimeoutError:
                        await conn.execute("SELECT 1")  # notice a dead connection
                        continue
                    tenant_id, _, name = key.partition("/")
                    await self._one(conn, tenant_id, name)
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("prompt mirror lost PostgreSQL: %s", exc)
            finally:
                with contextlib.suppress(Exception):
                    await conn.close()
            await asyncio.sleep(1)

    async def _full(self, conn: Any) -> None:
        rows = await conn.fetch("SELECT tenant_id, name, sha256 FROM prompts")
        wanted = {self.path_of(r["tenant_id"], r["name"]) for r in rows}
        for stale in await asyncio.to_thread(_existing, self._root) - wanted:
            await asyncio.to_thread(stale.unlink, missing_ok=True)
        for r in rows:
            await self._one(conn, r["tenant_id"], r["name"])

    async def _one(self, conn: Any, tenant_id: str, name: str) -> None:
        row = await conn.fetchrow(
            "SELECT audio FROM prompts WHERE tenant_id = $1 AND name = $2", tenant_id, name
        )
        path = self.path_of(tenant_id, name)
        if row is None:
            await asyncio.to_thread(path.unlink, missing_ok=True)
        else:
            await asyncio.to_thread(_write, path, bytes(row["audio"]))


def _done_files(done: Path) -> list[Path]:
    return sorted(done.glob("*.wav")) if done.exists() else []


def _wav_seconds(data: bytes) -> float:
    import io
    import wave

    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            return w.getnframes() / float(w.getframerate() or 8000)
    except (wave.Error, EOFError):
        return 0.0


class RecordingCollector:
    """Moves finished call recordings from an Asterisk host into PostgreSQL.

    Asterisk's ``cc-record`` moves each finished file to ``<dir>/done`` as
    ``<tenant>.<uniqueid>.<linkedid>.wav``. Each file is inserted once (``uniqueid`` is
    unique) and deleted only after the insert committed, so a crash in between just means
    the next pass inserts nothing and deletes it.
    """

    def __init__(self, pool: Any, directory: str, interval: float = 1.0) -> None:
        self._pool = pool
        self._done = Path(directory) / "done"
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Collect in the background."""
        self._task = asyncio.ensure_future(self._run())
        self._task.set_name("recording-collector")

    async def stop(self) -> None:
        """Stop collecting."""
        if self._task is not None:
            await cancel_and_wait([self._task])

    async def _run(self) -> None:
        while True:
            try:
                await self.collect()
            except (OSError, DomainError) as exc:
                log.warning("recording collection failed: %s", exc)
            await asyncio.sleep(self._interval)

    async def collect(self) -> int:
        """One pass; returns how many files were stored."""
        stored = 0
        for path in await asyncio.to_thread(_done_files, self._done):
            # <tenant>.<system>-<epoch>.<seq>.<system>-<epoch>.<seq>.wav
            parts = path.name.removesuffix(".wav").split(".")
            if len(parts) != 5:
                log.warning("recording %s has an unexpected name; left alone", path.name)
                continue
            tenant_id, uniqueid, linkedid = parts[0], ".".join(parts[1:3]), ".".join(parts[3:])
            data = await asyncio.to_thread(path.read_bytes)
            async with connection(self._pool) as conn:
                await conn.execute(
                    "INSERT INTO recordings (tenant_id, uniqueid, linkedid, audio, seconds)"
                    " SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $1)"
                    " ON CONFLICT (uniqueid) DO NOTHING",
                    tenant_id,
                    uniqueid,
                    linkedid,
                    data,
                    round(_wav_seconds(data), 2),
                )
            await asyncio.to_thread(path.unlink, missing_ok=True)
            stored += 1
        return stored


def _inbox_files(root: Path) -> list[tuple[Path, str]]:
    """Every ``msgNNNN.txt`` under the voicemail spool with its text (read in a thread)."""
    if not root.exists():
        return []
    return [
        (p, p.read_text(errors="replace")) for p in sorted(root.glob("tenant-*/*/INBOX/msg*.txt"))
    ]


class VoicemailCollector:
    """Moves voicemail from an Asterisk host's spool into PostgreSQL (the browser inbox), and
    e-mails it to the mailbox's address when the operator configured an SMTP server.

    Each message is inserted once (its key is unique) and its files are removed only after
    the insert committed; the e-mail goes after that, and is marked sent.
    """

    def __init__(
        self, pool: Any, directory: str, mailer: Mailer | None = None, interval: float = 1.0
    ) -> None:
        self._pool = pool
        self._root = Path(directory)
        self._mailer = mailer
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Collect in the background."""
        self._task = asyncio.ensure_future(self._run())
        self._task.set_name("voicemail-collector")

    async def stop(self) -> None:
        """Stop collecting."""
        if self._task is not None:
            await cancel_and_wait([self._task])

    async def _run(self) -> None:
        while True:
            try:
                await self.collect()
            except (OSError, DomainError) as exc:
                log.warning("voicemail collection failed: %s", exc)
            await asyncio.sleep(self._interval)

    async def collect(self) -> int:
        """One pass; returns how many messages were stored."""
        stored = 0
        for txt, text in await asyncio.to_thread(_inbox_files, self._root):
            msg = parse_message(PurePath(txt.relative_to(self._root)), text)
            wav = txt.with_suffix(".wav")
            if msg is None or not await asyncio.to_thread(wav.exists):
                continue  # not ours, or app_voicemail still writing the audio
            audio = await asyncio.to_thread(wav.read_bytes)
            async with connection(self._pool) as conn:
                row = await conn.fetchrow(
                    "INSERT INTO voicemail_messages"
                    " (tenant_id, mailbox, msg_key, caller, seconds, received_at, audio)"
                    " SELECT $1, $2, $3, $4, $5, $6, $7"
                    " WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $1)"
                    " ON CONFLICT (msg_key) DO NOTHING RETURNING id,"
                    " (SELECT email FROM mailboxes WHERE tenant_id = $1 AND mailbox = $2) AS email,"
                    " (SELECT name FROM mailboxes WHERE tenant_id = $1 AND mailbox = $2) AS name",
                    msg.tenant_id,
                    msg.mailbox,
                    msg.key,
                    msg.caller,
                    msg.seconds,
                    msg.received_at,
                    audio,
                )
            for path in (txt, wav):
                await asyncio.to_thread(path.unlink, missing_ok=True)
            if row is None:
                continue
            stored += 1
            if self._mailer is not None and row["email"]:
                await self._mail(row["id"], msg, row["email"], row["name"] or "", audio)
        return stored

    async def _mail(self, msg_id: int, msg: Any, to: str, name: str, audio: bytes) -> None:
        assert self._mailer is not None
        try:
            await self._mailer.send(notice(msg, to, self._mailer.sender, audio, name))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("voicemail e-mail to %s failed: %s", to, exc)
            return
        async with connection(self._pool) as conn:
            await conn.execute(
                "UPDATE voicemail_messages SET emailed_at = now() WHERE id = $1", msg_id
            )
