"""Files land where docs/landing_zone.md says, with the contracts' columns in order."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from assets.common.paths import PROJECT_ROOT
from tests.simulator.conftest import read_csv

CONTRACTS = PROJECT_ROOT / "data_contracts"
TICK_HEADERS = {
    "trades": ["symbol", "exchange_time", "seq", "price", "volume", "side", "trade_id"],
    "quotes": ["symbol", "exchange_time", "seq", "bid_px", "bid_sz", "ask_px", "ask_sz"],
    "eod_prices": [
        "symbol",
        "trade_date",
        "open",
        "high",
        "low",
        "close",
        "prev_close",
        "limit_up",
        "limit_down",
        "volume",
        "turnover",
        "suspended",
    ],
}


def _contract_columns(source: str, table: str) -> list[str]:
    spec = yaml.safe_load((CONTRACTS / source / f"{table}.odcs.yaml").read_text())
    return [prop["name"] for prop in spec["schema"][0]["properties"]]


def _header(path: Path) -> list[str]:
    with path.open(newline="") as handle:
        return next(csv.reader(handle))


def test_platform_and_marketing_headers_match_contracts(landing: Path) -> None:
    day = sorted((landing / "platform").iterdir())[0]
    for path in (CONTRACTS / "platform").glob("*.odcs.yaml"):
        table = path.name.split(".")[0]
        assert _header(day / f"{table}.csv") == _contract_columns("platform", table), table
    marketing = sorted((landing / "marketing").iterdir())[0] / "marketing_spend.csv"
    assert _header(marketing) == _contract_columns("marketing", "marketing_spend")


def test_tick_headers_follow_the_vendor_layout(landing: Path) -> None:
    day = sorted((landing / "ticks").iterdir())[0]
    for table, header in TICK_HEADERS.items():
        assert _header(day / f"{table}.csv") == header


def test_every_business_day_has_every_file(landing: Path) -> None:
    days = sorted(p.name for p in (landing / "ticks").iterdir())
    for source in ("platform", "bank", "marketing"):
        assert sorted(p.name for p in (landing / source).iterdir()) == days


def test_marketing_spend_of_weekends_rides_on_the_next_trading_day(landing: Path) -> None:
    for folder in sorted((landing / "marketing").iterdir()):
        for row in read_csv(folder / "marketing_spend.csv"):
            assert row["spend_date"] <= folder.name
            assert (
                row["spend_id"]
                == f"{row['spend_date']}|{row['channel']}|{row['campaign_id']}|{row['agent_id']}"
            )
            assert bool(row["agent_id"]) == (row["channel"] == "agent_referral")


def test_truth_files_exist(truth: Path) -> None:
    for name in (
        "risk_profiles",
        "defaults",
        "line_breaches",
        "aml_typologies",
        "recon_breaks",
        "market_events",
    ):
        assert (truth / f"{name}.csv").exists()
    profiles = read_csv(truth / "risk_profiles.csv")
    assert {p["risk_profile"] for p in profiles} <= {"conservative", "normal", "aggressive", "reckless"}
