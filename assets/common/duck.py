"""In-memory DuckDB connections for ingest: UTC session time, bounded threads, spills outside the project."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

THREADS = 2


def connect() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection; timestamps come back as UTC and large sorts spill to the temp dir."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"set threads = {THREADS}")
    con.execute("set temp_directory = ?", [str(Path(tempfile.gettempdir()) / "marginlake-duckdb")])
    return con
