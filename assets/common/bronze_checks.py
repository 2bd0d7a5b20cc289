"""Blocking checks on bronze partitions, read back from the files and the ingest manifest.

rows_accounted_for proves that nothing was lost or invented: for each business date, the rows
read from landing equal the rows in bronze plus the rows in quarantine, and both files come from
the batch the manifest describes (a run that died between two writes shows up as a mismatch).
bronze_schema_matches_contract proves readers get exactly the contract's columns and types.
quality_gate validates each partition as a whole with great-expectations (quality_checks.py).
All three are blocking: a failure stops every asset downstream of the table in the run.
"""

# Dagster compares the context annotation by identity, so annotations stay evaluated (no __future__).
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pyarrow.compute as pc
import pyarrow.parquet as pq
from dagster import AssetCheckExecutionContext

from assets.common.bronze_writer import BATCH_ID, bronze_file, bronze_schema, file_batch_id, quarantine_file
from assets.common.contracts import Contract, contracts_for
from assets.common.dagster_assets import bronze_key
from assets.common.ingest import manifest_dates, manifest_path, read_manifest
from assets.common.paths import LakePaths
from assets.common.quality_checks import GATE_DESCRIPTION, QUALITY_GATE, evaluate_quality_gate, gate_metadata
from orchestration.resources import LakeSettings

ROWS_ACCOUNTED_FOR = "rows_accounted_for"
SCHEMA_MATCHES_CONTRACT = "bronze_schema_matches_contract"
ROWS_DESCRIPTION = (
    "Blocking. For every business date just ingested: rows read from landing = rows in bronze + rows in "
    "quarantine, read back from the Parquet files and the ingest manifest "
    "(bronze/<source>/_manifests/business_date=<date>.json), and both files carry the manifest's batch id."
)
SCHEMA_DESCRIPTION = (
    "Blocking. Every bronze file just written has exactly the contract's columns and Arrow types, in order, "
    "followed by _source_file, _source_row, _ingested_at and _batch_id."
)


@dataclass
class CheckOutcome:
    passed: bool = True
    problems: list[str] = field(default_factory=list)
    per_date: dict[str, dict[str, int | str]] = field(default_factory=dict)

    def fail(self, problem: str) -> None:
        self.passed = False
        self.problems.append(problem)


def _batch_ids(path: Path) -> set[str]:
    """The batch named in the file's metadata and the batches of its rows."""
    named = file_batch_id(path)
    rows = set(pc.unique(pq.read_table(path, columns=[BATCH_ID]).column(BATCH_ID)).to_pylist())
    return rows | {named or "(none recorded)"}


def rows_accounted_for(paths: LakePaths, contract: Contract, business_dates: list[str]) -> CheckOutcome:
    """rows_in (manifest) = rows in bronze + rows in quarantine (files), per date, for one batch."""
    outcome = CheckOutcome()
    for day in business_dates:
        manifest = read_manifest(paths, contract.source, day)
        where = f"{contract.key} {day}"
        if manifest is None:
            outcome.fail(
                f"{where}: no ingest manifest at {manifest_path(paths, contract.source, day)}; "
                "re-run the ingest."
            )
            continue
        table = manifest.tables.get(contract.table)
        bronze, quarantine = bronze_file(paths, contract, day), quarantine_file(paths, contract, day)
        if table is None or not bronze.is_file() or not quarantine.is_file():
            outcome.fail(
                f"{where}: the manifest entry or the bronze/quarantine file of the table is missing; "
                "re-run the ingest."
            )
            continue
        in_bronze = pq.ParquetFile(bronze).metadata.num_rows
        in_quarantine = pq.ParquetFile(quarantine).metadata.num_rows
        outcome.per_date[day] = {"rows_in": table.rows_in, "bronze": in_bronze, "quarantine": in_quarantine}
        if table.rows_in != in_bronze + in_quarantine:
            outcome.fail(
                f"{where}: {table.rows_in} rows read from landing but {in_bronze} in bronze + "
                f"{in_quarantine} in quarantine = {in_bronze + in_quarantine}."
            )
        if (table.rows_accepted, table.rows_quarantined) != (in_bronze, in_quarantine):
            outcome.fail(
                f"{where}: the manifest says {table.rows_accepted} accepted and {table.rows_quarantined} "
                f"quarantined, the files hold {in_bronze} and {in_quarantine}."
            )
        stray = (_batch_ids(bronze) | _batch_ids(quarantine)) - {manifest.batch_id}
        if stray:
            outcome.fail(
                f"{where}: files hold rows of batch(es) {', '.join(sorted(stray))}, not of the manifest's "
                f"batch {manifest.batch_id}; an ingest was interrupted between writes, re-run it."
            )
    return outcome


def schema_matches_contract(paths: LakePaths, contract: Contract, business_dates: list[str]) -> CheckOutcome:
    """Each bronze file's column names and types equal the contract's bronze schema, in order."""
    outcome = CheckOutcome()
    expected = bronze_schema(contract)
    for day in business_dates:
        path = bronze_file(paths, contract, day)
        if not path.is_file():
            outcome.fail(f"{contract.key} {day}: no bronze file at {path}.")
            continue
        actual = pq.read_schema(path)
        want = [(f.name, f.type) for f in expected]
        got = [(f.name, f.type) for f in actual]
        outcome.per_date[day] = {"columns": len(got)}
        if got != want:
            missing = [f"{n} {t}" for n, t in want if (n, t) not in got]
            extra = [f"{n} {t}" for n, t in got if (n, t) not in want]
            outcome.fail(
                f"{contract.key} {day}: bronze columns differ from the contract"
                + (f"; missing or retyped: {', '.join(missing)}" if missing else "")
                + (f"; unexpected: {', '.join(extra)}" if extra else "")
                + ("; same columns in another order" if not missing and not extra else "")
                + "."
            )
    return outcome


def checked_dates(context: AssetCheckExecutionContext, paths: LakePaths, source: str) -> list[str]:
    """The business dates of this run; when a check runs on its own, every date with a manifest."""
    run_context = context.op_execution_context
    if run_context.has_partition_key or run_context.has_partition_key_range:
        return list(run_context.partition_keys)
    return manifest_dates(paths, source)


def _result(contract: Contract, name: str, outcome: CheckOutcome, dates: list[str]) -> dg.AssetCheckResult:
    description = (
        "; ".join(outcome.problems) if outcome.problems else f"{len(dates)} business date(s) checked."
    )
    return dg.AssetCheckResult(
        asset_key=bronze_key(contract),
        check_name=name,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description[:4000],
        metadata={"business_dates": ", ".join(dates), "per_date": dg.MetadataValue.json(outcome.per_date)},
    )


def _gate_result(paths: LakePaths, contract: Contract, dates: list[str]) -> dg.AssetCheckResult:
    verdict = evaluate_quality_gate(paths, contract, dates)
    return dg.AssetCheckResult(
        asset_key=bronze_key(contract),
        check_name=QUALITY_GATE,
        passed=verdict.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=verdict.description()[:4000],
        metadata=gate_metadata(verdict),
    )


def build_bronze_checks(source: str) -> dg.AssetChecksDefinition:
    """The three blocking checks for every table of a source, in one step after the source's ingest."""
    contracts = contracts_for(source)
    specs = [
        spec
        for c in contracts
        for spec in (
            dg.AssetCheckSpec(
                ROWS_ACCOUNTED_FOR, asset=bronze_key(c), blocking=True, description=ROWS_DESCRIPTION
            ),
            dg.AssetCheckSpec(
                SCHEMA_MATCHES_CONTRACT, asset=bronze_key(c), blocking=True, description=SCHEMA_DESCRIPTION
            ),
            dg.AssetCheckSpec(QUALITY_GATE, asset=bronze_key(c), blocking=True, description=GATE_DESCRIPTION),
        )
    ]

    @dg.multi_asset_check(specs=specs, name=f"bronze_{source}_checks", can_subset=False)
    def _checks(context: AssetCheckExecutionContext, settings: LakeSettings) -> Iterator[dg.AssetCheckResult]:
        paths = settings.paths
        dates = checked_dates(context, paths, source)
        for contract in contracts:
            yield _result(contract, ROWS_ACCOUNTED_FOR, rows_accounted_for(paths, contract, dates), dates)
            yield _result(
                contract, SCHEMA_MATCHES_CONTRACT, schema_matches_contract(paths, contract, dates), dates
            )
            yield _gate_result(paths, contract, dates)

    return _checks
