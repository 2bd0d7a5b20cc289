"""The benchmark harness at XS end to end: it writes its tables with every stage (no timing checks)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from benchmarks.run import SOURCES, run
from benchmarks.scales import get_scale

# Four Dagster + dbt runs even at XS: allow for a loaded machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]


def test_bench_xs_writes_json_and_markdown(tmp_path: Path, dbt_manifest: Path) -> None:
    # One history length instead of XS's two: the smoke run checks the harness and its tables,
    # and every history length costs another Dagster + dbt build.
    scale = dataclasses.replace(get_scale("XS"), history=(2,))
    doc = run(scale, tmp_path / "lake", tmp_path / "results")

    data = json.loads((tmp_path / "results" / "XS.json").read_text())
    markdown = (tmp_path / "results" / "XS.md").read_text()
    stages = {s["stage"]: s for s in data["stages"]}
    expected = [
        "simulate",
        *(f"ingest {source}" for source in SOURCES),
        "duckdb convert ticks",
        "dbt full build (Dagster + dbt)",
        "raw SQL in DuckDB (no Dagster, no dbt)",
        "exposure mart: DuckDB (mart SQL)",
        "exposure mart: pandas",
        *(f"one trading day on {n} days of history" for n in scale.history),
    ]
    for name in expected:
        assert name in stages, name
        stage = stages[name]
        assert stage["status"] == "ok", stage.get("error")
        assert stage["wall_s"] > 0 and stage["peak_mib"] > 0
        assert stage["rows"] and stage["rows"] > 0
        assert f"| {name} |" in markdown
    # The ML stages are reported whatever their outcome; whether the models train at XS is
    # for the ML tests to say.
    for name in ("feature building", "training", "scoring"):
        assert stages[name]["status"] in ("ok", "not available", "failed")
    assert {t["target"] for t in data["targets"]} >= {
        "incremental day flat in history",
        "orchestration overhead (Dagster + dbt vs raw SQL)",
        "account-exposure mart vs pandas",
        "peak memory per stage",
    }
    assert data["machine"]["cores"] >= 1
    assert doc["scale"]["name"] == "XS"
