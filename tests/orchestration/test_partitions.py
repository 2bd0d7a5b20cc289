"""Trading-day partitions follow the exchange calendar, not the civil one."""

from orchestration.partitions import trading_day_partitions


def test_partitions_skip_weekends_and_exchange_holidays():
    keys = trading_day_partitions().get_partition_keys()
    assert keys[0] == "2026-03-02"
    assert "2026-03-07" not in keys  # Saturday
    assert "2026-05-01" not in keys  # Labour Day holiday, a Friday
    assert "2026-10-01" not in keys  # National Day holiday
    assert "2026-04-30" in keys


def test_friday_window_runs_to_monday():
    window = trading_day_partitions().time_window_for_partition_key("2026-03-06")
    assert (f"{window.start:%Y-%m-%d}", f"{window.end:%Y-%m-%d}") == ("2026-03-06", "2026-03-09")
