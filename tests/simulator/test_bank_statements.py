"""Bank statements chain, prove their balances, parse with standard tools and reconcile to the ledger."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import mt940
import pytest
from lxml import etree

from assets.common.paths import PROJECT_ROOT
from simulator.bank_camt import NAMESPACE
from simulator.seeds import load_seeds
from tests.simulator.conftest import read_all, read_csv

NS = {"c": NAMESPACE}
XSD = PROJECT_ROOT / "assets" / "bank_statements" / "xsd" / "camt.053.001.08.xsd"


def _signed(amount: str, indicator: str) -> Decimal:
    return Decimal(amount) if indicator == "CRDT" else -Decimal(amount)


def parse_camt(path: Path) -> dict:
    stmt = etree.parse(str(path)).getroot().find("c:BkToCstmrStmt/c:Stmt", NS)
    balances = {
        bal.findtext("c:Tp/c:CdOrPrtry/c:Cd", namespaces=NS): _signed(
            bal.findtext("c:Amt", namespaces=NS), bal.findtext("c:CdtDbtInd", namespaces=NS)
        )
        for bal in stmt.findall("c:Bal", NS)
    }
    lines = [
        {
            "amount": _signed(e.findtext("c:Amt", namespaces=NS), e.findtext("c:CdtDbtInd", namespaces=NS)),
            "e2e": e.findtext("c:NtryDtls/c:TxDtls/c:Refs/c:EndToEndId", namespaces=NS) or "",
            "reversal": e.findtext("c:RvslInd", namespaces=NS) == "true",
        }
        for e in stmt.findall("c:Ntry", NS)
    ]
    return {
        "id": stmt.findtext("c:Id", namespaces=NS),
        "opening": balances["OPBD"],
        "closing": balances["CLBD"],
        "lines": lines,
    }


def parse_940(path: Path) -> dict:
    statements = mt940.parse_statements(path.read_text(encoding="utf-8"), options=mt940.Options.all())
    assert len(statements) == 1
    data = statements[0].data
    lines = [
        {
            "amount": t.data["amount"].amount,
            "e2e": t.data["customer_reference"].replace("NONREF", ""),
            "reversal": t.data["status"].startswith("R"),
            "details": t.data["transaction_details"],
        }
        for t in statements[0].transactions
    ]
    return {
        "id": data["transaction_reference"],
        "opening": data["final_opening_balance"].amount.amount,
        "closing": data["final_closing_balance"].amount.amount,
        "lines": lines,
    }


@pytest.fixture(scope="module")
def statements(landing: Path) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for bank in load_seeds().banks:
        for folder in sorted((landing / "bank").iterdir()):
            if bank.statement_format == "mt940":
                out[bank.bank_account_id].append(parse_940(folder / f"{bank.bank_account_id}.mt940"))
            else:
                out[bank.bank_account_id].append(parse_camt(folder / f"{bank.bank_account_id}.camt053.xml"))
    return out


def test_one_statement_per_account_and_day(landing: Path, statements: dict[str, list[dict]]) -> None:
    days = len(list((landing / "bank").iterdir()))
    assert days == len(list((landing / "ticks").iterdir()))
    assert {key: len(items) for key, items in statements.items()} == {
        b.bank_account_id: days for b in load_seeds().banks
    }


def test_opening_plus_lines_is_closing_and_statements_chain(statements: dict[str, list[dict]]) -> None:
    for items in statements.values():
        previous = Decimal(0)
        for statement in items:
            assert statement["opening"] == previous
            assert (
                statement["opening"] + sum(line["amount"] for line in statement["lines"])
                == statement["closing"]
            )
            previous = statement["closing"]
        assert any(statement["lines"] for statement in items)


def test_mt940_narrative_is_structured(landing: Path) -> None:
    statement = parse_940(next(landing.glob("bank/*/SEG-CMB.mt940")))
    for line in statement["lines"]:
        assert (
            line["details"].startswith("/EREF/")
            and "/NAME/" in line["details"]
            and "/REMI/" in line["details"]
        )


def test_camt_is_valid_against_the_schema(landing: Path) -> None:
    if not XSD.exists():
        pytest.skip("camt.053.001.08 schema not available")
    import xmlschema

    schema = xmlschema.XMLSchema(str(XSD))
    for path in sorted(landing.glob("bank/*/*.camt053.xml"))[:6]:
        schema.validate(str(path))


def test_bank_reconciles_to_the_ledger_except_planted_breaks(
    landing: Path, truth: Path, statements: dict[str, list[dict]]
) -> None:
    """Bank closing - ledger GL balance = the planted breaks' net effect, per bank account."""
    seeds = load_seeds()
    gl_of = {b.gl_code: b.bank_account_id for b in seeds.banks}
    ledger: dict[str, Decimal] = defaultdict(Decimal)
    for p in read_all(landing, "platform", "ledger_postings"):
        if p["gl_code"] in gl_of:
            amount = Decimal(p["amount"])
            ledger[gl_of[p["gl_code"]]] += amount if p["direction"] == "D" else -amount
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for row in read_csv(truth / "recon_breaks.csv"):
        amount = Decimal(row["amount"] or 0)
        bank_amount = Decimal(row["bank_amount"] or 0)
        effect = {
            "ledger_only": -amount,
            "timing": Decimal(0),
            "fee_variance": bank_amount - amount,
            "duplicate": amount,
            "reversal": -amount,
            "bank_only": bank_amount,
        }[row["break_type"]]
        expected[row["bank_account_id"]] += effect
    for key, items in statements.items():
        assert items[-1]["closing"] - ledger[key] == expected[key], key


def test_every_ledger_bank_movement_reaches_the_bank(
    landing: Path, truth: Path, statements: dict[str, list[dict]]
) -> None:
    missing_by_design = {
        row["end_to_end_id"]
        for row in read_csv(truth / "recon_breaks.csv")
        if row["break_type"] == "ledger_only"
    }
    refs = {
        t["external_ref"] for t in read_all(landing, "platform", "ledger_transactions") if t["external_ref"]
    }
    seen = {line["e2e"] for items in statements.values() for s in items for line in s["lines"]}
    assert refs - seen <= missing_by_design
    assert refs & missing_by_design == missing_by_design
