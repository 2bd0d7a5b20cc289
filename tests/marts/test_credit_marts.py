"""Credit marts on a small leveraged platform, against the simulator's planted defaults.

The simulator books a deficit when a forced liquidation leaves an account owing more than it
holds; a client who never repays it is a planted default (truth/defaults.csv, with the day the
deficit was booked). On that day the account must be in default in the marts: IFRS 9 stage 3 and
the 90+ delinquency bucket, and its balance must count in that month's non-performing balance.
The lake is simulated through the planted sell-off, ingested by the ingest job as in the
end-to-end test, and the credit and growth marts are built with dbt on top of it.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from assets.common.paths import PROJECT_ROOT, LakePaths

pytestmark = pytest.mark.slow

# Half the clients on the leveraged products, most of them aggressive or reckless, over 20
# sessions from 2026-03-02 that include the planted sell-off: with seed 3 three deficits are left
# unpaid (planted defaults), on 2026-03-20 and 2026-03-24.
SMALL = {
    "clients": 50,
    "instruments": 8,
    "days": 20,
    "seed": 3,
    "start": "2026-03-02",
    "trades_per_day": 40,
    "risk_mix": (0.1, 0.2, 0.3, 0.4),
    "leveraged_share": 0.5,
}
DBT_DIR = PROJECT_ROOT / "dbt_project"
MARTS = "+path:models/marts/credit +path:models/marts/growth"


def _dbt(home: Path, *args: str) -> None:
    """One dbt command on this lake; artifacts and logs stay inside the lake, not the project."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        [
            *args,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(home / "dbt_target"),
            "--log-path",
            str(home / "dbt_logs"),
            "--quiet",
        ]
    )
    assert result.success, f"dbt {' '.join(args)} failed: {result.exception}"


def rows(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(LakePaths(home).warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        return con.execute(sql, params or []).fetchall()


def build_credit_growth_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Simulate, ingest and build the credit and growth marts once per test session.

    Both mart test modules call this; the second finds the lake already built in the session's
    base temporary folder.
    """
    from orchestration.runner import materialize_days
    from simulator import SimulationConfig, generate, simulated_days

    home = tmp_path_factory.getbasetemp() / "credit_growth_lake"
    done = home / ".built"
    if done.exists():
        return home
    home.mkdir(exist_ok=True)
    saved = {k: os.environ.get(k) for k in ("MARGINLAKE_HOME", "DAGSTER_HOME")}
    try:
        generate(SimulationConfig(home=home, quiet=True, **SMALL))
        days = simulated_days(start=SMALL["start"], days=SMALL["days"])
        assert materialize_days(
            LakePaths(home), days[0].isoformat(), days[-1].isoformat(), job_name="ingest_job"
        )
        # Cautious: only the tests of the selected models, not tests of other folders' seeds.
        _dbt(
            home,
            "build",
            "--exclude-resource-type",
            "unit_test",
            "--select",
            *MARTS.split(),
            "--indirect-selection",
            "cautious",
        )
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    done.touch()
    return home


@pytest.fixture(scope="module")
def credit_lake(tmp_path_factory, dbt_manifest):
    home = build_credit_growth_lake(tmp_path_factory)
    with (LakePaths(home).truth / "defaults.csv").open(newline="") as handle:
        defaults = list(csv.DictReader(handle))
    return {"home": home, "defaults": defaults}


def test_planted_defaults_are_stage_3_and_90_plus_the_day_they_default(credit_lake):
    defaults = credit_lake["defaults"]
    assert defaults, "the simulation planted no default: change SMALL so one happens"
    found = {
        (account_id, day): (bucket, stage, is_defaulted)
        for account_id, day, bucket, stage, is_defaulted in rows(
            credit_lake["home"],
            "select account_id, cast(as_of_date as varchar), delinquency_bucket, ifrs9_stage, is_defaulted"
            " from credit.fct_credit_ecl_daily",
        )
    }
    wrong = [
        (row["account_id"], row["default_date"], found.get((row["account_id"], row["default_date"])))
        for row in defaults
        if found.get((row["account_id"], row["default_date"])) != ("90+", 3, True)
    ]
    assert not wrong, f"planted defaults not in stage 3 and 90+ on their default date: {wrong}"


def test_planted_defaults_stay_in_default_to_the_month_end(credit_lake):
    """A default is still stage 3 and 90+ at the end of its month (monthly marts read month ends)."""
    home = credit_lake["home"]
    for row in credit_lake["defaults"]:
        [(bucket, stage)] = rows(
            home,
            """
            select ecl.delinquency_bucket, ecl.ifrs9_stage
            from credit.fct_credit_ecl_daily as ecl
            inner join intermediate.int_credit_month_ends as month_ends
                on ecl.as_of_date = month_ends.month_end_date
            where ecl.account_id = $1 and month_ends.month_id = strftime(cast($2 as date), '%Y-%m')
            """,
            [row["account_id"], row["default_date"]],
        )
        assert (bucket, stage) == ("90+", 3), (
            f"{row['account_id']} is {bucket}, stage {stage} at its month end"
        )


def test_planted_deficits_are_the_months_non_performing_balance(credit_lake):
    """Each default month's 90+ bucket holds at least the planted deficits still unpaid then."""
    home = credit_lake["home"]
    months = {row["default_date"][:7] for row in credit_lake["defaults"]}
    for month in months:
        planted = [row for row in credit_lake["defaults"] if row["default_date"][:7] == month]
        [(accounts, balance)] = rows(
            home,
            "select account_count, outstanding_balance from credit.fct_credit_buckets_monthly"
            " where month_id = $1 and delinquency_bucket = '90+'",
            [month],
        )
        assert accounts >= len(planted)
        [(npl_balance, npl_ratio)] = rows(
            home,
            """
            select portfolio.npl_balance, portfolio.npl_ratio
            from credit.fct_credit_portfolio_daily as portfolio
            inner join intermediate.int_credit_month_ends as month_ends
                on portfolio.as_of_date = month_ends.month_end_date
            where month_ends.month_id = $1
            """,
            [month],
        )
        assert npl_balance == balance and npl_ratio > 0


def test_deficit_receivable_matches_the_planted_amount(credit_lake):
    """The deficit the marts see on the default date is the amount the simulator left unpaid."""
    home = credit_lake["home"]
    for row in credit_lake["defaults"]:
        [(deficit,)] = rows(
            home,
            "select deficit_receivable from credit.fct_credit_delinquency_daily"
            " where account_id = $1 and as_of_date = cast($2 as date)",
            [row["account_id"], row["default_date"]],
        )
        assert str(deficit) == row["deficit_amount"], row


def test_no_performing_account_is_in_default(credit_lake):
    """Stage 3 and the 90+ bucket come only from a deficit or more than 90 days past due."""
    [(count,)] = rows(
        credit_lake["home"],
        "select count(*) from credit.fct_credit_ecl_daily"
        " where (ifrs9_stage = 3 or delinquency_bucket = '90+') and not is_defaulted and days_past_due <= 90",
    )
    assert count == 0
