"""The anomaly detector: an isolation forest, its SHAP contributions, and a transparent baseline.

sklearn's score_samples is "lower = more abnormal"; it is flipped once, here: anomaly_score =
−score_samples, higher = more abnormal. SHAP's TreeExplainer on an isolation forest explains the
mean path length E[h(x)], where a negative contribution pushes towards anomaly (shorter paths);
reasons are the most negative contributions, and additivity against E[h(x)] is asserted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest

from ml.common.boosting import assert_additive


@dataclass(frozen=True)
class ForestConfig:
    n_estimators: int = 200
    max_samples: int = 256
    random_state: int = 0


@dataclass
class AnomalyDetector:
    """Isolation forest over standardised account-day features."""

    config: ForestConfig = field(default_factory=ForestConfig)
    features: list[str] = field(default_factory=list)
    forest: IsolationForest | None = None
    training_scores: np.ndarray | None = None

    def fit(self, X: pd.DataFrame) -> AnomalyDetector:
        self.features = list(X.columns)
        c = self.config
        self.forest = IsolationForest(
            n_estimators=c.n_estimators, max_samples=min(c.max_samples, len(X)), random_state=c.random_state
        ).fit(self._matrix(X))
        self.training_scores = self.score(X)
        return self

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        return X[self.features].astype(float).fillna(0.0).to_numpy()

    def score(self, X: pd.DataFrame) -> np.ndarray:
        """Anomaly score, higher = more abnormal (−score_samples; between 0 and 1)."""
        assert self.forest is not None
        if len(X) == 0:
            return np.array([])
        return -self.forest.score_samples(self._matrix(X))

    def mean_path_length(self, X: pd.DataFrame) -> np.ndarray:
        """E[h(x)] from the score: score_samples = −2^(−E[h]/c(ψ))."""
        from sklearn.ensemble._iforest import _average_path_length

        assert self.forest is not None
        c = _average_path_length([self.forest.max_samples_])[0]
        return -np.log2(self.score(X)) * c

    def contributions(self, X: pd.DataFrame) -> tuple[pd.DataFrame, float]:
        """SHAP values on E[h(x)] per feature (negative = towards anomaly) and the expected value."""
        import shap

        assert self.forest is not None
        if len(X) == 0:
            return pd.DataFrame(columns=self.features), 0.0
        explainer = shap.TreeExplainer(self.forest)
        values = np.asarray(explainer.shap_values(self._matrix(X)))
        expected = float(np.ravel(explainer.expected_value)[0])
        assert_additive(values, expected, self.mean_path_length(X), tol=1e-6 * max(1.0, abs(expected)))
        return pd.DataFrame(values, columns=self.features, index=X.index), expected

    def score_quantile(self, q: float) -> float:
        assert self.training_scores is not None
        return float(np.quantile(self.training_scores, q))


@dataclass
class RobustZBaseline:
    """The baseline a forest must beat: the largest robust z-score (median/MAD) of any feature."""

    features: list[str] = field(default_factory=list)
    median: np.ndarray | None = None
    scale: np.ndarray | None = None

    def fit(self, X: pd.DataFrame) -> RobustZBaseline:
        self.features = list(X.columns)
        m = X[self.features].astype(float).fillna(0.0).to_numpy()
        self.median = np.median(m, axis=0)
        mad = np.median(np.abs(m - self.median), axis=0) * 1.4826
        std = m.std(axis=0)
        self.scale = np.where(mad > 0, mad, np.where(std > 0, std, 1.0))
        return self

    def score(self, X: pd.DataFrame) -> np.ndarray:
        if len(X) == 0:
            return np.array([])
        m = X[self.features].astype(float).fillna(0.0).to_numpy()
        return np.max(np.abs(m - self.median) / self.scale, axis=1)


def top_reasons(contributions: pd.DataFrame, X: pd.DataFrame, top: int = 3) -> list[str]:
    """'feature=value (SHAP)' for the `top` most negative contributions of each row."""
    out = []
    for idx in contributions.index:
        row = contributions.loc[idx].sort_values()
        parts = [f"{f}={X.at[idx, f]:.4g} ({v:+.3f})" for f, v in row.head(top).items() if v < 0]
        out.append("; ".join(parts))
    return out
