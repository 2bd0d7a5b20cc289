"""The market marts on a small simulated lake, checked against the simulator's ground truth."""

from __future__ import annotations

import csv
import os

import pytest

from assets.common.paths import PROJECT_ROOT, LakePaths

pytestmark = pytest.mark.slow

SMALL = {"clients": 20, "instruments": 8, "days": 12, "seed": 7, "start": "2026-03-02", "trades_per_day": 150}
DBT_DIR = PROJECT_ROOT / "dbt_project"
MARKET_MARTS = "+path:models/marts/market"


def _dbt(home, *args: str) -> None:
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
    failed = [
        f"{r.node.name}: {r.status} {r.message}"
        for r in getattr(result.result, "results", [])
        if str(r.status) not in ("success", "pass")
    ]
    assert result.success, f"dbt {' '.join(args)} failed: {result.exception or failed}"


def _rows(home, sql: str) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(LakePaths(home).warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def market_lake(tmp_path_factory):
    """Simulate a small platform, ingest its tick files into bronze and build the market marts.

    Only the ticks source is ingested (with the ingest code the bronze asset runs), so the lake
    holds just what the market marts read; the full pipeline is tests/e2e's business.
    """
    from assets.ticks.ingest import ingest_ticks_day
    from simulator import SimulationConfig, generate, simulated_days

    home = tmp_path_factory.mktemp("market")
    saved = os.environ.get("MARGINLAKE_HOME")
    os.environ["MARGINLAKE_HOME"] = str(home)
    paths = LakePaths(home)
    generate(SimulationConfig(home=home, quiet=True, **SMALL))
    days = simulated_days(start=SMALL["start"], days=SMALL["days"])
    try:
        for day in days:
            ingest_ticks_day(paths, day.isoformat())
        _dbt(home, "build", "--exclude-resource-type", "unit_test", "--select", MARKET_MARTS)
        yield {"home": home, "days": days}
    finally:
        if saved is None:
            os.environ.pop("MARGINLAKE_HOME", None)
        else:
            os.environ["MARGINLAKE_HOME"] = saved


def _truth_locks(home) -> set[tuple[str, str]]:
    with open(LakePaths(home).truth / "market_events.csv", newline="") as f:
        return {
            (row["instrument_id"], row["trade_date"])
            for row in csv.DictReader(f)
            if row["event_type"] == "limit_down_locked"
        }


def _alerted_locks(home) -> set[tuple[str, str]]:
    rows = _rows(
        home,
        "select instrument_id, cast(trade_date as varchar) from market.fct_market_surveillance_alerts "
        "where alert_type = 'limit_down_lock'",
    )
    return set(rows)


def test_planted_limit_down_locks_are_alerted(market_lake):
    truth = _truth_locks(market_lake["home"])
    assert truth, "the simulated sell-off planted no limit-down lock; the check would prove nothing"
    missing = truth - _alerted_locks(market_lake["home"])
    assert not missing, f"planted limit-down locks without a limit_down_lock alert: {sorted(missing)}"


def test_every_lock_alert_closed_at_limit_down(market_lake):
    closes = set(
        _rows(
            market_lake["home"],
            "select instrument_id, cast(trade_date as varchar) from market.fct_market_daily_stats "
            "where is_limit_down_close",
        )
    )
    assert _alerted_locks(market_lake["home"]) <= closes


def test_bars_reconcile_to_the_exchange_end_of_day(market_lake):
    """Minute bars summed over a day give the exchange's open, high, low, close, volume and turnover."""
    mismatches = _rows(
        market_lake["home"],
        """
        with daily as (
            select
                instrument_id,
                trade_date,
                arg_min(open_price, bar_start_at) filter (where trade_count > 0) as open_price,
                max(high_price) as high_price,
                min(low_price) as low_price,
                arg_max(close_price, bar_start_at) filter (where trade_count > 0) as close_price,
                sum(volume) as volume,
                sum(turnover) as turnover
            from market.fct_market_bars_1m
            group by instrument_id, trade_date
        )
        select eod.instrument_id, eod.trade_date
        from staging.stg_ticks__eod_prices as eod
        left join daily
            on eod.instrument_id = daily.instrument_id and eod.trade_date = daily.trade_date
        where not eod.is_suspended
            and (
                daily.instrument_id is null
                or daily.open_price <> eod.open_price
                or daily.high_price <> eod.high_price
                or daily.low_price <> eod.low_price
                or daily.close_price <> eod.close_price
                or daily.volume <> eod.volume
                or daily.turnover <> eod.turnover
            )
        """,
    )
    assert mismatches == []


def test_one_day_incremental_rebuild_changes_nothing(market_lake):
    home = market_lake["home"]
    day = sorted(_truth_locks(home))[0][1]
    checksum = (
        "select count(*), sum(hash(alert_id, metric_value, score, reason)) "
        "from market.fct_market_surveillance_alerts"
    )
    before = _rows(home, checksum)
    next_day = next(d.isoformat() for d in market_lake["days"] if d.isoformat() > day)
    _dbt(
        home,
        "run",
        "--select",
        "path:models/marts/market",
        "--vars",
        f'{{"min_date": "{day}", "max_date": "{next_day}"}}',
    )
    assert _rows(home, checksum) == before
    assert (sorted(_truth_locks(home))[0][0], day) in _alerted_locks(home)
