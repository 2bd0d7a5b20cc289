"""One table's ingest for one business date: validate, tokenize PII, write bronze and quarantine.

An IngestReport records, per table, which files were read and where every row went, and lists
the files that could not be read at all. It is written last, as the partition's manifest, so the
bronze checks can prove rows_in = rows_accepted + rows_quarantined for exactly this batch.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from assets.common.bronze_writer import Batch, write_bronze, write_quarantine, write_text_atomic
from assets.common.contracts import Contract
from assets.common.paths import LakePaths
from assets.common.pii import tokenize_columns
from assets.common.validate import ValidationResult, validate_batch

MANIFESTS_DIR = "_manifests"
FILES_DIR = "_files"


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
) -> TableReport:
    """Tokenize the contract's PII columns, then write bronze and quarantine for the partition."""
    if rows_in != result.rows_in:
        raise RuntimeError(
            f"{contract.key} {business_date}: {rows_in} rows read but {result.accepted.num_rows} accepted "
            f"+ {result.quarantined.num_rows} quarantined; refusing to write an unaccounted partition."
        )
    accepted = tokenize_columns(result.accepted, contract.pii_columns)
    bronze = write_bronze(paths, contract, business_date, accepted, batch)
    quarantine = write_quarantine(paths, contract, business_date, result.quarantined, batch)
    return TableReport(
        table=contract.table,
        files=files,
        rows_in=rows_in,
        rows_accepted=result.accepted.num_rows,
        rows_quarantined=result.quarantined.num_rows,
        bronze_path=relative_to_home(paths, bronze),
        quarantine_path=relative_to_home(paths, quarantine),
        contract_version=contract.version,
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
        table_report = publish_table(
            self.paths, contract, self.business_date, result, self.batch, files, rows_in
        )
        self.report.tables[contract.table] = table_report
        return table_report

    def finish(self) -> IngestReport:
        """Set unreadable files aside and write the manifest, last, so it describes only complete writes."""
        quarantine_files(self.paths, self.report, self._originals)
        write_manifest(self.paths, self.report)
        return self.report
