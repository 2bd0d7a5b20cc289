"""No credit feature reads a row dated after its observation date; labels look only forward."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from ml.credit_score.features import FEATURES, build_features, weekly_observation_dates
from ml.credit_score.labels import build_labels
from tests.ml.synthetic import exposure_frame, write_warehouse


@pytest.fixture(scope="module")
def marts() -> tuple[pd.DataFrame, pd.DataFrame]:
    return exposure_frame(accounts=40, days=70, seed=1)


def _features(
    tmp_path, name: str, exposure: pd.DataFrame, calls: pd.DataFrame, dates: list[dt.date]
) -> pd.DataFrame:
    path = write_warehouse(tmp_path / f"{name}.duckdb", exposure, calls)
    with duckdb.connect(str(path), read_only=True) as con:
        return build_features(con, dates).set_index(["account_id", "observation_date"]).sort_index()


def test_features_ignore_every_row_after_the_observation_date(tmp_path, marts):
    exposure, calls = marts
    days = sorted(exposure["as_of_date"].unique())
    observation = weekly_observation_dates(days)[5]
    full = _features(tmp_path, "full", exposure, calls, [observation])
    # Rewrite the future: every exposure row after the date scrambled, every later call made a deficit.
    future = exposure["as_of_date"] > observation
    scrambled = exposure.copy()
    scrambled.loc[future, ["leverage", "equity", "total_assets"]] *= 7.0
    scrambled.loc[future, "risk_state"] = "deficit"
    later_calls = calls.copy()
    later_calls.loc[later_calls["issued_date"] > observation, "outcome"] = "liquidated"
    extra = pd.DataFrame(
        [
            {
                "call_id": "X",
                "account_id": full.index[0][0],
                "outcome": "deficit",
                "issued_date": days[-1],
                "resolved_date": days[-1],
            }
        ]
    )
    later_calls = pd.concat([later_calls, extra], ignore_index=True)
    rewritten = _features(tmp_path, "rewritten", scrambled, later_calls, [observation])
    pd.testing.assert_frame_equal(full[list(FEATURES)], rewritten[list(FEATURES)])
    # and truncating the marts at the date changes nothing either
    cut = _features(
        tmp_path, "cut", exposure[~future], calls[calls["issued_date"] <= observation], [observation]
    )
    pd.testing.assert_frame_equal(full[list(FEATURES)], cut[list(FEATURES)])
    assert (full["features_as_of"] <= observation).all()


def test_labels_look_forward_over_the_horizon_only(tmp_path, marts):
    exposure, calls = marts
    path = write_warehouse(tmp_path / "w.duckdb", exposure, calls)
    days = sorted(exposure["as_of_date"].unique())
    deficits = exposure[exposure["risk_state"] == "deficit"][["account_id", "as_of_date"]]
    account, default_day = deficits.iloc[0]
    i = days.index(default_day)
    with duckdb.connect(str(path), read_only=True) as con:
        labels = build_labels(con, [days[i - 5], days[i - 1], days[i], days[i - 12]], horizon_days=10)
    row = labels[labels["account_id"] == account].set_index("observation_date")
    assert row.loc[days[i - 5], "is_default"] == 1  # default 5 trading days ahead: inside the horizon
    assert row.loc[days[i - 1], "is_default"] == 1
    assert row.loc[days[i - 12], "is_default"] == 0  # 12 days ahead: beyond a 10-day horizon
    assert bool(row.loc[days[i], "is_defaulted_already"])  # on the default day itself: excluded
    late = days[-3]
    with duckdb.connect(str(path), read_only=True) as con:
        assert not build_labels(con, [late], horizon_days=10)["is_mature"].any()
