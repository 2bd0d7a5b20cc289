"""Same seed and arguments give byte-identical files; another seed gives other data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from simulator import SimulationSummary, generate
from tests.simulator.conftest import tiny_config

SMALL = {"clients": 12, "days": 6, "trades_per_day": 10}


def _hashes(home: Path) -> dict[str, str]:
    return {
        str(path.relative_to(home)): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in ("landing", "truth")
        for path in sorted((home / folder).rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    return generate(tiny_config(tmp_path_factory.mktemp("first"), **SMALL))


def test_same_seed_same_bytes(first: SimulationSummary, tmp_path: Path) -> None:
    again = generate(tiny_config(tmp_path / "again", **SMALL))
    assert _hashes(first.home) == _hashes(again.home)
    assert first.rows == again.rows


def test_other_seed_other_data(first: SimulationSummary, tmp_path: Path) -> None:
    other = generate(tiny_config(tmp_path / "other", seed=12, **SMALL))
    mine, theirs = _hashes(first.home), _hashes(other.home)
    assert mine.keys() == theirs.keys()
    changed = [name for name in mine if mine[name] != theirs[name]]
    assert any("trades.csv" in name for name in changed)
    assert any("ledger_postings.csv" in name for name in changed)


def test_rerun_replaces_landing_and_truth(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "landing" / "stale").mkdir(parents=True)
    (home / "bronze").mkdir()
    generate(tiny_config(home, **SMALL))
    assert not (home / "landing" / "stale").exists()
    assert (home / "bronze").exists()
