"""Dagster assets of the platform source: one bronze asset per contract table, with blocking checks."""

from __future__ import annotations

import dagster as dg


def build_platform_definitions() -> dg.Definitions:
    """The platform tables as bronze assets with their checks.

    Each partition reads the daily export files, or the platform's PostgreSQL database when
    MARGINLAKE_PLATFORM_DB_URI is set where the run executes (see postgres_source.py). Reads the
    contracts, so it runs when definitions are built, never at import.
    """
    from assets.common.dagster_assets import build_bronze_multi_asset
    from assets.platform.checks import build_platform_checks
    from assets.platform.ingest import ingest_platform_day

    return dg.Definitions(
        assets=[build_bronze_multi_asset("platform", ingest_platform_day)],
        asset_checks=[build_platform_checks()],
    )
