"""The orchestration overhead's baseline: the dbt project's SQL run straight in DuckDB.

`dbt compile` against an empty warehouse gives every model's full (non-incremental) SELECT and
every data test's query. This runs them in dependency order in a fresh DuckDB file with the same
settings as the dbt profile: views as views, tables and incremental models as tables, data tests
as counts of failing rows. No Dagster, no dbt, no unit tests. The seeds are copied from the
warehouse dbt built, since loading a few CSV files is not what is being compared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import duckdb

from assets.common.paths import LakePaths
from orchestration.dbt_project import DBT_PROJECT_DIR

COPIED_SEEDS_FROM = "dbt_warehouse"


def compile_project(home: Path, target_path: Path) -> Path:
    """`dbt compile` of the whole project for the lake at `home`; returns the manifest it wrote.

    Run before the warehouse holds any model, so incremental models compile to their full SELECT.
    """
    env = {**os.environ, "MARGINLAKE_HOME": str(home), "DO_NOT_TRACK": "1"}
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run(
        [
            str(dbt),
            "compile",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target_path),
            "--log-path",
            str(target_path / "logs"),
            "--quiet",
        ],
        check=True,
        env=env,
        cwd=DBT_PROJECT_DIR,
    )
    return target_path / "manifest.json"


def _order(nodes: dict[str, dict[str, Any]]) -> list[str]:
    graph = {
        uid: [d for d in node.get("depends_on", {}).get("nodes", []) if d in nodes]
        for uid, node in nodes.items()
    }
    return list(TopologicalSorter(graph).static_order())


def profile_settings(home: Path) -> dict[str, str]:
    """The DuckDB settings the dbt profile gives the warehouse, from the same environment variables."""
    return {
        "memory_limit": os.environ.get("MARGINLAKE_DUCKDB_MEMORY_LIMIT", "2GB"),
        "threads": os.environ.get("MARGINLAKE_DUCKDB_THREADS", "2"),
        "temp_directory": str(LakePaths(home).duckdb_temp_dir),
        "preserve_insertion_order": "false",
    }


def connect(database: str, home: Path) -> duckdb.DuckDBPyConnection:
    """A connection with the profile's settings; the time zone is set once ICU has loaded."""
    LakePaths(home).duckdb_temp_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(database, config=profile_settings(home))
    con.execute("set TimeZone = 'UTC'")
    return con


def run_compiled(manifest_path: Path, home: Path, out_dir: Path) -> dict[str, Any]:
    """Build every model and run every data test of the compiled manifest in `out_dir/warehouse.duckdb`."""
    manifest = json.loads(manifest_path.read_text())
    nodes = {
        uid: n
        for uid, n in manifest["nodes"].items()
        if n["resource_type"] in ("model", "seed", "test") and n.get("package_name") == "marginlake"
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    database = out_dir / "warehouse.duckdb"  # same catalog name as the compiled relation names
    database.unlink(missing_ok=True)
    con = connect(str(database), home)
    timings = {"seed_s": 0.0, "model_s": 0.0, "test_s": 0.0}
    counts = {"seeds": 0, "models": 0, "tests": 0, "failing_tests": 0}
    try:
        con.execute(f"attach '{home / 'warehouse.duckdb'}' as {COPIED_SEEDS_FROM} (read_only)")
        for uid in _order(nodes):
            node = nodes[uid]
            kind, started = node["resource_type"], time.perf_counter()
            if kind == "seed":
                con.execute(f'create schema if not exists "{node["schema"]}"')
                con.execute(
                    f"create or replace table {node['relation_name']} as "
                    f'select * from {COPIED_SEEDS_FROM}."{node["schema"]}"."{node["alias"]}"'
                )
                timings["seed_s"] += time.perf_counter() - started
                counts["seeds"] += 1
            elif kind == "model":
                materialized = node["config"]["materialized"]
                if materialized == "ephemeral":
                    continue  # inlined into its consumers' compiled SQL
                con.execute(f'create schema if not exists "{node["schema"]}"')
                what = "view" if materialized == "view" else "table"
                con.execute(
                    f"create or replace {what} {node['relation_name']} as (\n{node['compiled_code']}\n)"
                )
                timings["model_s"] += time.perf_counter() - started
                counts["models"] += 1
            else:
                failing = con.execute(f"select count(*) from (\n{node['compiled_code']}\n) t").fetchone()
                timings["test_s"] += time.perf_counter() - started
                counts["tests"] += 1
                counts["failing_tests"] += int(bool(failing and failing[0]))
    finally:
        con.close()
    return {**timings, **counts}
