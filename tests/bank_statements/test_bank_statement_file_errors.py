"""Unreadable files raise StatementFileError with the file's name and what is wrong, never a traceback."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest

from assets.bank_statements.model import DEFAULT_MAX_BYTES, StatementFileError
from assets.bank_statements.parse_camt053 import parse_camt053
from assets.bank_statements.parse_mt940 import parse_mt940
from assets.bank_statements.parse_statement_file import parse_statement_file


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("truncated.camt053.xml", "not well-formed XML, the file may be truncated or corrupt"),
        (
            "billion_laughs.camt053.xml",
            "entity declarations present ('lol', 'lol1', 'lol2', 'lol3', 'lol4' and 5",
        ),
        ("external_entity.camt053.xml", "entity declarations present ('passwd' -> 'file:///etc/passwd')"),
        (
            "not_camt.xml",
            "not a camt.053 document: the root element is '{urn:iso:std:iso:20022:tech:xsd:pain",
        ),
        ("garbage.mt940", "not an MT940/MT942 file: no statement (no line starting with :20:)"),
        ("empty.mt940", "empty file: no statement in it"),
    ],
)
def test_bad_fixture_is_refused_with_a_clear_message(fixtures: Path, name: str, problem: str) -> None:
    path = fixtures / name
    with pytest.raises(StatementFileError) as raised:
        parse_statement_file(path)
    assert raised.value.path == path
    assert problem in raised.value.problem
    assert str(raised.value).startswith(f"{name}: ")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StatementFileError, match=r"absent.mt940: cannot open the file \(No such file"):
        parse_mt940(tmp_path / "absent.mt940")


@pytest.mark.parametrize("parse", [parse_camt053, parse_mt940])
def test_file_above_the_size_limit(fixtures: Path, tmp_path: Path, parse) -> None:
    source = fixtures / ("two_statements.camt053.xml" if parse is parse_camt053 else "two_statements.mt940")
    with pytest.raises(StatementFileError, match=r"file too large: [\d,]+ bytes, the limit .* is 500 bytes"):
        parse(source, max_bytes=500)


def test_default_size_limit_is_200_mib() -> None:
    assert DEFAULT_MAX_BYTES == 200 * 1024 * 1024


def test_empty_xml_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.camt053.xml"
    path.write_text("  \n", encoding="utf-8")
    with pytest.raises(StatementFileError, match="empty file"):
        parse_camt053(path)


def test_text_that_is_not_xml(tmp_path: Path) -> None:
    path = tmp_path / "letter.xml"
    path.write_text("Dear customer, please find your statement attached.", encoding="utf-8")
    with pytest.raises(StatementFileError, match=r"letter\.xml: not well-formed XML"):
        parse_camt053(path)


def test_mt940_text_fed_to_the_camt_parser(fixtures: Path) -> None:
    with pytest.raises(StatementFileError, match="not well-formed XML"):
        parse_camt053(fixtures / "two_statements.mt940")


def test_xml_fed_to_the_mt940_parser(fixtures: Path) -> None:
    with pytest.raises(StatementFileError, match="not an MT940/MT942 file"):
        parse_mt940(fixtures / "two_statements.camt053.xml")


def test_mt940_content_naming_a_file_is_not_opened(tmp_path: Path) -> None:
    """Text that happens to be a path must be read as statement text, not as a file to open."""
    secret = tmp_path / "secret.mt940"
    secret.write_text(":20:SECRET\n:25:1\n:60F:C260302CNY0,00\n:62F:C260302CNY0,00\n-\n", encoding="utf-8")
    pointer = tmp_path / "pointer.mt940"
    pointer.write_text(str(secret), encoding="utf-8")
    with pytest.raises(StatementFileError, match="not an MT940/MT942 file"):
        parse_mt940(pointer)


@pytest.mark.parametrize("name", ["two_statements.camt053.xml", "two_statements.mt940", "interim.mt942"])
def test_damaged_copies_are_parsed_or_refused_never_crash(fixtures: Path, tmp_path: Path, name: str) -> None:
    """Cut and corrupted copies of a good file: each one is read or refused with StatementFileError."""
    rng = random.Random(20260302)
    data = (fixtures / name).read_bytes()
    for attempt in range(60):
        damaged = bytearray(data[: rng.randrange(1, len(data))] if attempt % 2 else data)
        for _ in range(rng.randint(0, 4)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        path = tmp_path / f"{attempt}-{name}"
        path.write_bytes(bytes(damaged))
        with contextlib.suppress(StatementFileError):
            parse_statement_file(path)
