"""Train, evaluate and judge a binary PD model on any tabular data: champion scorecard vs challenger.

The credit-score assets and the generic `marginlake train-scorecard` command both run these steps,
so a risk team validating the method on its own data gets exactly the platform's document.
Artifacts go to one version folder: champion_model.joblib (the WoE scorecard), challenger_model.joblib
(boosting), points_table.csv, holdout_predictions.parquet, score_reference.json, metadata.json and
scorecard.html.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ml.common import versioning
from ml.common.binning import WOE_CONVENTION, BinningConfig
from ml.common.boosting import BoostingChallenger, BoostingConfig
from ml.common.evaluation import EvaluationConfig, ModelEvaluation, band_of_pd, evaluate_model
from ml.common.gates import FrameGateConfig, FrameRoles
from ml.common.promotion import Decision, PromotionThresholds, decide
from ml.common.psi import quantile_edges
from ml.common.scaling import ScoreScaling
from ml.common.woe_scorecard import SelectionConfig, WoeScorecard

CHAMPION_ARTIFACT = "champion_model.joblib"
CHALLENGER_ARTIFACT = "challenger_model.joblib"
SCORE_REFERENCE = "score_reference.json"
EVALUATION_ARTIFACT = "evaluation.joblib"
SCORECARD_HTML = "scorecard.html"


@dataclass(frozen=True)
class BinaryTrainingConfig:
    """Every knob of a binary model run, with the defaults the committee approved."""

    scaling: ScoreScaling = field(default_factory=ScoreScaling)
    binning: BinningConfig = field(default_factory=BinningConfig)
    selection: SelectionConfig = field(default_factory=SelectionConfig)
    boosting: BoostingConfig = field(default_factory=BoostingConfig)
    evaluation: EvaluationConfig = field(default_factory=EvaluationConfig)
    thresholds: PromotionThresholds = field(default_factory=PromotionThresholds)
    gate: FrameGateConfig = field(default_factory=FrameGateConfig)
    shap_sample: int = 1500
    reason_codes_top: int = 4

    def as_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str))


@dataclass
class ModelContext:
    """What the document says around the numbers: purpose, data, definitions, limitations."""

    model_name: str
    title: str
    purpose: str
    out_of_scope: str = "Any use other than the purpose above."
    bad_definition: str = "target = 1"
    sources: list[str] = field(default_factory=list)
    windows: dict[str, str] = field(default_factory=dict)
    limitations: list[str] = field(default_factory=list)
    monitoring: list[str] = field(default_factory=list)
    feature_descriptions: dict[str, str] = field(default_factory=dict)
    reason_codes: dict[str, str] = field(default_factory=dict)  # feature -> code
    reason_texts: dict[str, str] = field(default_factory=dict)  # code -> client-readable text
    data_quality: list[dict[str, Any]] = field(default_factory=list)
    lineage: dict[str, Any] = field(default_factory=dict)
    owner: str = "Risk modelling"
    validator: str = "Independent model validation (to be signed)"


@dataclass
class TrainedModels:
    champion: WoeScorecard
    challenger: BoostingChallenger


def train_models(
    train: pd.DataFrame, roles: FrameRoles, cfg: BinaryTrainingConfig, codes: dict[str, str]
) -> TrainedModels:
    X, y = train[list(roles.features)], train[roles.target].to_numpy(dtype=int)
    champion = WoeScorecard(cfg.scaling, cfg.binning, cfg.selection).fit(X, y, codes or None)
    challenger = BoostingChallenger(cfg.boosting).fit(X, y)
    return TrainedModels(champion, challenger)


def save_models(folder: Path, models: TrainedModels) -> None:
    versioning.save_artifact(folder, CHAMPION_ARTIFACT, models.champion)
    versioning.save_artifact(folder, CHALLENGER_ARTIFACT, models.challenger)
    models.champion.points_table().to_csv(folder / "points_table.csv", index=False)


def load_models(folder: Path) -> TrainedModels:
    return TrainedModels(
        versioning.load_artifact(folder / CHAMPION_ARTIFACT),
        versioning.load_artifact(folder / CHALLENGER_ARTIFACT),
    )


@dataclass
class EvaluationResult:
    champion: ModelEvaluation
    challenger: ModelEvaluation
    production: ModelEvaluation | None
    production_version: str | None
    decision: Decision
    csi: pd.DataFrame
    iv: pd.DataFrame
    shap: pd.DataFrame
    shap_expected: float
    shap_features: pd.DataFrame
    shap_additivity_gap: float
    disagreement: pd.DataFrame
    holdout_predictions: pd.DataFrame
    sensitivity: pd.DataFrame

    def metrics(self) -> dict[str, Any]:
        return {
            "champion": self.champion.summary,
            "challenger": self.challenger.summary,
            "production": self.production.summary if self.production else None,
            "production_version": self.production_version,
            "decision": self.decision.as_dict(),
            "shap_additivity_gap": self.shap_additivity_gap,
        }


def _stability(
    models: TrainedModels, train: pd.DataFrame, holdout: pd.DataFrame, roles: FrameRoles
) -> tuple[pd.DataFrame, pd.DataFrame]:
    from ml.common.evaluation import csi_by_bins
    from ml.common.psi import stability_band

    rows_csi, rows_iv = [], []
    yh = holdout[roles.target].to_numpy(dtype=int)
    for col in roles.features:
        b = models.champion.binnings[col]
        csi = csi_by_bins(b.index(train[col]), b.index(holdout[col]), len(b.bins))
        rows_csi.append(
            {
                "variable": col,
                "selected": col in models.champion.selected,
                "csi": csi,
                "band": stability_band(csi),
            }
        )
        idx = b.index(holdout[col])
        goods = np.array([((idx == i) & (yh == 0)).sum() for i in range(len(b.bins))])
        bads = np.array([((idx == i) & (yh == 1)).sum() for i in range(len(b.bins))])
        from ml.common.binning import information_value

        iv_h = information_value(goods, bads) if bads.sum() and goods.sum() else float("nan")
        rows_iv.append(
            {"variable": col, "iv_train": b.iv, "iv_holdout": iv_h, "bins": len(b.bins), "trend": b.trend}
        )
    return pd.DataFrame(rows_csi), pd.DataFrame(rows_iv).sort_values("iv_train", ascending=False)


def evaluate_models(
    models: TrainedModels,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    roles: FrameRoles,
    cfg: BinaryTrainingConfig,
    version: str,
    production: tuple[str, WoeScorecard] | None = None,
) -> EvaluationResult:
    """Both models on the same out-of-time holdout, the production champion too, and the decision."""
    ev = cfg.evaluation
    Xt, yt = train[list(roles.features)], train[roles.target].to_numpy(dtype=int)
    Xh, yh = holdout[list(roles.features)], holdout[roles.target].to_numpy(dtype=int)
    sc = cfg.scaling
    champ_pd_t, champ_pd_h = models.champion.predict_pd(Xt), models.champion.predict_pd(Xh)
    champ = evaluate_model(
        "champion scorecard",
        yt,
        champ_pd_t,
        models.champion.score(Xt),
        yh,
        champ_pd_h,
        models.champion.score(Xh),
        ev,
    )
    ch_pd_t, ch_pd_h = models.challenger.predict_pd(Xt), models.challenger.predict_pd(Xh)
    chal = evaluate_model(
        "challenger boosting",
        yt,
        ch_pd_t,
        sc.score_from_pd(ch_pd_t),
        yh,
        ch_pd_h,
        sc.score_from_pd(ch_pd_h),
        ev,
    )
    prod_eval, prod_version = None, None
    if production is not None:
        prod_version, prod_model = production
        try:
            pp_t, pp_h = prod_model.predict_pd(Xt), prod_model.predict_pd(Xh)
            prod_eval = evaluate_model(
                f"production {prod_version}",
                yt,
                pp_t,
                prod_model.score(Xt),
                yh,
                pp_h,
                prod_model.score(Xh),
                ev,
            )
        except (KeyError, ValueError):
            prod_eval = None
    decision = decide(
        champ.summary,
        cfg.thresholds,
        (prod_eval.summary if prod_eval else {"auc": float("nan")}) if production is not None else None,
        version,
        prod_version,
    )
    csi, iv = _stability(models, train, holdout, roles)
    sample = Xh if len(Xh) <= cfg.shap_sample else Xh.sample(cfg.shap_sample, random_state=0)
    shap_values, expected = models.challenger.shap_values(sample)
    from ml.common.boosting import assert_additive

    gap = assert_additive(shap_values.to_numpy(), expected, models.challenger.log_odds(sample))
    preds = pd.DataFrame(
        {
            **{k: holdout[k].to_numpy() for k in roles.keys},
            "target": yh,
            "champion_pd": champ_pd_h,
            "champion_score": models.champion.score(Xh),
            "challenger_pd": ch_pd_h,
            "champion_band": band_of_pd(champ_pd_h, ev),
            "challenger_band": band_of_pd(ch_pd_h, ev),
        }
    )
    disagree = (
        preds.groupby(["champion_band", "challenger_band"])
        .agg(rows=("target", "size"), bads=("target", "sum"))
        .reset_index()
    )
    disagree = disagree[disagree["champion_band"] != disagree["challenger_band"]].sort_values(
        "rows", ascending=False
    )
    return EvaluationResult(
        champ,
        chal,
        prod_eval,
        prod_version,
        decision,
        csi,
        iv,
        shap_values,
        expected,
        sample,
        gap,
        disagree.head(15),
        preds,
        sensitivity(models.champion, Xh, yh),
    )


def sensitivity(model: WoeScorecard, X: pd.DataFrame, y: np.ndarray) -> pd.DataFrame:
    """Drop-one analysis: holdout AUC and mean score change when a variable is set to neutral (WoE 0)."""
    from ml.common.metrics import auc

    base_logit = model.log_odds(X)
    base_auc = auc(y, base_logit)
    rows = []
    for c in model.selected:
        woe = model.binnings[c].transform(X[c])
        logit = base_logit - model.coefficients[c] * woe
        rows.append(
            {
                "variable": c,
                "holdout_auc_without": auc(y, logit),
                "auc_change": auc(y, logit) - base_auc,
                "mean_abs_score_change": float(
                    np.mean(np.abs(model.scaling.factor * model.coefficients[c] * woe))
                ),
            }
        )
    return pd.DataFrame(rows)


def score_reference(train_score: np.ndarray, n_bins: int = 10) -> dict[str, Any]:
    """The training score distribution that live scores are compared with for drift."""
    from ml.common.psi import bin_shares

    edges = quantile_edges(train_score, n_bins)
    counts = bin_shares(train_score, edges)
    return {
        "edges": edges.tolist(),
        "shares": (counts / max(counts.sum(), 1)).tolist(),
        "rows": len(train_score),
    }


def write_evaluation(
    folder: Path, result: EvaluationResult, models: TrainedModels, train: pd.DataFrame, roles: FrameRoles
) -> None:
    result.holdout_predictions.to_parquet(folder / "holdout_predictions.parquet", index=False)
    result.shap.assign(expected_value=result.shap_expected).to_parquet(
        folder / "challenger_shap_holdout.parquet"
    )
    ref = score_reference(models.champion.score(train[list(roles.features)]))
    versioning.write_json_atomic(folder / SCORE_REFERENCE, ref)
    versioning.write_json_atomic(folder / "metrics.json", result.metrics())
    versioning.save_artifact(folder, EVALUATION_ARTIFACT, result)


def metadata(
    version: str,
    roles: FrameRoles,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    cfg: BinaryTrainingConfig,
    context: ModelContext,
    models: TrainedModels,
    result: EvaluationResult | None = None,
) -> dict[str, Any]:
    def sample(frame: pd.DataFrame) -> dict[str, Any]:
        out = {
            "rows": len(frame),
            "bads": int(frame[roles.target].sum()),
            "bad_rate": float(frame[roles.target].mean()) if len(frame) else None,
            "fingerprint": versioning.frame_fingerprint(frame),
        }
        if roles.observation_date and roles.observation_date in frame:
            out["window"] = [
                str(frame[roles.observation_date].min())[:10],
                str(frame[roles.observation_date].max())[:10],
            ]
        return out

    return {
        "model": context.model_name,
        "version": version,
        "trained_at": dt.datetime.now(dt.UTC).isoformat(),
        "code_revision": versioning.code_revision(),
        "bad_definition": context.bad_definition,
        "woe_convention": WOE_CONVENTION,
        "features": list(roles.features),
        "selected_features": models.champion.selected,
        "reason_codes": context.reason_codes,
        "samples": {"train": sample(train), "holdout": sample(holdout)},
        "windows": context.windows,
        "lineage": context.lineage,
        "config": cfg.as_dict(),
        "scaling": cfg.scaling.as_dict(),
        "metrics": result.metrics() if result else None,
    }
