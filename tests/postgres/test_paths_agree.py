"""The database path and the export path produce the same bronze, row for row, from the same platform."""

from __future__ import annotations

import pyarrow as pa
import pytest

from assets.common.contracts import contracts_for
from assets.common.ingest import read_manifest
from assets.common.paths import LakePaths
from assets.platform.ingest import ingest_platform_day
from assets.platform.postgres_schema import load_exports_into_postgres, version_key
from tests.postgres.helpers import read_bronze, read_quarantine

pytestmark = pytest.mark.postgres
LINEAGE = ["_source_file", "_source_row", "_ingested_at", "_batch_id"]
TABLES = [c.table for c in contracts_for("platform")]


@pytest.fixture(scope="module")
def lakes(sample, sample_days, new_database, tmp_path_factory):
    """The sample ingested twice: from its export files, and from PostgreSQL loaded with those exports."""
    uri = new_database("paths_agree")
    loaded = load_exports_into_postgres(uri, sample.landing)
    assert loaded == {k: v for k, v in sample.rows.items() if k in TABLES}
    files = LakePaths(sample.home)
    database = LakePaths(tmp_path_factory.mktemp("database_lake"))
    for day in sample_days:
        ingest_platform_day(files, day, database_uri="")
        ingest_platform_day(database, day, database_uri=uri)
    return files, database


def contract_rows(table: pa.Table, name: str) -> pa.Table:
    contract = next(c for c in contracts_for("platform") if c.table == name)
    rows = table.drop_columns(LINEAGE)
    return rows.sort_by([(k, "ascending") for k in version_key(contract)])


@pytest.mark.parametrize("table", TABLES)
def test_bronze_is_identical_row_for_row(lakes, sample_days, table):
    files, database = lakes
    total = 0
    for day in sample_days:
        from_files, from_database = read_bronze(files, table, day), read_bronze(database, table, day)
        assert from_database.schema == from_files.schema
        expected, actual = contract_rows(from_files, table), contract_rows(from_database, table)
        assert actual.equals(expected), f"{table} {day} differs between the paths"
        total += actual.num_rows
    assert total > 0 or table == "fills"


@pytest.mark.parametrize("table", TABLES)
def test_quarantine_and_manifest_agree(lakes, sample_days, table):
    files, database = lakes
    for day in sample_days:
        q_files, q_database = read_quarantine(files, table, day), read_quarantine(database, table, day)
        key = [("rule", "ascending"), ("raw_record", "ascending")]
        columns = ["rule", "reason", "raw_record"]
        assert q_database.select(columns).sort_by(key).equals(q_files.select(columns).sort_by(key))
        m_files, m_database = read_manifest(files, "platform", day), read_manifest(database, "platform", day)
        assert m_files is not None and m_database is not None
        t_files, t_database = m_files.tables[table], m_database.tables[table]
        assert (t_database.rows_in, t_database.rows_accepted, t_database.rows_quarantined) == (
            t_files.rows_in,
            t_files.rows_accepted,
            t_files.rows_quarantined,
        )
        assert t_database.files == [f"postgresql:platform.{table}"]


def test_database_lineage_names_the_table_and_the_row_position(lakes, sample_days):
    _, database = lakes
    for day in sample_days:
        postings = read_bronze(database, "ledger_postings", day)
        assert set(postings.column("_source_file").to_pylist()) <= {"postgresql:platform.ledger_postings"}
        ordered = postings.sort_by([("recorded_at", "ascending"), ("posting_id", "ascending")])
        assert ordered.column("_source_row").to_pylist() == list(range(1, postings.num_rows + 1))
