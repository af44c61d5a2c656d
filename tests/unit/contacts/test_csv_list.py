"""The tenant's contacts and a campaign's list are read by one CSV parser."""

from __future__ import annotations

import pytest

from callcenter.contacts.csv_list import parse_contact_list
from callcenter.contacts.service import parse_contacts_csv
from callcenter.errors import InvalidInput


def test_contacts_import_takes_the_campaign_lists_headers_and_number_forms() -> None:
    text = "\ufeff手机,姓名,Company,城市\n+86 139 0000 1111,王芳,芳华,北京\n1001,前台,,\n"
    rows = parse_contacts_csv(text)
    assert [(c.phone, c.name, c.company) for c in rows] == [
        ("13900001111", "王芳", "芳华"),
        ("1001", "前台", ""),  # a CRM keeps a short number as its digits
    ]
    # The same file as a campaign list: the platform's parser alone, other columns kept.
    listed = parse_contact_list(text)
    assert [c.phone for c in listed.contacts] == ["13900001111"]
    assert listed.contacts[0].fields == {"Company": "芳华", "城市": "北京"}
    assert [(e.line, e.problem) for e in listed.errors] == [(3, "bad-number")]


@pytest.mark.parametrize(
    ("text", "field", "line"),
    [
        ("phone,name\n13600000000,Ok\nabc,\n", "phone", 3),
        ("phone,name\n13600000000,A\n136 0000 0000,B\n", "phone", 3),
        ("phone,name\n13600000000,\n", "name", 2),
        ("phone,city\n13600000000,X\n", "csv.name", None),
    ],
)
def test_a_bad_contacts_file_is_refused_whole_naming_line_and_field(
    text: str, field: str, line: int | None
) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_contacts_csv(text)
    assert err.value.details["field"] == field
    assert err.value.details.get("line") == line
