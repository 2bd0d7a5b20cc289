"""Business dates and times: every timestamp is derived from a trading day and a local time of day."""

from __future__ import annotations

import datetime as dt

import numpy as np

from assets.common.calendar import EXCHANGE_TZ, SESSIONS, next_trading_days

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
_UTC = dt.UTC


def local_us(hour: int, minute: int = 0, second: int = 0) -> int:
    """Microseconds since local midnight."""
    return hour * US_PER_HOUR + minute * US_PER_MINUTE + second * US_PER_SECOND


def _session_bounds_us() -> tuple[tuple[int, int], ...]:
    return tuple(
        (local_us(a.hour, a.minute, a.second), local_us(b.hour, b.minute, b.second)) for a, b in SESSIONS
    )


SESSION_US: tuple[tuple[int, int], ...] = _session_bounds_us()
SESSION_LENGTH_US: int = sum(end - start for start, end in SESSION_US)


def session_offset_to_local(offset_us: np.ndarray) -> np.ndarray:
    """Map microseconds of continuous trading (0 .. SESSION_LENGTH_US) to local time of day."""
    (s1, e1), (s2, _e2) = SESSION_US
    first_len = e1 - s1
    return offset_us + s1 + (offset_us >= first_len) * (s2 - e1)


class Clock:
    """Formats times of one trading day in UTC, the way platform exports carry them."""

    def __init__(self, day: dt.date) -> None:
        self.day = day
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=EXCHANGE_TZ)
        self.midnight_utc = midnight.astimezone(_UTC).replace(tzinfo=None)

    def utc(self, local_time_us: int) -> str:
        """ISO 8601 UTC with microseconds and a Z, e.g. 2026-03-02T01:31:05.123456Z."""
        moment = self.midnight_utc + dt.timedelta(microseconds=int(local_time_us))
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def local_iso(self, local_time_us: int) -> str:
        """ISO 8601 with the exchange offset (bank files carry local time)."""
        moment = dt.datetime.combine(self.day, dt.time(), tzinfo=EXCHANGE_TZ) + dt.timedelta(
            microseconds=int(local_time_us)
        )
        return moment.isoformat(timespec="seconds")


def business_days(start: dt.date, count: int) -> list[dt.date]:
    """The simulated trading days, plus the session after the last (for settlement and accrual)."""
    return next_trading_days(start, count + 1)


def simulated_days(start: dt.date | str, days: int) -> list[dt.date]:
    """The business dates a simulation with this start and length writes, in order."""
    first = dt.date.fromisoformat(start) if isinstance(start, str) else start
    return next_trading_days(first, days)


def is_month_start(days: list[dt.date], index: int) -> bool:
    """Whether days[index] is the first trading day of its month within the simulation."""
    return index > 0 and days[index].month != days[index - 1].month
