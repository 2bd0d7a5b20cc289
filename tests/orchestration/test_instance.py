"""prepare_environment: the folders dbt and Dagster expect exist before they run."""

import os
from pathlib import Path

import duckdb
import pytest

from assets.common.paths import LakePaths
from orchestration.instance import prepare_environment


@pytest.fixture
def isolated_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """prepare_environment writes these variables; monkeypatch puts them back afterwards."""
    for name in ("MARGINLAKE_HOME", "DAGSTER_HOME", "PATH"):
        monkeypatch.setenv(name, os.environ.get(name, ""))
    monkeypatch.delenv("MARGINLAKE_DUCKDB_TEMP_DIR", raising=False)
    return monkeypatch


def test_spill_folder_is_created_under_the_lake(tmp_path: Path, isolated_env: pytest.MonkeyPatch) -> None:
    paths = LakePaths(tmp_path / "lake")
    prepare_environment(paths)
    assert paths.duckdb_temp_dir == tmp_path / "lake" / "tmp" / "duckdb"
    assert paths.duckdb_temp_dir.is_dir()
    assert paths.dagster_home.is_dir()


def test_spill_folder_follows_the_setting(tmp_path: Path, isolated_env: pytest.MonkeyPatch) -> None:
    isolated_env.setenv("MARGINLAKE_DUCKDB_TEMP_DIR", str(tmp_path / "scratch" / "deep" / "duckdb"))
    paths = LakePaths(tmp_path / "lake")
    prepare_environment(paths)
    assert paths.duckdb_temp_dir == tmp_path / "scratch" / "deep" / "duckdb"
    assert paths.duckdb_temp_dir.is_dir()


def test_a_sort_larger_than_memory_spills_into_it(tmp_path: Path, isolated_env: pytest.MonkeyPatch) -> None:
    # The M benchmark's first unique test over 20 million prints failed with "Failed to create
    # directory" until the folder was created up front: DuckDB makes the leaf, not its parents.
    paths = LakePaths(tmp_path / "lake")
    prepare_environment(paths)
    config = {"memory_limit": "64MB", "threads": "1", "temp_directory": str(paths.duckdb_temp_dir)}
    with duckdb.connect(config=config) as con:
        count = con.execute(
            "select count(distinct s) from (select repeat('x', 60) || i as s from range(3000000) t(i))"
        ).fetchone()
    assert count == (3000000,)
