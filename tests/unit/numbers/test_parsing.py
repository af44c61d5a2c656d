"""Number normalisation: what tenants type becomes what the carrier signals."""

import pytest

from callcenter.errors import InvalidInput
from callcenter.numbers.parsing import format_display, parse_number


@pytest.mark.parametrize(
    ("raw", "national", "kind"),
    [
        ("400-800-1234", "4008001234", "400"),
        ("4008001234", "4008001234", "400"),
        ("400 800 1234", "4008001234", "400"),
        ("0755-2345-6789", "075523456789", "city"),
        ("075523456789", "075523456789", "city"),
        ("(010) 6552 9988", "01065529988", "city"),
        ("+86 755 2345 6789", "075523456789", "city"),
        ("008675523456789", "075523456789", "city"),
        ("+86 138 0013 8000", "13800138000", "mobile"),
        ("13800138000", "13800138000", "mobile"),
    ],
)
def test_numbers_normalise_to_the_national_form_the_carrier_signals(
    raw: str, national: str, kind: str
) -> None:
    parsed = parse_number(raw)
    assert parsed.national == national
    assert parsed.kind == kind
    assert parsed.e164 == "+86" + national.lstrip("0")


def test_display_form_groups_digits_as_users_write_them() -> None:
    assert format_display(parse_number("4008001234")) == "400-800-1234"
    assert format_display(parse_number("075523456789")) == "0755-2345-6789"
    assert format_display(parse_number("01065529988")) == "010-6552-9988"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "400-800-12",
        "+1 650 253 0000",
        "12345",
        "0755-2345-6789;1",
        "4008001234\r\nAction: Originate",
        "${EXTEN}",
        "075523456789&1",
        "+86 000 0000 0000",
    ],
)
def test_bad_input_is_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_number(raw, field="numbers[0]")
    assert info.value.details["field"] == "numbers[0]"
