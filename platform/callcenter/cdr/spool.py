"""A write-ahead spool for the AMI CDR path: records survive a control-plane crash.

Records are appended to numbered segment files (``cdr-<n>.jsonl``, one JSON array per line,
fsynced) before they count as received; a segment is deleted once every record in it is in
PostgreSQL. On start, the records of the segments left behind are replayed (the insert is
idempotent, so replaying a record PostgreSQL already has is harmless). File work runs in a
thread, one operation at a time, never on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

Row = tuple[Any, ...]


def encode(row: Row) -> str:
    """One record as a JSON line (datetimes as ISO 8601 with their offset)."""
    return json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in row])


def decode(line: str, time_columns: frozenset[int]) -> Row:
    """A JSON line back into a record; ``time_columns`` are the indexes holding datetimes."""
    values = json.loads(line)
    return tuple(
        datetime.fromisoformat(v) if i in time_columns and v is not None else v
        for i, v in enumerate(values)
    )


class Spool:
    """Segment files in ``directory``; ``segment_records`` records per segment."""

    def __init__(self, directory: Path, segment_records: int = 10_000) -> None:
        self.directory = directory
        self.segment_records = segment_records
        self._segment = 0
        self._in_segment = 0
        self._lock = asyncio.Lock()

    @property
    def current(self) -> int:
        """The segment new records go to."""
        return self._segment

    def _path(self, segment: int) -> Path:
        return self.directory / f"cdr-{segment:012d}.jsonl"

    def _segments(self) -> list[int]:
        return sorted(
            int(p.stem.removeprefix("cdr-"))
            for p in self.directory.glob("cdr-*.jsonl")
            if p.stem.removeprefix("cdr-").isdigit()
        )

    def _recover(self) -> list[tuple[int, str]]:
        self.directory.mkdir(parents=True, exist_ok=True)
        found = self._segments()
        lines: list[tuple[int, str]] = []
        for segment in found:
            with open(self._path(segment), encoding="utf-8") as fh:
                # A line cut by a crash is incomplete JSON and has no newline: skip it.
                lines += [(segment, ln) for ln in fh.read().split("\n")[:-1] if ln]
        self._segment = (found[-1] + 1) if found else 0
        return lines

    async def recover(self) -> list[tuple[int, str]]:
        """The (segment, line) pairs of records a previous run did not confirm."""
        async with self._lock:
            return await asyncio.to_thread(self._recover)

    def _append(self, lines: list[str]) -> list[int]:
        segments: list[int] = []
        rest = lines
        while rest:
            room = self.segment_records - self._in_segment
            chunk, rest = rest[:room], rest[room:]
            with open(self._path(self._segment), "a", encoding="utf-8") as fh:
                fh.write("".join(line + "\n" for line in chunk))
                fh.flush()
                os.fsync(fh.fileno())
            segments += [self._segment] * len(chunk)
            self._in_segment += len(chunk)
            if self._in_segment >= self.segment_records:
                self._segment += 1
                self._in_segment = 0
        return segments

    async def append(self, lines: list[str]) -> list[int]:
        """Append and fsync; the segment each line went to."""
        async with self._lock:
            return await asyncio.to_thread(self._append, lines)

    def _release(self, below: int) -> None:
        for segment in self._segments():
            if segment < below and segment != self._segment:
                self._path(segment).unlink(missing_ok=True)

    async def release(self, below: int) -> None:
        """Delete the segments whose records are all in PostgreSQL (numbers < ``below``)."""
        async with self._lock:
            await asyncio.to_thread(self._release, below)

    async def rotate(self) -> None:
        """Start a new segment (so the current one can be released once written)."""
        async with self._lock:
            if self._in_segment:
                self._segment += 1
                self._in_segment = 0
