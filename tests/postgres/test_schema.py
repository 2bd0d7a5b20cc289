"""The platform tables in PostgreSQL are generated from the contracts: types, NOT NULL, keys, index."""

from __future__ import annotations

import pytest

from assets.common.contracts import contracts_for, load_contract
from assets.platform.postgres_schema import create_platform_tables, platform_ddl, postgres_type, table_ddl
from tests.postgres.helpers import query

PG_DATA_TYPES = {
    "text": "text",
    "bigint": "bigint",
    "integer": "integer",
    "boolean": "boolean",
    "date": "date",
    "timestamptz": "timestamp with time zone",
}


def test_ddl_maps_contract_types_and_keys():
    postings = load_contract("platform", "ledger_postings")
    ddl = "\n".join(table_ddl(postings))
    assert '"amount" numeric(18,2) NOT NULL' in ddl
    assert '"account_id" text,' in ddl  # optional: nullable
    assert '"recorded_at" timestamptz NOT NULL' in ddl
    assert 'PRIMARY KEY ("posting_id", "recorded_at")' in ddl
    assert 'ON "platform"."ledger_postings" ("recorded_at", "posting_id" COLLATE "C")' in ddl
    assert postgres_type(load_contract("platform", "instruments").column("shares_outstanding")) == "bigint"
    assert postgres_type(load_contract("platform", "fills").column("quantity")) == "numeric(18,8)"
    assert sum(s.startswith("CREATE TABLE") for s in platform_ddl()) == len(contracts_for("platform"))


@pytest.mark.postgres
def test_tables_in_the_database_match_the_contracts(new_database):
    uri = new_database("schema")
    create_platform_tables(uri)
    create_platform_tables(uri)  # idempotent
    rows = query(
        uri,
        "SELECT table_name, column_name, data_type, is_nullable, numeric_precision, numeric_scale "
        "FROM information_schema.columns WHERE table_schema = 'platform'",
    )
    found = {(r[0], r[1]): r[2:] for r in rows}
    for contract in contracts_for("platform"):
        assert {c for t, c in found if t == contract.table} == set(contract.column_names)
        for col in contract.columns:
            data_type, nullable, precision, scale = found[(contract.table, col.name)]
            pg = postgres_type(col)
            if pg.startswith("numeric"):
                assert (data_type, f"numeric({precision},{scale})") == ("numeric", pg)
            else:
                assert data_type == PG_DATA_TYPES[pg]
            assert nullable == ("NO" if col.required else "YES"), (contract.table, col.name)
    indexes = dict(query(uri, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'platform'"))
    for contract in contracts_for("platform"):
        key = contract.primary_key[0]
        assert f'(recorded_at, {key} COLLATE "C")' in indexes[f"{contract.table}_recorded_at_key_idx"]
        assert indexes[f"{contract.table}_pkey"].endswith(f"({key}, recorded_at)")
