"""Render ``asterisk_conf/<flavour>/`` templates: ``@@NAME@@`` placeholders become values.

``@@`` is used instead of ``${}`` because Asterisk's own dialplan syntax is ``${}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

_PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9_./:@+-]*$")

TEMPLATES = Path(__file__).resolve().parents[3] / "asterisk_conf"


def render_text(text: str, params: Mapping[str, str]) -> str:
    """Fill placeholders; a missing name or a value with config metacharacters is an error."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise KeyError(f"no value for @@{name}@@")
        value = params[name]
        if not _SAFE_VALUE.match(value):
            raise ValueError(f"unsafe value for @@{name}@@: {value!r}")
        return value

    return _PLACEHOLDER.sub(fill, text)


def render_dir(
    flavour: str, out_dir: Path, params: Mapping[str, str], templates: Path = TEMPLATES
) -> list[Path]:
    """Render every file of ``templates/flavour`` into ``out_dir``; return the paths written."""
    source = templates / flavour
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for template in sorted(source.iterdir()):
        if template.is_file():
            target = out_dir / template.name
            target.write_text(
                render_text(template.read_text(encoding="utf-8"), params), encoding="utf-8"
            )
            written.append(target)
    return written
