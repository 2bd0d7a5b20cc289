"""A tiny but leveraged sample platform, generated once per session into a temporary home."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from simulator import SimulationConfig, SimulationSummary, generate

TINY = {
    "clients": 30,
    "instruments": 8,
    "days": 15,
    "seed": 11,
    "trades_per_day": 20,
    "risk_mix": (0.1, 0.2, 0.3, 0.4),
    "leveraged_share": 0.5,
    "recon_break_rate": 0.08,
    "quiet": True,
}


def tiny_config(home: Path, **overrides: object) -> SimulationConfig:
    return SimulationConfig(home=home, **{**TINY, **overrides})


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    return generate(tiny_config(tmp_path_factory.mktemp("tiny")))


@pytest.fixture(scope="session")
def landing(tiny: SimulationSummary) -> Path:
    assert tiny.landing is not None
    return tiny.landing


@pytest.fixture(scope="session")
def truth(tiny: SimulationSummary) -> Path:
    assert tiny.truth is not None
    return tiny.truth


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_all(landing: Path, source: str, table: str) -> list[dict[str, str]]:
    """Every day's rows of one landing table, in day order."""
    rows: list[dict[str, str]] = []
    for path in sorted(landing.glob(f"{source}/*/{table}.csv")):
        rows.extend(read_csv(path))
    return rows
