"""One benchmark stage, run in its own process by benchmarks/run.py: `python -m benchmarks.stage`.

Arguments come as one JSON object; the stage writes what it did (rows, details) as JSON to the
result file. Nothing here times itself for the report: the parent measures the whole process.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assets.common.paths import LakePaths

BENCH_DIR = "bench"
# ML assets by the last part of their key, first match wins: the training frame is the features.
ML_STAGES = {
    "features": ("feature", "training_frame"),
    "training": ("candidate", "evaluation", "scorecard", "champion", "train", "model"),
    "scoring": ("score", "alert", "drift"),
}


def simulate(home: Path, scale: dict[str, Any]) -> dict[str, Any]:
    from simulator import SimulationConfig, generate

    config = SimulationConfig(
        home=home,
        clients=scale["clients"],
        instruments=scale["instruments"],
        days=scale["days"],
        seed=scale["seed"],
        start=scale["start"],
        trades_per_day=scale["trades_per_day"],
        quiet=True,
    )
    summary = generate(config)
    return {"rows": sum(summary.rows.values()), "details": dict(summary.rows)}


def _ingest_function(source: str) -> Callable[..., Any]:
    if source == "ticks":
        from assets.ticks.ingest import ingest_ticks_day

        return ingest_ticks_day
    if source == "platform":
        from assets.platform.ingest import ingest_platform_day

        return ingest_platform_day
    if source == "bank_statements":
        from assets.bank_statements.ingest import ingest_bank_statements_day

        return ingest_bank_statements_day
    if source == "marketing":
        from assets.marketing.ingest import ingest_marketing_day

        return ingest_marketing_day
    raise ValueError(f"unknown source {source!r}")


def ingest(home: Path, source: str, days: list[str]) -> dict[str, Any]:
    """What the bronze asset of `source` does for each day of a range run (without Dagster)."""
    from assets.common.ingest import ingest_unless_unchanged

    paths = LakePaths(home)
    ingest_day = _ingest_function(source)
    rows_in = accepted = 0
    for day in days:
        report = ingest_unless_unchanged(paths, source, day, ingest_day, force=True)
        rows_in += report.rows_in
        accepted += sum(t.rows_accepted for t in report.tables.values())
    return {"rows": rows_in, "details": {"rows_accepted": accepted, "days": len(days)}}


def convert(home: Path, source: str, days: list[str]) -> dict[str, Any]:
    from benchmarks.baselines.duckdb_convert import convert_source

    done = convert_source(LakePaths(home), source, days, home / BENCH_DIR / "duckdb_convert")
    return {"rows": done["rows"], "details": done}


def _bench_job_definitions(job_name: str, selection: Any) -> Any:
    """The project's Definitions plus one job over `selection`, for a stage that is not a shipped job."""
    import dagster as dg

    from orchestration.definitions import build_definitions
    from orchestration.partitions import trading_day_partitions

    job = dg.define_asset_job(job_name, selection=selection, partitions_def=trading_day_partitions())
    return dg.Definitions.merge(build_definitions(), dg.Definitions(jobs=[job]))


def _execute(home: Path, defs: Any, job_name: str, first: str, last: str) -> bool:
    import dagster as dg
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    job = defs.resolve_job_def(job_name)
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            tags={ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last},
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
    return bool(result.success)


def dbt_build(home: Path, first: str, last: str) -> dict[str, Any]:
    """Every dbt model, seed and test over [first, last] (but those fed by ML outputs), through Dagster
    as the EOD job runs them."""
    import dagster as dg

    from orchestration.instance import prepare_environment
    from orchestration.runner import prepare_dbt_manifest

    prepare_environment(LakePaths(home))
    prepare_dbt_manifest()
    # Models fed by the ML assets' outputs wait for the ML stages; everything else is the build.
    ml = dg.AssetSelection.groups("ml") | dg.AssetSelection.key_prefixes(["ml"])
    selection = dg.AssetSelection.all() - dg.AssetSelection.key_prefixes(["bronze"]) - ml.downstream()
    defs = _bench_job_definitions("bench_dbt_build_job", selection)
    if not _execute(home, defs, "bench_dbt_build_job", first, last):
        raise SystemExit("the dbt build failed; see the log above")
    return {}


def eod(home: Path, first: str, last: str) -> dict[str, Any]:
    """The end-of-day job (ingest every source, checks, dbt) over [first, last], as `marginlake build`."""
    from orchestration.runner import materialize_days

    if not materialize_days(LakePaths(home), first, last):
        raise SystemExit("the end-of-day run failed; see the log above")
    return {}


def compile_dbt(home: Path) -> dict[str, Any]:
    from benchmarks.baselines.raw_sql import compile_project

    compile_project(home, home / BENCH_DIR / "dbt_compiled")
    return {}


def raw_sql(home: Path) -> dict[str, Any]:
    from benchmarks.baselines.raw_sql import run_compiled

    manifest = home / BENCH_DIR / "dbt_compiled" / "manifest.json"
    return {"details": run_compiled(manifest, home, home / BENCH_DIR / "raw_sql")}


def exposure_inputs(home: Path) -> dict[str, Any]:
    from benchmarks.baselines.pandas_exposure import prepare_inputs

    rows = prepare_inputs(
        home / "warehouse.duckdb",
        home / BENCH_DIR / "dbt_compiled" / "manifest.json",
        home / BENCH_DIR / "exposure_inputs",
    )
    return {"rows": sum(rows.values()), "details": rows}


def exposure_duckdb(home: Path) -> dict[str, Any]:
    from benchmarks.baselines.pandas_exposure import run_duckdb

    out = run_duckdb(
        home / BENCH_DIR / "dbt_compiled" / "manifest.json", home / BENCH_DIR / "exposure_inputs", home
    )
    return {"rows": out["rows"], "details": out}


def exposure_pandas(home: Path) -> dict[str, Any]:
    from benchmarks.baselines.pandas_exposure import run_pandas

    out = run_pandas(home / BENCH_DIR / "exposure_inputs")
    return {"rows": out["rows"], "details": out}


def _ml_stage_of(key: Any) -> str | None:
    """Which ML stage an asset key under ml/ belongs to, from the last part of its name."""
    name = key.path[-1].lower()
    for stage, words in ML_STAGES.items():
        if any(word in name for word in words):
            return stage
    return None


def _ml_keys(defs: Any, stage: str) -> list[Any]:
    keys = [k for k in defs.resolve_all_asset_keys() if k.path and k.path[0] == "ml"]
    return sorted((k for k in keys if _ml_stage_of(k) == stage), key=lambda k: k.path)


def ml_probe(home: Path) -> dict[str, Any]:
    """Which ML stages have assets in the Definitions (asset keys under ml/, by name)."""
    from orchestration.definitions import build_definitions
    from orchestration.instance import prepare_environment
    from orchestration.runner import prepare_dbt_manifest

    prepare_environment(LakePaths(home))
    prepare_dbt_manifest()
    defs = build_definitions()
    return {"details": {stage: [k.to_user_string() for k in _ml_keys(defs, stage)] for stage in ML_STAGES}}


def ml(home: Path, ml_stage: str, first: str, last: str) -> dict[str, Any]:
    """Materialize the ML assets of one stage: unpartitioned ones once, partitioned ones for `last`
    (a day's scoring is what runs daily), one job per partitioning."""
    import dagster as dg
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from orchestration.definitions import build_definitions
    from orchestration.instance import prepare_environment
    from orchestration.runner import prepare_dbt_manifest

    prepare_environment(LakePaths(home))
    prepare_dbt_manifest()
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    keys = _ml_keys(defs, ml_stage)
    if not keys:
        raise SystemExit(f"no ML assets for {ml_stage}")
    groups: dict[bool, list[Any]] = {}
    for key in keys:
        groups.setdefault(graph.get(key).partitions_def is not None, []).append(key)
    for partitioned, group in sorted(groups.items()):
        name = f"bench_ml_{ml_stage}_{'partitioned' if partitioned else 'once'}_job"
        job_defs = dg.Definitions.merge(
            defs, dg.Definitions(jobs=[dg.define_asset_job(name, selection=dg.AssetSelection.assets(*group))])
        )
        job = job_defs.resolve_job_def(name)
        tags = (
            {ASSET_PARTITION_RANGE_START_TAG: last, ASSET_PARTITION_RANGE_END_TAG: last}
            if partitioned
            else {}
        )
        with dg.DagsterInstance.get() as instance:
            result = job.execute_in_process(instance=instance, tags=tags, raise_on_error=False)
        if not result.success:
            raise SystemExit(f"the ML {ml_stage} run ({name}) failed; see the log above")
    return {"details": {"assets": [k.to_user_string() for k in keys], "first": first, "last": last}}


STAGES: dict[str, Callable[..., dict[str, Any]]] = {
    "simulate": simulate,
    "ingest": ingest,
    "convert": convert,
    "dbt_build": dbt_build,
    "eod": eod,
    "compile_dbt": compile_dbt,
    "raw_sql": raw_sql,
    "exposure_inputs": exposure_inputs,
    "exposure_duckdb": exposure_duckdb,
    "exposure_pandas": exposure_pandas,
    "ml_probe": ml_probe,
    "ml": ml,
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.stage")
    p.add_argument("stage", choices=sorted(STAGES))
    p.add_argument("--home", required=True)
    p.add_argument("--args", default="{}", help="keyword arguments as a JSON object")
    p.add_argument("--result", required=True)
    args = p.parse_args(argv)
    home = Path(args.home).resolve()
    os.environ["MARGINLAKE_HOME"] = str(home)
    os.environ.setdefault("DAGSTER_HOME", str(home / "dagster"))
    out = STAGES[args.stage](home, **json.loads(args.args))
    Path(args.result).write_text(json.dumps(out, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
