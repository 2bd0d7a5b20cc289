"""The dbt unit tests (hand-computed rows for every formula), run once here rather than every day.

The daily build excludes unit tests (they check SQL logic, which only changes with the code), so
this is where they run: on an empty warehouse whose sources are empty typed bronze files written
from the contracts, which is all dbt needs to infer the column types of each model's inputs.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from assets.common.bronze_writer import bronze_file, bronze_schema, write_parquet_atomic
from assets.common.contracts import contracts_for
from assets.common.paths import PROJECT_ROOT, LakePaths

SOURCES = ("ticks", "platform", "bank_statements", "marketing")
DBT_DIR = PROJECT_ROOT / "dbt_project"


def _dbt(home: Path, *args: str) -> None:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        [
            *args,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(home / "dbt_target"),
            "--log-path",
            str(home / "dbt_logs"),
            "--quiet",
        ]
    )
    failed = [
        f"{r.node.unique_id}: {r.message}"
        for r in (getattr(result.result, "results", None) or [])
        if str(r.status) in {"fail", "error"}
    ]
    assert result.success, f"dbt {args[0]} failed: {result.exception or failed}"


@pytest.fixture(scope="module")
def empty_warehouse(tmp_path_factory, dbt_manifest, monkeypatch_module) -> Path:
    """Seeds loaded and every model built with no rows, over empty bronze files of every table."""
    from orchestration.instance import prepare_environment

    home = tmp_path_factory.mktemp("dbt_unit")
    monkeypatch_module.setenv("MARGINLAKE_HOME", str(home))
    monkeypatch_module.setenv("DAGSTER_HOME", str(home / "dagster"))
    paths = LakePaths(home)
    prepare_environment(paths)
    for source in SOURCES:
        for contract in contracts_for(source):
            empty = pa.Table.from_pylist([], schema=bronze_schema(contract))
            write_parquet_atomic(empty, bronze_file(paths, contract, "2026-03-02"))
    _dbt(home, "seed")
    _dbt(home, "run", "--empty")
    return home


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_every_unit_test_passes(empty_warehouse):
    _dbt(empty_warehouse, "test", "--select", "test_type:unit")


def test_the_unit_tests_are_found(empty_warehouse):
    from dbt.cli.main import dbtRunner

    listed = dbtRunner().invoke(
        [
            "ls",
            "--resource-type",
            "unit_test",
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(empty_warehouse / "dbt_target"),
            "--log-path",
            str(empty_warehouse / "dbt_logs"),
            "--quiet",
        ]
    )
    assert listed.success
    assert len(listed.result) >= 40, "the project's hand-computed unit tests went missing"
