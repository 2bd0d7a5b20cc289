"""Choosing the parser from the file's extension, or from its first bytes when the extension is unknown."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assets.bank_statements.model import StatementFileError
from assets.bank_statements.parse_statement_file import parse_statement_file, statement_format


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SEG-ICBC.camt053.xml", "camt053"),
        ("statement.XML", "camt053"),
        ("SEG-CMB.mt940", "mt940"),
        ("export.sta", "mt940"),
        ("export.940", "mt940"),
        ("intraday.mt942", "mt940"),
        ("intraday.942", "mt940"),
    ],
)
def test_format_from_extension(name: str, expected: str) -> None:
    assert statement_format(Path(name)) == expected


def test_format_from_content_when_the_extension_is_unknown(fixtures: Path, tmp_path: Path) -> None:
    xml = shutil.copy(fixtures / "two_statements.camt053.xml", tmp_path / "a.txt")
    swift = shutil.copy(fixtures / "two_statements.mt940", tmp_path / "b.txt")
    assert statement_format(Path(xml)) == "camt053"
    assert statement_format(Path(swift)) == "mt940"
    assert len(parse_statement_file(Path(xml)).statements) == 2
    assert len(parse_statement_file(Path(swift)).statements) == 2


def test_dispatch_reaches_both_parsers(fixtures: Path) -> None:
    assert (
        parse_statement_file(fixtures / "two_statements.camt053.xml").statements[0]["source_format"]
        == "camt053"
    )
    assert parse_statement_file(fixtures / "interim.mt942").statements[0]["source_format"] == "mt940"


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "statement.pdf"
    path.write_bytes(b"%PDF-1.7 not a statement")
    with pytest.raises(
        StatementFileError, match=r"statement.pdf: unknown statement format: the extension '.pdf'"
    ):
        parse_statement_file(path)


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StatementFileError, match="cannot open the file"):
        parse_statement_file(tmp_path / "gone.dat")
