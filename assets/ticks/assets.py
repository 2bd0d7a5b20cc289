"""Dagster assets of the ticks source: one bronze asset per contract table, with blocking checks."""

from __future__ import annotations

import dagster as dg


def build_ticks_definitions() -> dg.Definitions:
    """Trade prints, level-1 quotes and end-of-day prices as bronze assets with their checks.

    Reads the contracts, so it runs when definitions are built, never at import.
    """
    from assets.common.dagster_assets import build_bronze_multi_asset
    from assets.ticks.checks import build_ticks_checks
    from assets.ticks.ingest import ingest_ticks_day

    return dg.Definitions(
        assets=[build_bronze_multi_asset("ticks", ingest_ticks_day)], asset_checks=[build_ticks_checks()]
    )
