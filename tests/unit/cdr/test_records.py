"""AMI ``Cdr`` events become the row cdr_pgsql writes, with the same key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callcenter.cdr.records import COLUMNS, NotACdr, cdr_row

EVENT = {
    "Event": "Cdr",
    "AccountCode": "acme",
    "Source": "13800138000",
    "Destination": "s",
    "DestinationContext": "cc-queue",
    "CallerID": '"13800138000" <13800138000>',
    "Channel": "PJSIP/carrier-00000001",
    "DestinationChannel": "PJSIP/acme-1001-00000002",
    "LastApplication": "Queue",
    "LastData": "acme-support",
    "StartTime": "2026-11-26 22:30:01",
    "AnswerTime": "2026-11-26 22:30:03",
    "EndTime": "2026-11-26 22:31:04",
    "Duration": "63",
    "BillableSeconds": "61",
    "Disposition": "ANSWERED",
    "AMAFlags": "DOCUMENTATION",
    "UniqueID": "1764196201.1",
    "UserField": "",
    "LinkedID": "1764196201.1",
    "Sequence": "7",
    "PeerAccount": "acme",
    "TenantID": "acme",
    "DID": "4008001234",
    "Direction": "inbound",
    "Queue": "acme-support",
}


def test_a_cdr_event_maps_to_the_cdr_row() -> None:
    row = dict(zip(COLUMNS, cdr_row(EVENT), strict=True))
    assert (row["uniqueid"], row["sequence"]) == ("1764196201.1", 7)
    assert row["start"] == datetime(2026, 11, 26, 22, 30, 1, tzinfo=UTC)
    assert (row["billsec"], row["duration"], row["amaflags"]) == (61, 63, 3)
    assert (row["tenantid"], row["did"], row["direction"], row["queue"]) == (
        "acme",
        "4008001234",
        "inbound",
        "acme-support",
    )
    assert row["dstchannel"] == "PJSIP/acme-1001-00000002"


def test_unset_variables_are_null_and_an_unanswered_leg_has_no_answer_time() -> None:
    row = dict(
        zip(
            COLUMNS,
            cdr_row({**EVENT, "AnswerTime": "", "Queue": "", "Disposition": "NO ANSWER"}),
            strict=True,
        )
    )
    assert row["answer"] is None and row["queue"] is None


@pytest.mark.parametrize(
    "change",
    [
        {"Sequence": ""},
        {"UniqueID": ""},
        {"Event": "Hangup"},
        {"StartTime": "yesterday"},
        {"BillableSeconds": "lots"},
    ],
)
def test_an_event_without_a_key_or_with_garbage_is_refused(change: dict[str, str]) -> None:
    with pytest.raises(NotACdr):
        cdr_row({**EVENT, **change})
