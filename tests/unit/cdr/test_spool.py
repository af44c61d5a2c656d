"""The write-ahead spool of the AMI CDR path: segments, recovery after a crash, release."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from callcenter.cdr.spool import Spool, decode, encode


def files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def write(path: Path, text: str) -> None:
    path.write_text(text)


def test_a_record_round_trips_through_its_json_line() -> None:
    row = (datetime(2026, 11, 26, 22, 30, 1, tzinfo=UTC), None, "u.1", 7, None)
    assert decode(encode(row), frozenset({0, 1})) == row


async def test_segments_fill_recover_and_are_released(tmp_path: Path) -> None:
    spool = Spool(tmp_path, segment_records=2)
    await spool.recover()
    assert await spool.append(["a", "b", "c"]) == [0, 0, 1]
    assert await spool.append(["d"]) == [1]
    # A crash cut the last line in half: it has no newline and is not replayed.
    write(tmp_path / "cdr-000000000002.jsonl", '["half')
    after_crash = Spool(tmp_path, segment_records=2)
    assert await after_crash.recover() == [(0, "a"), (0, "b"), (1, "c"), (1, "d")]
    assert after_crash.current == 3
    await after_crash.release(below=1)
    assert files(tmp_path) == [
        "cdr-000000000001.jsonl",
        "cdr-000000000002.jsonl",
    ]
    await after_crash.release(below=3)
    assert files(tmp_path) == []
