"""Session fixtures: the dbt manifest is prepared once; every lake lives in a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# dbt's profile needs an absolute MARGINLAKE_HOME even to parse; tests that build a lake set their own.
os.environ.setdefault("MARGINLAKE_HOME", str(Path(__file__).resolve().parents[1] / ".marginlake"))


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """`dbt parse` once per test session (it opens no database)."""
    from orchestration.dbt_project import dbt_project

    dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path


@pytest.fixture
def lake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh MARGINLAKE_HOME (and DAGSTER_HOME inside it) for one test."""
    home = tmp_path / "lake"
    home.mkdir()
    monkeypatch.setenv("MARGINLAKE_HOME", str(home))
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    return home
