"""Parsing untrusted XML from banks without entity expansion, external entities or network access.

A statement file comes from outside, so it is parsed in two passes with libxml2 (lxml):

1. A prolog pass stops at the first element and refuses any DOCTYPE. No ISO 20022 message
   has one, and the DOCTYPE is where entity declarations (billion laughs) and external
   entities or DTDs (file and network reads) live. The pass raises inside the DOCTYPE
   callback, before a single declaration is expanded or fetched.
2. The full parse runs with entity substitution off, DTD loading off, network off and
   libxml2's default size and depth limits (huge_tree=False), so even a document that got
   past pass 1 could not expand entities or reach a file or the network.

When a DOCTYPE is refused, expat lists the entities it declares, only to word the error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.parsers import expat

from lxml import etree

from assets.bank_statements.model import StatementFileError

_HARDENED: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}

_DOCTYPE_REFUSED = (
    "a camt.053 document never has a DOCTYPE, and entity declarations, external entities and DTDs "
    "are refused because they allow entity-expansion (billion laughs) and external-entity (file or "
    "network) attacks"
)
_LISTED_ENTITIES = 5


class _DoctypeSeenError(Exception):
    def __init__(self, name: str | None, public_id: str | None, system_id: str | None) -> None:
        super().__init__(name)
        self.name = name
        self.public_id = public_id
        self.system_id = system_id


class _RootReachedError(Exception):
    pass


class _DoctypeEndError(Exception):
    pass


class _PrologTarget:
    """lxml parser target that only watches the prolog: it stops at the DOCTYPE or the first element."""

    def doctype(self, name: str | None, public_id: str | None, system_id: str | None) -> None:
        raise _DoctypeSeenError(name, public_id, system_id)

    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        raise _RootReachedError

    def end(self, tag: str) -> None:
        return None

    def data(self, data: str) -> None:
        return None

    def close(self) -> None:
        return None


def _refuse_doctype(data: bytes, path: Path) -> None:
    parser = etree.XMLParser(target=_PrologTarget(), **_HARDENED)
    try:
        etree.fromstring(data, parser)
    except _RootReachedError:
        return
    except _DoctypeSeenError as found:
        raise StatementFileError(path, _doctype_problem(data, found.system_id or found.public_id)) from None
    except etree.LxmlError as exc:
        raise StatementFileError(path, f"not well-formed XML: {exc}") from None
    raise StatementFileError(path, "not an XML document: no root element")


def _doctype_problem(data: bytes, external_dtd: str | None) -> str:
    """What the refused DOCTYPE holds, in words an operator can act on."""
    entities = _declared_entities(data)
    if entities:
        listed = ", ".join(entities[:_LISTED_ENTITIES])
        more = f" and {len(entities) - _LISTED_ENTITIES} more" if len(entities) > _LISTED_ENTITIES else ""
        return f"entity declarations present ({listed}{more}); {_DOCTYPE_REFUSED}"
    if external_dtd:
        return f"DOCTYPE refers to the external DTD {external_dtd!r}; {_DOCTYPE_REFUSED}"
    return f"DOCTYPE declaration present; {_DOCTYPE_REFUSED}"


def _declared_entities(data: bytes) -> list[str] | None:
    """The entities a refused DOCTYPE declares (name, and target when external), for the message only.

    Expat reads the declarations and is stopped at the end of the DOCTYPE, before any content:
    nothing is expanded or fetched. None when expat cannot read the prolog (e.g. an encoding
    it does not know); the document is refused either way.
    """
    found: list[str] = []

    def on_entity(
        name: str, _parameter: bool, _value: Any, _base: Any, system_id: Any, public_id: Any, _n: Any
    ) -> None:
        target = system_id or public_id
        found.append(f"{name!r} -> {target!r}" if target else repr(name))

    def on_doctype_end() -> None:
        raise _DoctypeEndError

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = on_entity
    parser.EndDoctypeDeclHandler = on_doctype_end
    try:
        parser.Parse(data, True)
    except _DoctypeEndError:
        return found
    except Exception:  # only the wording of the refusal depends on this pass, never the refusal
        return None
    return found


def load_xml(data: bytes, path: Path) -> etree._Element:
    """The root element of an untrusted XML document, or StatementFileError naming what is wrong."""
    _refuse_doctype(data, path)
    parser = etree.XMLParser(**_HARDENED)
    try:
        root = etree.fromstring(data, parser)
    except etree.LxmlError as exc:
        raise StatementFileError(
            path, f"not well-formed XML, the file may be truncated or corrupt: {exc}"
        ) from None
    except ValueError as exc:
        raise StatementFileError(path, f"not a readable XML document: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise StatementFileError(path, f"DOCTYPE declaration present; {_DOCTYPE_REFUSED}")
    return root
