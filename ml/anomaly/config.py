"""The anomaly model's settings, as a Dagster Config."""

from __future__ import annotations

import dagster as dg

from ml.anomaly.evaluate import BudgetConfig
from ml.anomaly.model import ForestConfig
from ml.anomaly.pipeline import AnomalyThresholds, AnomalyTrainingConfig
from ml.common.gates import FrameGateConfig

MODEL_NAME = "anomaly"


class AnomalyConfig(dg.Config):
    """Defaults: 200 trees, 3 alerts a day at most, only scores above the training 95th percentile."""

    n_estimators: int = 200
    max_samples: int = 256
    random_state: int = 0
    daily_budget: int = 3
    min_score_quantile: float = 0.95
    min_typology_recall: float = 0.5
    min_precision_at_budget: float = 0.0
    min_rows: int = 200

    def training(self) -> AnomalyTrainingConfig:
        return AnomalyTrainingConfig(
            forest=ForestConfig(self.n_estimators, self.max_samples, self.random_state),
            budget=BudgetConfig(self.daily_budget, self.min_score_quantile),
            thresholds=AnomalyThresholds(self.min_typology_recall, self.min_precision_at_budget),
        )

    def gate(self) -> FrameGateConfig:
        return FrameGateConfig(min_rows=self.min_rows, max_null_share=0.05, feature_ranges=FEATURE_RANGES)


FEATURE_RANGES: dict[str, tuple[float | None, float | None]] = {
    "deposit_count": (0.0, 1000.0),
    "withdrawal_count": (0.0, 1000.0),
    "round_amount_share": (0.0, 1.0),
    "third_party_share": (0.0, 1.0),
    "out_in_ratio_3d": (0.0, 5.0),
}
