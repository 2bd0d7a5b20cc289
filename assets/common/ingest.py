"""One table's ingest for one business date: validate, tokenize PII, write bronze and quarantine.

An IngestReport records, per table, which files were read and where every row went, and lists
the files that could not be read at all. It is written last, as the partition's manifest, so the
bronze checks can prove rows_in = rows_accepted + rows_quarantined for exactly this batch.

Two rules need bronze itself rather than the batch alone: a fact row whose key bronze already
holds under another business date is quarantined (bronze_duplicates.py), and a day whose landing
files all carry the content hashes its manifest recorded is not ingested again. A day's files are
staged and published together when it finishes, so a killed run leaves the previous day whole.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from assets.common.bronze_duplicates import quarantine_bronze_duplicates
from assets.common.bronze_writer import (
    Batch,
    StagedFile,
    bronze_file,
    bronze_table,
    file_batch_id,
    quarantine_file,
    quarantine_file_table,
    stage_parquet,
    write_parquet_atomic,
    write_text_atomic,
)
from assets.common.contracts import Contract, contracts_for
from assets.common.paths import LakePaths
from assets.common.pii import tokenize_columns
from assets.common.validate import ValidationResult, validate_batch

MANIFESTS_DIR = "_manifests"
FILES_DIR = "_files"
INGESTED = "ingested"
UNCHANGED = "unchanged, skipped"


@dataclass
class TableReport:
    """Where one table's rows went for one business date; paths are relative to MARGINLAKE_HOME."""

    table: str
    files: list[str]
    rows_in: int
    rows_accepted: int
    rows_quarantined: int
    bronze_path: str
    quarantine_path: str
    contract_version: str = ""
    contract_sha256: str = ""


@dataclass
class UnreadableFile:
    path: str
    message: str


@dataclass
class IngestReport:
    """A source's ingest of one business date: one batch, every table, every file."""

    source: str
    business_date: str
    batch_id: str
    ingested_at: str
    tables: dict[str, TableReport] = field(default_factory=dict)
    unreadable_files: list[UnreadableFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    file_sha256: dict[str, str] = field(default_factory=dict)
    status: str = INGESTED

    @classmethod
    def start(cls, source: str, business_date: str, batch: Batch) -> IngestReport:
        return cls(
            source, business_date, batch.batch_id, batch.ingested_at.isoformat().replace("+00:00", "Z")
        )

    @property
    def rows_in(self) -> int:
        return sum(t.rows_in for t in self.tables.values())

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=False)

    @classmethod
    def from_json(cls, text: str) -> IngestReport:
        doc: dict[str, Any] = json.loads(text)
        doc["tables"] = {name: TableReport(**t) for name, t in doc.get("tables", {}).items()}
        doc["unreadable_files"] = [UnreadableFile(**u) for u in doc.get("unreadable_files", [])]
        return cls(**doc)


def relative_to_home(paths: LakePaths, path: Path) -> str:
    """A lake path as written into lineage columns and reports: relative to MARGINLAKE_HOME, with /."""
    try:
        return path.resolve().relative_to(paths.home).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def contract_sha256(contract: Contract) -> str:
    """The contract file's content hash: a partition built under another contract text is stale."""
    return file_sha256(contract.path)


def manifest_path(paths: LakePaths, source: str, business_date: str) -> Path:
    return paths.bronze / source / MANIFESTS_DIR / f"business_date={business_date}.json"


def write_manifest(paths: LakePaths, report: IngestReport) -> Path:
    return write_text_atomic(report.to_json(), manifest_path(paths, report.source, report.business_date))


def read_manifest(paths: LakePaths, source: str, business_date: str) -> IngestReport | None:
    path = manifest_path(paths, source, business_date)
    return IngestReport.from_json(path.read_text(encoding="utf-8")) if path.is_file() else None


def manifest_dates(paths: LakePaths, source: str) -> list[str]:
    """Business dates that have a manifest, oldest first."""
    folder = paths.bronze / source / MANIFESTS_DIR
    return sorted(
        p.name.removeprefix("business_date=").removesuffix(".json")
        for p in folder.glob("business_date=*.json")
    )


def unreadable_files_folder(paths: LakePaths, source: str, business_date: str) -> Path:
    return paths.quarantine / FILES_DIR / source / business_date


def quarantine_files(paths: LakePaths, report: IngestReport, originals: dict[str, Path]) -> None:
    """Copy each unreadable landing file beside a .reason.txt into quarantine/_files/<source>/<date>/;
    copies from an earlier run of the day whose files are now readable are removed."""
    folder = unreadable_files_folder(paths, report.source, report.business_date)
    keep: set[str] = set()
    for item in report.unreadable_files:
        original = originals[item.path]
        target = folder / original.name
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{original.name}.copy.tmp"
        shutil.copyfile(original, tmp)
        tmp.replace(target)
        write_text_atomic(f"{item.message}\n", folder / f"{original.name}.reason.txt")
        keep |= {target.name, f"{original.name}.reason.txt"}
    if folder.is_dir():
        for stale in folder.iterdir():
            if stale.name not in keep:
                stale.unlink()


def publish_table(
    paths: LakePaths,
    contract: Contract,
    business_date: str,
    result: ValidationResult,
    batch: Batch,
    files: list[str],
    rows_in: int,
    staged: list[StagedFile] | None = None,
) -> TableReport:
    """Quarantine fact keys bronze already holds, tokenize PII, then write bronze and quarantine.

    With `staged`, the two files are written beside their final names and appended there for the
    caller to commit; otherwise each replaces its partition at once.
    """
    if rows_in != result.rows_in:
        raise RuntimeError(
            f"{contract.key} {business_date}: {rows_in} rows read but {result.accepted.num_rows} accepted "
            f"+ {result.quarantined.num_rows} quarantined; refusing to write an unaccounted partition."
        )
    result = quarantine_bronze_duplicates(paths, contract, business_date, result)
    accepted = tokenize_columns(result.accepted, contract.pii_columns)
    bronze, quarantine = (
        bronze_file(paths, contract, business_date),
        quarantine_file(paths, contract, business_date),
    )
    outputs = (
        (bronze_table(contract, accepted, batch), bronze),
        (quarantine_file_table(result.quarantined, batch), quarantine),
    )
    for table, path in outputs:
        if staged is None:
            write_parquet_atomic(table, path)
        else:
            staged.append(stage_parquet(table, path))
    return TableReport(
        table=contract.table,
        files=files,
        rows_in=rows_in,
        rows_accepted=result.accepted.num_rows,
        rows_quarantined=result.quarantined.num_rows,
        bronze_path=relative_to_home(paths, bronze),
        quarantine_path=relative_to_home(paths, quarantine),
        contract_version=contract.version,
        contract_sha256=contract_sha256(contract),
    )


def ingest_table(
    paths: LakePaths,
    contract: Contract,
    business_date: str,
    raw: pa.Table,
    batch: Batch,
    files: list[str],
    **validate_options: Any,
) -> TableReport:
    """validate -> tokenize PII -> write, for a table with no cross-row rule."""
    result = validate_batch(raw, contract, business_date, **validate_options)
    return publish_table(paths, contract, business_date, result, batch, files, raw.num_rows)


class DayIngest:
    """The bookkeeping of one source's ingest of one business date: one batch, one report, one manifest."""

    def __init__(
        self, paths: LakePaths, source: str, business_date: str, batch_id: str | None = None
    ) -> None:
        self.paths = paths
        self.source = source
        self.business_date = business_date
        self.batch = Batch.new(batch_id)
        self.report = IngestReport.start(source, business_date, self.batch)
        self._originals: dict[str, Path] = {}
        self._staged: dict[Path, StagedFile] = {}

    def rel(self, path: Path) -> str:
        return relative_to_home(self.paths, path)

    def register_file(self, path: Path) -> str:
        """Record a landing file's content hash; returns its lineage name."""
        rel = self.rel(path)
        self.report.file_sha256[rel] = file_sha256(path)
        self._originals[rel] = path
        return rel

    def unreadable(self, path: Path, message: str) -> None:
        rel = self.register_file(path)
        self.report.unreadable_files.append(UnreadableFile(rel, message))

    def note(self, text: str) -> None:
        self.report.notes.append(text)

    def publish(
        self, contract: Contract, result: ValidationResult, files: list[str], rows_in: int
    ) -> TableReport:
        staged: list[StagedFile] = []
        table_report = publish_table(
            self.paths, contract, self.business_date, result, self.batch, files, rows_in, staged
        )
        for item in staged:
            self._staged[item.target] = item
        self.report.tables[contract.table] = table_report
        return table_report

    def finish(self) -> IngestReport:
        """Set unreadable files aside, publish every staged file, then write the manifest.

        Until here nothing in bronze or quarantine has changed, so a process killed while the
        day's files were being written leaves the previous day whole; the manifest comes last,
        so it describes only complete writes.
        """
        quarantine_files(self.paths, self.report, self._originals)
        for item in self._staged.values():
            item.commit()
        self._staged.clear()
        write_manifest(self.paths, self.report)
        return self.report


def _landing_unchanged(paths: LakePaths, report: IngestReport) -> bool:
    """Every file the manifest hashed is there with the same hash, and its folders hold no new file."""
    recorded = report.file_sha256
    folders = {(paths.home / rel).parent for rel in recorded}
    present = {
        relative_to_home(paths, p)
        for folder in folders
        if folder.is_dir()
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".")
    }
    if present != set(recorded):
        return False
    return all(file_sha256(paths.home / rel) == digest for rel, digest in recorded.items())


def _written_as_recorded(paths: LakePaths, report: IngestReport) -> bool:
    """Every table of the source was written by the manifest's batch under today's contract text."""
    for contract in contracts_for(report.source):
        table = report.tables.get(contract.table)
        if table is None or table.contract_sha256 != contract_sha256(contract):
            return False
        for path in (
            bronze_file(paths, contract, report.business_date),
            quarantine_file(paths, contract, report.business_date),
        ):
            if not path.is_file() or file_batch_id(path) != report.batch_id:
                return False
    return True


def unchanged_report(paths: LakePaths, source: str, business_date: str) -> IngestReport | None:
    """The day's manifest if ingesting again would change nothing, else None.

    Nothing changes when the landing files are byte for byte those the manifest hashed, no file
    was added, and bronze and quarantine still hold the manifest's batch under the same contracts.
    A day whose manifest hashed no file at all (nothing arrived, or a database source) is never
    taken as unchanged.
    """
    report = read_manifest(paths, source, business_date)
    if report is None or not report.file_sha256:
        return None
    if not _written_as_recorded(paths, report) or not _landing_unchanged(paths, report):
        return None
    return report


def ingest_unless_unchanged(
    paths: LakePaths,
    source: str,
    business_date: str,
    ingest_day: Callable[..., IngestReport],
    *,
    batch_id: str | None = None,
    force: bool = False,
) -> IngestReport:
    """`ingest_day(paths, business_date, batch_id=...)`, unless the day is unchanged since its manifest.

    A skipped day returns its manifest with status "unchanged, skipped" and writes nothing, so
    ingesting the same files twice adds nothing; `force` ingests (and replaces the day) regardless.
    """
    if not force:
        previous = unchanged_report(paths, source, business_date)
        if previous is not None:
            previous.status = UNCHANGED
            previous.notes = [
                f"{source} {business_date}: every landing file has the content hash recorded by batch "
                f"{previous.batch_id}; {UNCHANGED}."
            ]
            return previous
    return ingest_day(paths, business_date, batch_id=batch_id)
