"""The partition → dbt CLI wiring is a pure function; these pin its behaviour."""

import json

import pytest

from orchestration.dbt import dbt_build_args, partition_vars, run_partition_window


def test_plain_build_has_no_vars_and_leaves_unit_tests_to_ci():
    assert dbt_build_args() == ["build", "--exclude-resource-type", "unit_test"]


def test_partition_window_becomes_min_and_max_date():
    args = dbt_build_args(("2026-03-06", "2026-03-09"))
    assert args[:4] == ["build", "--exclude-resource-type", "unit_test", "--vars"]
    assert json.loads(args[4]) == {"min_date": "2026-03-06", "max_date": "2026-03-09"}


def test_full_refresh_flag():
    assert dbt_build_args(full_refresh=True)[-1] == "--full-refresh"


def test_empty_window_is_refused():
    with pytest.raises(ValueError, match="empty partition window"):
        partition_vars("2026-03-09", "2026-03-09")


def test_a_days_run_hands_its_window_to_the_unpartitioned_group():
    # Friday 6 March 2026: the trading-day window runs to the next session, Monday the 9th.
    assert run_partition_window({"dagster/partition": "2026-03-06"}) == ("2026-03-06", "2026-03-09")


def test_a_backfill_range_becomes_one_window():
    tags = {
        "dagster/asset_partition_range_start": "2026-03-03",
        "dagster/asset_partition_range_end": "2026-03-06",
    }
    assert run_partition_window(tags) == ("2026-03-03", "2026-03-09")


def test_a_run_without_a_partition_tests_everything():
    assert run_partition_window({"marginlake/cadence": "end_of_day"}) is None
    assert dbt_build_args(run_partition_window({})) == dbt_build_args()
