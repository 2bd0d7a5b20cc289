"""Blocking checks of the anomaly model: the data-quality gate and the promotion gate."""

from __future__ import annotations

from typing import Any

import dagster as dg
import pandas as pd

from ml.anomaly.config import AnomalyConfig
from ml.anomaly.features import FEATURES
from ml.common.gates import FrameRoles, run_frame_gate
from ml.credit_score.checks import gate_check_result, promotion_check_result

TRAINING_FRAME = dg.AssetKey(["ml", "anomaly", "training_frame"])
SCORECARD = dg.AssetKey(["ml", "anomaly", "scorecard"])
ROLES = FrameRoles(None, FEATURES, ("account_id", "activity_date"), extra=("client_id",))


@dg.asset_check(
    asset=TRAINING_FRAME,
    name="training_frame_quality_gate",
    blocking=True,
    description=(
        "Blocking. great-expectations on the account-day frame: row count, declared columns "
        "only, unique "
        "account-days, no nulls, plausible ranges. A failure stops training and names the expectation."
    ),
)
def anomaly_training_frame_gate(training_frame: pd.DataFrame) -> dg.AssetCheckResult:
    gate = training_frame.attrs.get("gate") or AnomalyConfig().gate()
    outcome = run_frame_gate(training_frame[ROLES.columns], ROLES, gate)
    return gate_check_result(outcome, "Anomaly training-frame gate")


@dg.asset_check(
    asset=SCORECARD,
    name="promotion_gate",
    blocking=True,
    description=(
        "Blocking. With ground truth, the candidate catches enough planted typologies within the "
        "daily "
        "budget and beats the champion on the same days; otherwise the champion stays."
    ),
)
def anomaly_promotion_gate(scorecard: dict[str, Any]) -> dg.AssetCheckResult:
    return promotion_check_result(scorecard["decision"])
