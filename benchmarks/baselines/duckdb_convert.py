"""The engine's limit for ingest: DuckDB turning the same landing files straight into Parquet.

No contract, no validation, no quarantine, no lineage: one `COPY (select * from read_csv(...))`
per file with DuckDB's own type detection, written with the same compression as bronze. The
pipeline's ingest does much more per row; the ratio says what that costs.
"""

from __future__ import annotations

from pathlib import Path

from assets.common.duck import connect
from assets.common.paths import LakePaths

# Landing folder of each source, and which of them DuckDB can read at all.
LANDING_FOLDERS = {
    "ticks": "ticks",
    "platform": "platform",
    "marketing": "marketing",
    "bank_statements": "bank",
}
READABLE_SUFFIXES = (".csv", ".parquet")


def landing_files(paths: LakePaths, source: str, days: list[str]) -> list[Path]:
    """The source's landing files for `days` that DuckDB reads natively (CSV and Parquet)."""
    out: list[Path] = []
    for day in days:
        folder = paths.landing / LANDING_FOLDERS[source] / day
        if folder.is_dir():
            out += sorted(
                p
                for p in folder.iterdir()
                if p.suffix.lower() in READABLE_SUFFIXES and not p.name.startswith(".")
            )
    return out


def convertible(paths: LakePaths, source: str, days: list[str]) -> bool:
    """False for sources whose files DuckDB cannot read (bank statements are camt.053 XML and MT940)."""
    return bool(landing_files(paths, source, days[:1]))


def _reader(path: Path) -> str:
    quoted = "'" + path.as_posix().replace("'", "''") + "'"
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({quoted})"
    return f"read_csv({quoted}, header = true)"


def convert_source(paths: LakePaths, source: str, days: list[str], out_dir: Path) -> dict[str, int]:
    """Convert every readable landing file of `days` to Parquet under `out_dir`; rows and files done."""
    rows = files = 0
    con = connect()
    try:
        con.execute("set preserve_insertion_order = false")
        for path in landing_files(paths, source, days):
            target = out_dir / source / path.parent.name / (path.stem + ".parquet")
            target.parent.mkdir(parents=True, exist_ok=True)
            quoted = "'" + target.as_posix().replace("'", "''") + "'"
            copied = con.execute(
                f"copy (select * from {_reader(path)}) to {quoted} (format parquet, compression zstd)"
            ).fetchone()
            rows += int(copied[0]) if copied else 0
            files += 1
    finally:
        con.close()
    return {"rows": rows, "files": files}
