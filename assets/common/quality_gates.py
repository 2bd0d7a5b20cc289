"""Dataset-level quality gates on a bronze partition, built from its contract, run with great-expectations.

Row-level rules already ran at ingest (in DuckDB); these gates look at the partition as a whole:
the contract's constraints once more as expectations (so the report shows them), plus what only
history can tell — a row count, null rates and column means that fall far outside the recent
partitions. Statistics use float64: they describe distributions, they never become money.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from assets.common.contracts import Column, Contract

# How many earlier partitions the history bands look at, and how many they need before they apply.
HISTORY_PARTITIONS = 20
MIN_HISTORY = 5
# Row-count band around the recent median: generous, so only real breaks (a half-delivered file,
# a duplicated export) fail the gate.
ROW_COUNT_LOW, ROW_COUNT_HIGH = 0.2, 5.0
NULL_RATE_SLACK = 0.25
MEAN_MAD_MULTIPLIER = 8.0
MEAN_RELATIVE_SLACK = 0.5
NUMERIC_KINDS = {"decimal", "bigint", "integer"}


@dataclass(frozen=True)
class PartitionProfile:
    """What history remembers of one partition."""

    business_date: str
    row_count: int
    null_rates: dict[str, float]
    means: dict[str, float]


@dataclass
class GateOutcome:
    """The verdict, with each failed expectation as a sentence and a Markdown report for the UI."""

    passed: bool
    failures: list[str] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)

    def markdown(self, title: str) -> str:
        lines = [
            f"### {title}",
            "",
            "| expectation | column | passed | observed |",
            "| --- | --- | --- | --- |",
        ]
        for r in self.results:
            lines.append(
                f"| {r['expectation']} | {r.get('column') or ''} | {'yes' if r['success'] else '**no**'} "
                f"| {r.get('observed', '')} |"
            )
        if self.failures:
            lines += ["", "Failed:"] + [f"- {f}" for f in self.failures]
        return "\n".join(lines)


def _numeric_columns(contract: Contract) -> list[Column]:
    return [c for c in contract.columns if c.kind in NUMERIC_KINDS and not c.pii]


def profile_partition(contract: Contract, business_date: str, data: pa.Table) -> PartitionProfile:
    """Row count, null rate per column and mean per numeric column, computed in DuckDB."""
    n = data.num_rows
    if n == 0:
        return PartitionProfile(business_date, 0, {}, {})
    selects = [f'avg(("{c.name}" is null)::int) as "null__{c.name}"' for c in contract.columns]
    selects += [f'avg("{c.name}"::double) as "mean__{c.name}"' for c in _numeric_columns(contract)]
    with duckdb.connect() as con:
        con.register("partition_data", data)
        row = con.execute(f"select {', '.join(selects)} from partition_data").fetchall()[0]
        names = [d[0] for d in con.description]
    values = dict(zip(names, row, strict=True))
    nulls = {k.removeprefix("null__"): float(v) for k, v in values.items() if k.startswith("null__")}
    means = {
        k.removeprefix("mean__"): float(v)
        for k, v in values.items()
        if k.startswith("mean__") and v is not None
    }
    return PartitionProfile(business_date, n, nulls, means)


def profile_history(
    contract: Contract, partition_files: dict[str, Path], before: str
) -> list[PartitionProfile]:
    """Profiles of the most recent partitions strictly before `before` (business dates as keys)."""
    earlier = sorted(d for d in partition_files if d < before)[-HISTORY_PARTITIONS:]
    profiles = []
    for day in earlier:
        profiles.append(profile_partition(contract, day, pq.read_table(partition_files[day])))
    return profiles


def _median_abs_deviation(values: list[float]) -> float:
    med = statistics.median(values)
    return statistics.median([abs(v - med) for v in values])


def _expectations(contract: Contract, history: list[PartitionProfile]) -> list[Any]:
    import great_expectations.expectations as gxe

    exps: list[Any] = []
    for c in contract.columns:
        if c.required:
            exps.append(gxe.ExpectColumnValuesToNotBeNull(column=c.name))
        if c.enum:
            exps.append(gxe.ExpectColumnValuesToBeInSet(column=c.name, value_set=list(c.enum)))
        low = c.exclusive_minimum if c.exclusive_minimum is not None else c.minimum
        high = c.exclusive_maximum if c.exclusive_maximum is not None else c.maximum
        if c.kind in NUMERIC_KINDS and (low is not None or high is not None):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=c.name,
                    min_value=None if low is None else float(low),
                    max_value=None if high is None else float(high),
                    strict_min=c.exclusive_minimum is not None,
                    strict_max=c.exclusive_maximum is not None,
                )
            )
    key = list(contract.primary_key)
    if len(key) == 1:
        exps.append(gxe.ExpectColumnValuesToBeUnique(column=key[0]))
    elif key:
        exps.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=key))
    if len(history) >= MIN_HISTORY:
        counts = [p.row_count for p in history]
        median = statistics.median(counts)
        if median > 0:
            exps.append(
                gxe.ExpectTableRowCountToBeBetween(
                    min_value=int(median * ROW_COUNT_LOW), max_value=int(max(counts) * ROW_COUNT_HIGH) + 10
                )
            )
        for c in contract.columns:
            if c.required:
                continue
            rates = [p.null_rates[c.name] for p in history if c.name in p.null_rates]
            if rates:
                exps.append(
                    gxe.ExpectColumnValuesToNotBeNull(
                        column=c.name, mostly=max(0.0, 1.0 - min(1.0, max(rates) + NULL_RATE_SLACK))
                    )
                )
        for c in _numeric_columns(contract):
            means = [p.means[c.name] for p in history if c.name in p.means]
            if len(means) >= MIN_HISTORY:
                med = statistics.median(means)
                band = MEAN_MAD_MULTIPLIER * 1.4826 * _median_abs_deviation(
                    means
                ) + MEAN_RELATIVE_SLACK * abs(med)
                exps.append(
                    gxe.ExpectColumnMeanToBeBetween(column=c.name, min_value=med - band, max_value=med + band)
                )
    return exps


def _as_frame(contract: Contract, data: pa.Table) -> pd.DataFrame:
    """Only contract columns; decimals as float64 for the statistics (never written anywhere)."""
    cols = {}
    for c in contract.columns:
        arr = data.column(c.name)
        cols[c.name] = arr.cast(pa.float64()).to_pandas() if c.kind == "decimal" else arr.to_pandas()
    return pd.DataFrame(cols)


def _sentence(result: Any) -> str:
    cfg = result.expectation_config
    kwargs = cfg.kwargs
    column = kwargs.get("column") or ", ".join(kwargs.get("column_list") or [])
    detail = result.result or {}
    observed = detail.get("observed_value")
    unexpected = detail.get("unexpected_count")
    what = cfg.type.replace("expect_", "").replace("_", " ")
    parts = [f"{what}" + (f" on {column}" if column else "")]
    bounds = {
        k: kwargs[k] for k in ("min_value", "max_value", "value_set", "mostly") if kwargs.get(k) is not None
    }
    if bounds:
        parts.append(f"expected {bounds}")
    if observed is not None:
        parts.append(f"observed {observed}")
    if unexpected:
        parts.append(f"{unexpected} rows broke it (e.g. {detail.get('partial_unexpected_list', [])[:3]})")
    return "; ".join(parts)


def run_quality_gate(contract: Contract, data: pa.Table, history: list[PartitionProfile]) -> GateOutcome:
    """Validate one partition with great-expectations; returns a verdict a person can read."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    name = contract.key.replace(".", "__")
    batch_def = (
        context.data_sources.add_pandas(name=f"{name}_source")
        .add_dataframe_asset(name=name)
        .add_batch_definition_whole_dataframe("partition")
    )
    suite = context.suites.add(
        gx.ExpectationSuite(name=f"{name}_suite", expectations=_expectations(contract, history))
    )
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{name}_gate", data=batch_def, suite=suite)
    )
    report = validation.run(batch_parameters={"dataframe": _as_frame(contract, data)})
    outcome = GateOutcome(passed=bool(report.success))
    for r in report.results:
        kwargs = r.expectation_config.kwargs
        outcome.results.append(
            {
                "expectation": r.expectation_config.type,
                "column": kwargs.get("column") or ",".join(kwargs.get("column_list") or []),
                "success": bool(r.success),
                "observed": (r.result or {}).get(
                    "observed_value", (r.result or {}).get("unexpected_count", "")
                ),
            }
        )
        if not r.success:
            outcome.failures.append(_sentence(r))
    return outcome
