"""Outbound dial patterns against toll fraud."""

from __future__ import annotations

from pathlib import Path

import pytest

import callcenter.db
from callcenter.errors import InvalidInput
from callcenter.routing.outbound import allowed, compile_patterns

MIGRATIONS = Path(callcenter.db.__file__).parent / "migrations"
DOMESTIC = ["1[3-9]XXXXXXXXX", "0ZXXXXXXXX", "0ZXXXXXXXXX", "0ZXXXXXXXXXX"]


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("13800138000", True),  # mobile
        ("12800138000", False),  # no such mobile prefix
        ("075523456789", True),  # Shenzhen landline with area code
        ("01012345678", True),  # Beijing
        ("0012125551234", False),  # international: not in the patterns
        ("138001380001", False),  # one digit too many
        ("", False),
    ],
)
def test_domestic_patterns(number: str, ok: bool) -> None:
    assert allowed(number, DOMESTIC) is ok


def test_the_regex_is_the_default_of_the_schema() -> None:
    sql = (MIGRATIONS / "0002_routing.sql").read_text()
    assert f"'{compile_patterns(DOMESTIC)}'" in sql
    assert "ARRAY[" + ", ".join(f"'{p}'" for p in DOMESTIC) + "]" in sql


def test_wildcards() -> None:
    assert allowed("4001234567", ["400."])
    assert not allowed("400", ["400."])
    assert allowed("400", ["400!"])
    assert allowed("95555", ["N5555"]) and not allowed("15555", ["N5555"])


@pytest.mark.parametrize(
    "bad", ["1${X}", "1,2", "13|14", "1[a-z]", ".", "[", "1..", "1.X", "x" * 40, "13800&1"]
)
def test_malformed_patterns_are_refused_by_index(bad: str) -> None:
    with pytest.raises(InvalidInput) as err:
        compile_patterns(["1[3-9]XXXXXXXXX", bad])
    assert err.value.details["field"] == "outbound_patterns[1]"


def test_no_patterns_reach_nothing() -> None:
    assert not allowed("13800138000", [])


def test_the_regex_has_nothing_the_dialplan_would_interpret() -> None:
    regex = compile_patterns([*DOMESTIC, "400.", "N!"])
    assert not set(regex) & set(',"{}\\;&\n')
    assert "${" not in regex and "$[" not in regex
