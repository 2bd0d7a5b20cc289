"""--resume: a long run cut short keeps what it measured and redoes everything from the first gap."""

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import run as bench_run
from benchmarks.measure import Measurement
from benchmarks.scales import Scale

SCALE = Scale("T", clients=2, instruments=2, days=3, trades_per_day=2, history=(1,))


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stage names actually started, with every child process replaced by an instant success."""
    started: list[str] = []

    def fake_child(argv: list[str], **_: Any) -> Measurement:
        started.append(argv[2])
        result = {"rows": 1, "details": {"compute_s": 1.0}}
        return Measurement(returncode=0, wall_s=1.0, peak_tree_mib=1.0, peak_process_mib=1.0, result=result)

    monkeypatch.setattr(bench_run, "run_child", fake_child)
    monkeypatch.setattr(bench_run, "machine_info", lambda: {})
    monkeypatch.setattr(bench_run, "render_markdown", lambda doc: "")
    return started


def _lake(tmp_path: Path, stages: list[dict[str, Any]]) -> tuple[Path, Path]:
    home, out = tmp_path / "lake", tmp_path / "out"
    home.mkdir()
    (home / bench_run.MARKER).write_text("")
    (home / "warehouse.duckdb").write_text("left by a failed build")
    out.mkdir()
    doc = {"scale": json.loads(json.dumps(bench_run.asdict(SCALE))), "stages": stages}
    (out / "T.json").write_text(json.dumps(doc))
    return home, out


def _ok(name: str) -> dict[str, Any]:
    return {"stage": name, "kind": "pipeline", "status": "ok", "wall_s": 9.0, "rows": 5, "peak_mib": 1.0}


def test_kept_stages_stay_and_everything_after_the_first_gap_runs(tmp_path: Path, ran: list[str]) -> None:
    kept = [_ok("simulate"), _ok("dbt compile (for the raw-SQL baseline)"), _ok("ingest ticks")]
    failed = {**_ok("ingest platform"), "status": "failed"}
    later = _ok("exposure mart: pandas")  # measured after the gap, on a lake that was not right yet
    home, out = _lake(tmp_path, [*kept, failed, later])
    (home / "history" / "bronze").mkdir(parents=True)

    bench_run.run(SCALE, home, out, resume=True)

    doc = json.loads((out / "T.json").read_text())
    by_name = {s["stage"]: s for s in doc["stages"]}
    assert [s["wall_s"] for s in doc["stages"][:3]] == [9.0, 9.0, 9.0]
    assert all("resumed" in (by_name[s["stage"]].get("note") or "") for s in kept)
    assert ran[0] == "ingest"  # ingest platform, the first gap, and everything after it
    assert by_name["exposure mart: pandas"]["wall_s"] == 1.0
    assert "simulate" not in ran and "compile_dbt" not in ran
    assert not (home / "warehouse.duckdb").exists()  # the full build starts from no warehouse
    assert not (home / "history" / "bronze").exists()  # history stages start from an empty lake
    assert doc["resumed"] is True and doc["partial"] is False


def test_resume_refuses_a_folder_that_is_not_a_benchmark_lake(tmp_path: Path, ran: list[str]) -> None:
    (tmp_path / "lake").mkdir()
    with pytest.raises(SystemExit, match="not a benchmark lake"):
        bench_run.run(SCALE, tmp_path / "lake", tmp_path / "out", resume=True)
    assert ran == []


def test_only_history_keeps_the_other_stages_and_measures_the_history_again(
    tmp_path: Path, ran: list[str]
) -> None:
    failed_training = {**_ok("training"), "status": "failed"}
    earlier = [_ok("simulate"), _ok("dbt full build (Dagster + dbt)"), failed_training]
    old_day = {**_ok("one trading day on 1 days of history"), "history_days": 1}
    home, out = _lake(tmp_path, [*earlier, old_day])
    (out / "T.json").write_text(
        json.dumps({**json.loads((out / "T.json").read_text()), "generated_at": "2026-11-20T10:00:00+00:00"})
    )

    bench_run.run_history_only(SCALE, home, out)

    doc = json.loads((out / "T.json").read_text())
    assert ran == ["dbt_build", "eod"]  # the history build and the day, nothing else
    by_name = {s["stage"]: s for s in doc["stages"]}
    assert by_name["simulate"]["wall_s"] == 9.0 and "2026-11-20" in by_name["simulate"]["note"]
    assert by_name["training"]["status"] == "failed"  # kept as it was, not hidden
    assert by_name["one trading day on 1 days of history"]["wall_s"] == 1.0  # measured again
    assert doc["history_only"] is True
    assert (home / "warehouse.duckdb").exists()  # the lake's full build is left alone
