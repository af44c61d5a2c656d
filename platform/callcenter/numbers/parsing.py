"""Pure number normalisation for the Chinese PSTN: 400 numbers, city numbers, mobiles, +86.

A number is stored and matched in *national* form: the digits a carrier in China signals as
the called number (``4008001234``, ``075523456789``, ``13800138000``). Parsing is delegated
to ``phonenumbers`` (Google's libphonenumber metadata), which knows area-code lengths and
which ranges are valid.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import phonenumbers
from phonenumbers import PhoneNumberType

from callcenter.errors import InvalidInput

NumberKind = Literal["400", "city", "mobile"]

_SEPARATORS = re.compile(r"[\s\-().]")
_DIGITS_ONLY = re.compile(r"^[0-9]{1,20}$")
_ALLOWED = re.compile(r"^\+?[0-9]{3,20}$")


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """A valid Chinese number in its national and E.164 forms."""

    national: str
    e164: str
    kind: NumberKind


def compact_number(raw: str) -> str:
    """The number as typed, without separators: full-width digits and plus sign and the ideographic
    space become ASCII (NFKC), ``0086`` becomes ``+86``."""
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw).strip())
    if compact.startswith("0086"):
        compact = "+86" + compact[4:]
    return compact


def dialable(raw: object) -> object:
    """A number field's value in the digits the dialplan needs, for every form that takes a
    phone number (forwarding, mobiles, contacts, caller ids): ``+86 138 0013 8000`` and
    full-width digits become ``13800138000``; a city number written with +86 gets its 0 back.
    Anything else is returned as it is, for the field's own validation to refuse."""
    if not isinstance(raw, str):
        return raw
    compact = compact_number(raw)
    if compact.startswith("+"):
        try:
            return parse_number(raw).national
        except InvalidInput:
            return raw
    return compact if _DIGITS_ONLY.match(compact) else raw


def parse_number(raw: str, *, field: str = "number") -> ParsedNumber:
    """Parse a number as a user writes it; raise InvalidInput naming ``field``."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput("a phone number is required", field=field)
    if any(ord(c) < 32 or ord(c) == 127 for c in raw):
        raise InvalidInput("control characters are not allowed in a number", field=field)
    compact = compact_number(raw)
    if not _ALLOWED.match(compact):
        raise InvalidInput(
            "a phone number holds digits, spaces, dashes and a leading +",
            field=field,
            value=raw[:40],
        )
    try:
        parsed = phonenumbers.parse(compact, "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(f"not a phone number: {exc}", field=field, value=raw[:40]) from exc
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        raise InvalidInput("not a valid number in China", field=field, value=raw[:40])
    national_significant = phonenumbers.national_significant_number(parsed)
    number_type = phonenumbers.number_type(parsed)
    kind: NumberKind
    if national_significant.startswith("400") and len(national_significant) == 10:
        kind, national = "400", national_significant
    elif number_type == PhoneNumberType.MOBILE:
        kind, national = "mobile", national_significant
    elif number_type in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        kind, national = "city", "0" + national_significant
    else:
        raise InvalidInput(
            "only 400, city and mobile numbers are supported", field=field, value=raw[:40]
        )
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return ParsedNumber(national=national, e164=e164, kind=kind)


def format_display(number: ParsedNumber) -> str:
    """The way a Chinese user writes the number: ``400-800-1234``, ``0755-2345-6789``."""
    n = number.national
    if number.kind == "400":
        return f"{n[:3]}-{n[3:6]}-{n[6:]}"
    if number.kind == "mobile":
        return f"{n[:3]}-{n[3:7]}-{n[7:]}"
    area_len = 3 if n[1] in "12" else 4  # 010, 02x are three-digit area codes
    area, local = n[:area_len], n[area_len:]
    half = len(local) // 2
    return f"{area}-{local[:half]}-{local[half:]}"
