"""Fixtures for the quality gate tests: a lake in a temporary folder with marketing spend ingested."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from assets.common.calendar import next_trading_days
from assets.common.paths import LakePaths

MARKETING_HEADER = "spend_id,channel,campaign_id,agent_id,currency,spend,impressions,clicks,spend_date"
CHANNELS = ("search_ads", "social_ads", "agent_referral", "partner_app")


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LakePaths:
    home = tmp_path / "lake"
    home.mkdir()
    monkeypatch.setenv("MARGINLAKE_HOME", str(home))
    monkeypatch.setenv("MARGINLAKE_PII_KEY", "test-key-for-quality-tests")
    return LakePaths(home)


@pytest.fixture
def days() -> list[str]:
    return [d.isoformat() for d in next_trading_days("2026-03-02", 9)]


def spend_rows(day: str, scale: float = 1.0, rows: int = 12, seed: int = 0) -> list[str]:
    """A day of plausible spend: one row per channel and campaign, amounts around 1,000."""
    rng = random.Random(f"{day}:{seed}")
    out = []
    for i in range(rows):
        channel = CHANNELS[i % len(CHANNELS)]
        campaign = f"C{i}"
        agent = f"A{i}" if channel == "agent_referral" else ""
        spend = round(rng.uniform(500, 1500) * scale, 2)
        impressions = rng.randint(1000, 5000)
        clicks = rng.randint(10, 200)
        out.append(
            f"{day}|{channel}|{campaign}|{agent},{channel},{campaign},{agent},CNY,{spend:.2f},"
            f"{impressions},{clicks},{day}"
        )
    return out


@pytest.fixture
def land_spend(paths: LakePaths) -> Callable[..., Path]:
    """Write landing/marketing/<day>/marketing_spend.csv."""

    def land(day: str, rows: list[str] | None = None, **kwargs: float) -> Path:
        path = paths.landing / "marketing" / day / "marketing_spend.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = rows if rows is not None else spend_rows(day, **kwargs)
        path.write_text("\n".join([MARKETING_HEADER, *lines]) + "\n", encoding="utf-8")
        return path

    return land
