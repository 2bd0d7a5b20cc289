"""The benchmark harness: `python -m benchmarks.run --scale S` (or `make bench SCALE=S`).

Generates the sample platform at a scale into its own lake, runs the pipeline stage by stage,
each stage in a child process of its own, together with the baselines, and writes
benchmarks/results/<scale>.json and .md: wall time, rows per second and peak memory per stage,
and where each target stands. See benchmarks/README.md for the method.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assets.common.ingest import manifest_path, read_manifest
from assets.common.paths import PROJECT_ROOT, LakePaths
from benchmarks.history import link_history, link_landing
from benchmarks.measure import run_child
from benchmarks.report import machine_info, render_markdown, targets
from benchmarks.scales import Scale, get_scale
from simulator import simulated_days

SOURCES = ("ticks", "platform", "bank_statements", "marketing")
CONVERTIBLE = ("ticks", "platform", "marketing")
MARKER = ".marginlake_benchmark_lake"
DEFAULT_RESULTS = PROJECT_ROOT / "benchmarks" / "results"
HISTORY_STAGE_PREFIXES = ("history build to ", "one trading day on ")


class Harness:
    """Runs stages in order, prints progress, and keeps one record per stage."""

    def __init__(
        self, scale: Scale, home: Path, out_dir: Path, kept: dict[str, dict[str, Any]] | None = None
    ) -> None:
        self.scale = scale
        self.home = home
        self.out_dir = out_dir
        # Stages measured by an earlier run of this lake that was cut short (--resume).
        self.kept = kept or {}
        self.resumed_at: str | None = None
        self.records: list[dict[str, Any]] = []
        self.failed = False
        self.history_only = False
        self.started = time.perf_counter()

    def env(self, home: Path) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            MARGINLAKE_HOME=str(home),
            DAGSTER_HOME=str(home / "dagster"),
            DO_NOT_TRACK="1",
            GX_ANALYTICS_ENABLED="false",
            MARGINLAKE_START_DATE=self.scale.start,
            PYTHONUNBUFFERED="1",
        )
        return env

    def stage(
        self,
        name: str,
        stage: str,
        *,
        kind: str = "pipeline",
        home: Path | None = None,
        rows: int | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Run one stage in its own process; a failed stage is recorded and the run goes on."""
        if name in self.kept and not self.resumed_at:
            record = {**self.kept[name], "note": "measured by the run that was resumed"}
            self.records.append(record)
            print(f"          {name}: kept from the earlier run ({record['wall_s']:.1f} s)", flush=True)
            return record
        # From the first stage that runs again, every later one runs too: they build on it.
        self.resumed_at = self.resumed_at or (name if self.kept else None)
        home = home or self.home
        logs = self.home / "bench" / "logs"
        result_file = logs / f"{name.replace('/', '_')}.result.json"
        elapsed = time.perf_counter() - self.started
        print(f"[{elapsed:7.0f}s] {name} ...", flush=True)
        m = run_child(
            [
                "-m",
                "benchmarks.stage",
                stage,
                "--home",
                str(home),
                "--args",
                json.dumps(kwargs),
                "--result",
                str(result_file),
            ],
            cwd=PROJECT_ROOT,
            env=self.env(home),
            log=logs / f"{name.replace('/', '_')}.log",
            result_file=result_file,
        )
        count = rows if rows is not None else m.result.get("rows")
        record = {
            "stage": name,
            "kind": kind,
            "status": "ok" if m.returncode == 0 else "failed",
            "wall_s": round(m.wall_s, 2),
            "rows": count,
            "rows_per_s": round(count / m.wall_s) if count and m.wall_s > 0 else None,
            "peak_mib": round(m.peak_mib, 1),
            "peak_tree_mib": round(m.peak_tree_mib, 1),
            "peak_process_mib": round(m.peak_process_mib, 1),
            "details": m.result.get("details", {}),
        }
        self.records.append(record)
        if m.returncode != 0:
            self.failed = True
            record["error"] = m.stderr_tail
            print(
                f"          FAILED (exit {m.returncode}); last lines of the log:\n{m.stderr_tail}", flush=True
            )
        else:
            rate = f", {record['rows_per_s']:,} rows/s" if record["rows_per_s"] else ""
            print(f"          {m.wall_s:.1f} s{rate}, peak {m.peak_mib:.0f} MiB", flush=True)
        self.write(partial=True)
        return record

    def write(self, *, partial: bool) -> dict[str, Any]:
        """The results so far, as JSON and Markdown; written after every stage so that a long run
        cut short (M takes hours) still leaves its measured stages, marked as partial."""
        doc = {
            "scale": asdict(self.scale),
            "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "total_wall_s": round(time.perf_counter() - self.started, 1),
            "partial": partial,
            "resumed": bool(self.kept),
            "history_only": self.history_only,
            "machine": machine_info(),
            "stages": self.records,
        }
        doc["targets"] = targets(doc)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        name = self.scale.name
        _write_atomic(self.out_dir / f"{name}.json", json.dumps(doc, indent=2, default=str) + "\n")
        _write_atomic(self.out_dir / f"{name}.md", render_markdown(doc))
        return doc

    def not_available(self, name: str, reason: str) -> None:
        self.records.append({"stage": name, "kind": "pipeline", "status": "not available", "note": reason})
        print(f"          {name}: not available ({reason})", flush=True)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def bronze_rows(home: Path) -> int:
    """Rows in bronze: what a full build reads (bronze tables only, not staging areas or manifests)."""
    import pyarrow.parquet as pq

    total = 0
    for path in (home / "bronze").glob("*/*/business_date=*/*.parquet"):
        if not path.parts[-3].startswith("_"):
            total += pq.ParquetFile(path).metadata.num_rows
    return total


def day_rows_in(home: Path, day: str) -> int:
    """Landing rows one end-of-day run took in, from the manifests it wrote."""
    paths = LakePaths(home)
    total = 0
    for source in SOURCES:
        if manifest_path(paths, source, day).is_file():
            report = read_manifest(paths, source, day)
            total += report.rows_in if report else 0
    return total


def scale_days(scale: Scale) -> list[str]:
    """The trading days the sample platform of this scale covers, as ISO dates."""
    return [d.isoformat() for d in simulated_days(start=scale.start, days=scale.days)]


def prepare_home(home: Path) -> None:
    """Start from an empty lake; refuse to wipe a folder this harness did not create."""
    if home.exists() and any(home.iterdir()) and not (home / MARKER).exists():
        raise SystemExit(f"{home} exists and is not a benchmark lake; pass another --home.")
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    (home / MARKER).write_text("created by benchmarks/run.py; deleted at the start of every run\n")


def kept_stages(scale: Scale, home: Path, out_dir: Path) -> dict[str, dict[str, Any]]:
    """For --resume: the stages the last run of this lake finished, from its (partial) results.

    The run keeps them up to the first stage that has to run again; from there on every stage
    runs, and the history stages, kept only all together, start from an empty history lake.
    """
    doc = _earlier_results(scale, home, out_dir)
    return {r["stage"]: r for r in doc["stages"] if r.get("status") == "ok"}


def _earlier_results(scale: Scale, home: Path, out_dir: Path) -> dict[str, Any]:
    """The results file of the last run of this lake, refusing one of another lake or scale."""
    if not (home / MARKER).exists():
        raise SystemExit(f"{home} is not a benchmark lake; there is nothing to go on with.")
    results = out_dir / f"{scale.name}.json"
    if not results.exists():
        raise SystemExit(f"{results} does not exist; there is nothing to go on with.")
    doc = json.loads(results.read_text())
    if doc["scale"] != json.loads(json.dumps(asdict(scale))):
        raise SystemExit(f"{results} was measured at another {scale.name} scale; run it in full.")
    return doc


def run(scale: Scale, home: Path, out_dir: Path, resume: bool = False) -> dict[str, Any]:
    kept = kept_stages(scale, home, out_dir) if resume else {}
    if not resume:
        prepare_home(home)
    h = Harness(scale, home, out_dir, kept)
    days = scale_days(scale)
    first, last = days[0], days[-1]
    print(f"Benchmark at scale {scale.name}: {asdict(scale)}; lake {home}", flush=True)

    h.stage("simulate", "simulate", scale=asdict(scale))
    h.stage("dbt compile (for the raw-SQL baseline)", "compile_dbt", kind="preparation")
    for source in SOURCES:
        h.stage(f"ingest {source}", "ingest", source=source, days=days)
    for source in CONVERTIBLE:
        h.stage(f"duckdb convert {source}", "convert", kind="baseline", source=source, days=days)
    read = bronze_rows(home)
    if h.resumed_at or "dbt full build (Dagster + dbt)" not in h.kept:
        # The full build starts from no warehouse, also after a resumed run's failed attempt.
        for leftover in (LakePaths(home).warehouse, home / "warehouse.duckdb.wal"):
            leftover.unlink(missing_ok=True)
    h.stage("dbt full build (Dagster + dbt)", "dbt_build", rows=read, first=first, last=last)
    h.stage("raw SQL in DuckDB (no Dagster, no dbt)", "raw_sql", kind="baseline", rows=read)
    h.stage("exposure mart inputs to Parquet", "exposure_inputs", kind="preparation")
    h.stage("exposure mart: DuckDB (mart SQL)", "exposure_duckdb", kind="baseline")
    h.stage("exposure mart: pandas", "exposure_pandas", kind="baseline")

    probe = h.stage("ML assets in the Definitions", "ml_probe", kind="preparation")
    for ml_stage, label in (
        ("features", "feature building"),
        ("training", "training"),
        ("scoring", "scoring"),
    ):
        if probe.get("status") == "ok" and probe["details"].get(ml_stage):
            h.stage(label, "ml", ml_stage=ml_stage, first=first, last=last)
        else:
            h.not_available(label, "no ML assets for it in the Definitions yet")

    _history_stages(h, days)

    return _finish(h, out_dir)


def _finish(h: Harness, out_dir: Path) -> dict[str, Any]:
    doc = h.write(partial=False)
    written = out_dir / f"{h.scale.name}.json"
    print(f"\nDone in {doc['total_wall_s']:.0f} s; wrote {written} and .md", flush=True)
    print(render_markdown(doc), flush=True)
    doc["failed"] = h.failed
    return doc


def _history_stages(h: Harness, days: list[str]) -> None:
    """One trading day on top of N days of history: a lake holding days[:N] (hard links), built
    by one dbt run, then the end-of-day job for days[N], measured; then grow to the next N."""
    home, scale = h.home, h.scale
    history = home / "history"
    history_names = [f"one trading day on {n} days of history" for n in scale.history]
    if h.resumed_at or not all(name in h.kept for name in history_names):
        # Any history stage that runs again starts from an empty history lake.
        shutil.rmtree(history, ignore_errors=True)
        h.resumed_at = h.resumed_at or ("history" if h.kept else None)
    src, dst = LakePaths(home), LakePaths(history)
    link_landing(src, dst, days)
    built = 0
    for n in scale.history:
        link_history(src, dst, days[:n])
        if built < n:
            h.stage(
                f"history build to {n} days",
                "dbt_build",
                kind="preparation",
                home=history,
                first=days[built],
                last=days[n - 1],
            )
        record = h.stage(
            f"one trading day on {n} days of history", "eod", home=history, first=days[n], last=days[n]
        )
        record["rows"] = day_rows_in(history, days[n])
        record["history_days"] = n
        if record["rows"] and record["wall_s"]:
            record["rows_per_s"] = round(record["rows"] / record["wall_s"])
        built = n + 1


def is_history_stage(name: str) -> bool:
    return name.startswith(HISTORY_STAGE_PREFIXES)


def run_history_only(scale: Scale, home: Path, out_dir: Path) -> dict[str, Any]:
    """--only-history: measure the history stages again on the lake of an earlier run (its
    simulate and ingest), after a change that concerns them, without the hours of the rest.

    The other stages keep the earlier run's records, each marked with when it was measured, so
    the table says which numbers are new.
    """
    earlier = _earlier_results(scale, home, out_dir)
    h = Harness(scale, home, out_dir)
    h.history_only = True
    for record in earlier["stages"]:
        if not is_history_stage(record["stage"]):
            note = record.get("note") or f"measured by the run of {earlier['generated_at']}"
            h.records.append({**record, "note": note})
    days = scale_days(scale)
    print(f"History stages at scale {scale.name} on the lake {home}", flush=True)
    _history_stages(h, days)
    return _finish(h, out_dir)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    p.add_argument("--scale", default="S", help="XS, S or M (benchmarks/scales.py)")
    p.add_argument(
        "--home", default=None, help="the benchmark's own lake (default: $BENCH_HOME or a temp dir)"
    )
    p.add_argument("--out", default=str(DEFAULT_RESULTS), help="where <scale>.json and .md go")
    p.add_argument(
        "--resume",
        action="store_true",
        help="go on with a run that was cut short: keep its lake and the stages it measured",
    )
    p.add_argument(
        "--only-history",
        action="store_true",
        help="measure only the history stages again, on the lake of an earlier run; keep the rest",
    )
    args = p.parse_args(argv)
    scale = get_scale(args.scale)
    default_home = Path(os.environ.get("TMPDIR", "/tmp")) / f"marginlake_bench_{scale.name}"
    home = Path(args.home or os.environ.get("BENCH_HOME") or default_home).resolve()
    out = Path(args.out).resolve()
    if args.resume and args.only_history:
        p.error("--resume and --only-history do not go together")
    doc = run_history_only(scale, home, out) if args.only_history else run(scale, home, out, args.resume)
    return 1 if doc["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
