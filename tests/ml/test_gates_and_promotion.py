"""A failed data-quality gate blocks training; a worse candidate is not promoted; the champion stays."""

from __future__ import annotations

import json

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from ml.common import versioning
from ml.common.binary_pipeline import BinaryTrainingConfig, ModelContext
from ml.common.binary_run import TrainingGateError, run_binary
from ml.common.evaluation import EvaluationConfig
from ml.common.gates import FrameGateConfig, FrameRoles, run_frame_gate
from ml.common.promotion import PromotionThresholds, decide

ROLES = FrameRoles("y", ("a", "b", "c"), ("id",), "od")


def _frame(n: int = 3000, seed: int = 0, signal: float = 1.5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = pd.DataFrame(
        {
            "id": [f"A{i}" for i in range(n)],
            "od": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 120, n), unit="D"),
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
            "c": pd.Series(rng.choice(["x", "y", "z"], n), dtype="str"),
        }
    )
    logit = -3.5 + signal * f["a"] - 0.8 * signal * f["b"] + np.where(f["c"] == "x", 0.8, 0.0)
    f["y"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return f


def _cfg() -> BinaryTrainingConfig:
    return BinaryTrainingConfig(
        evaluation=EvaluationConfig(n_boot=20),
        shap_sample=300,
        gate=FrameGateConfig(min_rows=200, min_events=10),
    )


def _split(f: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    cut = pd.Timestamp("2026-03-20")
    return f[f["od"] < cut].reset_index(drop=True), f[f["od"] >= cut].reset_index(drop=True)


def test_gate_names_each_failed_expectation():
    f = _frame(600)
    f.loc[:400, "a"] = np.nan  # 67% null
    f.loc[5, "b"] = 1e9  # out of range
    outcome = run_frame_gate(
        f[ROLES.columns],
        ROLES,
        FrameGateConfig(min_rows=1000, min_events=10, feature_ranges={"b": (-50, 50)}, range_mostly=1.0),
    )
    assert not outcome.passed
    text = " ".join(outcome.failures)
    assert "table row count" in text and "min_value" in text
    assert "not be null" in text and "'a'" in text
    assert "be between" in text and "'b'" in text
    leaky = f.assign(default_flag=f["y"])
    roles = FrameRoles("y", ("a", "b", "c", "default_flag"), ("id",), "od")
    assert any("leakage" in m for m in run_frame_gate(leaky[roles.columns], roles).failures)


def test_failed_gate_blocks_training_and_writes_no_version(tmp_path):
    f = _frame(600)
    f["y"] = 0  # no bads: the label rate is impossible
    train, holdout = _split(f)
    with pytest.raises(TrainingGateError, match=r"column mean to be between|column sum"):
        run_binary(tmp_path, train, holdout, ROLES, _cfg(), ModelContext("m", "t", "p"))
    assert not (tmp_path / "ml" / "m").exists()


def test_decide_keeps_the_better_champion():
    th = PromotionThresholds(min_auc=0.6, min_ks=0.1)
    good = {"auc": 0.80, "ks": 0.45, "score_psi": 0.02, "bands_monotone": 1.0}
    worse = {"auc": 0.72, "ks": 0.35, "score_psi": 0.02, "bands_monotone": 1.0}
    assert decide(good, th).promote
    d = decide(worse, th, champion=good, candidate_version="v2", champion_version="v1")
    assert not d.promote and "Does not beat champion v1" in d.summary
    assert decide(good, th, champion=worse, champion_version="v1").promote
    assert not decide({**good, "auc": 0.55}, th).promote
    assert not decide({**good, "score_psi": 0.3}, th).promote


@pytest.mark.slow
def test_a_worse_challenger_is_not_promoted(tmp_path):
    f = _frame(3000, seed=3)
    train, holdout = _split(f)
    first = run_binary(tmp_path, train, holdout, ROLES, _cfg(), ModelContext("m", "t", "p"))
    assert first.result.decision.promote
    assert versioning.champion(tmp_path, "m")["version"] == first.version
    # the second candidate only sees noise in place of the strongest feature
    rng = np.random.default_rng(9)
    noisy_train = train.assign(a=rng.normal(size=len(train)))
    second = run_binary(tmp_path, noisy_train, holdout, ROLES, _cfg(), ModelContext("m", "t", "p"))
    assert not second.result.decision.promote
    assert versioning.champion(tmp_path, "m")["version"] == first.version
    html = second.scorecard.read_text()
    assert "NOT PROMOTED" in html and f"Does not beat champion {first.version}" in html
    log = (tmp_path / "ml" / "m" / "promotions.jsonl").read_text().splitlines()
    assert [json.loads(x)["promote"] for x in log] == [True, False]


@pytest.mark.slow
def test_failed_gate_stops_the_dagster_training_run(tmp_path, monkeypatch):
    """The blocking check on the credit training frame stops the candidate from materializing."""
    from ml.credit_score.assets import credit_candidate, credit_training_frame
    from ml.credit_score.checks import credit_training_frame_gate
    from orchestration.resources import LakeSettings
    from tests.ml.synthetic import exposure_frame, write_warehouse

    home = tmp_path / "lake"
    home.mkdir()
    exposure, calls = exposure_frame(accounts=30, days=60, defaults=False)  # nobody defaults
    write_warehouse(home / "warehouse.duckdb", exposure, calls)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    result = dg.materialize(
        [credit_training_frame, credit_candidate, credit_training_frame_gate],
        resources={"settings": LakeSettings(home=str(home))},
        raise_on_error=False,
    )
    checks = result.get_asset_check_evaluations()
    assert len(checks) == 1 and not checks[0].passed
    assert "training blocked" in (checks[0].description or "")
    materialized = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert materialized == {"training_frame"}
    assert not (home / "ml" / "credit_score").exists() or not any((home / "ml" / "credit_score").glob("v*"))


def test_an_empty_selection_funnel_fails_the_candidate_with_each_variables_fate(tmp_path):
    """A frame that passes the gate yet where no characteristic says anything (here: each holds
    one value) stops the run with a readable failure and the funnel, not a traceback; no version
    is written and the champion stays."""
    from ml.common.woe_scorecard import NoCharacteristicSelectedError
    from ml.credit_score.assets import credit_candidate
    from ml.credit_score.config import CreditScoreConfig
    from ml.credit_score.dataset import TrainingFrame
    from orchestration.resources import LakeSettings

    flat = _frame().assign(a=1.0, b=2.0, c="x", sample="train")
    frame = TrainingFrame(flat, [], {}, roles=ROLES)
    with pytest.raises(dg.Failure) as failure:
        credit_candidate(
            dg.build_asset_context(),
            config=CreditScoreConfig(),
            settings=LakeSettings(home=str(tmp_path)),
            training_frame=frame,
        )
    assert "No scorecard was fitted" in failure.value.description
    assert f"{int(flat['y'].sum())} defaults" in failure.value.description
    funnel = failure.value.metadata["funnel"].value
    assert all(f"| {v} |" in funnel for v in ("a", "b", "c"))
    assert funnel.count("excluded: a single value") == 3
    assert isinstance(failure.value.__cause__, NoCharacteristicSelectedError)
    assert not list((tmp_path / "ml").glob("credit_score/v*"))
