"""Bank CSV exports into statement and line rows, with hand-computed amounts and balances."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from assets.bank_statements.csv_profiles import load_profile
from assets.bank_statements.model import (
    DEFAULT_MAX_BYTES,
    LINE_COLUMNS,
    SOURCE_ROW,
    STATEMENT_COLUMNS,
    StatementFileError,
)
from assets.bank_statements.parse_bank_csv import parse_bank_csv
from assets.common.balance_rules import apply_statement_balance
from assets.common.contracts import load_contract
from assets.common.validate import SOURCE_FILE, validate_batch

CN_FILE = "csv/cn_corporate.gbk.csv"
DE_FILE = "csv/de_giro.latin1.csv"
US_FILE = "csv/us_checking.csv"
CH_FILE = "csv/ch_accounts.csv"
ALL_FILES = [CN_FILE, DE_FILE, US_FILE, CH_FILE]
KNOWN = "ch_account_utf8, cn_corporate_gbk, de_giro_latin1, us_checking"
D = Decimal


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _text(fixtures: Path, name: str, encoding: str) -> str:
    return (fixtures / name).read_bytes().decode(encoding)


def _amounts(result: Any) -> list[tuple[Any, ...]]:
    return [(line["statement_id"][-21:-13], line["line_no"], line["amount"]) for line in result.lines]


# --- one file per shipped profile ----------------------------------------------------------------


def test_chinese_gbk_export(fixtures: Path, balance_gaps: Any) -> None:
    result = parse_bank_csv(fixtures / CN_FILE)
    first, second = result.statements
    statement_id = first["statement_id"]
    assert re.fullmatch(r"6222020200011112222-20260302-[0-9a-f]{12}", statement_id)
    assert first == {
        "statement_id": statement_id,
        "account_number": "6222020200011112222",  # from the preamble, ="..." unwrapped
        "currency": "CNY",  # 人民币 through the profile's currency map
        "statement_date": dt.date(2026, 3, 2),
        "opening_balance": D("1000000.00"),  # 1,500,000.00 (first 余额) - 500,000.00 (first 贷方)
        "closing_balance": D("1379749.25"),  # 余额 of the day's last row
        "entry_count": 3,
        "source_format": "csv",
        "message_id": None,
        "created_at": None,
        SOURCE_ROW: 6,
    }
    assert (second["statement_date"], second["opening_balance"], second["closing_balance"]) == (
        dt.date(2026, 3, 3),
        D("1379749.25"),
        D("1300000.00"),
    )
    assert [line["amount"] for line in result.lines] == [
        D("500000.00"),  # 贷方 (credit) 500,000.00
        D("-120000.50"),  # 借方 (debit) 120,000.50
        D("-250.25"),  # 借方 250.25 next to a 贷方 of 0.00
        D("3000.00"),
        D("-82749.25"),
    ]
    assert [line["credit_debit"] for line in result.lines] == ["CRDT", "DBIT", "DBIT", "CRDT", "DBIT"]
    assert [line[SOURCE_ROW] for line in result.lines] == [6, 7, 8, 9, 10]  # the 合计 row 11 is not a line
    assert balance_gaps(result.statements, result.lines) == {
        s["statement_id"]: D(0) for s in result.statements
    }
    assert result.lines[0] | {"line_id": None, "statement_id": None} == {
        "line_id": None,
        "statement_id": None,
        "line_no": 1,
        "account_number": "6222020200011112222",
        "amount": D("500000.00"),
        "currency": "CNY",
        "credit_debit": "CRDT",
        "is_reversal": False,
        "bank_reference": "HQ20260302000001",
        "end_to_end_id": None,
        "transaction_code": None,
        "counterparty_name": "王芳",
        "counterparty_account": "6217000010009876543",
        "remittance_info": "保证金存入 客户C000456",  # 摘要 and 用途 joined
        "booking_date": dt.date(2026, 3, 2),
        "value_date": dt.date(2026, 3, 2),
        SOURCE_ROW: 6,
    }
    assert result.lines[1]["value_date"] == dt.date(2026, 3, 3)  # 起息日 differs from 交易日期
    assert result.lines[3]["value_date"] == dt.date(2026, 3, 3)  # written 20260303, the second format
    assert result.notes == []


def test_german_latin1_export_with_summary_balances(fixtures: Path, balance_gaps: Any) -> None:
    result = parse_bank_csv(fixtures / DE_FILE)
    first, second = result.statements
    assert first["account_number"] == second["account_number"] == "DE89370400440532013000"
    assert (first["currency"], first["statement_date"], first[SOURCE_ROW]) == ("EUR", dt.date(2026, 3, 2), 8)
    # Anfangssaldo 12.345,67; 02.03.: +1.234,56 -2.469,12; 03.03.: -0,01 -98,76; Endsaldo 11.012,34
    assert (first["opening_balance"], first["closing_balance"]) == (D("12345.67"), D("11111.11"))
    assert (second["opening_balance"], second["closing_balance"]) == (D("11111.11"), D("11012.34"))
    assert [line["amount"] for line in result.lines] == [D("1234.56"), D("-2469.12"), D("-0.01"), D("-98.76")]
    assert balance_gaps(result.statements, result.lines) == {
        s["statement_id"]: D(0) for s in result.statements
    }
    debit = result.lines[1]
    assert (debit["counterparty_name"], debit["remittance_info"], debit["transaction_code"]) == (
        "Börse Frankfurt Clearing",
        "Clearing März",
        "Lastschrift",
    )
    assert (debit["booking_date"], debit["value_date"]) == (dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    assert debit["end_to_end_id"] is None  # an empty cell, not ""
    last = result.lines[3]
    assert last["counterparty_name"] == "Jürgen Weiß"
    assert last["value_date"] == last["booking_date"] == dt.date(2026, 3, 3)  # empty Wertstellung
    assert [line[SOURCE_ROW] for line in result.lines] == [8, 9, 10, 11]
    assert result.notes == []


def test_us_export_newest_first(fixtures: Path, balance_gaps: Any) -> None:
    result = parse_bank_csv(fixtures / US_FILE)
    first, second = result.statements
    # Oldest row: deposit $255,000.00 leaving $260,000.00, so the day opened at 5,000.00.
    assert (first["statement_date"], first["opening_balance"], first["closing_balance"]) == (
        dt.date(2026, 3, 2),
        D("5000.00"),
        D("10000.00"),
    )
    assert (second["statement_date"], second["opening_balance"], second["closing_balance"]) == (
        dt.date(2026, 3, 3),
        D("10000.00"),
        D("13963.53"),
    )
    assert first["account_number"] == "4400123456789" and first["currency"] == "USD"
    assert first[SOURCE_ROW] == 5  # the statement's topmost row in the file
    # Lines are numbered oldest first, whatever the file order.
    assert [(line["line_no"], line["amount"], line[SOURCE_ROW]) for line in result.lines] == [
        (1, D("255000.00"), 6),
        (2, D("-250000.00"), 5),
        (1, D("5000.00"), 4),
        (2, D("-1036.47"), 3),
    ]
    assert result.lines[3]["bank_reference"] == "1042"
    assert result.lines[3]["transaction_code"] == "CHECK"
    assert balance_gaps(result.statements, result.lines) == {
        s["statement_id"]: D(0) for s in result.statements
    }
    assert result.notes == []


def test_swiss_export_with_two_accounts_and_a_bom(fixtures: Path, balance_gaps: Any) -> None:
    assert (fixtures / CH_FILE).read_bytes().startswith(b"\xef\xbb\xbf")
    result = parse_bank_csv(fixtures / CH_FILE)
    chf, eur = result.statements
    assert (chf["account_number"], chf["currency"], chf["opening_balance"], chf["closing_balance"]) == (
        "0235-00123456.01",
        "CHF",
        D("100000.00"),  # 111'373.94 - 11'373.94
        D("110373.94"),
    )
    assert (eur["account_number"], eur["currency"], eur["opening_balance"], eur["closing_balance"]) == (
        "0235-00123456.02",
        "EUR",
        D("5000.00"),
        D("5250.00"),
    )
    assert [line["amount"] for line in result.lines] == [D("11373.94"), D("-1000.00"), D("250.00")]
    assert result.lines[0]["remittance_info"] == "Virement Banque Cantonale, dépôt de marge"
    assert balance_gaps(result.statements, result.lines) == {
        s["statement_id"]: D(0) for s in result.statements
    }
    assert result.notes == []


@pytest.mark.parametrize("name", ALL_FILES)
def test_rows_have_exactly_the_contract_columns_and_types(fixtures: Path, name: str) -> None:
    result = parse_bank_csv(fixtures / name)
    assert result.statements and result.lines
    for row in result.statements:
        assert tuple(row) == (*STATEMENT_COLUMNS, SOURCE_ROW)
        assert type(row["statement_date"]) is dt.date
        assert type(row["opening_balance"]) is Decimal and type(row["closing_balance"]) is Decimal
        assert row["entry_count"] == sum(
            1 for line in result.lines if line["statement_id"] == row["statement_id"]
        )
    for row in result.lines:
        assert tuple(row) == (*LINE_COLUMNS, SOURCE_ROW)
        assert type(row["amount"]) is Decimal
        assert type(row["booking_date"]) is dt.date and type(row["value_date"]) is dt.date
        assert row["credit_debit"] == ("DBIT" if row["amount"] < 0 else "CRDT")
        assert row["is_reversal"] is False
        assert row["line_id"] == f"{row['statement_id']}:{row['line_no']}"
        assert type(row[SOURCE_ROW]) is int


# --- line endings, byte-order marks, ids ----------------------------------------------------------


def test_cr_only_line_endings(fixtures: Path, tmp_path: Path) -> None:
    original = (fixtures / DE_FILE).read_bytes()
    assert b"\r\n" in original
    path = _write(tmp_path, "mac.csv", original.replace(b"\r\n", b"\r"))
    expected = parse_bank_csv(fixtures / DE_FILE)
    result = parse_bank_csv(path)
    assert _amounts(result) == _amounts(expected)
    assert [line[SOURCE_ROW] for line in result.lines] == [8, 9, 10, 11]
    assert [(s["opening_balance"], s["closing_balance"]) for s in result.statements] == [
        (s["opening_balance"], s["closing_balance"]) for s in expected.statements
    ]


def test_utf8_bom_overrides_the_profile_encoding(fixtures: Path, tmp_path: Path) -> None:
    text = _text(fixtures, DE_FILE, "iso-8859-1")
    path = _write(tmp_path, "resaved.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = parse_bank_csv(path)
    assert result.lines[0]["counterparty_name"] == "Müller GmbH"
    assert [line["amount"] for line in result.lines] == [D("1234.56"), D("-2469.12"), D("-0.01"), D("-98.76")]
    assert result.notes == [
        "file starts with a utf-8 byte-order mark; read as utf-8, "
        "not as iso-8859-1 as profile de_giro_latin1 says"
    ]


def test_statement_ids_depend_on_account_day_and_content(fixtures: Path, tmp_path: Path) -> None:
    first = parse_bank_csv(fixtures / US_FILE)
    again = parse_bank_csv(_write(tmp_path, "copy.csv", (fixtures / US_FILE).read_bytes()))
    assert [s["statement_id"] for s in first.statements] == [s["statement_id"] for s in again.statements]
    changed = (fixtures / US_FILE).read_bytes().replace(b"CHECK 1042", b"CHECK 1042 RENT")
    other = parse_bank_csv(_write(tmp_path, "changed.csv", changed))
    assert [s["statement_id"][:-12] for s in other.statements] == [
        "4400123456789-20260302-",
        "4400123456789-20260303-",
    ]
    assert {s["statement_id"] for s in other.statements}.isdisjoint(
        s["statement_id"] for s in first.statements
    )


# --- files that cannot be read ----------------------------------------------------------------


def test_unknown_layout(tmp_path: Path) -> None:
    path = _write(tmp_path, "export.csv", b"When,What,How much\n2026-03-02,coffee,3.50\n")
    with pytest.raises(StatementFileError) as raised:
        parse_bank_csv(path)
    assert raised.value.problem.startswith(
        f"no bank CSV profile matches export.csv; known profiles: {KNOWN} ("
    )
    assert (
        "us_checking: header lacks Date, Description, Withdrawal (-), Deposit (+), RunningBalance"
        in raised.value.problem
    )
    assert str(raised.value).startswith("export.csv: no bank CSV profile matches")


def test_wrong_encoding_is_named_with_its_byte_position(fixtures: Path, tmp_path: Path) -> None:
    data = (fixtures / CN_FILE).read_bytes()
    line_7 = data.index("融资买入清算".encode("gbk"))
    broken = data[:line_7] + b"\xff" + data[line_7 + 1 :]
    path = _write(tmp_path, "cn.csv", broken)
    with pytest.raises(StatementFileError) as raised:
        parse_bank_csv(path, profile="cn_corporate_gbk")
    assert raised.value.problem == (
        f"not gbk text as bank CSV profile cn_corporate_gbk expects: byte(s) ff at byte position {line_7} "
        "(line 7) cannot be decoded (illegal multibyte sequence)"
    )


def test_latin1_file_read_as_utf8(fixtures: Path) -> None:
    data = (fixtures / DE_FILE).read_bytes()
    with pytest.raises(StatementFileError) as raised:
        parse_bank_csv(fixtures / DE_FILE, profile="us_checking")
    position = data.index(b"\xfc")  # the ü of "Begünstigter" in the header
    assert (
        f"not utf-8 text as bank CSV profile us_checking expects: byte(s) fc at byte position {position} "
        in (raised.value.problem)
    )
    assert "(line 7)" in raised.value.problem


def test_explicit_profile_whose_columns_the_file_lacks(fixtures: Path) -> None:
    with pytest.raises(StatementFileError) as raised:
        parse_bank_csv(fixtures / US_FILE, profile="ch_account_utf8")
    assert raised.value.problem.startswith(
        "the header on line 1 lacks column(s) Débit, Crédit, Date de comptabilisation, Date de valeur"
    )


def test_unknown_profile_name(fixtures: Path) -> None:
    with pytest.raises(StatementFileError, match=f"unknown bank CSV profile 'ubs'; known profiles: {KNOWN}"):
        parse_bank_csv(fixtures / US_FILE, profile="ubs")


def test_missing_account_line(fixtures: Path, tmp_path: Path) -> None:
    text = _text(fixtures, CN_FILE, "gbk").replace("账号:", "卡号:")
    path = _write(tmp_path, "no_account.csv", text.encode("gbk"))
    with pytest.raises(
        StatementFileError, match="no account number in the file: profile cn_corporate_gbk looks for"
    ):
        parse_bank_csv(path)


def test_same_arguments_as_the_other_parsers(fixtures: Path) -> None:
    assert len(parse_bank_csv(fixtures / US_FILE, DEFAULT_MAX_BYTES).lines) == 4
    with pytest.raises(StatementFileError, match="file too large"):
        parse_bank_csv(fixtures / US_FILE, 100)


# --- rows that cannot be read ---------------------------------------------------------------------


def _cn_with(fixtures: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = _text(fixtures, CN_FILE, "gbk")
    assert text.count(old) == 1
    return _write(tmp_path, "cn_bad.csv", text.replace(old, new).encode("gbk"))


def test_bad_amount_keeps_the_row_and_the_rest_of_the_file(fixtures: Path, tmp_path: Path) -> None:
    path = _cn_with(fixtures, tmp_path, '"120,000.50"', '"12O,000.50"')
    result = parse_bank_csv(path)
    assert len(result.lines) == 5 and len(result.statements) == 2
    bad = result.lines[1]
    assert (bad["amount"], bad["credit_debit"], bad[SOURCE_ROW]) == (None, None, 7)
    assert (bad["bank_reference"], bad["booking_date"], bad["counterparty_name"]) == (
        "HQ20260302000002",
        dt.date(2026, 3, 2),
        "上海证券交易所",
    )
    assert result.notes == [
        "line 7: amount '12O,000.50' in column '借方发生额' cannot be read (unexpected character 'O'; "
        "this bank writes the decimal mark as '.' and thousands as ','); the line is kept without amount"
    ]
    # The balances still come from the bank's 余额 column, so the day no longer adds up without the row.
    first, second = result.statements
    readable = sum(line["amount"] for line in result.lines[:3] if line["amount"] is not None)
    assert first["opening_balance"] + readable != first["closing_balance"]
    assert second["opening_balance"] + D("3000.00") - D("82749.25") == second["closing_balance"]


def test_ambiguous_amount_is_not_guessed(fixtures: Path, tmp_path: Path) -> None:
    text = _text(fixtures, DE_FILE, "iso-8859-1").replace('"-0,01"', '"-1.000"')
    result = parse_bank_csv(_write(tmp_path, "de.csv", text.encode("iso-8859-1")))
    assert [line["amount"] for line in result.lines] == [D("1234.56"), D("-2469.12"), None, D("-98.76")]
    assert result.notes == [
        "line 10: amount '-1.000' in column 'Betrag' cannot be read ('1.000' could be a thousands-grouped "
        "whole number or a decimal; no decimal mark ',' to tell); the line is kept without amount"
    ]
    # Summary balances: the day with the unreadable row ends on the file's closing balance: no proof.
    first, second = result.statements
    assert (first["opening_balance"], first["closing_balance"]) == (D("12345.67"), D("11111.11"))
    assert (second["opening_balance"], second["closing_balance"]) == (D("11111.11"), D("11012.34"))


def test_bad_date_row_joins_its_neighbours(fixtures: Path, tmp_path: Path) -> None:
    path = _cn_with(fixtures, tmp_path, "2026-03-03,20260303,", "2026-02-30,20260303,")
    result = parse_bank_csv(path)
    bad = result.lines[3]
    assert (bad["booking_date"], bad["value_date"], bad["amount"]) == (
        None,
        dt.date(2026, 3, 3),
        D("3000.00"),
    )
    march_2 = result.statements[0]["statement_id"]
    assert bad["statement_id"] == march_2
    assert result.notes == [
        "line 9: booking date '2026-02-30' in column '交易日期' cannot be read (matches none of the formats "
        "yyyy-MM-dd, yyyyMMdd); the line is kept without booking date",
        f"line 9: no readable date; the line is put in statement {march_2} with the lines next to it",
    ]


def test_row_with_a_missing_field(fixtures: Path, tmp_path: Path) -> None:
    path = _cn_with(fixtures, tmp_path, ",手续费,,HQ20260302000003", ",手续费,HQ20260302000003")
    result = parse_bank_csv(path)
    bad = result.lines[2]
    assert bad[SOURCE_ROW] == 8
    assert (bad["amount"], bad["booking_date"], bad["bank_reference"]) == (None, None, None)
    assert bad["account_number"] == "6222020200011112222"  # from the preamble, not the row
    assert result.notes[0] == (
        "line 8: 9 fields where the header on line 5 has 10; "
        "the line is kept with every field of the row empty"
    )
    assert [line["amount"] for line in result.lines if line is not bad] == [
        D("500000.00"),
        D("-120000.50"),
        D("3000.00"),
        D("-82749.25"),
    ]


def test_running_balance_break_is_noted(fixtures: Path, tmp_path: Path) -> None:
    path = _cn_with(fixtures, tmp_path, '"1,382,749.25"', '"1,382,749.35"')
    result = parse_bank_csv(path)
    assert result.notes == [
        "line 9: running balance 1382749.35 is not the balance 1379749.25 of line 8 plus its amount 3000.00",
        "line 10: running balance 1300000.00 is not the balance 1382749.35 of line 9 "
        "plus its amount -82749.25",
    ]


def test_bad_rows_are_quarantined_by_the_contract(
    fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARGINLAKE_PII_KEY", "bank-csv-test-key")
    path = _cn_with(fixtures, tmp_path, '"120,000.50"', '"12O,000.50"')
    result = parse_bank_csv(path)
    lines_contract = load_contract("bank_statements", "bank_statement_lines")
    statements_contract = load_contract("bank_statements", "bank_statements")

    def batch(rows: list[dict[str, Any]]) -> pa.Table:
        return pa.Table.from_pylist([{**row, SOURCE_FILE: path.name} for row in rows])

    days = {"business_date": "2026-03-03", "earliest_date": "2026-03-02"}
    lines = validate_batch(batch(result.lines), lines_contract, **days)
    statements = validate_batch(batch(result.statements), statements_contract, **days)
    assert lines.quarantined.column(SOURCE_ROW).to_pylist() == [7]
    assert "amount" in lines.quarantined.column("reason")[0].as_py()
    statements, lines = apply_statement_balance(statements, lines, statements_contract, lines_contract)
    assert statements.accepted.column("statement_id").to_pylist() == [result.statements[1]["statement_id"]]
    assert sorted(lines.quarantined.column(SOURCE_ROW).to_pylist()) == [6, 7, 8]
    assert lines.accepted.column(SOURCE_ROW).to_pylist() == [9, 10]


# --- profile selection ----------------------------------------------------------------------------

ACME_PROFILE = """
name: acme_sh
match:
  file_name: ["acme_*.txt"]
read:
  encoding: gbk
  delimiter: "|"
dates: [yyyyMMdd]
amount:
  column: AMT
  indicator: DC
  debit_values: [D, 借]
  credit_values: [C, 贷]
columns:
  booking_date: DATE
  remittance_info: MEMO
account_number:
  file_name: 'acme_(?P<value>[0-9]+)_'
currency:
  value: CNY
"""


def _acme(tmp_path: Path) -> Any:
    folder = tmp_path / "profiles"
    folder.mkdir(exist_ok=True)
    (folder / "acme_sh.yaml").write_text(ACME_PROFILE, encoding="utf-8")
    return [load_profile(folder / "acme_sh.yaml")]


def test_profile_chosen_by_file_name_with_a_debit_credit_indicator(tmp_path: Path) -> None:
    text = "DATE|DC|AMT|MEMO\r20260302|贷|100.00|入金\r20260302|借|-40.50|出金\r20260302|D|9.50|费用\r"
    path = _write(tmp_path, "acme_6222333344445555_0302.txt", text.encode("gbk"))
    result = parse_bank_csv(path, profiles=_acme(tmp_path))
    assert [(line["amount"], line["credit_debit"]) for line in result.lines] == [
        (D("100.00"), "CRDT"),
        (D("-40.50"), "DBIT"),  # a sign that agrees with the mark is accepted
        (D("-9.50"), "DBIT"),
    ]
    (statement,) = result.statements
    assert statement["account_number"] == "6222333344445555"
    assert (statement["opening_balance"], statement["closing_balance"]) == (None, None)
    assert result.notes == ["bank CSV profile acme_sh gives no balances; the statements cannot be proven"]
    other_name = _write(tmp_path, "acme.csv", text.encode("gbk"))
    with pytest.raises(StatementFileError, match=r"acme_sh: file name is not acme_\*\.txt"):
        parse_bank_csv(other_name, profiles=_acme(tmp_path))


def test_file_claimed_by_name_in_the_wrong_encoding(tmp_path: Path) -> None:
    path = _write(tmp_path, "acme_6222_0302.txt", "DATE|DC|AMT|MEMO\n20260302|C|1.00|é\n".encode("utf-16-le"))
    with pytest.raises(
        StatementFileError, match=r"not gbk text as bank CSV profile acme_sh expects: byte\(s\)"
    ):
        parse_bank_csv(path, profiles=_acme(tmp_path))


def test_two_matching_profiles_are_refused(fixtures: Path) -> None:
    us = load_profile(
        Path(__file__).resolve().parents[2] / "assets/bank_statements/csv_profiles/us_checking.yaml"
    )
    with pytest.raises(
        StatementFileError, match=r"matches several bank CSV profiles \(us_checking, us_checking\)"
    ):
        parse_bank_csv(fixtures / US_FILE, profiles=[us, us])


def test_header_only_file(fixtures: Path, tmp_path: Path) -> None:
    lines = (fixtures / US_FILE).read_bytes().splitlines(keepends=True)[:2]
    result = parse_bank_csv(_write(tmp_path, "quiet_day.csv", b"".join(lines)))
    assert (result.statements, result.lines) == ([], [])
    assert result.notes == ["no transaction rows after the header on line 2"]
