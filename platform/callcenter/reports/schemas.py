"""Query parameters of the reports API."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator


class ReportQuery(BaseModel):
    """``?from=...&to=...&interval=hour&tz=Asia/Shanghai&format=csv``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: AwareDatetime = Field(alias="from")
    end: AwareDatetime = Field(alias="to")
    interval: Literal["15min", "hour", "day", "month"] = "hour"
    tz: str = "Asia/Shanghai"
    sl_threshold_s: int | None = Field(default=None, ge=1, le=600)
    short_abandon_s: int = Field(default=5, ge=0, le=120)
    sl_counts_abandons: bool = True
    format: Literal["json", "csv"] = "json"

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown timezone") from None
        return value

    @field_validator("start", "end")
    @classmethod
    def _calendar(cls, value: AwareDatetime) -> AwareDatetime:
        # Call records start in this century; far dates also overflow once moved to UTC
        # (0001-01-01T00:00+01:00 is year 0).
        if not 2000 <= value.year <= 2200:
            raise ValueError("a date between the years 2000 and 2200")
        return value

    @model_validator(mode="after")
    def _range(self) -> ReportQuery:
        if self.end <= self.start:
            raise ValueError("'to' must be after 'from'")
        if (self.end - self.start).days > 400:
            raise ValueError("at most 400 days per report")
        return self
