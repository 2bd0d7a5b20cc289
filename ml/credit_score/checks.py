"""Blocking checks of the credit model: the data-quality gate and the promotion gate."""

from __future__ import annotations

from typing import Any

import dagster as dg

from assets.common.quality_gates import GateOutcome
from ml.common.gates import run_frame_gate
from ml.credit_score.dataset import TrainingFrame

TRAINING_FRAME = dg.AssetKey(["ml", "credit_score", "training_frame"])
SCORECARD = dg.AssetKey(["ml", "credit_score", "scorecard"])


def gate_check_result(outcome: GateOutcome, title: str) -> dg.AssetCheckResult:
    """A passed or failed ERROR-severity result whose description says which expectation failed."""
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(
            f"{title} passed: {len(outcome.results)} expectations met."
            if outcome.passed
            else f"{title} failed, training blocked: " + "; ".join(outcome.failures)
        ),
        metadata={
            "report": dg.MetadataValue.md(outcome.markdown(title)),
            "failures": dg.MetadataValue.json(outcome.failures),
        },
    )


@dg.asset_check(
    asset=TRAINING_FRAME,
    name="training_frame_quality_gate",
    blocking=True,
    description=(
        "Blocking. great-expectations on the credit training frame: row count, bads, label rate in a "
        "plausible "
        "range, null rates and ranges per feature, exactly the declared columns (no leakage columns), unique "
        "keys, and no feature read after its observation date. A failure stops training and names the "
        "expectation."
    ),
)
def credit_training_frame_gate(training_frame: TrainingFrame) -> dg.AssetCheckResult:
    outcome = run_frame_gate(training_frame.frame, training_frame.roles, training_frame.gate)
    return gate_check_result(outcome, "Credit training-frame gate")


def promotion_check_result(decision: dict[str, Any]) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=bool(decision.get("promote")),
        severity=dg.AssetCheckSeverity.ERROR,
        description=("Promote: " if decision.get("promote") else "Do not promote: ")
        + " ".join(decision["reasons"]),
        metadata={
            "candidate_version": str(decision.get("candidate_version") or decision.get("version")),
            "champion_version": str(decision.get("champion_version")),
        },
    )


@dg.asset_check(
    asset=SCORECARD,
    name="promotion_gate",
    blocking=True,
    description=(
        "Blocking. The candidate passes the promotion thresholds (holdout AUC, KS, score PSI, monotone "
        "bands) and "
        "beats the current champion on the same holdout; otherwise the champion pointer does not move "
        "and the "
        "scorecard says why."
    ),
)
def credit_promotion_gate(scorecard: dict[str, Any]) -> dg.AssetCheckResult:
    return promotion_check_result(scorecard["decision"])
