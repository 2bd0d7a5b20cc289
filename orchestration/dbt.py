"""dbt models as Dagster assets: the incremental, trading-day-partitioned models, everything else, and
the models that read the ML outputs back."""

import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.dbt_project import dbt_project
from orchestration.partitions import trading_day_partitions
from orchestration.resources import LakeSettings

# Models tagged `partitioned` are incremental by trading day and receive the partition window as
# vars; everything downstream of them is built in the same step, so the unpartitioned group never
# depends on the partitioned one (the models reading ML outputs form a third step, below).
PARTITIONED_SELECTOR = "tag:partitioned+"
# Models that read what the ML assets write back (the `ml` source: daily credit scores, anomaly
# alerts) and everything downstream of them form a third group. The ML assets read marts built by
# the other two groups; if the readers of their outputs sat in those same multi-assets, the
# dbt -> ML -> dbt chain would be a cycle between steps. Partitioned like the scores they read.
ML_FED_SELECTOR = "source:ml+"
UNIT_TESTS_EXCLUDED = ("--exclude-resource-type", "unit_test")
# Everything that writes warehouse.duckdb runs in this pool (limit 1): DuckDB allows one writer.
WAREHOUSE_POOL = "warehouse_writer"


def partition_vars(start_date: str, end_date: str) -> dict[str, str]:
    """The dbt vars for a window of business dates [start_date, end_date)."""
    if end_date <= start_date:
        raise ValueError(f"empty partition window: {start_date} .. {end_date}")
    return {"min_date": start_date, "max_date": end_date}


def dbt_build_args(window: tuple[str, str] | None = None, full_refresh: bool = False) -> list[str]:
    """CLI arguments for one `dbt build`; a pure function so the wiring has its own tests.

    Unit tests are left out: they check the SQL against hand-computed rows, which only changes
    with the code, so CI runs them (tests/dbt) and the daily build does not pay for them. Data
    tests (the invariants, severity error) still run and still block everything downstream.
    """
    args = ["build", *UNIT_TESTS_EXCLUDED]
    if window is not None:
        args += ["--vars", json.dumps(partition_vars(*window))]
    if full_refresh:
        args.append("--full-refresh")
    return args


def run_partition_window(run_tags: Mapping[str, str]) -> tuple[str, str] | None:
    """The business dates [start, end) of the trading days a run was launched for, or None.

    The unpartitioned group runs inside the end-of-day job's partitioned runs too; handed the
    run's window, its models' data tests check the days the run brought in (see
    macros/data_tests_in_window.sql) instead of the whole history again. Launched on its own,
    without a partition, it tests everything.
    """
    first = run_tags.get(ASSET_PARTITION_RANGE_START_TAG) or run_tags.get(PARTITION_NAME_TAG)
    last = run_tags.get(ASSET_PARTITION_RANGE_END_TAG) or run_tags.get(PARTITION_NAME_TAG)
    if not first or not last:
        return None
    partitions = trading_day_partitions()
    return window_dates(
        dg.TimeWindow(
            partitions.time_window_for_partition_key(first).start,
            partitions.time_window_for_partition_key(last).end,
        )
    )


def window_dates(window: dg.TimeWindow) -> tuple[str, str]:
    """A partition time window as the business dates [start, end) the dbt vars take."""
    return f"{window.start:%Y-%m-%d}", f"{window.end:%Y-%m-%d}"


class MarginlakeDbtTranslator(DagsterDbtTranslator):
    """Keys and groups from the folder a model lives in, never from hard-coded model names."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)  # meta.dagster.asset_key in the YAML
        fqn = dbt_resource_props["fqn"]
        layer = "seeds" if dbt_resource_props["resource_type"] == "seed" else fqn[1]
        return dg.AssetKey([layer, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "parameters"
        fqn = dbt_resource_props["fqn"]
        if len(fqn) > 3 and fqn[1] == "marts":
            return f"marts_{fqn[2]}"
        return fqn[1] if len(fqn) > 2 else "dbt"


def _translator() -> MarginlakeDbtTranslator:
    return MarginlakeDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def _run_dbt(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: LakeSettings, args: Sequence[str]
) -> Iterator[Any]:
    # profiles.yml reads MARGINLAKE_HOME; hand it the same absolute path the Python assets use.
    os.environ["MARGINLAKE_HOME"] = str(settings.paths.home)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    settings.paths.home.mkdir(parents=True, exist_ok=True)
    # The first query that outgrows memory_limit spills here; DuckDB will not create the parents.
    settings.paths.duckdb_temp_dir.mkdir(parents=True, exist_ok=True)
    yield from dbt.cli(list(args), context=context).stream()


@cache
def build_dbt_definitions() -> dg.Definitions:
    """The three dbt asset groups; built on first use because it reads the prepared manifest."""

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        select=PARTITIONED_SELECTOR,
        exclude=ML_FED_SELECTOR,
        partitions_def=trading_day_partitions(),
        backfill_policy=dg.BackfillPolicy.single_run(),
        dagster_dbt_translator=_translator(),
        pool=WAREHOUSE_POOL,
        name="dbt_trading_day_models",
    )
    def dbt_trading_day_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: LakeSettings
    ) -> Iterator[Any]:
        window = window_dates(context.partition_time_window)
        yield from _run_dbt(context, dbt, settings, dbt_build_args(window))

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        exclude=f"{PARTITIONED_SELECTOR} {ML_FED_SELECTOR}",
        dagster_dbt_translator=_translator(),
        pool=WAREHOUSE_POOL,
        name="dbt_models",
    )
    def dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: LakeSettings
    ) -> Iterator[Any]:
        yield from _run_dbt(context, dbt, settings, dbt_build_args(run_partition_window(context.run.tags)))

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        select=ML_FED_SELECTOR,
        partitions_def=trading_day_partitions(),
        backfill_policy=dg.BackfillPolicy.single_run(),
        dagster_dbt_translator=_translator(),
        pool=WAREHOUSE_POOL,
        name="dbt_ml_fed_models",
    )
    def dbt_ml_fed_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: LakeSettings
    ) -> Iterator[Any]:
        window = window_dates(context.partition_time_window)
        yield from _run_dbt(context, dbt, settings, dbt_build_args(window))

    return dg.Definitions(
        assets=[dbt_trading_day_models, dbt_models, dbt_ml_fed_models],
        resources={
            "dbt": DbtCliResource(
                project_dir=dbt_project,
                profiles_dir=str(dbt_project.profiles_dir),
                # The dbt installed beside this interpreter: the pinned one, whatever PATH says.
                dbt_executable=str(Path(sys.executable).parent / "dbt"),
            )
        },
    )
