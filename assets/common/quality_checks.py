"""The quality gate of a bronze table, evaluated on every partition a run materialized.

Each partition is validated with great-expectations against the suite quality_gates.py builds
from the contract; the history it is judged against is the profile of the previous partitions'
bronze files, computed in DuckDB and cached per partition in
bronze/<source>/_profiles/<table>/business_date=<date>.json (kept only while the file's batch
and the contract text are those it describes). The contract part of the suite runs once over a
window of the run's partitions, the history part once per partition: great-expectations spends
its time per expectation, not per row.
"""

from __future__ import annotations

import bisect
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from assets.common.bronze_writer import DATA_FILE, file_batch_id, write_text_atomic
from assets.common.contracts import Contract
from assets.common.ingest import contract_sha256
from assets.common.paths import LakePaths
from assets.common.quality_gates import (
    BUSINESS_DATE,
    HISTORY_PARTITIONS,
    GateOutcome,
    PartitionProfile,
    profile_file,
    run_contract_gate,
    run_history_gate,
)

QUALITY_GATE = "quality_gate"
PROFILES_DIR = "_profiles"
# Partitions validated together by the contract part; bounds the memory of a long backfill.
WINDOW_PARTITIONS = 20
SHOWN_FAILED_PARTITIONS = 5
GATE_DESCRIPTION = (
    "Blocking. For every business date just ingested, a great-expectations suite generated from the "
    "contract: required columns, enums, ranges and unique keys, plus the row count, null rates and column "
    f"means against the previous {HISTORY_PARTITIONS} partitions in bronze. A failure names the date and "
    "each failed expectation."
)


@dataclass
class PartitionVerdict:
    """The gate's verdict on one partition, with how long great-expectations took for it."""

    business_date: str
    rows: int
    outcome: GateOutcome
    seconds: float = 0.0
    history: int = 0


@dataclass
class TableVerdict:
    """The gate's verdicts on every partition of one table in a run."""

    contract: Contract
    partitions: list[PartitionVerdict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(p.outcome.passed for p in self.partitions)

    @property
    def failed(self) -> list[PartitionVerdict]:
        return [p for p in self.partitions if not p.outcome.passed]

    def description(self) -> str:
        if self.passed:
            return f"{len(self.partitions)} business date(s) passed the quality gate of {self.contract.key}."
        key = self.contract.key
        return " ".join(
            f"Quality gate failed for {key} on {p.business_date}: {'; '.join(p.outcome.failures)}."
            for p in self.failed
        )

    def markdown(self) -> str:
        lines = [
            f"## Quality gate of {self.contract.key}",
            "",
            "| business_date | rows | history | expectations | failed | seconds |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for p in self.partitions:
            failed = len([r for r in p.outcome.results if not r["success"]]) or len(p.outcome.failures)
            lines.append(
                f"| {p.business_date} | {p.rows} | {p.history} | {len(p.outcome.results)} "
                f"| {f'**{failed}**' if failed else 0} | {p.seconds:.2f} |"
            )
        shown = self.failed[:SHOWN_FAILED_PARTITIONS] or self.partitions[-1:]
        for p in shown:
            lines += ["", p.outcome.markdown(f"{self.contract.key} {p.business_date}")]
        return "\n".join(lines)

    def failures(self) -> list[dict[str, str]]:
        return [
            {"table": self.contract.key, "business_date": p.business_date, "expectation": f}
            for p in self.failed
            for f in p.outcome.failures
        ]

    def seconds_per_partition(self) -> float:
        return sum(p.seconds for p in self.partitions) / len(self.partitions) if self.partitions else 0.0


def partition_files(paths: LakePaths, contract: Contract) -> dict[str, Path]:
    """Every bronze file of the table, by business date."""
    folder = paths.bronze / contract.source / contract.table
    return {
        p.parent.name.removeprefix("business_date="): p for p in folder.glob(f"business_date=*/{DATA_FILE}")
    }


def profile_cache_path(paths: LakePaths, contract: Contract, business_date: str) -> Path:
    return (
        paths.bronze / contract.source / PROFILES_DIR / contract.table / f"business_date={business_date}.json"
    )


def cached_profile(paths: LakePaths, contract: Contract, business_date: str, path: Path) -> PartitionProfile:
    """The partition's profile from the cache when it describes this very file, else from DuckDB."""
    key = {"batch_id": file_batch_id(path), "contract_sha256": contract_sha256(contract)}
    cache = profile_cache_path(paths, contract, business_date)
    if cache.is_file():
        try:
            doc = json.loads(cache.read_text(encoding="utf-8"))
            if {k: doc.get(k) for k in key} == key:
                return PartitionProfile.from_json(doc["profile"])
        except (ValueError, KeyError, TypeError):
            pass  # unreadable or from an older layout: profile the file again
    profile = profile_file(contract, business_date, path)
    write_text_atomic(json.dumps({**key, "profile": profile.to_json()}, indent=1), cache)
    return profile


class _Profiles:
    """The table's partition profiles, each looked up at most once per evaluation."""

    def __init__(self, paths: LakePaths, contract: Contract, files: dict[str, Path]) -> None:
        self.paths, self.contract, self.files = paths, contract, files
        self.dates = sorted(files)
        self._seen: dict[str, PartitionProfile] = {}

    def of(self, business_date: str) -> PartitionProfile:
        if business_date not in self._seen:
            path = self.files[business_date]
            self._seen[business_date] = cached_profile(self.paths, self.contract, business_date, path)
        return self._seen[business_date]

    def history(self, business_date: str) -> list[PartitionProfile]:
        """The most recent partitions strictly before `business_date`."""
        earlier = self.dates[: bisect.bisect_left(self.dates, business_date)][-HISTORY_PARTITIONS:]
        return [self.of(d) for d in earlier]


def _windows(dates: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(dates), WINDOW_PARTITIONS):
        yield dates[start : start + WINDOW_PARTITIONS]


def _contract_part(contract: Contract, tables: dict[str, pa.Table]) -> dict[str, GateOutcome]:
    """The contract part over the window at once; on a failure, again per date to name the dates."""
    if len(tables) == 1:
        ((day, table),) = tables.items()
        return {day: run_contract_gate(contract, table)}
    window = pa.concat_tables(
        t.append_column(BUSINESS_DATE, pa.repeat(pa.scalar(d, pa.string()), t.num_rows))
        for d, t in tables.items()
    )
    outcome = run_contract_gate(contract, window)
    if outcome.passed:
        return dict.fromkeys(tables, outcome)
    per_date = {d: run_contract_gate(contract, t) for d, t in tables.items()}
    if all(o.passed for o in per_date.values()):  # a key repeated across dates of the window
        return dict.fromkeys(tables, outcome)
    return per_date


def evaluate_quality_gate(paths: LakePaths, contract: Contract, business_dates: list[str]) -> TableVerdict:
    """The gate on every given business date of one table, oldest first."""
    verdict = TableVerdict(contract)
    files = partition_files(paths, contract)
    profiles = _Profiles(paths, contract, files)
    for day in sorted(d for d in business_dates if d not in files):
        missing = GateOutcome(
            False, [f"no bronze file at {paths.bronze_partition(contract.source, contract.table, day)}"]
        )
        verdict.partitions.append(PartitionVerdict(day, 0, missing))
    for window in _windows(sorted(d for d in business_dates if d in files)):
        tables = {d: pq.read_table(files[d], columns=contract.column_names) for d in window}
        started = time.perf_counter()
        contract_outcomes = _contract_part(contract, tables)
        shared = (time.perf_counter() - started) / len(window)
        for day in window:
            history, current = profiles.history(day), profiles.of(day)
            started = time.perf_counter()
            outcome = contract_outcomes[day].merge(run_history_gate(contract, tables[day], history, current))
            seconds = shared + time.perf_counter() - started
            verdict.partitions.append(
                PartitionVerdict(day, tables[day].num_rows, outcome, seconds, len(history))
            )
    verdict.partitions.sort(key=lambda p: p.business_date)
    return verdict


def gate_metadata(verdict: TableVerdict) -> dict[str, Any]:
    """What the check shows in the UI: the Markdown report, the failures, and the cost per partition."""
    import dagster as dg

    return {
        "report": dg.MetadataValue.md(verdict.markdown()),
        "failures": dg.MetadataValue.json(verdict.failures()),
        "business_dates": ", ".join(p.business_date for p in verdict.partitions),
        "failed_business_dates": ", ".join(p.business_date for p in verdict.failed) or "none",
        "gx_seconds_per_partition": round(verdict.seconds_per_partition(), 3),
    }
