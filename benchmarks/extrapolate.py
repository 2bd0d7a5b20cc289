"""Scale L on paper: each stage's time projected from the growth measured between S and M.

`python -m benchmarks.extrapolate` reads benchmarks/results/S.json and M.json, fits
time = fixed + rows x per-row cost for each stage measured at both scales, and projects the
rows of L from what drives each stage (prints grow with instruments x prints x days, the
ledger with clients x days, one day's run with one day's data). A projection, not a measurement:
it assumes costs stay linear, which holds only while memory stays bounded (see README).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.scales import Scale

RESULTS = Path(__file__).resolve().parent / "results"
L = Scale("L", clients=50_000, instruments=5_000, days=250, trades_per_day=400, history=(10, 60, 249))


def _ticks(s: dict[str, Any]) -> float:
    return s["instruments"] * s["trades_per_day"] * s["days"]


def _ledger(s: dict[str, Any]) -> float:
    return s["clients"] * s["days"]


def growth(stage: str, base: dict[str, Any], target: dict[str, Any]) -> float:
    """How many times more rows `stage` handles at `target` than at `base`."""
    if "one trading day" in stage:
        return (target["instruments"] * target["trades_per_day"]) / (
            base["instruments"] * base["trades_per_day"]
        )
    if any(word in stage for word in ("platform", "bank", "marketing", "exposure")):
        return _ledger(target) / _ledger(base)
    return _ticks(target) / _ticks(base)


def project(small: dict[str, Any], medium: dict[str, Any], target: dict[str, Any]) -> list[dict[str, Any]]:
    """Per stage: fixed cost and per-row cost from two measurements, then time and rows at `target`."""
    by_name = {s["stage"]: s for s in small["stages"] if s.get("status") == "ok" and s.get("rows")}
    out = []
    for m in medium["stages"]:
        s = by_name.get(m["stage"])
        if m.get("status") != "ok" or not m.get("rows") or s is None or m["rows"] == s["rows"]:
            continue
        per_row = max((m["wall_s"] - s["wall_s"]) / (m["rows"] - s["rows"]), 0.0)
        fixed = max(m["wall_s"] - per_row * m["rows"], 0.0)
        rows = m["rows"] * growth(m["stage"], medium["scale"], target)
        out.append(
            {
                "stage": m["stage"],
                "fixed_s": round(fixed, 1),
                "us_per_row": round(per_row * 1e6, 3),
                "rows": round(rows),
                "projected_s": round(fixed + per_row * rows, 1),
                "peak_mib_at_m": m["peak_mib"],
            }
        )
    return out


def render(rows: list[dict[str, Any]], target: dict[str, Any]) -> str:
    lines = [
        f"Projection to {target['clients']:,} clients, {target['instruments']:,} instruments, "
        f"{target['days']} days, {target['trades_per_day']} prints per instrument and day:",
        "",
        "| stage | fixed s | us per row | rows | projected s | peak MiB at M |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['stage']} | {r['fixed_s']:.0f} | {r['us_per_row']:.2f} | {r['rows']:,} | "
            f"{r['projected_s']:,.0f} | {r['peak_mib_at_m']:,.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    from dataclasses import asdict

    try:
        small, medium = (json.loads((RESULTS / f"{n}.json").read_text()) for n in ("S", "M"))
    except FileNotFoundError as exc:
        print(f"{exc.filename} is missing: run `make bench SCALE=S` and `make bench SCALE=M` first.")
        return 1
    print(render(project(small, medium, asdict(L)), asdict(L)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
