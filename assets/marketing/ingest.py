"""Ingest one business date of marketing spend."""

from __future__ import annotations

import datetime as dt

from assets.common.calendar import previous_trading_day
from assets.common.contracts import load_contract
from assets.common.ingest import DayIngest, IngestReport
from assets.common.landing_csv import load_csv_table
from assets.common.paths import LakePaths

SOURCE = "marketing"
TABLE = "marketing_spend"


def first_spend_date(business_date: str) -> dt.date:
    """The earliest spend_date a business date's file may carry: the day after the previous trading day.

    Spend of weekends and holidays arrives with the next trading day and keeps its calendar date.
    """
    previous = previous_trading_day(business_date)
    day = dt.date.fromisoformat(business_date)
    return previous + dt.timedelta(days=1) if previous is not None else day


def ingest_marketing_day(
    paths: LakePaths, business_date: str, *, batch_id: str | None = None
) -> IngestReport:
    """Read landing/marketing/<date>/marketing_spend.csv, validate, and write bronze and quarantine."""
    day = DayIngest(paths, SOURCE, business_date, batch_id)
    contract = load_contract(SOURCE, TABLE)
    path = paths.landing_day(SOURCE, business_date) / f"{TABLE}.csv"
    load_csv_table(day, contract, path, earliest_date=first_spend_date(business_date)).publish(day)
    return day.finish()
