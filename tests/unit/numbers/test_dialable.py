"""One parser for every number field: +86, spaces, dashes and full-width digits."""

from __future__ import annotations

import pytest

from callcenter.numbers.parsing import dialable, parse_number


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c == "+" else c for c in text)


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("+86 138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        (full_width("13800138000"), "13800138000"),
        (full_width("+86 755 2345 6789"), "075523456789"),
        ("0086 755 2345 6789", "075523456789"),
        ("1001", "1001"),
    ],
)
def test_numbers_as_people_write_them_become_the_digits_we_dial(typed: str, digits: str) -> None:
    assert dialable(typed) == digits


@pytest.mark.parametrize("typed", ["abc", "+1 202 555 0100", "", None])
def test_anything_else_is_left_for_the_field_to_refuse(typed: object) -> None:
    assert dialable(typed) == typed


def test_the_full_parser_reads_full_width_digits_and_the_ideographic_space() -> None:
    parsed = parse_number(full_width("400") + "\u3000" + full_width("820") + "-5678")
    assert parsed.national == "4008205678" and parsed.kind == "400"
