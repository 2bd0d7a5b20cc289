"""A failed quality gate on a bronze table stops the dbt models downstream of it in the same run.

A tiny sample platform is built for six days (every gate passes, the marts are built), then the
seventh day's marketing file arrives in fen instead of yuan: every row still passes row
validation, the spend distribution does not, and the run must stop before dbt.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.common.paths import LakePaths

pytestmark = pytest.mark.slow

TINY = {"clients": 15, "instruments": 4, "days": 7, "seed": 7, "start": "2026-03-02"}
SPEND = dg.AssetKey(["bronze", "marketing", "marketing_spend"])


def run_eod(paths: LakePaths, first_day: str, last_day: str) -> dg.ExecuteInProcessResult:
    """The end-of-day job over [first_day, last_day] in one run, as the runner launches it."""
    from orchestration.instance import prepare_environment
    from orchestration.runner import prepare_dbt_manifest

    prepare_environment(paths)
    prepare_dbt_manifest()
    job = definitions().resolve_job_def("eod_build_job")
    with dg.DagsterInstance.get() as instance:
        return job.execute_in_process(
            instance=instance,
            tags={ASSET_PARTITION_RANGE_START_TAG: first_day, ASSET_PARTITION_RANGE_END_TAG: last_day},
            raise_on_error=False,
        )


@cache
def definitions() -> dg.Definitions:
    from orchestration.definitions import build_definitions

    return build_definitions()


def downstream_of(key: dg.AssetKey) -> set[dg.AssetKey]:
    """Every asset that reads `key`, directly or through other assets."""
    graph = definitions().resolve_asset_graph()
    return set(dg.AssetSelection.assets(key).downstream(include_self=False).resolve(graph))


def assets_of_step(step: str) -> set[dg.AssetKey]:
    """The assets one step of the job materializes."""
    for assets_def in definitions().resolve_asset_graph().assets_defs:
        if assets_def.node_def.name == step:
            return set(assets_def.keys)
    raise AssertionError(f"The job has no step {step}.")


def materialized(result: dg.ExecuteInProcessResult) -> set[dg.AssetKey]:
    return {e.asset_key for e in result.get_asset_materialization_events()}


def steps(result: dg.ExecuteInProcessResult, event_type: str) -> set[str]:
    return {e.step_key for e in result.all_events if e.event_type_value == event_type and e.step_key}


def spend_in_fen(path: Path) -> None:
    """Rewrite a marketing file with every amount a hundred times too large, still at scale 2."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        row["spend"] = f"{Decimal(row['spend']) * 100:.2f}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> Iterator[dict[str, object]]:
    from simulator import SimulationConfig, generate, simulated_days

    home = tmp_path_factory.mktemp("gates")
    paths = LakePaths(home)
    with pytest.MonkeyPatch.context() as env:  # the runner points the environment at this lake
        env.setenv("MARGINLAKE_HOME", str(home))
        env.setenv("DAGSTER_HOME", str(paths.dagster_home))
        env.setenv("PATH", os.environ["PATH"])
        env.setenv("MARGINLAKE_PII_KEY", "test-key-for-the-gate-tests")
        generate(SimulationConfig(home=home, quiet=True, **TINY))
        days = [d.isoformat() for d in simulated_days(start=TINY["start"], days=TINY["days"])]
        passing = run_eod(paths, days[0], days[5])
        spend_in_fen(paths.landing / "marketing" / days[6] / "marketing_spend.csv")
        failing = run_eod(paths, days[6], days[6])
        yield {"days": days, "passing": passing, "failing": failing}


def gate(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> dg.AssetCheckEvaluation:
    (evaluation,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "quality_gate" and e.asset_key == key
    ]
    return evaluation


def test_with_every_gate_passing_the_dbt_models_are_built(runs):
    result = runs["passing"]
    checks = [e for e in result.get_asset_check_evaluations() if e.check_name == "quality_gate"]
    assert len(checks) == 14 and all(e.passed for e in checks), [e.description for e in checks]
    assert "dbt_trading_day_models" in steps(result, "STEP_START")
    built = materialized(result)
    downstream = downstream_of(SPEND)
    assert dg.AssetKey(["staging", "stg_marketing__marketing_spend"]) in downstream
    assert downstream <= built
    assert dg.AssetKey(["marts", "fct_account_exposure_daily"]) in built


def test_the_broken_day_passes_row_validation_but_fails_its_gate(runs):
    result, day = runs["failing"], runs["days"][6]
    assert SPEND in materialized(result)  # ingested: nothing was quarantined
    evaluation = gate(result, SPEND)
    assert not evaluation.passed
    assert evaluation.description.startswith(f"Quality gate failed for marketing.marketing_spend on {day}:")
    assert "column mean to be between on spend" in evaluation.description
    assert evaluation.metadata["failed_business_dates"].value == day
    others = [
        e
        for e in result.get_asset_check_evaluations()
        if (e.asset_key, e.check_name) != (SPEND, "quality_gate")
    ]
    assert others and all(e.passed for e in others)  # the gate, and only the gate, failed


def test_the_failed_gate_blocks_every_dbt_model_downstream(runs):
    result = runs["failing"]
    assert not result.success
    built = materialized(result)
    assert downstream_of(SPEND) and not downstream_of(SPEND) & built
    # Blocking works per step: the partitioned dbt step reads every bronze table, so it never starts
    # and none of its models (the marts included) is built from a day whose gate failed.
    assert "dbt_trading_day_models" not in steps(result, "STEP_START")
    assert not assets_of_step("dbt_trading_day_models") & built
    assert "bronze_marketing_checks" in steps(result, "STEP_FAILURE")
