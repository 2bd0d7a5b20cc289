"""Score scaling by points to double the odds (PDO), a base score and the base good:bad odds.

Factor = PDO / ln 2, Offset = BaseScore − Factor · ln(BaseOdds), Score = Offset + Factor · ln((1 − p) / p):
every PDO points double the good:bad odds and at BaseScore the odds equal BaseOdds.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class ScoreScaling:
    """The three numbers the risk committee sets; everything else follows from them."""

    base_score: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0

    def __post_init__(self) -> None:
        if self.pdo <= 0 or self.base_odds <= 0:
            raise ValueError(f"PDO and base odds must be positive, got pdo={self.pdo}, odds={self.base_odds}")

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2.0)

    @property
    def offset(self) -> float:
        return self.base_score - self.factor * math.log(self.base_odds)

    def score_from_log_odds(self, logit_bad: np.ndarray) -> np.ndarray:
        """Score from ln(p / (1 − p)), the log-odds of being bad."""
        return self.offset - self.factor * np.asarray(logit_bad, dtype=float)

    def score_from_pd(self, pd: np.ndarray) -> np.ndarray:
        p = np.clip(np.asarray(pd, dtype=float), 1e-12, 1 - 1e-12)
        return self.offset + self.factor * np.log((1.0 - p) / p)

    def pd_from_score(self, score: np.ndarray) -> np.ndarray:
        odds_good = np.exp((np.asarray(score, dtype=float) - self.offset) / self.factor)
        return 1.0 / (1.0 + odds_good)

    def variable_points(self, beta: float, woe: np.ndarray, intercept: float, n_variables: int) -> np.ndarray:
        """Points of each bin of one variable, the intercept and offset spread over the n variables.

        With WoE = ln(%good / %bad) the regression gives logit(bad) = β0 + Σ βj·WoEj, so
        points = −(βj·WoE + β0/n)·Factor + Offset/n and the points of a client sum to its score.
        """
        woe = np.asarray(woe, dtype=float)
        return -(beta * woe + intercept / n_variables) * self.factor + self.offset / n_variables

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "factor": self.factor, "offset": self.offset}


def annualised_pd(pd: np.ndarray, horizon_days: int, days_per_year: int = 252) -> np.ndarray:
    """A horizon PD stretched to one year under a constant hazard: 1 − (1 − p)^(year / horizon)."""
    p = np.clip(np.asarray(pd, dtype=float), 0.0, 1.0)
    return 1.0 - (1.0 - p) ** (days_per_year / float(horizon_days))
