"""The anomaly model's committee document: what it looks at, what it caught, why it alerted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ml.anomaly.pipeline import AnomalyContext, AnomalyRun, AnomalyTrainingConfig, stability_text
from ml.common import plots
from ml.common.report import Section, render


def _eval_row(name: str, s: dict[str, Any]) -> dict[str, Any]:
    return {
        "model": name,
        "alerts": s["alerts"],
        "precision at budget": s["precision_at_budget"],
        "typologies caught": s["typology_recall"],
        "account-day AUC": s["account_day_auc"],
        "average precision": s["average_precision"],
    }


def build_document(
    context: AnomalyContext,
    cfg: AnomalyTrainingConfig,
    run: AnomalyRun,
    meta: dict[str, Any],
    frame: pd.DataFrame,
    features: list[str],
    day: str,
) -> str:
    ev = run.evaluation
    facts = [
        ("Model", context.model_name),
        ("Version", meta["version"]),
        ("Trained at (UTC)", meta["trained_at"][:19]),
        ("Rows (account-days)", f"{meta['rows']:,}"),
        ("Window", " .. ".join(meta["window"] or ["", ""])),
        ("Daily alert budget", str(cfg.budget.daily_budget)),
        ("Precision at budget", f"{ev.precision_at_budget:.3f}" if ev.has_truth else "no ground truth"),
        ("Typologies caught", f"{ev.typology_recall:.0%}" if ev.has_truth else "no ground truth"),
        ("Code revision", meta["code_revision"]),
        ("Next review", (dt.date.today() + dt.timedelta(days=91)).isoformat()),
    ]
    sections = [
        Section(
            "Purpose",
            [
                context.purpose,
                "Out of scope: a verdict on a client. An alert is a request for an analyst's review, "
                "ranked within a daily budget; the rule-based monitoring runs beside it.",
            ],
        ),
    ]
    s = Section(
        "Data and features",
        [
            "Sources: " + ("; ".join(context.sources) or "the file named on the command line") + ".",
            "Every feature of an account-day reads only data dated on or before that day.",
        ],
    )
    desc = frame[features].describe().T.reset_index().rename(columns={"index": "feature"})
    desc.insert(1, "description", desc["feature"].map(context.feature_descriptions).fillna(""))
    s.table(desc[["feature", "description", "mean", "std", "min", "50%", "max"]], "Features")
    if context.data_quality:
        s.table(
            pd.DataFrame(context.data_quality), "Data-quality gate on the training frame (great-expectations)"
        )
    sections.append(s)
    sections.append(
        Section(
            "Method",
            [
                f"Isolation forest ({cfg.forest.n_estimators} trees, {cfg.forest.max_samples} rows per "
                "tree, seed "
                f"{cfg.forest.random_state}); anomaly score = −score_samples (higher = more abnormal). "
                "Chosen because it "
                "needs no labels, copes with mixed scales, and its trees can be explained exactly by SHAP.",
                f"Alerts: per day, the {cfg.budget.daily_budget} highest scores among account-days at or "
                "above the "
                f"training score's {cfg.budget.min_score_quantile:.0%} quantile ({meta['score_floor']:.4f}).",
                "Benchmark: the largest robust z-score (median / MAD) of any feature, under the same budget.",
            ],
        )
    )
    s = Section(
        "Performance against planted typologies",
        [
            (
                f"Ground truth: {context.truth_source}. Precision at budget is the share of alerts that "
                "fall on a planted "
                "account-day; a typology is caught when any of its planted account-days is alerted. "
                "Account-day AUC and "
                "average precision rank every account-day, alerted or not."
            )
            if ev.has_truth
            else "No ground truth was given: only alert volumes and stability are reported.",
        ],
    )
    rows = [
        _eval_row("isolation forest (candidate)", ev.summary()),
        _eval_row("robust z-score baseline", run.baseline_evaluation.summary()),
    ]
    if run.production_evaluation:
        rows.append(_eval_row(f"production {run.production_version}", run.production_evaluation.summary()))
    s.table(pd.DataFrame(rows), "Detectors under the same budget")
    if ev.has_truth and len(ev.per_typology):
        s.table(ev.per_typology, "Recall per planted typology")
    per_day = run.alerts.groupby(day).size()
    s.paragraphs.append(f"Alerts on {per_day.size} of {ev.days} days; {len(run.alerts)} in all.")
    s.figure(
        plots.score_distribution_plot(
            run.detector.score(frame[features]),
            frame.index.isin(run.alerts.index).astype(int),
            "Anomaly score",
        ),
        "Anomaly score, alerted vs not",
    )
    sections.append(s)
    importance = run.contributions.mean().sort_values()
    s = Section(
        "Explanations",
        [
            "SHAP contributions to the mean path length of each alerted account-day (negative = pushes "
            "towards "
            f"anomaly); additivity is asserted. Expected path length {run.expected_value:.3f}. The "
            "reasons column "
            "lists the three most negative contributions with the feature's value.",
        ],
    )
    s.figure(
        plots.bar_plot(
            list(importance.index),
            list(-importance.to_numpy()),
            "Mean pull towards anomaly over the alerts",
            "−mean SHAP (path length)",
        ),
        "SHAP importance",
    )
    top = run.alerts.nlargest(15, "anomaly_score")
    keys = [c for c in ("account_id", "client_id", day) if c in top.columns]
    s.table(top[[*keys, "anomaly_score", "daily_rank", "reasons"]], "Highest-scoring alerts and why")
    sections.append(s)
    sections.append(
        Section(
            "Stability",
            [
                "PSI of the anomaly score, first half of the window against the second: "
                f"{stability_text(run.score_psi)}."
            ],
        )
    )
    sections.append(Section("Limitations", context.limitations or ["None recorded."]))
    sections.append(
        Section(
            "Ongoing monitoring",
            [
                "Daily: alert volume against the budget and the score PSI against training. Weekly: "
                "retraining; promotion "
                "only through the gate, on the same days as the champion."
            ],
        )
    )
    lineage = pd.DataFrame([{"input": k, "fingerprint": str(v)} for k, v in (context.lineage or {}).items()])
    s = Section(
        "Decision and lineage", [("PROMOTED: " if run.promote else "NOT PROMOTED: ") + " ".join(run.reasons)]
    )
    if len(lineage):
        s.table(lineage, "Inputs this version saw")
    sections.append(s)
    return render(
        f"Model scorecard: {context.title}, version {meta['version']}",
        run.promote,
        run.reasons,
        facts,
        sections,
    )
