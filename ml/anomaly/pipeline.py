"""Train, evaluate and judge the anomaly detector on any account-day (or row-level) table.

The Dagster assets and `marginlake train-anomaly` both call these steps. Artifacts of a version:
detector.joblib, baseline.joblib, alerts_evaluation.parquet (the alerts with their reasons),
metrics.json, metadata.json and scorecard.html.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ml.anomaly.evaluate import AnomalyEvaluation, BudgetConfig, evaluate_alerts, select_alerts
from ml.anomaly.model import AnomalyDetector, ForestConfig, RobustZBaseline, top_reasons
from ml.common import versioning
from ml.common.psi import psi, stability_band

DETECTOR_ARTIFACT = "detector.joblib"
BASELINE_ARTIFACT = "baseline.joblib"


@dataclass(frozen=True)
class AnomalyThresholds:
    """With ground truth: the share of planted typologies caught within the budget."""

    min_typology_recall: float = 0.5
    min_precision_at_budget: float = 0.0


@dataclass(frozen=True)
class AnomalyTrainingConfig:
    forest: ForestConfig = field(default_factory=ForestConfig)
    budget: BudgetConfig = field(default_factory=BudgetConfig)
    thresholds: AnomalyThresholds = field(default_factory=AnomalyThresholds)
    explain_max_rows: int = 400

    def as_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str))


@dataclass
class AnomalyContext:
    model_name: str
    title: str
    purpose: str
    sources: list[str] = field(default_factory=list)
    feature_descriptions: dict[str, str] = field(default_factory=dict)
    limitations: list[str] = field(default_factory=list)
    lineage: dict[str, Any] = field(default_factory=dict)
    data_quality: list[dict[str, Any]] = field(default_factory=list)
    truth_source: str = ""


@dataclass
class AnomalyRun:
    detector: AnomalyDetector
    baseline: RobustZBaseline
    evaluation: AnomalyEvaluation
    baseline_evaluation: AnomalyEvaluation
    production_evaluation: AnomalyEvaluation | None
    production_version: str | None
    alerts: pd.DataFrame
    contributions: pd.DataFrame
    expected_value: float
    score_psi: float
    promote: bool
    reasons: list[str]

    def metrics(self) -> dict[str, Any]:
        return {
            "champion": self.evaluation.summary(),
            "baseline": self.baseline_evaluation.summary(),
            "production": self.production_evaluation.summary() if self.production_evaluation else None,
            "production_version": self.production_version,
            "score_psi_first_vs_second_half": self.score_psi,
            "decision": {"promote": self.promote, "reasons": self.reasons},
        }


def decide_anomaly(
    candidate: AnomalyEvaluation,
    thresholds: AnomalyThresholds,
    production: AnomalyEvaluation | None,
    production_version: str | None,
    has_production: bool,
) -> tuple[bool, list[str]]:
    """Promote when the typologies caught (then precision) beat the champion's on the same days."""
    reasons: list[str] = []
    if not candidate.has_truth:
        if has_production:
            return False, [
                "No ground truth to measure the candidate against the champion: the champion stays."
            ]
        return True, ["No ground truth to measure against; no champion yet: the first detector is promoted."]
    ok = True
    if candidate.typology_recall < thresholds.min_typology_recall:
        ok = False
        reasons.append(
            f"Typologies caught {candidate.typology_recall:.0%} below the minimum "
            f"{thresholds.min_typology_recall:.0%}."
        )
    if candidate.precision_at_budget < thresholds.min_precision_at_budget:
        ok = False
        reasons.append(
            f"Precision at budget {candidate.precision_at_budget:.3f} below the minimum "
            f"{thresholds.min_precision_at_budget:.3f}."
        )
    if ok:
        reasons.append(
            f"Thresholds met: {candidate.typology_recall:.0%} of typologies caught, precision at "
            f"budget {candidate.precision_at_budget:.3f}."
        )
    if production is None:
        if ok:
            reasons.append("No champion in production: the candidate becomes the first champion.")
        return ok, reasons
    key_c = (candidate.typology_recall, candidate.precision_at_budget)
    key_p = (production.typology_recall, production.precision_at_budget)
    if key_c > key_p:
        reasons.append(
            f"Beats champion {production_version} on the same days: typologies caught "
            f"{key_c[0]:.0%} vs {key_p[0]:.0%}, precision {key_c[1]:.3f} vs {key_p[1]:.3f}."
        )
        return ok, reasons
    reasons.append(
        f"Does not beat champion {production_version} on the same days (typologies caught "
        f"{key_c[0]:.0%} vs {key_p[0]:.0%}, precision {key_c[1]:.3f} vs {key_p[1]:.3f}); the champion stays."
    )
    return False, reasons


def _evaluate(
    frame: pd.DataFrame,
    X: pd.DataFrame,
    scores: np.ndarray,
    floor: float,
    cfg: AnomalyTrainingConfig,
    typologies: pd.DataFrame | None,
    day: str,
) -> tuple[AnomalyEvaluation, pd.DataFrame]:
    alerts = select_alerts(frame, scores, floor, cfg.budget.daily_budget, day)
    return evaluate_alerts(frame, scores, alerts, typologies, day), alerts


def train_and_evaluate(
    frame: pd.DataFrame,
    features: list[str],
    cfg: AnomalyTrainingConfig,
    typologies: pd.DataFrame | None,
    production: tuple[str, AnomalyDetector] | None,
    day: str = "activity_date",
) -> AnomalyRun:
    X = frame[features]
    detector = AnomalyDetector(cfg.forest).fit(X)
    scores = detector.score(X)
    floor = detector.score_quantile(cfg.budget.min_score_quantile)
    evaluation, alerts = _evaluate(frame, X, scores, floor, cfg, typologies, day)
    baseline = RobustZBaseline().fit(X)
    b_scores = baseline.score(X)
    b_eval, _ = _evaluate(
        frame, X, b_scores, float(np.quantile(b_scores, cfg.budget.min_score_quantile)), cfg, typologies, day
    )
    prod_eval, prod_version = None, None
    if production is not None:
        prod_version, prod_det = production
        try:
            p_scores = prod_det.score(frame[prod_det.features])
            prod_eval, _ = _evaluate(
                frame,
                X,
                p_scores,
                prod_det.score_quantile(cfg.budget.min_score_quantile),
                cfg,
                typologies,
                day,
            )
        except KeyError:
            prod_eval = None
    explain = (
        alerts
        if len(alerts) <= cfg.explain_max_rows
        else alerts.nlargest(cfg.explain_max_rows, "anomaly_score")
    )
    contributions, expected = detector.contributions(X.loc[explain.index])
    alerts = alerts.copy()
    alerts["reasons"] = pd.Series(top_reasons(contributions, X), index=contributions.index).reindex(
        alerts.index
    )
    order = np.argsort(frame[day].to_numpy(), kind="stable")
    half = len(order) // 2
    drift = psi(scores[order[:half]], scores[order[half:]]) if half else float("nan")
    promote, reasons = decide_anomaly(
        evaluation, cfg.thresholds, prod_eval, prod_version, production is not None
    )
    return AnomalyRun(
        detector,
        baseline,
        evaluation,
        b_eval,
        prod_eval,
        prod_version,
        alerts,
        contributions,
        expected,
        drift,
        promote,
        reasons,
    )


def save_run(folder: Path, run: AnomalyRun) -> None:
    versioning.save_artifact(folder, DETECTOR_ARTIFACT, run.detector)
    versioning.save_artifact(folder, BASELINE_ARTIFACT, run.baseline)
    alerts = run.alerts.copy()
    alerts.attrs = {}  # the training frame's lineage and gate travel in attrs; Parquet would try JSON
    for c in alerts.columns:
        if alerts[c].dtype == object:
            alerts[c] = alerts[c].astype(str)
    alerts.to_parquet(folder / "alerts_evaluation.parquet", index=False)
    versioning.write_json_atomic(folder / "metrics.json", run.metrics())


def production_detector(home: Path, model_name: str) -> tuple[str, AnomalyDetector] | None:
    folder = versioning.champion_folder(home, model_name)
    if folder is None or not (folder / DETECTOR_ARTIFACT).is_file():
        return None
    return folder.name, versioning.load_artifact(folder / DETECTOR_ARTIFACT)


def metadata(
    version: str,
    frame: pd.DataFrame,
    features: list[str],
    cfg: AnomalyTrainingConfig,
    context: AnomalyContext,
    run: AnomalyRun,
    day: str,
) -> dict[str, Any]:
    return {
        "model": context.model_name,
        "version": version,
        "trained_at": dt.datetime.now(dt.UTC).isoformat(),
        "code_revision": versioning.code_revision(),
        "features": features,
        "rows": len(frame),
        "window": [str(frame[day].min()), str(frame[day].max())] if len(frame) else None,
        "fingerprint": versioning.frame_fingerprint(frame[[day, *features]]),
        "lineage": context.lineage,
        "config": cfg.as_dict(),
        "score_convention": "anomaly_score = -IsolationForest.score_samples; higher = more abnormal",
        "shap_convention": "SHAP on mean path length E[h(x)]; negative = towards anomaly",
        "metrics": run.metrics(),
        "score_floor": run.detector.score_quantile(cfg.budget.min_score_quantile),
    }


def stability_text(value: float) -> str:
    return f"{value:.4f} ({stability_band(value)})"
