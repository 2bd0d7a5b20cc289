"""Dataset-level quality gates on a bronze partition, built from its contract, run with great-expectations.

Row-level rules already ran at ingest (in DuckDB); these gates look at the partition as a whole.
The suite has two parts. The contract part states the contract's constraints once more as
expectations (required, enums, ranges, unique keys), so a bronze file changed behind the ingest's
back is caught and the report shows every rule. The history part holds what only history can
tell: a row count, null rates and column means far outside the recent partitions.

History bands are wide on purpose: a gate that blocks the marts on a market sell-off (volumes and
sizes double) is worse than none, while a half-delivered file, a column gone empty or a unit slip
(cents for yuan, lots for shares) moves a statistic by far more. Small partitions get wider bands,
by the sampling error of a rate or a mean over that many rows. Statistics use float64: they
describe distributions, they never become money.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from assets.common.contracts import Column, Contract
from assets.common.duck import connect

# How many earlier partitions the history bands look at, and how many they need before they apply.
HISTORY_PARTITIONS = 20
MIN_HISTORY = 5
# Row count: at least a fifth of the recent median (and within three Poisson deviations of it for
# small tables), at most five times the recent maximum.
ROW_COUNT_LOW, ROW_COUNT_HIGH = 0.2, 5.0
ROW_COUNT_SIGMAS = 3.0
# Null rate: at most the highest recent rate plus a slack, plus the sampling error of the partition.
NULL_RATE_SLACK = 0.25
# Mean: within a factor of the recent median (positive measures) or a relative band around it,
# widened by the spread of recent means and by the sampling error of the partition's mean.
MEAN_RATIO = 4.0
MEAN_RELATIVE_SLACK = 0.5
MEAN_MAD_MULTIPLIER = 8.0
SAMPLING_SIGMAS = 4.0
NUMERIC_KINDS = {"decimal", "bigint", "integer"}
BUSINESS_DATE = "business_date"


@dataclass(frozen=True)
class PartitionProfile:
    """What history remembers of one partition."""

    business_date: str
    row_count: int
    null_rates: dict[str, float]
    means: dict[str, float]
    stddevs: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "business_date": self.business_date,
            "row_count": self.row_count,
            "null_rates": self.null_rates,
            "means": self.means,
            "stddevs": self.stddevs,
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> PartitionProfile:
        return cls(
            doc["business_date"], int(doc["row_count"]), doc["null_rates"], doc["means"], doc["stddevs"]
        )


@dataclass
class GateOutcome:
    """The verdict, with each failed expectation as a sentence and a Markdown report for the UI."""

    passed: bool
    failures: list[str] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)

    def merge(self, other: GateOutcome) -> GateOutcome:
        return GateOutcome(
            self.passed and other.passed, self.failures + other.failures, self.results + other.results
        )

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


def distribution_columns(contract: Contract) -> list[Column]:
    """Numeric columns whose mean says something: not PII, not part of the key (an identifier)."""
    return [
        c
        for c in contract.columns
        if c.kind in NUMERIC_KINDS and not c.pii and c.name not in contract.primary_key
    ]


def _profile_sql(contract: Contract, relation: str) -> str:
    selects = ["count(*) as row_count"]
    selects += [f'avg(("{c.name}" is null)::int) as "null__{c.name}"' for c in contract.columns]
    for c in distribution_columns(contract):
        selects.append(f'avg("{c.name}"::double) as "mean__{c.name}"')
        selects.append(f'stddev_pop("{c.name}"::double) as "sd__{c.name}"')
    return f"select {', '.join(selects)} from {relation}"


def _profile_from_row(business_date: str, values: dict[str, Any]) -> PartitionProfile:
    n = int(values["row_count"])
    if n == 0:
        return PartitionProfile(business_date, 0, {}, {}, {})

    def picked(prefix: str) -> dict[str, float]:
        return {
            k.removeprefix(prefix): float(v)
            for k, v in values.items()
            if k.startswith(prefix) and v is not None
        }

    return PartitionProfile(business_date, n, picked("null__"), picked("mean__"), picked("sd__"))


def _profile(
    contract: Contract, business_date: str, relation: str, data: pa.Table | None = None
) -> PartitionProfile:
    con = connect()
    try:
        if data is not None:
            con.register(relation, data)
        cursor = con.execute(_profile_sql(contract, relation))
        row = cursor.fetchone()
        names = [d[0] for d in cursor.description]
    finally:
        con.close()
    assert row is not None  # an aggregate without group by returns one row
    return _profile_from_row(business_date, dict(zip(names, row, strict=True)))


def profile_partition(contract: Contract, business_date: str, data: pa.Table) -> PartitionProfile:
    """Row count, null rate per column, mean and spread per distribution column, computed in DuckDB."""
    return _profile(contract, business_date, "partition_data", data)


def profile_file(contract: Contract, business_date: str, path: Path) -> PartitionProfile:
    """The same profile read straight from a bronze Parquet file, without loading it into Python."""
    literal = "'" + path.as_posix().replace("'", "''") + "'"
    return _profile(contract, business_date, f"read_parquet({literal})")


def profile_history(
    contract: Contract, partition_files: dict[str, Path], before: str
) -> list[PartitionProfile]:
    """Profiles of the most recent partitions strictly before `before` (business dates as keys)."""
    earlier = sorted(d for d in partition_files if d < before)[-HISTORY_PARTITIONS:]
    return [profile_file(contract, day, partition_files[day]) for day in earlier]


def _median_abs_deviation(values: list[float]) -> float:
    med = statistics.median(values)
    return statistics.median([abs(v - med) for v in values])


def contract_expectations(contract: Contract, *, across_dates: bool = False) -> list[Any]:
    """The contract's constraints as expectations. `across_dates`: the data holds several business
    dates (a `business_date` column); a fact key is then unique across them, a reference key per date."""
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
    if across_dates and key and not contract.is_fact:
        key.append(BUSINESS_DATE)
    if len(key) == 1:
        exps.append(gxe.ExpectColumnValuesToBeUnique(column=key[0]))
    elif key:
        exps.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=key))
    return exps


def row_count_band(contract: Contract, history: list[PartitionProfile]) -> tuple[int, int] | None:
    """The accepted row count given recent partitions; None without a usable history.

    A reference table holds what changed that day, so a quiet day with no rows is normal: only
    facts get a lower bound.
    """
    counts = [p.row_count for p in history]
    median = statistics.median(counts)
    if median <= 0:
        return None
    low = min(median * ROW_COUNT_LOW, median - ROW_COUNT_SIGMAS * math.sqrt(median))
    low = max(0, math.floor(low)) if contract.is_fact else 0
    return low, int(max(counts) * ROW_COUNT_HIGH) + 10


def allowed_null_rate(rates: list[float], rows: int) -> float:
    """The highest null rate history allows a partition of `rows` rows (may exceed 1: no limit)."""
    return max(rates) + NULL_RATE_SLACK + SAMPLING_SIGMAS * math.sqrt(0.25 / max(rows, 1))


def pooled_stddev(history: list[PartitionProfile], column: str) -> float:
    """The standard deviation of all of the column's values over the history partitions together."""
    parts = [
        (p.row_count * (1.0 - p.null_rates.get(column, 0.0)), p.means[column], p.stddevs.get(column, 0.0))
        for p in history
        if column in p.means
    ]
    total = sum(n for n, _, _ in parts)
    if total <= 0:
        return 0.0
    grand = sum(n * m for n, m, _ in parts) / total
    return math.sqrt(sum(n * (sd**2 + (m - grand) ** 2) for n, m, sd in parts) / total)


def is_non_negative(column: Column) -> bool:
    """The contract bounds the column at zero or above, so its mean is a positive measure."""
    bounds = [b for b in (column.minimum, column.exclusive_minimum) if b is not None]
    return bool(bounds) and max(bounds) >= 0


def mean_band(means: list[float], stddev: float, rows: int, non_negative: bool = True) -> tuple[float, float]:
    """The accepted mean of a partition of `rows` values, given recent means and the values' spread.

    A non-negative measure gets a multiplicative band (a unit slip is a factor of 10 or 100),
    widened by the relative sampling error of a mean over `rows` values; a signed one (amounts in
    and out) an additive band.
    """
    center = statistics.median(means)
    spread = MEAN_MAD_MULTIPLIER * 1.4826 * _median_abs_deviation(means)
    sampling = SAMPLING_SIGMAS * stddev / math.sqrt(max(rows, 1))
    if non_negative and center > 0:
        factor = MEAN_RATIO * (1.0 + sampling / center)
        return min(center / factor, center - spread), max(center * factor, center + spread)
    half = spread + MEAN_RELATIVE_SLACK * abs(center) + sampling
    return center - half, center + half


def history_expectations(
    contract: Contract, history: list[PartitionProfile], current: PartitionProfile
) -> list[Any]:
    """Row count, null-rate and mean bands from recent partitions, sized for the `current` partition."""
    import great_expectations.expectations as gxe

    if len(history) < MIN_HISTORY:
        return []
    exps: list[Any] = []
    band = row_count_band(contract, history)
    if band is not None:
        exps.append(gxe.ExpectTableRowCountToBeBetween(min_value=band[0], max_value=band[1]))
    rows = current.row_count
    if rows == 0:
        return exps  # rates and means of no rows say nothing; the row count speaks for the partition
    for c in contract.columns:
        rates = [p.null_rates[c.name] for p in history if c.name in p.null_rates]
        if c.required or not rates or allowed_null_rate(rates, rows) >= 1.0:
            continue
        mostly = 1.0 - allowed_null_rate(rates, rows)
        exps.append(gxe.ExpectColumnValuesToNotBeNull(column=c.name, mostly=mostly))
    for c in distribution_columns(contract):
        means = [p.means[c.name] for p in history if c.name in p.means]
        # A column with no values today has no mean; its null rate above judges it.
        if len(means) >= MIN_HISTORY and c.name in current.means:
            values = round(rows * (1.0 - current.null_rates.get(c.name, 0.0)))
            low, high = mean_band(means, pooled_stddev(history, c.name), values, is_non_negative(c))
            exps.append(gxe.ExpectColumnMeanToBeBetween(column=c.name, min_value=low, max_value=high))
    return exps


def as_frame(contract: Contract, data: pa.Table) -> pd.DataFrame:
    """Contract columns (and business_date when present); decimals as float64 for the statistics."""
    cols = {}
    for c in contract.columns:
        arr = data.column(c.name)
        cols[c.name] = arr.cast(pa.float64()).to_pandas() if c.kind == "decimal" else arr.to_pandas()
    if BUSINESS_DATE in data.column_names:
        cols[BUSINESS_DATE] = data.column(BUSINESS_DATE).to_pandas()
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
        k: _rounded(kwargs[k])
        for k in ("min_value", "max_value", "value_set", "mostly")
        if kwargs.get(k) is not None
    }
    if bounds:
        parts.append(f"expected {bounds}")
    if observed is not None:
        parts.append(f"observed {_rounded(observed)}")
    if unexpected:
        parts.append(f"{unexpected} rows broke it (e.g. {detail.get('partial_unexpected_list', [])[:3]})")
    return "; ".join(parts)


def _rounded(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


def validate_expectations(contract: Contract, frame: pd.DataFrame, expectations: list[Any]) -> GateOutcome:
    """One great-expectations validation of `frame`; a verdict a person can read."""
    if not expectations:
        return GateOutcome(passed=True)
    import great_expectations as gx

    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    suite = gx.ExpectationSuite(name=f"{contract.key.replace('.', '__')}_gate", expectations=expectations)
    report = batch.validate(suite, result_format="SUMMARY")
    outcome = GateOutcome(passed=bool(report.success))
    for r in report.results:
        kwargs = r.expectation_config.kwargs
        detail = r.result or {}
        outcome.results.append(
            {
                "expectation": r.expectation_config.type,
                "column": kwargs.get("column") or ",".join(kwargs.get("column_list") or []),
                "success": bool(r.success),
                "observed": _rounded(detail.get("observed_value", detail.get("unexpected_count", ""))),
            }
        )
        if not r.success:
            outcome.failures.append(_sentence(r))
    return outcome


@cache
def _batch_definition() -> Any:
    """One ephemeral GX context and in-memory data asset per process: building them costs more than
    validating a partition."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return (
        context.data_sources.add_pandas(name="bronze")
        .add_dataframe_asset(name="partition")
        .add_batch_definition_whole_dataframe("whole_partition")
    )


def run_quality_gate(
    contract: Contract,
    data: pa.Table,
    history: list[PartitionProfile],
    current: PartitionProfile | None = None,
) -> GateOutcome:
    """Validate one partition against the whole suite (contract part and history part)."""
    current = current or profile_partition(contract, "", data)
    expectations = contract_expectations(contract) + history_expectations(contract, history, current)
    return validate_expectations(contract, as_frame(contract, data), expectations)


def run_history_gate(
    contract: Contract, data: pa.Table, history: list[PartitionProfile], current: PartitionProfile
) -> GateOutcome:
    """Validate one partition against the history part only (the contract part ran over its window)."""
    return validate_expectations(
        contract, as_frame(contract, data), history_expectations(contract, history, current)
    )


def run_contract_gate(contract: Contract, data: pa.Table) -> GateOutcome:
    """Validate the contract part over one or more partitions (`business_date` column when several)."""
    across = BUSINESS_DATE in data.column_names
    return validate_expectations(
        contract, as_frame(contract, data), contract_expectations(contract, across_dates=across)
    )
