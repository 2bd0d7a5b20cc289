"""Headless runs of the end-of-day job over a range of trading days, as one run per range."""

from __future__ import annotations

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.common.paths import LakePaths
from orchestration.instance import prepare_environment


def prepare_dbt_manifest() -> None:
    """`dbt parse` once if the manifest is missing: it is a build artifact, never committed."""
    from orchestration.dbt_project import dbt_project

    if not dbt_project.manifest_path.exists():
        dbt_project.preparer.prepare(dbt_project)


def materialize_days(
    paths: LakePaths, first_day: str, last_day: str, job_name: str = "eod_build_job"
) -> bool:
    """Run a job for every trading day in [first_day, last_day] in one in-process run; True if it succeeded.

    The partitioned assets use single-run backfill policies, so the whole range is ingested and
    the incremental models are built once for the window instead of once per day.
    """
    prepare_environment(paths)
    prepare_dbt_manifest()
    from orchestration.definitions import build_definitions

    defs = build_definitions()
    job = defs.resolve_job_def(job_name)
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            tags={ASSET_PARTITION_RANGE_START_TAG: first_day, ASSET_PARTITION_RANGE_END_TAG: last_day},
            raise_on_error=False,
            # Step starts, outputs and check results are in the UI; the terminal gets the essentials.
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    return result.success
