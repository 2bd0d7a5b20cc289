"""Planted typologies and defaults are visible in the landing data the way truth/ describes them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from simulator import SimulationSummary, generate
from tests.simulator.conftest import read_all, read_csv, tiny_config

THRESHOLD = Decimal(50_000)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    config = tiny_config(
        tmp_path_factory.mktemp("aml"),
        clients=160,
        days=20,
        trades_per_day=10,
        aml_share=0.01,
        risk_mix=(0.3, 0.5, 0.15, 0.05),
        leveraged_share=0.1,
    )
    return generate(config)


@pytest.fixture(scope="module")
def typologies(lake: SimulationSummary) -> dict[str, list[dict[str, str]]]:
    assert lake.truth is not None
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_csv(lake.truth / "aml_typologies.csv"):
        out[row["typology"]].append(row)
    return out


@pytest.fixture(scope="module")
def txns(lake: SimulationSummary) -> dict[str, dict[str, str]]:
    assert lake.landing is not None
    return {t["txn_id"]: t for t in read_all(lake.landing, "platform", "ledger_transactions")}


def _evidence(row: dict[str, str], txns: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    return [txns[txn_id] for txn_id in row["evidence_txn_ids"].split(";") if txn_id]


def test_every_typology_is_planted_with_existing_evidence(typologies: dict, txns: dict) -> None:
    expected = {
        "structuring",
        "rapid_in_out",
        "third_party_funding",
        "fan_in",
        "fan_out",
        "cycle",
        "linked_accounts",
    }
    assert expected <= set(typologies)
    for rows in typologies.values():
        for row in rows:
            assert row["window_start"] <= row["window_end"]
            for txn in _evidence(row, txns):
                assert txn["txn_type"] in ("deposit", "withdrawal")


def test_structuring_stays_just_below_the_threshold(typologies: dict, txns: dict) -> None:
    for row in typologies["structuring"]:
        deposits = _evidence(row, txns)
        assert len(deposits) >= 3
        assert len({d["booking_date"] for d in deposits}) == 1


def test_flows_match_their_typology(lake: SimulationSummary, typologies: dict, txns: dict) -> None:
    assert lake.landing is not None
    amounts = {
        p["txn_id"]: Decimal(p["amount"])
        for p in read_all(lake.landing, "platform", "ledger_postings")
        if p["gl_code"] == "2001"
    }
    for row in typologies["structuring"]:
        assert all(
            THRESHOLD * Decimal("0.8") <= amounts[t["txn_id"]] < THRESHOLD for t in _evidence(row, txns)
        )
    for row in typologies["rapid_in_out"]:
        flows = _evidence(row, txns)
        paid_in = sum(amounts[t["txn_id"]] for t in flows if t["txn_type"] == "deposit")
        paid_out = sum(amounts[t["txn_id"]] for t in flows if t["txn_type"] == "withdrawal")
        assert paid_out >= Decimal("0.8") * paid_in
        stamps = sorted(dt.datetime.strptime(t["effective_at"], "%Y-%m-%dT%H:%M:%S.%fZ") for t in flows)
        assert stamps[-1] - stamps[0] <= dt.timedelta(hours=48)
    for kind, txn_type in (("fan_in", "deposit"), ("fan_out", "withdrawal")):
        for row in typologies[kind]:
            parties = {t["counterparty_account"] for t in _evidence(row, txns) if t["txn_type"] == txn_type}
            assert len(parties) >= 5
            assert (
                dt.date.fromisoformat(row["window_end"]) - dt.date.fromisoformat(row["window_start"])
            ).days < 7
    clients = {c["client_id"]: c for c in read_all(lake.landing, "platform", "clients")}
    for row in typologies["third_party_funding"]:
        for txn in _evidence(row, txns):
            assert txn["counterparty_name"] != clients[txn["client_id"]]["full_name"]


def test_linked_accounts_share_a_device(lake: SimulationSummary, typologies: dict) -> None:
    assert lake.landing is not None
    users: dict[str, set[str]] = defaultdict(set)
    for event in read_all(lake.landing, "platform", "device_events"):
        users[event["device_id"]].add(event["client_id"])
    for row in typologies["linked_accounts"]:
        members = set(row["client_ids"].split(";"))
        assert any(len(clients & members) >= 2 for clients in users.values())


def test_defaults_are_unrepaid_deficits(lake: SimulationSummary, txns: dict) -> None:
    assert lake.truth is not None
    deficits = {t["account_id"]: t["booking_date"] for t in txns.values() if t["txn_type"] == "deficit"}
    repaid = {t["account_id"] for t in txns.values() if t["description"] == "Deficit repayment"}
    for row in read_csv(lake.truth / "defaults.csv"):
        assert row["account_id"] in deficits and row["account_id"] not in repaid
        assert row["default_date"] >= deficits[row["account_id"]]
