"""The challenger: gradient boosting on the same characteristics, explained with SHAP.

Categoricals are ordinal-encoded into plain numbers and the model is told there are none
(`categorical_features=None`): shap 0.51's TreeExplainer returns silently wrong values for
HistGradientBoosting's native categorical splits, so additivity is asserted on every explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.preprocessing import OrdinalEncoder

from ml.common.binning import is_categorical

ADDITIVITY_TOLERANCE = 1e-6


class AdditivityError(AssertionError):
    """SHAP values do not add up to the model's output: the explanation cannot be trusted."""


@dataclass(frozen=True)
class BoostingConfig:
    max_iter: int = 200
    learning_rate: float = 0.05
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 20
    l2_regularization: float = 1.0
    random_state: int = 0


@dataclass
class BoostingChallenger:
    """HistGradientBoosting on numerically encoded features, with its SHAP explainer."""

    config: BoostingConfig = field(default_factory=BoostingConfig)
    features: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)
    encoder: OrdinalEncoder | None = None
    model: HistGradientBoostingClassifier | None = None

    def encode(self, X: pd.DataFrame) -> np.ndarray:
        frame = X[self.features].copy()
        if self.categorical and self.encoder is not None:
            cats = frame[self.categorical].astype("object").where(frame[self.categorical].notna(), None)
            frame[self.categorical] = self.encoder.transform(cats.astype(str).where(cats.notna(), None))
        return frame.astype(float).to_numpy()

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> BoostingChallenger:
        self.features = list(X.columns)
        self.categorical = [c for c in self.features if is_categorical(X[c])]
        if self.categorical:
            self.encoder = OrdinalEncoder(
                handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan
            )
            cats = X[self.categorical].astype("object").where(X[self.categorical].notna(), None)
            self.encoder.fit(cats.astype(str).where(cats.notna(), None))
        c = self.config
        self.model = HistGradientBoostingClassifier(
            max_iter=c.max_iter,
            learning_rate=c.learning_rate,
            max_leaf_nodes=c.max_leaf_nodes,
            min_samples_leaf=c.min_samples_leaf,
            l2_regularization=c.l2_regularization,
            categorical_features=None,
            early_stopping=False,
            random_state=c.random_state,
        )
        self.model.fit(self.encode(X), np.asarray(y, dtype=int))
        return self

    def predict_pd(self, X: pd.DataFrame) -> np.ndarray:
        assert self.model is not None
        return self.model.predict_proba(self.encode(X))[:, 1]

    def log_odds(self, X: pd.DataFrame) -> np.ndarray:
        assert self.model is not None
        return self.model.decision_function(self.encode(X))

    def shap_values(self, X: pd.DataFrame) -> tuple[pd.DataFrame, float]:
        """SHAP values in log-odds per feature and the expected value; raises if they do not add up."""
        import shap

        assert self.model is not None
        encoded = self.encode(X)
        explainer = shap.TreeExplainer(self.model)
        values = np.asarray(explainer.shap_values(encoded))
        expected = float(np.ravel(explainer.expected_value)[0])
        assert_additive(values, expected, self.model.decision_function(encoded))
        return pd.DataFrame(values, columns=self.features, index=X.index), expected


def assert_additive(
    values: np.ndarray, expected: float, output: np.ndarray, tol: float = ADDITIVITY_TOLERANCE
) -> float:
    """|Σ SHAP + expected value − model output| must stay below `tol` for every row."""
    gap = float(np.max(np.abs(values.sum(axis=1) + expected - np.asarray(output)))) if len(values) else 0.0
    if gap >= tol:
        raise AdditivityError(f"SHAP values miss the model output by up to {gap:.3g} (tolerance {tol:g})")
    return gap
