"""The `marginlake` command: what a person runs by hand outside the UI. No logic lives here."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from assets.common.paths import LakePaths

DEMO_MARKER = ".demo_simulation.json"


def _simulation_args(args: argparse.Namespace) -> dict[str, object]:
    return {
        "clients": args.clients,
        "instruments": args.instruments,
        "days": args.days,
        "seed": args.seed,
        "start": args.start,
    }


def cmd_simulate(args: argparse.Namespace) -> int:
    from simulator import SimulationConfig, generate

    paths = LakePaths.from_home(args.home)
    summary = generate(SimulationConfig(home=paths.home, **_simulation_args(args), quiet=args.quiet))
    (paths.home / DEMO_MARKER).write_text(json.dumps(_simulation_args(args), sort_keys=True))
    print(f"Sample platform written to {paths.landing} ({summary.first_day} .. {summary.last_day}).")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from orchestration.runner import materialize_days

    paths = LakePaths.from_home(args.home)
    ok = materialize_days(paths, args.first_day, args.last_day)
    print(
        "Build succeeded."
        if ok
        else "Build FAILED: open the run in the Dagster UI (make ui) to see which step."
    )
    return 0 if ok else 1


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate the sample platform (unless the same one is already there), build every day, summarize."""
    from orchestration.runner import materialize_days
    from orchestration.summary import render, summarize
    from simulator import SimulationConfig, generate, simulated_days

    paths = LakePaths.from_home(args.home)
    paths.home.mkdir(parents=True, exist_ok=True)
    marker = paths.home / DEMO_MARKER
    wanted = json.dumps(_simulation_args(args), sort_keys=True)
    if not (marker.exists() and marker.read_text() == wanted and paths.landing.is_dir()):
        print("Generating the sample platform ...", flush=True)
        generate(SimulationConfig(home=paths.home, **_simulation_args(args), quiet=args.quiet))
        marker.write_text(wanted)
    else:
        print(f"Sample platform already in {paths.landing} (same seed and scale); reusing it.")
    days = simulated_days(start=args.start, days=args.days)
    print(f"Building {len(days)} trading days ({days[0]} .. {days[-1]}) headless ...", flush=True)
    ok = materialize_days(paths, days[0].isoformat(), days[-1].isoformat())
    print()
    print(render(summarize(paths), paths))
    if not ok:
        print("\nThe build FAILED: open the run in the Dagster UI (make ui) to see which step and why.")
    return 0 if ok else 1


def cmd_summary(args: argparse.Namespace) -> int:
    from orchestration.summary import render, summarize

    paths = LakePaths.from_home(args.home)
    print(render(summarize(paths), paths))
    return 0


def cmd_contracts(args: argparse.Namespace) -> int:
    """Write the contract docs and dbt sources YAML, or with --check only list the stale ones."""
    from assets.common.contract_docs import stale_files, write_generated_files

    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"{path} differs from what data_contracts/ produces; run `marginlake contracts`.")
        return 1 if stale else 0
    changed = write_generated_files()
    for path in changed:
        print(f"Wrote {path}")
    print(f"{len(changed)} file(s) changed." if changed else "Contract docs and dbt sources are up to date.")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    paths = LakePaths.from_home(args.home)
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        con.sql(args.sql).show(max_width=200, max_rows=args.max_rows)
    return 0


def _tabular_roles(args: argparse.Namespace):
    from ml.tabular import TabularRoles

    def names(value: str | None) -> list[str]:
        return [v for v in (value or "").split(",") if v]

    return TabularRoles(
        target=args.target,
        ids=names(args.id_columns),
        date=args.date_column,
        categorical=names(args.categorical),
        exclude=names(args.exclude),
        features=names(args.features),
    )


def cmd_train_scorecard(args: argparse.Namespace) -> int:
    """The credit scorecard method (WoE scorecard + boosting challenger) on any CSV or Parquet file."""
    from ml.common.binary_run import TrainingGateError
    from ml.tabular import train_scorecard_file

    paths = LakePaths.from_home(args.home)
    try:
        run = train_scorecard_file(
            args.data, paths.home, _tabular_roles(args), args.model_name, args.holdout_share, args.seed
        )
    except TrainingGateError as exc:
        print(str(exc))
        return 2
    s = run.result.metrics()
    print(
        f"Version {run.version}: holdout AUC champion {s['champion']['auc']:.3f}, challenger "
        f"{s['challenger']['auc']:.3f}. {run.result.decision.summary}"
    )
    print(f"Scorecard: {run.scorecard}")
    return 0


def cmd_train_anomaly(args: argparse.Namespace) -> int:
    """The anomaly method (isolation forest + SHAP reasons, daily budget) on any CSV or Parquet file."""
    from ml.common.binary_run import TrainingGateError
    from ml.tabular import train_anomaly_file

    paths = LakePaths.from_home(args.home)
    try:
        run = train_anomaly_file(args.data, paths.home, _tabular_roles(args), args.model_name, args.budget)
    except TrainingGateError as exc:
        print(str(exc))
        return 2
    ev = run.run.evaluation.summary()
    print(
        f"Version {run.version}: {ev['alerts']} alerts; precision at budget {ev['precision_at_budget']:.3f}."
    )
    print(f"Scorecard: {run.scorecard}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="marginlake", description=__doc__)
    p.add_argument("--home", default=None, help="lake folder (default: MARGINLAKE_HOME or ./.marginlake)")
    sub = p.add_subparsers(dest="command", required=True)

    def sim_options(sp: argparse.ArgumentParser) -> None:
        from simulator.config import DEFAULTS

        for name in ("clients", "instruments", "days", "seed"):
            sp.add_argument(f"--{name}", type=int, default=getattr(DEFAULTS, name))
        sp.add_argument("--start", default=str(DEFAULTS.start), help="first business date (YYYY-MM-DD)")
        sp.add_argument("--quiet", action="store_true", help="no progress bar")

    sim = sub.add_parser("simulate", help="generate a sample platform into landing/ and truth/")
    sim_options(sim)
    sim.set_defaults(func=cmd_simulate)

    demo = sub.add_parser("demo", help="sample platform + full headless build + summary")
    sim_options(demo)
    demo.set_defaults(func=cmd_demo)

    build = sub.add_parser("build", help="ingest and build a range of trading days headless")
    build.add_argument("first_day")
    build.add_argument("last_day")
    build.set_defaults(func=cmd_build)

    sub.add_parser("summary", help="row counts of bronze, quarantine and marts").set_defaults(
        func=cmd_summary
    )

    contracts = sub.add_parser(
        "contracts", help="write docs/contracts/*.md and the dbt sources YAML from data_contracts/"
    )
    contracts.add_argument("--check", action="store_true", help="only report files that are out of date")
    contracts.set_defaults(func=cmd_contracts)

    def tabular_options(sp: argparse.ArgumentParser, model_name: str) -> None:
        sp.add_argument("data", help="CSV or Parquet file")
        sp.add_argument("--id-columns", help="comma-separated row key columns (never features)")
        sp.add_argument(
            "--date-column", help="date column: out-of-time split (scorecard) or the day (anomaly)"
        )
        sp.add_argument("--categorical", help="comma-separated columns to treat as categorical")
        sp.add_argument("--exclude", help="comma-separated columns to leave out")
        sp.add_argument("--features", help="comma-separated feature columns (default: every other column)")
        sp.add_argument("--model-name", default=model_name, help="folder under <home>/ml/ for the versions")

    scorecard = sub.add_parser(
        "train-scorecard", help="train and document a scorecard on any CSV/Parquet file"
    )
    tabular_options(scorecard, "tabular_scorecard")
    scorecard.add_argument("--target", required=True, help="0/1 outcome column (1 = bad)")
    scorecard.add_argument("--holdout-share", type=float, default=0.3)
    scorecard.add_argument("--seed", type=int, default=0)
    scorecard.set_defaults(func=cmd_train_scorecard)

    anomaly = sub.add_parser(
        "train-anomaly", help="train and document an anomaly model on any CSV/Parquet file"
    )
    tabular_options(anomaly, "tabular_anomaly")
    anomaly.add_argument(
        "--target", help="optional 0/1 column of known anomalies, used only to judge the alerts"
    )
    anomaly.add_argument(
        "--budget", type=int, default=3, help="alerts per day (per file without a date column)"
    )
    anomaly.set_defaults(func=cmd_train_anomaly)

    query = sub.add_parser("query", help="run read-only SQL against the warehouse")
    query.add_argument("sql")
    query.add_argument("--max-rows", type=int, default=40)
    query.set_defaults(func=cmd_query)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
