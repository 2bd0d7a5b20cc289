"""SHAP additivity holds for the challenger (categoricals encoded) and the isolation forest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.anomaly.model import AnomalyDetector, ForestConfig, top_reasons
from ml.common.boosting import AdditivityError, BoostingChallenger, BoostingConfig, assert_additive


def _data(n: int = 800) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(4)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
            "segment": pd.Series(rng.choice(["retail", "vip", "agent"], n), dtype="str"),
        }
    )
    X.loc[:40, "a"] = np.nan
    logit = -2 + 1.2 * X["a"].fillna(0) + np.where(X["segment"] == "vip", -1.0, 0.5)
    return X, (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)


def test_challenger_shap_adds_up_to_the_log_odds():
    X, y = _data()
    model = BoostingChallenger(BoostingConfig(max_iter=40)).fit(X, y)
    assert model.categorical == ["segment"]
    assert model.model is not None and model.model.categorical_features is None
    values, expected = model.shap_values(X.head(200))
    gap = np.abs(values.sum(axis=1).to_numpy() + expected - model.log_odds(X.head(200)))
    assert gap.max() < 1e-6
    # an unseen category is encoded as missing, not an error
    assert np.isfinite(model.predict_pd(pd.DataFrame({"a": [0.1], "b": [0.0], "segment": ["new"]}))).all()


def test_additivity_violation_is_raised():
    with pytest.raises(AdditivityError):
        assert_additive(np.array([[0.1, 0.2]]), 0.0, np.array([0.5]))


def test_isolation_forest_shap_adds_up_to_the_path_length_and_points_at_the_planted_field():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(600, 4)), columns=["deposits", "withdrawals", "payers", "links"])
    X.loc[0, "payers"] = 40.0  # one planted outlier
    detector = AnomalyDetector(ForestConfig(n_estimators=50)).fit(X)
    scores = detector.score(X)
    assert scores[0] >= np.quantile(scores, 0.97)  # higher = more abnormal, flipped once
    values, expected = detector.contributions(X.head(5))
    assert (
        np.abs(values.sum(axis=1).to_numpy() + expected - detector.mean_path_length(X.head(5))).max() < 1e-6
    )
    assert top_reasons(values.head(1), X)[0].startswith("payers=40")
