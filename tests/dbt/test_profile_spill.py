"""The dbt profile keeps working after the warehouse spills to disk.

dbt-duckdb SETs every `settings` entry again on each cursor it opens, and DuckDB refuses to SET
temp_directory once a query has spilled there. With temp_directory in `settings`, the first query
beyond memory_limit (at the M benchmark, a unique test over 20 million prints) made every later
node of the build fail. The profile's database-wide options are applied once, at connect.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import yaml
from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.adapters.duckdb.environments import Environment

from orchestration.dbt_project import DBT_PROJECT_DIR

SPILLING_QUERY = "select count(distinct s) from (select repeat('x', 60) || i as s from range(3000000) t(i))"


def _rendered_profile(home: Path, env: dict[str, str]) -> dict:
    """The local output of profiles.yml with its env_var() calls resolved from `env`."""
    text = (DBT_PROJECT_DIR / "profiles.yml").read_text()

    def env_var(match: re.Match[str]) -> str:
        body = match.group(1)
        call = re.fullmatch(r"env_var\('(\w+)'(?:, (.+))?\)", body)
        assert call, body
        name, default = call.group(1), call.group(2)
        if name in env:
            return env[name]
        if default is None:
            raise KeyError(name)
        inner = re.fullmatch(r"env_var\('(\w+)'\) ~ '(.*)'", default)
        return env[inner.group(1)] + inner.group(2) if inner else default.strip("'")

    rendered = re.sub(r"\{\{ (env_var\(.*?\)) \}\}", env_var, text)
    return yaml.safe_load(rendered)["marginlake"]["outputs"]["local"]


def test_cursors_opened_after_a_spill_still_work(tmp_path: Path) -> None:
    env = {"MARGINLAKE_HOME": str(tmp_path), "MARGINLAKE_DUCKDB_MEMORY_LIMIT": "64MB"}
    profile = _rendered_profile(tmp_path, env)
    assert "temp_directory" not in (profile.get("settings") or {})
    (tmp_path / "tmp" / "duckdb").mkdir(parents=True)
    creds = DuckDBCredentials(
        path=profile["path"], config_options=profile.get("config_options"), settings=profile.get("settings")
    )
    conn = Environment.initialize_db(creds)
    try:
        first = Environment.initialize_cursor(creds, conn.cursor())
        assert first.execute(SPILLING_QUERY).fetchone() == (3000000,)
        (limit,) = first.execute("select current_setting('memory_limit')").fetchone()
        assert limit in ("61.0 MiB", "64.0 MB")  # the profile's limit, from the environment
        second = Environment.initialize_cursor(creds, conn.cursor())  # what dbt does for the next node
        assert second.execute("select 42").fetchone() == (42,)
    finally:
        conn.close()


def test_setting_temp_directory_again_after_a_spill_is_what_fails(tmp_path: Path) -> None:
    # The DuckDB behaviour the profile works around; if DuckDB lifts it, this test says so.
    (tmp_path / "spill").mkdir()
    config = {"memory_limit": "64MB", "threads": "1", "temp_directory": str(tmp_path / "spill")}
    with duckdb.connect(str(tmp_path / "w.duckdb"), config=config) as con:
        con.execute(SPILLING_QUERY).fetchone()
        with pytest.raises(duckdb.NotImplementedException, match="temporary directory"):
            con.cursor().execute(f"set temp_directory = '{tmp_path / 'spill'}'")
