"""Reading single values out of a camt.053 document decoded by xmlschema.

The decoded document is nested dicts and lists; in lax mode an invalid value may come back
as a raw string or be missing. These readers turn each ISO 20022 building block (amount,
date choice, account, party, status, bank transaction code) into one plain Python value and
return None instead of raising when the block is absent or unreadable.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any


def get(node: Any, *keys: str) -> Any:
    """node[k1][k2]..., or None as soon as a level is missing or not a mapping."""
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def as_list(node: Any) -> list[Any]:
    """Repeatable elements as a list, whether xmlschema gave none, one or many."""
    if node is None:
        return []
    return node if isinstance(node, list) else [node]


def text(node: Any) -> str | None:
    """A stripped string, or None for absent or blank values."""
    if node is None or isinstance(node, (dict, list)):
        return None
    value = str(node).strip()
    return value or None


def decimal(node: Any) -> Decimal | None:
    """An exact amount; a float never gets here because xmlschema decodes xs:decimal as Decimal."""
    if isinstance(node, Decimal):
        return node
    raw = text(node)
    if raw is None:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def amount_and_currency(node: Any) -> tuple[Decimal | None, str | None]:
    """An ActiveOrHistoricCurrencyAndAmount (`<Amt Ccy="CNY">1.00</Amt>`) as (amount, currency)."""
    if isinstance(node, dict):
        return decimal(node.get("$")), text(node.get("@Ccy"))
    return decimal(node), None


def signed(amount: Decimal | None, credit_debit: str | None) -> Decimal | None:
    """Credits positive, debits negative: the sign comes from CdtDbtInd alone, never from RvslInd."""
    if amount is None or credit_debit not in ("CRDT", "DBIT"):
        return None
    return -amount if credit_debit == "DBIT" else amount


def boolean(node: Any) -> bool:
    """An xs:boolean indicator; absent means false."""
    if isinstance(node, bool):
        return node
    return text(node) in ("true", "1")


def parse_datetime(node: Any) -> dt.datetime | None:
    """An ISODateTime as written (with its offset when it has one)."""
    raw = text(node)
    if raw is None:
        return None
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        return None


def parse_date(node: Any) -> dt.date | None:
    """An ISODate; a time-zone suffix (allowed by xs:date) is dropped, the day is the bank's."""
    raw = text(node)
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        return None


def date_choice(node: Any) -> dt.date | None:
    """A DateAndDateTimeChoice (`<Dt>` or `<DtTm>`) as the calendar day the bank wrote."""
    day = parse_date(get(node, "Dt"))
    if day is not None:
        return day
    moment = parse_datetime(get(node, "DtTm"))
    return moment.date() if moment is not None else None


def to_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """An aware UTC datetime; a timestamp without offset is taken to be UTC already."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def account_id(account: Any) -> str | None:
    """A CashAccount's identifier: the IBAN, else the proprietary `Othr/Id`."""
    return text(get(account, "Id", "IBAN")) or text(get(account, "Id", "Othr", "Id"))


def party_name(party: Any) -> str | None:
    """A party's name across versions: `Nm` (.02-.07), `Pty/Nm` (.08+), or an agent's name or BIC."""
    if not isinstance(party, dict):
        return None
    if "Pty" in party:
        return text(get(party, "Pty", "Nm"))
    if "Agt" in party:
        institution = get(party, "Agt", "FinInstnId")
        names = (text(get(institution, key)) for key in ("Nm", "BICFI", "BIC"))
        return next((name for name in names if name), None)
    return text(party.get("Nm"))


def entry_status(entry: Any) -> str | None:
    """`Sts` is a plain code up to .07 and `Sts/Cd` (or `Sts/Prtry`) from .08 on."""
    status = get(entry, "Sts")
    if isinstance(status, dict):
        return text(status.get("Cd")) or text(status.get("Prtry"))
    return text(status)


def transaction_code(code: Any) -> str | None:
    """A BankTransactionCodeStructure: the proprietary code, else Domain/Family/SubFamily."""
    proprietary = text(get(code, "Prtry", "Cd"))
    if proprietary is not None:
        return proprietary
    parts = (
        text(get(code, "Domn", "Cd")),
        text(get(code, "Domn", "Fmly", "Cd")),
        text(get(code, "Domn", "Fmly", "SubFmlyCd")),
    )
    present = [part for part in parts if part is not None]
    return "/".join(present) or None


def balance_type(balance: Any) -> str | None:
    """OPBD, PRCD, CLBD, ... of a `Bal` element."""
    return text(get(balance, "Tp", "CdOrPrtry", "Cd")) or text(get(balance, "Tp", "CdOrPrtry", "Prtry"))
