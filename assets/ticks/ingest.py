"""Ingest one business date of tick files: trades, quotes and end-of-day prices."""

from __future__ import annotations

from functools import partial

from assets.common.contracts import contracts_for
from assets.common.ingest import DayIngest, IngestReport
from assets.common.landing_csv import load_csv_table
from assets.common.paths import LakePaths
from assets.ticks.profiles import DEFAULT_PROFILE, PROFILES
from assets.ticks.read import local_timestamps, to_contract_layout

SOURCE = "ticks"


def ingest_ticks_day(
    paths: LakePaths, business_date: str, *, profile_name: str = DEFAULT_PROFILE, batch_id: str | None = None
) -> IngestReport:
    """Read landing/ticks/<date>/ under a vendor profile, validate, and write bronze and quarantine.

    Exchange-local times become UTC, trade_date is the exchange-local date of each print, and the
    contract's in_session rule sends prints outside the trading sessions to quarantine.
    """
    try:
        profile = PROFILES[profile_name]
    except KeyError:
        raise ValueError(
            f"Unknown tick profile {profile_name!r}; known profiles: {', '.join(PROFILES)}."
        ) from None
    day = DayIngest(paths, SOURCE, business_date, batch_id)
    folder = paths.landing_day(SOURCE, business_date)
    for contract in contracts_for(SOURCE):
        layout = profile.layouts[contract.table]
        loaded = load_csv_table(
            day,
            contract,
            folder / layout.file_name,
            required_columns=list(layout.columns),
            transform=partial(to_contract_layout, layout=layout, profile=profile),
            local_timestamps=local_timestamps(layout, profile),
        )
        loaded.publish(day)
    return day.finish()
