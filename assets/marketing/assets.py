"""Dagster assets of the marketing source: one bronze asset per contract table, with blocking checks."""

from __future__ import annotations

import dagster as dg


def build_marketing_definitions() -> dg.Definitions:
    """Marketing spend as bronze assets with their checks.

    Reads the contracts, so it runs when definitions are built, never at import.
    """
    from assets.common.dagster_assets import build_bronze_multi_asset
    from assets.marketing.checks import build_marketing_checks
    from assets.marketing.ingest import ingest_marketing_day

    return dg.Definitions(
        assets=[build_bronze_multi_asset("marketing", ingest_marketing_day)],
        asset_checks=[build_marketing_checks()],
    )
