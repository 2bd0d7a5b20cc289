"""The exchange calendar: which days are trading days and when the sessions run."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import exchange_calendars as xcals
import pandas as pd

EXCHANGE = "XSHG"
EXCHANGE_TZ = ZoneInfo("Asia/Shanghai")
# Continuous-trading sessions of the Shanghai Stock Exchange, exchange-local time.
SESSIONS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(9, 30), dt.time(11, 30)),
    (dt.time(13, 0), dt.time(15, 0)),
)


@lru_cache(maxsize=1)
def exchange_calendar() -> xcals.ExchangeCalendar:
    return xcals.get_calendar(EXCHANGE)


def _as_date(value: str | dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def trading_days(start: str | dt.date, end: str | dt.date) -> list[dt.date]:
    """Trading days in [start, end], both inclusive (clipped to the calendar's known range)."""
    cal = exchange_calendar()
    first = max(pd.Timestamp(_as_date(start)), cal.first_session)
    last = min(pd.Timestamp(_as_date(end)), cal.last_session)
    if first > last:
        return []
    sessions = cal.sessions_in_range(first, last)
    return [ts.date() for ts in sessions]


def next_trading_days(start: str | dt.date, count: int) -> list[dt.date]:
    """The first `count` trading days on or after start."""
    cal = exchange_calendar()
    first = cal.date_to_session(pd.Timestamp(_as_date(start)), direction="next")
    return [ts.date() for ts in cal.sessions_window(first, count)]


def is_trading_day(day: str | dt.date) -> bool:
    return bool(exchange_calendar().is_session(pd.Timestamp(_as_date(day))))


def weekday_holidays(start: str | dt.date, end: str | dt.date) -> list[dt.date]:
    """Weekdays in [start, end] on which the exchange is closed (holidays and make-up closures)."""
    days = pd.bdate_range(_as_date(start), _as_date(end))
    open_days = set(trading_days(start, end))
    return [d.date() for d in days if d.date() not in open_days]


def last_calendar_day() -> dt.date:
    """The last day the installed calendar knows; partitions must not run past it."""
    return exchange_calendar().last_session.date()


def in_session(local_time: dt.time) -> bool:
    """Whether an exchange-local time of day falls inside continuous trading."""
    return any(start <= local_time <= end for start, end in SESSIONS)


def previous_trading_day(day: str | dt.date) -> dt.date | None:
    """The last trading day strictly before `day`; None before the calendar's first session."""
    cal = exchange_calendar()
    ts = pd.Timestamp(_as_date(day))
    if ts <= cal.first_session:
        return None
    return cal.date_to_session(ts - pd.Timedelta(days=1), direction="previous").date()
