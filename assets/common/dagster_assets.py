"""The Dagster face of a source's ingest: one multi-asset with a bronze asset per contract table.

Built by a factory when definitions are assembled (it reads the contracts), never at import.
One run may cover a range of trading days: the asset ingests each day in turn, each as its own
batch with its own manifest, and reports totals per table. A day whose landing files are those
its manifest already hashed is skipped, unless the run carries the tag marginlake/reingest=force.
"""

# Dagster compares the context annotation by identity, so annotations stay evaluated (no __future__).
from collections.abc import Callable, Iterator
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext

from assets.common.bronze_writer import bronze_schema
from assets.common.contracts import Contract, contracts_for
from assets.common.ingest import UNCHANGED, IngestReport, ingest_unless_unchanged
from assets.common.paths import LakePaths
from orchestration.partitions import trading_day_partitions
from orchestration.resources import LakeSettings

IngestDay = Callable[..., IngestReport]
# Run tag that makes every day of the run ingest again, even when its landing files are unchanged.
REINGEST_TAG = "marginlake/reingest"


def bronze_key(contract: Contract) -> dg.AssetKey:
    return dg.AssetKey(["bronze", contract.source, contract.table])


def group_name(source: str) -> str:
    return f"bronze_{source}"


def column_schema(contract: Contract) -> dg.TableSchema:
    """The bronze columns for the catalog: contract columns with their rules, then lineage."""
    described = {c.name: c for c in contract.columns}
    columns = []
    for field in bronze_schema(contract):
        col = described.get(field.name)
        note = "PII, stored as a keyed token (tok_...)" if col is not None and col.pii else None
        description = col.description if col is not None else "lineage"
        columns.append(
            dg.TableColumn(
                name=field.name,
                type=col.physical_type if col is not None else str(field.type),
                description=f"{description} ({note})" if note else description,
                constraints=dg.TableColumnConstraints(
                    nullable=field.nullable,
                    unique=bool(col and col.primary_key and len(contract.primary_key) == 1),
                ),
            )
        )
    return dg.TableSchema(columns=columns)


def asset_spec(contract: Contract) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=bronze_key(contract),
        description=(
            f"{contract.description} Contract-checked rows of landing {contract.source} files, one Parquet "
            f"file per business date; rejected rows in quarantine/{contract.source}/{contract.table}/."
        ),
        group_name=group_name(contract.source),
        kinds={"parquet"},
        metadata={
            "contract": f"data_contracts/{contract.source}/{contract.table}.odcs.yaml",
            "contract_version": contract.version,
            "primary_key": ", ".join(contract.primary_key),
            "pii_columns": ", ".join(contract.pii_columns) or "none",
            "dagster/column_schema": column_schema(contract),
        },
    )


def table_metadata(paths: LakePaths, contract: Contract, reports: list[IngestReport]) -> dict[str, Any]:
    """Per-table totals over the days of one run, with the bronze path (the file for a single day)."""
    tables = [r.tables[contract.table] for r in reports if contract.table in r.tables]
    rows_in = sum(t.rows_in for t in tables)
    accepted = sum(t.rows_accepted for t in tables)
    quarantined = sum(t.rows_quarantined for t in tables)
    if len(tables) == 1:
        bronze, quarantine = paths.home / tables[0].bronze_path, paths.home / tables[0].quarantine_path
    else:
        bronze = paths.bronze / contract.source / contract.table
        quarantine = paths.quarantine / contract.source / contract.table
    unreadable = [u for r in reports for u in r.unreadable_files]
    return {
        "rows_in": rows_in,
        "rows_accepted": accepted,
        "rows_quarantined": quarantined,
        "files": sum(len(t.files) for t in tables),
        "unreadable_files": len(unreadable),
        "business_dates": ", ".join(r.business_date for r in reports),
        "unchanged_skipped": ", ".join(r.business_date for r in reports if r.status == UNCHANGED) or "none",
        "batch_ids": ", ".join(r.batch_id for r in reports),
        "path": dg.MetadataValue.path(str(bronze)),
        "quarantine_path": dg.MetadataValue.path(str(quarantine)),
        "dagster/row_count": accepted,
    }


def build_bronze_multi_asset(source: str, ingest_day: IngestDay) -> dg.AssetsDefinition:
    """One multi-asset for a source: `ingest_day(paths, business_date, batch_id=...)` per partition."""
    contracts = contracts_for(source)

    @dg.multi_asset(
        name=f"bronze_{source}",
        specs=[asset_spec(c) for c in contracts],
        partitions_def=trading_day_partitions(),
        backfill_policy=dg.BackfillPolicy.single_run(),
        can_subset=False,
        description=f"Ingest landing {source} files into bronze and quarantine, one batch per business date.",
    )
    def _ingest(context: AssetExecutionContext, settings: LakeSettings) -> Iterator[dg.MaterializeResult]:
        paths = settings.paths
        force = context.op_execution_context.get_tag(REINGEST_TAG) == "force"
        reports = []
        for business_date in context.partition_keys:
            report = ingest_unless_unchanged(
                paths,
                source,
                business_date,
                ingest_day,
                batch_id=f"{context.run_id}:{business_date}",
                force=force,
            )
            for item in report.unreadable_files:
                context.log.warning(f"Unreadable file, set aside in quarantine/_files: {item.message}")
            for note in report.notes:
                context.log.info(note)
            context.log.info(
                f"{source} {business_date}: "
                + ", ".join(
                    f"{t.table} {t.rows_accepted}/{t.rows_in} accepted" for t in report.tables.values()
                )
            )
            reports.append(report)
        for contract in contracts:
            yield dg.MaterializeResult(
                asset_key=bronze_key(contract), metadata=table_metadata(paths, contract, reports)
            )

    return _ingest
