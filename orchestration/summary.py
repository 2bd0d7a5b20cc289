"""A short report of what a lake holds: bronze and quarantine row counts and the warehouse marts."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from assets.common.paths import LakePaths


@dataclass
class LakeSummary:
    bronze: dict[str, int] = field(default_factory=dict)
    quarantine: dict[str, int] = field(default_factory=dict)
    marts: dict[str, int] = field(default_factory=dict)
    accounts_through_warning: int | None = None
    warehouse: Path | None = None


def _parquet_counts(con: duckdb.DuckDBPyConnection, root: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    if not root.is_dir():
        return counts
    for source in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_")):
        for table in sorted(p for p in source.iterdir() if p.is_dir() and not p.name.startswith("_")):
            files = sorted(table.glob("*/*.parquet"))
            if files:
                n = con.execute("select count(*) from read_parquet(?)", [[str(f) for f in files]]).fetchall()[
                    0
                ][0]
                counts[f"{source.name}.{table.name}"] = int(n)
    return counts


def summarize(paths: LakePaths) -> LakeSummary:
    """Count rows everywhere; opens the warehouse read-only and only briefly."""
    summary = LakeSummary()
    with duckdb.connect() as con:
        summary.bronze = _parquet_counts(con, paths.bronze)
        summary.quarantine = _parquet_counts(con, paths.quarantine)
    if paths.warehouse.exists():
        summary.warehouse = paths.warehouse
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            tables = con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' and (table_name like 'fct_%' or table_name like 'dim_%') "
                "order by 1, 2"
            ).fetchall()
            for schema, name in tables:
                n = con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]
                summary.marts[f"{schema}.{name}"] = int(n)
            exposure = [f'"{s}"."{n}"' for s, n in tables if n == "fct_account_exposure_daily"]
            if exposure:
                summary.accounts_through_warning = con.execute(
                    f"select count(distinct account_id) from {exposure[0]} where risk_state <> 'normal'"
                ).fetchall()[0][0]
    return summary


def render(summary: LakeSummary, paths: LakePaths) -> str:
    """The text `make demo` prints: enough for a newcomer to know what happened and where to look."""
    lines = [f"marginlake lake at {paths.home}", "", "Bronze tables (rows accepted):"]
    lines += [f"  {name:<40} {n:>12,}" for name, n in summary.bronze.items()] or ["  (none)"]
    lines += ["", "Quarantine (rows rejected, with their reasons, under quarantine/):"]
    lines += [f"  {name:<40} {n:>12,}" for name, n in summary.quarantine.items() if n] or [
        "  (nothing quarantined)"
    ]
    lines += ["", "Warehouse marts:"]
    lines += [f"  {name:<40} {n:>12,}" for name, n in summary.marts.items()] or [
        "  (warehouse not built yet)"
    ]
    if summary.accounts_through_warning is not None:
        lines.append(
            f"\nAccounts that crossed at least their warning line: {summary.accounts_through_warning}"
        )
    if not os.environ.get("MARGINLAKE_PII_KEY"):
        lines.append(
            "\nPII was tokenized with the public DEVELOPMENT key (fine for sample data only); "
            "set MARGINLAKE_PII_KEY to a secret before ingesting real client data."
        )
    if summary.warehouse:
        lines += [
            "",
            f"DuckDB warehouse: {summary.warehouse}",
            "Query a mart:   .venv/bin/marginlake query "
            '"select as_of_date, risk_state, count(*) as accounts from fct_account_exposure_daily '
            'group by all order by 1 desc, 2 limit 10"',
            "Open the UI:    make ui   (then http://127.0.0.1:3000)",
        ]
    return "\n".join(lines)
