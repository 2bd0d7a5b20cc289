"""Bank CSV profiles: the shipped ones load, bad ones are refused by name, and values are read exactly."""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from assets.bank_statements.csv_profiles import (
    PROFILE_DIR,
    AmbiguousValueError,
    CsvProfileError,
    DateFormats,
    NumberFormat,
    load_profile,
    load_profiles,
)

GERMAN = NumberFormat(decimal=",", thousands=(".",), currency_symbols=("EUR", "€"))
SWISS = NumberFormat(decimal=".", thousands=("'", "\u2019"), currency_symbols=("CHF",))
US = NumberFormat(decimal=".", thousands=(",",), currency_symbols=("$", "US$", "USD"))
PLAIN = NumberFormat(decimal=",")


def test_shipped_profiles_load() -> None:
    profiles = {p.name: p for p in load_profiles()}
    assert sorted(profiles) == ["ch_account_utf8", "cn_corporate_gbk", "de_giro_latin1", "us_checking"]
    cn = profiles["cn_corporate_gbk"]
    assert (cn.encoding, cn.delimiter, cn.sign.kind, cn.balances.running_balance) == (
        "gbk",
        ",",
        "debit_credit",
        "余额",
    )
    assert (cn.sign.debit, cn.sign.credit) == ("借方发生额", "贷方发生额")
    de = profiles["de_giro_latin1"]
    assert (de.encoding, de.delimiter, de.numbers.decimal, de.numbers.thousands) == (
        "iso-8859-1",
        ";",
        ",",
        (".",),
    )
    assert de.sign.kind == "signed" and de.balances.opening is not None and de.balances.closing is not None
    us = profiles["us_checking"]
    assert us.order == "newest_first" and us.columns["bank_reference"] == ("Check #",)
    assert {p.source.parent for p in profiles.values()} == {PROFILE_DIR}


@pytest.mark.parametrize(
    ("fmt", "text", "expected"),
    [
        (GERMAN, "1.234,56", "1234.56"),
        (GERMAN, "-98,76", "-98.76"),
        (GERMAN, "1.234.567,89", "1234567.89"),
        (GERMAN, "12.345,67 EUR", "12345.67"),
        (GERMAN, "-0,01", "-0.01"),
        (GERMAN, "98,76-", "-98.76"),
        (GERMAN, "-0,00", "0.00"),
        (GERMAN, "1234", "1234"),
        (SWISS, "11'373.94", "11373.94"),
        (SWISS, "11\u2019373.94", "11373.94"),
        (SWISS, "1'234", "1234"),
        (SWISS, "CHF 111'373.94", "111373.94"),
        (US, "$1,036.47", "1036.47"),
        (US, "-$1,036.47", "-1036.47"),
        (US, "$-1,036.47", "-1036.47"),
        (US, "($1,036.47)", "-1036.47"),
        (US, "+5.00", "5.00"),
        (US, " 1,234,567.5 ", "1234567.5"),
        (PLAIN, "1234,5", "1234.5"),
    ],
)
def test_amounts_are_exact_decimals(fmt: NumberFormat, text: str, expected: str) -> None:
    value = fmt.parse(text)
    assert type(value) is Decimal
    assert str(value) == expected


@pytest.mark.parametrize(
    ("fmt", "text", "reason"),
    [
        (GERMAN, "1,036.47", "the part after the decimal mark ',' is not digits only"),  # a US amount
        (GERMAN, "1.234", "could be a thousands-grouped whole number or a decimal"),
        (US, "1,234", "could be a thousands-grouped whole number or a decimal"),
        (PLAIN, "12,345", "3 decimals, at most 2"),
        (PLAIN, "1.234,56", "unexpected character '.'"),
        (GERMAN, "1.23,45", "not grouped by three"),
        (GERMAN, "12.34.567,00", "not grouped by three"),
        (SWISS, "1'234\u2019567.00", "mixed thousands marks"),
        (GERMAN, "1,2,3", "more than one decimal mark"),
        (GERMAN, "--5,00", "more than one sign"),
        (US, "(-5.00)", "more than one sign"),
        (US, "-5.00-", "more than one sign"),
        (US, "$$5.00", "more than one currency symbol"),
        (US, "5 5", "unexpected character ' '"),
        (US, "5.", "not digits only"),
        (US, "", "empty"),
        (US, "n/a", "no digits"),
        (US, "1\u0662", "digits other than 0-9"),  # an Arabic-Indic digit
        (US, "£5.00", "no digits"),
    ],
)
def test_ambiguous_or_malformed_amounts_are_refused(fmt: NumberFormat, text: str, reason: str) -> None:
    with pytest.raises(AmbiguousValueError, match=re.escape(reason)):
        fmt.parse(text)


def test_dates_in_the_banks_notation() -> None:
    formats = DateFormats.of(("dd.MM.yyyy", "dd.MM.yy", "yyyy年MM月dd日"), "test")
    assert formats.parse("02.03.2026") == dt.date(2026, 3, 2)
    assert formats.parse("2.3.26") == dt.date(2026, 3, 2)
    assert formats.parse("2026年03月02日") == dt.date(2026, 3, 2)
    with pytest.raises(AmbiguousValueError, match="matches none of the formats"):
        formats.parse("31.02.2026")


def test_a_date_two_formats_read_differently_is_refused() -> None:
    formats = DateFormats.of(("dd/MM/yyyy", "MM/dd/yyyy"), "test")
    assert formats.parse("13/03/2026") == dt.date(2026, 3, 13)  # only one reading exists
    assert formats.parse("03/03/2026") == dt.date(2026, 3, 3)  # both readings agree
    with pytest.raises(
        AmbiguousValueError, match=r"more than one date: 2026-04-03 \(dd/MM/yyyy\), 2026-03-04"
    ):
        formats.parse("03/04/2026")


def _base() -> dict[str, Any]:
    return yaml.safe_load((PROFILE_DIR / "us_checking.yaml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, raw: dict[str, Any], name: str = "us_checking") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _changed(change: Any) -> dict[str, Any]:
    raw = copy.deepcopy(_base())
    change(raw)
    return raw


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(colums={}), "unknown key(s) colums in the profile"),
        (lambda r: r["numbers"].update(decimals=","), "unknown key(s) decimals in numbers"),
        (
            lambda r: r["read"].update(encoding="gbk-ish"),
            "read.encoding 'gbk-ish' is not a known text encoding",
        ),
        (lambda r: r.update(name="other"), "name 'other' differs from the file name 'us_checking'"),
        (lambda r: r["columns"].pop("booking_date"), "columns.booking_date is required"),
        (lambda r: r["numbers"].update(thousands=["."]), "differ from the decimal mark"),
        (lambda r: r["numbers"].update(decimal=";"), "numbers.decimal must be one of"),
        (lambda r: r.update(amount={"signed": "A", "debit": "B"}), "amount must be {signed: <column>}"),
        (lambda r: r.update(dates=["dd.MM.yyyy hh:mm"]), "'hh' is not a known field"),
        (lambda r: r.update(dates=[]), "dates must list at least one date format"),
        (lambda r: r.update(match={}), "match needs file_name globs, headers, or both"),
        (lambda r: r["balances"].update(opening={"line": "^x"}), "running_balance or opening/closing lines"),
        (lambda r: r.update(currency={"value": "USD", "column": "Ccy"}), "currency needs exactly one of"),
        (lambda r: r.update(account_number={"line": "(unclosed"}), "not a valid regular expression"),
        (lambda r: r["read"].update(order="random"), "read.order must be oldest_first or newest_first"),
        (lambda r: r["read"].update(delimiter=";;"), "must be one character each"),
    ],
)
def test_bad_profiles_are_refused_by_name(tmp_path: Path, change: Any, message: str) -> None:
    path = _write(tmp_path, _changed(change))
    with pytest.raises(CsvProfileError) as raised:
        load_profile(path)
    assert str(raised.value).startswith("us_checking.yaml: ")
    assert message in str(raised.value)


def test_profile_that_is_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(CsvProfileError, match=r"broken\.yaml: cannot read the profile"):
        load_profile(path)
