"""Asset jobs: what an operator launches, and what schedules and sensors request."""

from __future__ import annotations

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from orchestration.partitions import trading_day_partitions

BRONZE = dg.AssetSelection.key_prefixes(["bronze"])


def eod_build_job() -> UnresolvedAssetJobDefinition:
    """A trading day end to end: ingest every source, then build the dbt models on top."""
    return dg.define_asset_job(
        name="eod_build_job",
        selection=dg.AssetSelection.all() - dg.AssetSelection.groups("ml"),
        partitions_def=trading_day_partitions(),
        description=(
            "Ingest a trading day's landing files into bronze and rebuild the warehouse on top of them."
        ),
        tags={"marginlake/cadence": "end_of_day"},
    )


def ingest_job() -> UnresolvedAssetJobDefinition:
    """Bronze only: re-ingest a day (for example after a late or corrected file)."""
    return dg.define_asset_job(
        name="ingest_job",
        selection=BRONZE,
        partitions_def=trading_day_partitions(),
        description="Ingest one trading day's landing files into bronze and quarantine.",
    )
