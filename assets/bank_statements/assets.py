"""Dagster assets of the bank_statements source: one bronze asset per contract table, with blocking checks."""

from __future__ import annotations

import dagster as dg


def build_bank_statements_definitions() -> dg.Definitions:
    """Bank statements and their lines as bronze assets with their checks.

    Reads the contracts, so it runs when definitions are built, never at import.
    """
    from assets.bank_statements.checks import build_bank_statements_checks
    from assets.bank_statements.ingest import ingest_bank_statements_day
    from assets.common.dagster_assets import build_bronze_multi_asset

    return dg.Definitions(
        assets=[build_bronze_multi_asset("bank_statements", ingest_bank_statements_day)],
        asset_checks=[build_bank_statements_checks()],
    )
