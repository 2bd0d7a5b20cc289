"""What a user would otherwise write: the account-exposure mart in plain pandas.

Both sides start from the same three Parquet files (the mart's inputs, materialized once from
the warehouse dbt built) and end with the mart's rows in memory: DuckDB runs the mart's compiled
SQL with its three refs pointed at the files; pandas reads the files, aggregates positions per
account and day, joins balances and the margin lines in force, and applies the same formulas.
The pandas version works in float64, as a straightforward implementation would (the mart is
exact DECIMAL); the run checks that both agree on row count and risk states.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

MART = "fct_account_exposure_daily"
INPUTS = {
    "account_balances": "int_account_balances_daily",
    "positions": "int_positions_daily",
    "margin_lines": "int_margin_lines_resolved",
}


def _nodes_by_name(manifest_path: Path) -> dict[str, dict[str, Any]]:
    manifest = json.loads(manifest_path.read_text())
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def prepare_inputs(warehouse: Path, manifest_path: Path, out_dir: Path) -> dict[str, int]:
    """Write the mart's three inputs as Parquet (computing the views once); rows per input."""
    nodes = _nodes_by_name(manifest_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name, model in INPUTS.items():
            target = (out_dir / f"{name}.parquet").as_posix()
            con.execute(
                f"copy (select * from {nodes[model]['relation_name']}) to '{target}' (format parquet)"
            )
            rows[name] = pq_rows(out_dir / f"{name}.parquet")
    return rows


def pq_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def mart_sql(manifest_path: Path, inputs_dir: Path) -> str:
    """The mart's compiled (full) SELECT with its refs replaced by the input files."""
    nodes = _nodes_by_name(manifest_path)
    sql = nodes[MART]["compiled_code"]
    for name, model in INPUTS.items():
        sql = sql.replace(
            nodes[model]["relation_name"], f"read_parquet('{(inputs_dir / f'{name}.parquet').as_posix()}')"
        )
    return sql


def run_duckdb(manifest_path: Path, inputs_dir: Path, home: Path) -> dict[str, Any]:
    """The mart's SQL in DuckDB (the dbt profile's settings), fetched as Arrow; rows and risk states."""
    from benchmarks.baselines.raw_sql import connect

    started = time.perf_counter()
    with connect(":memory:", home) as con:
        table = con.execute(mart_sql(manifest_path, inputs_dir)).to_arrow_table()
    elapsed = time.perf_counter() - started
    states = pd.Series(table.column("risk_state").to_pylist()).value_counts().to_dict()
    return {"rows": table.num_rows, "compute_s": elapsed, "risk_states": states}


def _ratio(numerator: pd.Series, denominator: pd.Series, valid: pd.Series) -> pd.Series:
    return (numerator / denominator.where(valid)).round(6)


def exposure_pandas(balances: pd.DataFrame, positions: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """fct_account_exposure_daily in pandas (float64), one row per account and business date."""
    keys = ["account_id", "as_of_date"]
    money = ["market_value", "collateral_value", "unrealized_pnl"]
    positions = positions[[*keys, *money]].astype({c: "float64" for c in money})
    positions["mv_squared"] = positions["market_value"] ** 2
    totals = positions.groupby(keys, as_index=False).agg(
        position_count=("market_value", "size"),
        long_market_value=("market_value", "sum"),
        collateral_value=("collateral_value", "sum"),
        unrealized_pnl=("unrealized_pnl", "sum"),
        largest_position_value=("market_value", "max"),
        sum_of_squared_market_values=("mv_squared", "sum"),
    )
    cash_columns = [
        "client_cash",
        "financing_principal",
        "accrued_interest",
        "fees_receivable",
        "deficit_receivable",
    ]
    balances = balances[[*keys, "client_id", "product_id", *cash_columns]].astype(
        {c: "float64" for c in cash_columns}
    )
    df = balances.merge(totals, on=keys, how="left")
    for column in ("long_market_value", "collateral_value", "unrealized_pnl", "position_count"):
        df[column] = df[column].fillna(0)
    df = df.rename(columns={"client_cash": "cash", "fees_receivable": "fees_due"})
    df["liabilities"] = (
        df["financing_principal"] + df["accrued_interest"] + df["fees_due"] + df["deficit_receivable"]
    )
    df["total_assets"] = df["cash"] + df["long_market_value"]
    df["equity"] = df["total_assets"] - df["liabilities"]

    line_columns = ["line_basis", "warning_line", "call_line", "close_line"]
    lines = lines[["product_id", "effective_from", "effective_to", *line_columns]].astype(
        {c: "float64" for c in line_columns if c != "line_basis"}
    )
    candidates = df[[*keys, "product_id"]].merge(lines, on="product_id", how="inner")
    in_force = (candidates["as_of_date"] >= candidates["effective_from"]) & (
        candidates["effective_to"].isna() | (candidates["as_of_date"] < candidates["effective_to"])
    )
    df = df.merge(candidates.loc[in_force, [*keys, *line_columns]], on=keys, how="left")

    ta, d, e, mv = df["total_assets"], df["liabilities"], df["equity"], df["long_market_value"]
    df["risk_state"] = np.select(
        [e < 0, d <= 0, ta < df["close_line"] * d, ta < df["call_line"] * d, ta < df["warning_line"] * d],
        ["deficit", "normal", "liquidating", "call", "warning"],
        default="normal",
    )
    df["leverage"] = _ratio(ta, e, e > 0)
    df["maintenance_collateral_ratio"] = _ratio(ta, d, d > 0)
    df["largest_position_share"] = _ratio(df["largest_position_value"], mv, mv > 0)
    df["hhi"] = _ratio(df["sum_of_squared_market_values"], mv * mv, mv > 0)
    for line in ("warning_line", "call_line", "close_line"):
        name = "distance_to_" + line.removesuffix("_line")
        df[name] = _ratio(ta - df[line] * d, mv, (d > 0) & (mv > 0))
    return df.drop(columns=["largest_position_value", "sum_of_squared_market_values"])


def run_pandas(inputs_dir: Path) -> dict[str, Any]:
    """Read the three inputs with pandas and compute the mart; rows and the risk-state counts."""
    started = time.perf_counter()
    frames = {name: pd.read_parquet(inputs_dir / f"{name}.parquet") for name in INPUTS}
    loaded = time.perf_counter()
    df = exposure_pandas(frames["account_balances"], frames["positions"], frames["margin_lines"])
    elapsed = time.perf_counter() - started
    return {
        "rows": len(df),
        "compute_s": elapsed,
        "read_s": loaded - started,
        "risk_states": df["risk_state"].value_counts().to_dict(),
    }
