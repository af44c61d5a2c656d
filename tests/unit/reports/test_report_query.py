"""Report query parameters: bad dates are refused before they reach SQL."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from callcenter.reports.schemas import ReportQuery


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        # Found by fuzzing: year 1 at +01:00 is year 0 in UTC, which PostgreSQL's driver
        # cannot encode (it was a 500).
        ("0001-01-01T00:00:00+01:00", "2026-01-01T00:00:00+00:00", "from"),
        ("2026-01-01T00:00:00+00:00", "9999-12-31T23:59:59-05:00", "to"),
    ],
)
def test_dates_outside_the_calendar_of_call_records_are_refused(
    start: str, end: str, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        ReportQuery.model_validate({"from": start, "to": end})
    assert refused.value.errors()[0]["loc"] == (field,)


def test_an_ordinary_range_passes() -> None:
    q = ReportQuery.model_validate(
        {"from": "2026-12-01T00:00:00+08:00", "to": "2026-12-02T00:00:00+08:00"}
    )
    assert (q.end - q.start).days == 1
