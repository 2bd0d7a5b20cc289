"""Splitting the `:86:` narrative our banks send as `/EREF/<id>/NAME/<name>/ACCT/<account>/REMI/<text>`.

The MT940 library splits the German GVC (`?20..?63`) and SEPA `EREF+` layouts, but leaves
this slash-keyed layout as plain text. Only this one layout is handled here: the four keys,
each optional, in this order. REMI comes last and keeps everything after it, slashes and
all, so a remittance text such as "invoice 2026/03" survives; a key spelled inside an
earlier value would be taken as a key.
"""

from __future__ import annotations

import re

NARRATIVE_KEYS: tuple[str, ...] = ("EREF", "NAME", "ACCT", "REMI")
_KEY = re.compile(r"/(EREF|NAME|ACCT|REMI)/")


def unwrap(details: str) -> str:
    """One `:86:` field as one string: SWIFT wraps the field at 65 characters, the wrap is not text."""
    return "".join(details.splitlines())


def split_narrative(details: str) -> dict[str, str] | None:
    """{'EREF': ..., 'NAME': ..., 'ACCT': ..., 'REMI': ...} for the keys present; None for other text."""
    text = unwrap(details).strip()
    boundaries: list[re.Match[str]] = []
    last_rank = -1
    for match in _KEY.finditer(text):
        if not boundaries and match.start() != 0:
            return None
        rank = NARRATIVE_KEYS.index(match.group(1))
        if rank <= last_rank:
            continue
        boundaries.append(match)
        last_rank = rank
        if match.group(1) == "REMI":
            break
    if not boundaries:
        return None
    fields: dict[str, str] = {}
    for current, following in zip(boundaries, [*boundaries[1:], None], strict=True):
        end = following.start() if following is not None else len(text)
        value = text[current.end() : end].strip()
        if value:
            fields[current.group(1)] = value
    return fields
