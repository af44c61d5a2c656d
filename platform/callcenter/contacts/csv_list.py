"""A contact list from CSV, for the tenant's contacts and for campaigns alike: one row per
contact, every bad row reported. Pure; the upload's
bytes become text in ``web.io.read_csv_upload``.

The header names the columns. One of them holds the number (``phone``, ``number``,
``mobile``, ``电话``, ``手机``, ``号码``); ``name`` or ``姓名`` the contact's name; every other
column is kept as the contact's own field and shown to the agent. Numbers are parsed with
the platform's one number parser (``numbers.parsing``): any common written form of a
Chinese number is accepted and stored in national form. A row is refused with its line
number and a reason: a bad number, or a number already in the list (earlier in the file or
uploaded before).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from callcenter.errors import InvalidInput
from callcenter.numbers.parsing import parse_number

PHONE_HEADERS = ("phone", "number", "mobile", "tel", "电话", "手机", "号码", "电话号码", "手机号")
NAME_HEADERS = ("name", "姓名", "名字", "客户")
MAX_ROWS = 50_000
MAX_COLUMNS = 30
MAX_HEADER = 64
MAX_VALUE = 500

RowProblem = Literal["bad-number", "duplicate", "too-long"]


@dataclass(frozen=True, slots=True)
class ListedContact:
    """One good row: its line in the file, national number, name and other columns."""

    line: int
    phone: str
    name: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RowError:
    """One refused row: its line in the file (the header is line 1) and why."""

    line: int
    problem: RowProblem
    field: str
    value: str


@dataclass(frozen=True, slots=True)
class ParsedList:
    """The contacts to add and the rows refused."""

    contacts: list[ListedContact]
    errors: list[RowError]


def national_number(raw: str) -> str:
    """The platform's parse of a written number, in national form (``InvalidInput`` if bad)."""
    return parse_number(raw, field="phone").national


def _clean(cell: str) -> str:
    return cell.strip().replace("\x00", "")


def parse_contact_list(
    text: str,
    known: Iterable[str] = (),
    *,
    parse_phone: Callable[[str], str] = national_number,
    max_rows: int = MAX_ROWS,
    require_name: bool = False,
) -> ParsedList:
    """Parse a CSV contact list; ``known`` numbers (already in the list) are duplicates.

    ``parse_phone`` turns a cell into the stored number or raises ``InvalidInput``."""
    text = text.removeprefix("\ufeff")
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None or not any(h.strip() for h in header):
        raise InvalidInput("the file has no header line", field="csv")
    names = [_clean(h) for h in header]
    lowered = [h.lower() for h in names]
    phone_col = next((i for i, h in enumerate(lowered) if h in PHONE_HEADERS), None)
    if phone_col is None:
        raise InvalidInput("no phone column (phone, 电话, 手机, 号码)", field="csv.phone")
    name_col = next((i for i, h in enumerate(lowered) if h in NAME_HEADERS), None)
    if name_col is None and require_name:
        raise InvalidInput("no name column (name, 姓名)", field="csv.name")
    if len(names) > MAX_COLUMNS:
        raise InvalidInput(f"at most {MAX_COLUMNS} columns", field="csv")
    for i, h in enumerate(names):
        if not h or len(h) > MAX_HEADER:
            raise InvalidInput(f"column {i + 1} needs a name of 1-64 characters", field="csv")
    if len(set(lowered)) != len(lowered):
        raise InvalidInput("two columns have the same name", field="csv")
    seen = set(known)
    contacts: list[ListedContact] = []
    errors: list[RowError] = []
    for line_no, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue  # blank lines (spreadsheets leave them at the end)
        if len(contacts) + len(errors) >= max_rows:
            raise InvalidInput(f"at most {max_rows} rows", field="csv")
        cells = [_clean(c) for c in row] + [""] * (len(names) - len(row))
        raw = cells[phone_col]
        if any(len(c) > MAX_VALUE for c in cells):
            errors.append(RowError(line_no, "too-long", "row", raw[:40]))
            continue
        try:
            phone = parse_phone(raw)
        except InvalidInput:
            errors.append(RowError(line_no, "bad-number", names[phone_col], raw[:40]))
            continue
        if phone in seen:
            errors.append(RowError(line_no, "duplicate", names[phone_col], phone))
            continue
        seen.add(phone)
        extra = {
            names[i]: cells[i]
            for i in range(len(names))
            if i not in (phone_col, name_col) and i < len(cells)
        }
        name = cells[name_col][:200] if name_col is not None else ""
        contacts.append(ListedContact(line_no, phone, name, extra))
    return ParsedList(contacts, errors)
