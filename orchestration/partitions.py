"""One trading-day partitions definition shared by ingestion and the incremental dbt models."""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache

import dagster as dg

from assets.common.calendar import EXCHANGE_TZ, last_calendar_day, weekday_holidays

# The first business date the lake holds; the sample platform starts here too.
DEFAULT_START_DATE = "2026-03-02"


def partitions_start_date() -> str:
    """MARGINLAKE_START_DATE, else the default; read when definitions are built, not at import."""
    return os.environ.get("MARGINLAKE_START_DATE", DEFAULT_START_DATE)


@lru_cache(maxsize=4)
def _trading_day_partitions(start: str) -> dg.TimeWindowPartitionsDefinition:
    # Weekdays in the exchange's time zone, minus the exchange's weekday holidays. The calendar
    # knows holidays only up to its last session, so partitions stop there (end is exclusive).
    end = last_calendar_day() + dt.timedelta(days=1)
    return dg.TimeWindowPartitionsDefinition(
        start=start,
        end=end.isoformat(),
        fmt="%Y-%m-%d",
        cron_schedule="0 0 * * 1-5",
        timezone=str(EXCHANGE_TZ),
        exclusions=[
            dt.datetime.combine(d, dt.time(), tzinfo=EXCHANGE_TZ)
            for d in weekday_holidays(start, last_calendar_day())
        ],
    )


def trading_day_partitions() -> dg.TimeWindowPartitionsDefinition:
    return _trading_day_partitions(partitions_start_date())
