"""The benchmark's report: the machine, a table per stage, and where each target stands."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

GIB_MIB = 1024.0
PEAK_LIMIT_MIB = 4 * GIB_MIB


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on: they mean little without it."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    import dagster
    import dbt.version
    import duckdb

    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_gib, 1),
        "load_average_1m_at_end": load,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dbt": dbt.version.__version__,
        "dagster": dagster.__version__,
        "duckdb_memory_limit": os.environ.get("MARGINLAKE_DUCKDB_MEMORY_LIMIT", "2GB"),
        "duckdb_threads": os.environ.get("MARGINLAKE_DUCKDB_THREADS", "2"),
    }


def _find(stages: list[dict[str, Any]], prefix: str) -> dict[str, Any] | None:
    for s in stages:
        if s["stage"].startswith(prefix) and s.get("status") == "ok":
            return s
    return None


def _target(name: str, goal: str, value: float | None, shown: str, met: bool | None, note: str = "") -> dict:
    return {"target": name, "goal": goal, "value": value, "shown": shown, "met": met, "note": note}


def targets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of the issue with its measured value; None where the run could not measure it."""
    stages = doc["stages"]
    out = []

    days = sorted(
        (s for s in stages if "history_days" in s and s.get("status") == "ok"),
        key=lambda s: s["history_days"],
    )
    if len(days) >= 2:
        short, long_ = days[0], days[-1]
        ratio = long_["wall_s"] / short["wall_s"]
        out.append(
            _target(
                "incremental day flat in history",
                f"day on {long_['history_days']} days <= 1.3x day on {short['history_days']} days",
                ratio,
                f"{ratio:.2f}x ({long_['wall_s']:.1f} s vs {short['wall_s']:.1f} s)",
                ratio <= 1.3,
            )
        )
    else:
        out.append(_target("incremental day flat in history", "<= 1.3x", None, "not measured", None))

    ingest_rows = ingest_s = convert_rows = convert_s = 0.0
    per_source = []
    for source in ("ticks", "platform", "marketing"):
        ing, conv = _find(stages, f"ingest {source}"), _find(stages, f"duckdb convert {source}")
        if ing and conv and ing.get("rows") and conv.get("rows"):
            ingest_rows += ing["rows"]
            ingest_s += ing["wall_s"]
            convert_rows += conv["rows"]
            convert_s += conv["wall_s"]
            share = (ing["rows"] / ing["wall_s"]) / (conv["rows"] / conv["wall_s"])
            per_source.append(f"{source} {share:.2f}")
    if ingest_s and convert_s:
        share = (ingest_rows / ingest_s) / (convert_rows / convert_s)
        out.append(
            _target(
                "ingest throughput vs DuckDB straight conversion",
                ">= 0.5x",
                share,
                f"{share:.2f}x overall (per source: {', '.join(per_source)})",
                share >= 0.5,
                "bank statements (XML/MT940) have no DuckDB reader and are left out",
            )
        )

    build, raw = _find(stages, "dbt full build"), _find(stages, "raw SQL")
    if build and raw:
        overhead = (build["wall_s"] - raw["wall_s"]) / build["wall_s"]
        out.append(
            _target(
                "orchestration overhead (Dagster + dbt vs raw SQL)",
                "< 20% of the full build",
                overhead,
                f"{overhead:.0%} ({build['wall_s']:.1f} s vs {raw['wall_s']:.1f} s)",
                overhead < 0.2,
            )
        )

    duck, pand = _find(stages, "exposure mart: DuckDB"), _find(stages, "exposure mart: pandas")
    if duck and pand:
        speedup = pand["details"]["compute_s"] / duck["details"]["compute_s"]
        wall = pand["wall_s"] / duck["wall_s"]
        agree = (
            duck["details"].get("risk_states") == pand["details"].get("risk_states")
            and duck["rows"] == pand["rows"]
        )
        out.append(
            _target(
                "account-exposure mart vs pandas",
                ">= 10x",
                speedup,
                f"{speedup:.1f}x in-process ({wall:.1f}x wall with interpreter start)",
                speedup >= 10,
                "same rows and risk states" if agree else "results DIFFER between pandas and DuckDB",
            )
        )

    measured = [s for s in stages if s.get("status") == "ok" and s.get("kind") != "preparation"]
    if measured:
        worst = max(measured, key=lambda s: s["peak_mib"])
        out.append(
            _target(
                "peak memory per stage",
                "< 4 GiB",
                worst["peak_mib"],
                f"{worst['peak_mib'] / GIB_MIB:.2f} GiB at most ({worst['stage']})",
                worst["peak_mib"] < PEAK_LIMIT_MIB,
            )
        )
    if len(days) >= 2:
        growth = days[-1]["peak_mib"] / days[0]["peak_mib"]
        out.append(
            _target(
                "peak memory not growing with days",
                "day on most history ~ day on least",
                growth,
                f"{growth:.2f}x ({days[-1]['peak_mib']:.0f} MiB vs {days[0]['peak_mib']:.0f} MiB)",
                growth <= 1.3,
            )
        )
    return out


def _num(value: Any, fmt: str = "{:,.0f}") -> str:
    return "" if value is None else fmt.format(value)


def render_markdown(doc: dict[str, Any]) -> str:
    """The table a README can carry: one row per stage, then the targets."""
    scale, m = doc["scale"], doc["machine"]
    lines = [
        f"# Benchmark at scale {scale['name']}",
        "",
        f"{scale['clients']:,} clients, {scale['instruments']:,} instruments, {scale['days']} trading days, "
        f"{scale['trades_per_day']} prints per instrument and day (seed {scale['seed']}). "
        + (
            f"PARTIAL: the run was still going or was cut short at {doc['generated_at']}, after "
            f"{doc['total_wall_s']:.0f} s; the stages below are the ones it finished."
            if doc.get("partial")
            else f"History stages run again {doc['generated_at']} ({doc['total_wall_s']:.0f} s) on the "
            "lake of an earlier run; the other stages are that run's (see the notes)."
            if doc.get("history_only")
            else f"Run {doc['generated_at']}, {doc['total_wall_s']:.0f} s in all."
        ),
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}; Python {m['python']}, "
        f"DuckDB {m['duckdb']}, dbt {m['dbt']}, Dagster {m['dagster']}; DuckDB memory_limit "
        f"{m['duckdb_memory_limit']}, threads {m['duckdb_threads']}; load average at the end "
        f"{_num(m['load_average_1m_at_end'], '{:.2f}')}.",
        "",
        "| stage | kind | wall s | rows | rows/s | peak MiB |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for s in doc["stages"]:
        if s.get("status") != "ok":
            lines.append(f"| {s['stage']} | {s.get('kind', '')} | {s['status']} | | | |")
            continue
        lines.append(
            f"| {s['stage']} | {s['kind']} | {s['wall_s']:.1f} | {_num(s.get('rows'))} | "
            f"{_num(s.get('rows_per_s'))} | {s['peak_mib']:,.0f} |"
        )
    notes = [
        f"- {s['stage']}: {s['note']}" for s in doc["stages"] if s.get("note") and s.get("status") == "ok"
    ]
    if notes:
        lines += ["", *notes]
    lines += ["", "| target | goal | measured | met |", "| --- | --- | --- | --- |"]
    for t in doc["targets"]:
        met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
        note = f" ({t['note']})" if t.get("note") else ""
        lines.append(f"| {t['target']} | {t['goal']} | {t['shown']}{note} | {met} |")
    lines += [
        "",
        "Peak memory is the larger of the stage's process tree (sampled every 100 ms) and its largest "
        "process (kernel rusage). Rows: rows generated (simulate), landing rows read (ingest, conversion, "
        "one day), bronze rows read (full build, raw SQL), mart rows (exposure).",
        "",
    ]
    return "\n".join(lines)
