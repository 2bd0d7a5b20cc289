"""Hostile XML: no entity expansion, no file read through an entity, no network access.

Each attack is tried against the whole parser and, with the DOCTYPE pre-check switched off,
against the full parse alone, so both layers are shown to hold on their own.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assets.bank_statements import safe_xml
from assets.bank_statements.model import StatementFileError
from assets.bank_statements.parse_camt053 import parse_camt053

CAMT = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
SECRET = "TOP-SECRET-7f3a"


def _document(doctype: str, message_id: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n<Document xmlns="{CAMT}"><BkToCstmrStmt><GrpHdr>'
        f"<MsgId>{message_id}</MsgId><CreDtTm>2026-03-02T10:00:00Z</CreDtTm></GrpHdr></BkToCstmrStmt></Document>"
    )


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP port that records whether anything connects to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.3)
    yield server
    server.close()


def _connected(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except TimeoutError:
        return False
    connection.close()
    return True


@pytest.fixture
def without_doctype_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safe_xml, "_refuse_doctype", lambda data, path: None)


def test_billion_laughs_is_refused_at_once(fixtures: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(StatementFileError, match="entity declarations present"):
        parse_camt053(fixtures / "billion_laughs.camt053.xml")
    assert time.perf_counter() - started < 1.0


def test_billion_laughs_is_not_expanded_by_the_full_parse(
    fixtures: Path, without_doctype_check: None
) -> None:
    data = (fixtures / "billion_laughs.camt053.xml").read_bytes()
    started = time.perf_counter()
    try:
        root = safe_xml.load_xml(data, Path("billion_laughs.camt053.xml"))
    except StatementFileError:
        pass  # libxml2's amplification limit stopped it, or the DOCTYPE was refused after the parse
    else:
        assert len("".join(root.itertext())) < 1000
    assert time.perf_counter() - started < 1.0


def test_external_file_entity_is_never_read(tmp_path: Path, without_doctype_check: None) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    data = _document(f'<!DOCTYPE Document [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>', "&leak;").encode()
    try:
        root = safe_xml.load_xml(data, tmp_path / "xxe.xml")
    except StatementFileError as refused:
        assert SECRET not in str(refused)
    else:
        assert SECRET not in "".join(root.itertext())


def test_external_file_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    path = tmp_path / "xxe.camt053.xml"
    path.write_text(_document(f'<!DOCTYPE Document [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>', "&leak;"))
    with pytest.raises(StatementFileError, match="entity declarations present") as raised:
        parse_camt053(path)
    assert SECRET not in str(raised.value)


@pytest.mark.parametrize("check", ["with the DOCTYPE check", "full parse alone"])
def test_no_network_access(tmp_path: Path, listener: socket.socket, monkeypatch, check: str) -> None:
    if check == "full parse alone":
        monkeypatch.setattr(safe_xml, "_refuse_doctype", lambda data, path: None)
    port = listener.getsockname()[1]
    attacks = {
        "external_dtd.xml": _document(f'<!DOCTYPE Document SYSTEM "http://127.0.0.1:{port}/x.dtd">', "M1"),
        "network_entity.xml": _document(
            f'<!DOCTYPE Document [<!ENTITY net SYSTEM "http://127.0.0.1:{port}/e">]>', "&net;"
        ),
        "parameter_entity.xml": _document(
            f'<!DOCTYPE Document [<!ENTITY % pe SYSTEM "http://127.0.0.1:{port}/p"> %pe;]>', "M1"
        ),
    }
    for name, text in attacks.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(StatementFileError):
            parse_camt053(path)
        assert not _connected(listener), f"{name} reached the network ({check})"


def test_external_dtd_is_named_in_the_message(tmp_path: Path) -> None:
    path = tmp_path / "dtd.camt053.xml"
    path.write_text(_document('<!DOCTYPE Document SYSTEM "http://bank.example/camt.dtd">', "M1"))
    with pytest.raises(StatementFileError, match=r"external DTD 'http://bank\.example/camt\.dtd'"):
        parse_camt053(path)


def test_schema_location_hint_is_not_fetched(fixtures: Path, tmp_path: Path, listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    hint = (
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{CAMT} http://127.0.0.1:{port}/camt.053.001.08.xsd"'
    )
    text = (fixtures / "two_statements.camt053.xml").read_text(encoding="utf-8")
    path = tmp_path / "hinted.camt053.xml"
    path.write_text(text.replace(f'xmlns="{CAMT}"', f'xmlns="{CAMT}" {hint}', 1), encoding="utf-8")
    assert len(parse_camt053(path).lines) == 6
    assert not _connected(listener)


def test_the_probes_can_fail(tmp_path: Path, listener: socket.socket) -> None:
    """An unhardened parser does leak the file, and a connection is noticed: the checks above are real."""
    from lxml import etree

    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    data = f'<!DOCTYPE D [<!ENTITY leak SYSTEM "{secret.as_uri()}">]><D>&leak;</D>'.encode()
    unsafe = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=False)
    assert etree.fromstring(data, unsafe).text == SECRET
    with socket.create_connection(listener.getsockname(), timeout=1):
        assert _connected(listener)
