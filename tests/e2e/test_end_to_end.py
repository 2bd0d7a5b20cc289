"""A small sample platform, built end to end on a temporary MARGINLAKE_HOME, twice."""

from __future__ import annotations

import pytest

from assets.common.paths import LakePaths

pytestmark = pytest.mark.slow

SMALL = {"clients": 40, "instruments": 8, "days": 12, "seed": 7, "start": "2026-03-02"}


@pytest.fixture(scope="module")
def built_lake(tmp_path_factory, dbt_manifest):
    import os

    from orchestration.runner import materialize_days
    from orchestration.summary import summarize
    from simulator import SimulationConfig, generate, simulated_days

    home = tmp_path_factory.mktemp("e2e")
    old = {k: os.environ.get(k) for k in ("MARGINLAKE_HOME", "DAGSTER_HOME")}
    paths = LakePaths(home)
    generate(SimulationConfig(home=home, quiet=True, **SMALL))
    days = simulated_days(start=SMALL["start"], days=SMALL["days"])
    first_ok = materialize_days(paths, days[0].isoformat(), days[-1].isoformat())
    first = summarize(paths)
    second_ok = materialize_days(paths, days[0].isoformat(), days[-1].isoformat())
    second = summarize(paths)
    yield {"paths": paths, "ok": (first_ok, second_ok), "first": first, "second": second}
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def test_both_runs_succeed(built_lake):
    assert built_lake["ok"] == (True, True)


def test_every_bronze_table_has_rows(built_lake):
    bronze = built_lake["first"].bronze
    for table in (
        "ticks.trades",
        "ticks.quotes",
        "ticks.eod_prices",
        "platform.clients",
        "platform.accounts",
        "platform.fills",
        "platform.ledger_postings",
        "bank_statements.bank_statement_lines",
        "marketing.marketing_spend",
    ):
        assert bronze.get(table, 0) > 0, f"{table} is empty"


def test_exposure_mart_is_filled(built_lake):
    marts = built_lake["first"].marts
    exposure = [n for name, n in marts.items() if name.endswith("fct_account_exposure_daily")]
    assert exposure and exposure[0] > 0


def test_rerun_changes_no_row_count(built_lake):
    first, second = built_lake["first"], built_lake["second"]
    assert first.bronze == second.bronze
    assert first.quarantine == second.quarantine
    assert first.marts == second.marts


def test_every_example_query_of_the_analyst_guide_runs(built_lake):
    """The SQL in dbt_project/README.md is what analysts copy: it must run on a built lake."""
    import re

    import duckdb

    from assets.common.paths import PROJECT_ROOT

    guide = (PROJECT_ROOT / "dbt_project" / "README.md").read_text()
    queries = re.findall(r"```sql\n(.*?)```", guide, re.S)
    assert len(queries) >= 5
    with duckdb.connect(str(built_lake["paths"].warehouse), read_only=True) as con:
        for query in queries:
            try:
                con.execute(query).fetchall()
            except duckdb.Error as exc:
                pytest.fail(f"README query failed: {exc}\n{query}")
