"""The credit training frame: features joined to labels, mature observations only, split out of time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from ml.common.gates import FrameGateConfig, FrameRoles
from ml.credit_score.features import (
    EXPOSURE,
    FEATURES,
    MARGIN_CALLS,
    build_features,
    has_delinquency,
    trading_days,
    weekly_observation_dates,
)
from ml.credit_score.labels import build_labels

TARGET = "is_default"
SAMPLE = "sample"
ROLES = FrameRoles(
    target=TARGET,
    features=FEATURES,
    keys=("account_id", "observation_date"),
    observation_date="observation_date",
    source_max_date="features_as_of",
    extra=("client_id", SAMPLE),
)


@dataclass
class TrainingFrame:
    """The frame, its observation dates, the lineage of the marts it read, and the gate it must pass."""

    frame: pd.DataFrame
    observation_dates: list[dt.date]
    lineage: dict[str, object]
    gate: FrameGateConfig = field(default_factory=FrameGateConfig)
    roles: FrameRoles = ROLES

    @property
    def train(self) -> pd.DataFrame:
        return self.frame[self.frame[SAMPLE] == "train"].reset_index(drop=True)

    @property
    def holdout(self) -> pd.DataFrame:
        return self.frame[self.frame[SAMPLE] == "holdout"].reset_index(drop=True)


def out_of_time_split(dates: pd.Series, holdout_months: int, holdout_observations: int = 0) -> pd.Series:
    """'holdout' for the last `holdout_months` calendar months of observation dates (or, when
    `holdout_observations` is set, the last that many observation dates), 'train' before."""
    if holdout_observations > 0:
        last_dates = sorted(dates.unique())[-holdout_observations:]
        return pd.Series(np.where(dates.isin(last_dates), "holdout", "train"), index=dates.index)
    months = pd.to_datetime(dates).dt.to_period("M")
    last = sorted(months.unique())
    cut = last[-holdout_months] if len(last) > holdout_months else last[-1]
    return pd.Series(["holdout" if m >= cut else "train" for m in months], index=dates.index)


def build_training_frame(
    con: duckdb.DuckDBPyConnection,
    horizon_days: int,
    holdout_months: int,
    dpd_threshold: int = 90,
    holdout_observations: int = 0,
) -> TrainingFrame:
    from ml.common.warehouse import relation_fingerprint

    days = trading_days(con)
    observations = weekly_observation_dates(days)
    labels = build_labels(con, observations, horizon_days, dpd_threshold)
    labels = labels[labels["is_mature"] & ~labels["is_defaulted_already"]]
    mature = sorted(labels["observation_date"].unique())
    features = build_features(con, mature)
    frame = features.merge(
        labels[["account_id", "observation_date", TARGET]], on=["account_id", "observation_date"]
    )
    frame[TARGET] = frame[TARGET].astype(int)
    frame[SAMPLE] = (
        out_of_time_split(frame["observation_date"], holdout_months, holdout_observations)
        if len(frame)
        else pd.Series(dtype=str)
    )
    lineage: dict[str, object] = {
        EXPOSURE: relation_fingerprint(con, EXPOSURE, "as_of_date"),
        MARGIN_CALLS: relation_fingerprint(con, MARGIN_CALLS, "issued_date"),
    }
    if has_delinquency(con):
        from ml.credit_score.features import DELINQUENCY

        lineage[DELINQUENCY] = relation_fingerprint(con, DELINQUENCY, "as_of_date")
    # Without the delinquency mart there is no days-past-due to learn from: the feature is left out.
    roles = (
        ROLES
        if has_delinquency(con)
        else replace(ROLES, features=tuple(f for f in FEATURES if f != "days_past_due"))
    )
    return TrainingFrame(frame[roles.columns], list(mature), lineage, roles=roles)
