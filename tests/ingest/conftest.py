"""Fixtures for ingest tests: a lake in a temporary folder, never the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.common.paths import LakePaths
from tests.ingest.helpers import TEST_PII_KEY


@pytest.fixture(autouse=True)
def pii_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A fixed tokenization key, so tests neither warn about nor depend on the development key."""
    monkeypatch.setenv("MARGINLAKE_PII_KEY", TEST_PII_KEY)
    return TEST_PII_KEY


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LakePaths:
    """A fresh lake under tmp_path, also exported as MARGINLAKE_HOME."""
    home = tmp_path / "lake"
    home.mkdir()
    monkeypatch.setenv("MARGINLAKE_HOME", str(home))
    return LakePaths(home)
