"""The credit model's settings, as a Dagster Config so an operator can change them per run."""

from __future__ import annotations

import dagster as dg

from ml.common.binary_pipeline import BinaryTrainingConfig
from ml.common.binning import BinningConfig
from ml.common.evaluation import DEFAULT_MASTER_SCALE, EvaluationConfig
from ml.common.gates import FrameGateConfig
from ml.common.promotion import PromotionThresholds
from ml.common.scaling import ScoreScaling
from ml.common.woe_scorecard import SelectionConfig

MODEL_NAME = "credit_score"


class CreditScoreConfig(dg.Config):
    """Defaults fit the sample platform: weekly observations, a 40-trading-day horizon, the last
    two months of mature observation dates held out."""

    horizon_days: int = 40
    observation_weekday: int = 4  # the last trading day of each week (Friday = 4, or earlier)
    holdout_months: int = 1
    holdout_observations: int = 0  # > 0: the last that many observation dates instead of months
    dpd_default_threshold: int = 90
    base_score: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0
    min_auc: float = 0.65
    min_ks: float = 0.20
    max_score_psi: float = 0.25
    min_auc_gain: float = 0.0
    min_rows: int = 500
    min_events: int = 8
    label_rate_min: float = 0.0005
    label_rate_max: float = 0.3
    max_null_share: float = 0.6
    bootstrap_samples: int = 200
    reason_codes: int = 4

    def training(self) -> BinaryTrainingConfig:
        return BinaryTrainingConfig(
            scaling=ScoreScaling(self.base_score, self.base_odds, self.pdo),
            binning=BinningConfig(prebins=20, max_bins=5, min_bin_share=0.05, min_bin_events=1),
            selection=SelectionConfig(min_iv=0.02, max_correlation=0.7, max_features=10),
            evaluation=EvaluationConfig(master_scale=DEFAULT_MASTER_SCALE, n_boot=self.bootstrap_samples),
            thresholds=PromotionThresholds(
                self.min_auc, self.min_ks, self.max_score_psi, True, self.min_auc_gain
            ),
            gate=FrameGateConfig(
                min_rows=self.min_rows,
                min_events=self.min_events,
                label_rate=(self.label_rate_min, self.label_rate_max),
                max_null_share=self.max_null_share,
                feature_ranges=FEATURE_RANGES,
                nullable=NULL_MEANS_NO_FINANCING,
            ),
            reason_codes_top=self.reason_codes,
        )


# Null where an account has no financing (no liabilities: no MCR, no distance to a line) or no
# positive equity (no leverage): the missing bin carries that meaning, so the gate does not count them.
NULL_MEANS_NO_FINANCING = (
    "leverage",
    "maintenance_collateral_ratio",
    "distance_to_call",
    "max_leverage_20d",
    "min_mcr_20d",
    "equity_volatility_20d",
    "equity_drawdown_60d",
    "cash_share",
    "unrealized_pnl_share",
    "largest_position_share",
    "hhi",
)

# Plausible ranges: a value outside says a unit or join went wrong upstream, not that a client is risky.
FEATURE_RANGES: dict[str, tuple[float | None, float | None]] = {
    "leverage": (0.0, 100.0),
    "maintenance_collateral_ratio": (0.0, None),  # unbounded above: tiny liabilities
    "largest_position_share": (0.0, 1.0),
    "hhi": (0.0, 1.0),
    "position_count": (0.0, 1000.0),
    "cash_share": (-10.0, 10.0),
    "days_in_stress_60d": (0.0, 60.0),
    "margin_calls_90d": (0.0, 1000.0),
}
