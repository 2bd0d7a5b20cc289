"""A run given a partition window tests the rows of that window; a run without one tests them all.

The day's build must not pay for re-testing every earlier day (benchmarks/README.md), yet nothing
may go untested: every row is tested by the run that (re)built its day, and a full build tests all.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_project import DBT_PROJECT_DIR

WINDOW = {"min_date": "2026-03-06", "max_date": "2026-03-09"}


def _manifest_models(dbt_manifest: Path) -> dict[str, dict]:
    manifest = json.loads(dbt_manifest.read_text())
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def test_every_partitioned_model_names_a_documented_partition_column(dbt_manifest: Path) -> None:
    models = _manifest_models(dbt_manifest)
    declared = {name: m["config"]["meta"].get("partition_column") for name, m in models.items()}
    # Its rebuild reaches further back than the window (breaks re-open with late bank lines).
    wider_than_the_window = {"fct_bank_reconciliation_breaks"}
    for name, model in models.items():
        if "partitioned" in model["tags"] and name not in wider_than_the_window:
            assert declared[name], f"{name} is partitioned but declares no meta.partition_column"
        if declared[name]:
            assert declared[name] in model["columns"], f"{name}: {declared[name]} is not one of its columns"
    assert declared["stg_ticks__trades"] == "business_date"


def _dbt_test(home: Path, select: str, window: dict[str, str] | None) -> bool:
    from dbt.cli.main import dbtRunner

    args = ["test", "--select", select, "--project-dir", str(DBT_PROJECT_DIR)]
    args += ["--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(home / "target")]
    args += ["--log-path", str(home / "logs"), "--quiet"]
    if window:
        args += ["--vars", json.dumps(window)]
    return dbtRunner().invoke(args).success


@pytest.mark.slow
def test_a_bad_row_outside_the_window_fails_only_the_run_without_one(lake_home: Path) -> None:
    with duckdb.connect(str(lake_home / "warehouse.duckdb")) as con:
        con.execute("create schema risk")
        con.execute(
            "create table risk.fct_positions_daily as select * from (values"
            " ('A1', 'I1', 10.0, date '2026-03-06'),"  # in the window, fine
            " (null, 'I1', 10.0, date '2026-03-05'),"  # a day earlier: no account
            " ('A2', 'I1', 5.0, null))"  # no date: outside every window
            " t(account_id, instrument_id, quantity, as_of_date)"
        )
    account_test = "not_null_fct_positions_daily_account_id"
    assert _dbt_test(lake_home, account_test, WINDOW), "the bad row is outside the window"
    assert not _dbt_test(lake_home, account_test, None), "a run without a window tests every row"
    # The partition column's own not_null test is never limited: no window holds a row without a date.
    assert not _dbt_test(lake_home, "not_null_fct_positions_daily_as_of_date", WINDOW)
