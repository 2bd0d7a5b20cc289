"""Parser rows carry exactly the contract's columns, in its order, with the contract's Python types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from assets.bank_statements.model import LINE_COLUMNS, SOURCE_ROW, STATEMENT_COLUMNS
from assets.bank_statements.parse_statement_file import parse_statement_file

CONTRACTS = Path(__file__).resolve().parents[2] / "data_contracts" / "bank_statements"
GOOD_FILES = [
    "two_statements.camt053.xml",
    "eur_account.v02.camt053.xml",
    "two_statements.mt940",
    "interim.mt942",
]


def _contract_columns(table: str) -> tuple[str, ...]:
    contract = yaml.safe_load((CONTRACTS / f"{table}.odcs.yaml").read_text(encoding="utf-8"))
    return tuple(prop["name"] for prop in contract["schema"][0]["properties"])


def test_column_lists_follow_the_contracts() -> None:
    assert _contract_columns("bank_statements") == STATEMENT_COLUMNS
    assert _contract_columns("bank_statement_lines") == LINE_COLUMNS


@pytest.mark.parametrize("name", GOOD_FILES)
def test_rows_have_exactly_the_contract_columns(fixtures: Path, name: str) -> None:
    result = parse_statement_file(fixtures / name)
    assert result.statements and result.lines
    for row in result.statements:
        assert tuple(row) == (*STATEMENT_COLUMNS, SOURCE_ROW)
    for row in result.lines:
        assert tuple(row) == (*LINE_COLUMNS, SOURCE_ROW)


@pytest.mark.parametrize("name", GOOD_FILES)
def test_values_have_the_contract_types(fixtures: Path, name: str) -> None:
    result = parse_statement_file(fixtures / name)
    for row in result.statements:
        assert type(row["statement_date"]) is dt.date
        for column in ("opening_balance", "closing_balance"):
            assert row[column] is None or type(row[column]) is Decimal
        assert row["created_at"] is None or row["created_at"].utcoffset() == dt.timedelta(0)
        assert type(row["entry_count"]) is int
        assert type(row[SOURCE_ROW]) is int
    for row in result.lines:
        assert type(row["amount"]) is Decimal
        assert type(row["booking_date"]) is dt.date
        assert type(row["value_date"]) is dt.date
        assert type(row["is_reversal"]) is bool
        assert type(row["line_no"]) is int
        assert row["credit_debit"] in ("CRDT", "DBIT")
        assert row["line_id"] == f"{row['statement_id']}:{row['line_no']}"
        assert type(row[SOURCE_ROW]) is int
