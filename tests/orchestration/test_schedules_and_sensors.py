"""The end-of-day schedule and the landing sensor decide correctly which days to build."""

import datetime as dt

import dagster as dg

from assets.common.paths import LakePaths
from orchestration.schedules import eod_run_request
from orchestration.sensors import changed_days, landing_fingerprints


def test_schedule_skips_a_holiday(tmp_path):
    result = eod_run_request(dt.date(2026, 5, 1), LakePaths(tmp_path))
    assert isinstance(result, dg.SkipReason)
    assert "not a trading day" in result.skip_message


def test_schedule_waits_for_landing_files(tmp_path):
    result = eod_run_request(dt.date(2026, 3, 3), LakePaths(tmp_path))
    assert isinstance(result, dg.SkipReason)


def test_schedule_requests_the_day_once_files_arrived(tmp_path):
    paths = LakePaths(tmp_path)
    paths.landing_day("ticks", "2026-03-03").mkdir(parents=True)
    result = eod_run_request(dt.date(2026, 3, 3), paths)
    assert isinstance(result, dg.RunRequest)
    assert result.partition_key == "2026-03-03"
    assert result.run_key == "eod:2026-03-03"


def test_sensor_sees_new_and_changed_days_only(tmp_path):
    paths = LakePaths(tmp_path)
    day = paths.landing_day("platform", "2026-03-03")
    day.mkdir(parents=True)
    (day / "clients.csv").write_text("client_id\n")
    first = landing_fingerprints(paths)
    assert changed_days({}, first) == ["2026-03-03"]
    assert changed_days(first, landing_fingerprints(paths)) == []
    (day / "clients.csv").write_text("client_id\nC1\n")
    assert changed_days(first, landing_fingerprints(paths)) == ["2026-03-03"]


def test_sensor_ignores_folders_that_are_not_trading_days(tmp_path):
    paths = LakePaths(tmp_path)
    for name in ("2026-03-07", "not-a-date"):
        d = paths.landing_day("ticks", name)
        d.mkdir(parents=True)
        (d / "trades.csv").write_text("x\n")
    assert changed_days({}, landing_fingerprints(paths)) == []
