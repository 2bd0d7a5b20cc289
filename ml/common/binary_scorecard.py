"""The committee document of a binary PD model: every section of the validation checklist.

Sections follow SR 11-7's three elements (conceptual soundness, ongoing monitoring, outcomes
analysis) as laid out in the reference checklist: identity, data, method and variable funnel,
the points table, discrimination, bands, calibration, stability, explanations, the challenger,
sensitivity, limitations, monitoring, and the decision with its lineage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ml.common import plots
from ml.common.binary_pipeline import BinaryTrainingConfig, EvaluationResult, ModelContext, TrainedModels
from ml.common.evaluation import roc_points
from ml.common.gates import FrameRoles
from ml.common.metrics import ks_curve
from ml.common.report import Section, render


def _ci(d: dict[str, float]) -> str:
    return f"{d['value']:.3f} [{d['low']:.3f}, {d['high']:.3f}]"


def _performance_table(result: EvaluationResult) -> pd.DataFrame:
    rows = []
    for ev in [result.champion, result.challenger, *([result.production] if result.production else [])]:
        s = ev.summary
        rows.append(
            {
                "model": ev.name,
                "train AUC": s["train_auc"],
                "holdout AUC [95% CI]": _ci(ev.discrimination["auc"]),
                "holdout Gini [95% CI]": _ci(ev.discrimination["gini"]),
                "holdout KS [95% CI]": _ci(ev.discrimination["ks"]),
                "Brier": s["brier"],
                "score PSI": s["score_psi"],
                "bands monotone": "yes" if s["bands_monotone"] else "no",
            }
        )
    return pd.DataFrame(rows)


def build_document(
    context: ModelContext,
    cfg: BinaryTrainingConfig,
    models: TrainedModels,
    result: EvaluationResult,
    meta: dict[str, Any],
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    roles: FrameRoles,
) -> str:
    champ = models.champion
    Xh, yh = holdout[list(roles.features)], holdout[roles.target].to_numpy(dtype=int)
    decision = result.decision
    today = dt.date.today()
    facts = [
        ("Model", context.model_name),
        ("Version", meta["version"]),
        ("Trained at (UTC)", meta["trained_at"][:19]),
        ("Owner / developer", context.owner),
        ("Independent validator", context.validator),
        ("Holdout AUC (champion)", _ci(result.champion.discrimination["auc"])),
        ("Holdout KS (champion)", _ci(result.champion.discrimination["ks"])),
        ("Code revision", meta["code_revision"]),
        ("Next review", (today + dt.timedelta(days=91)).isoformat()),
    ]
    sections: list[Section] = []

    s = Section(
        "Purpose and governance",
        [
            f"Intended use: {context.purpose}",
            f"Out of scope: {context.out_of_scope}",
            "Approval: this document is the model's record for the risk committee; the decision above "
            "was taken by "
            "the promotion gate from the thresholds below and is applied automatically only if the gate "
            "passes.",
        ],
    )
    s.table(
        pd.DataFrame([{"threshold": k, "value": v} for k, v in cfg.thresholds.as_dict().items()]),
        "Promotion thresholds",
    )
    sections.append(s)

    samples = meta["samples"]
    s = Section(
        "Data",
        [
            f"Bad definition: {context.bad_definition}",
            "Sources: " + ("; ".join(context.sources) or "the file named on the command line") + ".",
            "Split: out of time. The model is fitted on the earlier observation dates and judged on the "
            "later ones, "
            "which it never saw.",
        ],
    )
    s.table(
        pd.DataFrame(
            [
                {
                    "sample": k,
                    "rows": v["rows"],
                    "bads": v["bads"],
                    "bad rate": v["bad_rate"],
                    "window": " .. ".join(v.get("window", ["", ""])),
                    "fingerprint": v["fingerprint"],
                }
                for k, v in samples.items()
            ]
        ),
        "Samples",
    )
    if context.windows:
        s.table(pd.DataFrame([{"window": k, "dates": v} for k, v in context.windows.items()]), "Windows")
    if context.data_quality:
        s.table(
            pd.DataFrame(context.data_quality), "Data-quality gate on the training frame (great-expectations)"
        )
    sections.append(s)

    funnel = pd.DataFrame(champ.funnel)
    funnel["description"] = funnel["variable"].map(context.feature_descriptions).fillna("")
    coefs = pd.DataFrame(
        [
            {
                "variable": c,
                "coefficient": champ.coefficients[c],
                "std_error": champ.standard_errors.get(c, np.nan),
                "wald_z": champ.coefficients[c] / champ.standard_errors[c]
                if champ.standard_errors.get(c)
                else np.nan,
                "vif": champ.vif(train[list(roles.features)]).get(c, np.nan),
                "iv": champ.binnings[c].iv,
            }
            for c in champ.selected
        ]
    )
    s = Section(
        "Method and variable selection",
        [
            "Champion: each characteristic is binned with monotone event rates (quantile pre-bins, adjacent "
            "violators pooled, bins merged until each holds both outcomes and at least "
            f"{cfg.binning.min_bin_share:.0%} of rows, at most {cfg.binning.max_bins} bins), coded by "
            "weight of "
            f"evidence ({meta['woe_convention']}) and combined by a logistic regression. Chosen because "
            "every "
            "point is traceable to a bin a client can be told about, and a monotone bin cannot reward risk.",
            f"Funnel: IV below {cfg.selection.min_iv} excluded; more than "
            f"{cfg.selection.max_missing_share:.0%} missing "
            f"excluded; WoE correlation above {cfg.selection.max_correlation} keeps the higher IV; a "
            "coefficient of the "
            "wrong sign (a riskier bin scored safer) excludes the variable. All coefficients are "
            "negative under WoE coding.",
        ],
    )
    s.table(funnel, "Variable funnel")
    s.table(coefs, "Coefficients (Wald standard errors), variance inflation and IV")
    s.table(champ.points_table().drop(columns=["coefficient"]), "Binning table per selected variable")
    sections.append(s)

    scale = cfg.scaling
    scores_h = champ.score(Xh)
    s = Section(
        "Scorecard and scaling",
        [
            f"Base score {scale.base_score:g} at good:bad odds {scale.base_odds:g}:1, {scale.pdo:g} "
            "points to double the "
            f"odds: Factor = PDO / ln 2 = {scale.factor:.4f}, Offset = {scale.offset:.4f}. "
            "Score = Offset + Factor · ln((1 − PD) / PD); the points per bin below add up to exactly "
            "this score "
            "(the intercept and offset are spread evenly over the variables). The published score is the sum "
            "rounded to an integer; PD is computed from the unrounded sum.",
            f"Score range on the holdout: {np.min(scores_h):.0f} to {np.max(scores_h):.0f}. "
            "Score → PD: "
            + ", ".join(
                f"{v:.0f} → {scale.pd_from_score(np.array([v]))[0]:.2%}" for v in (500, 550, 600, 650, 700)
            )
            + ".",
        ],
    )
    pt = champ.points_table()[
        ["variable", "bin", "count", "bads", "bad_rate", "woe", "points", "reason_code"]
    ]
    s.table(pt, "Points table", digits=5)
    sections.append(s)

    s = Section(
        "Discrimination (out-of-time holdout)",
        [
            "AUC, Gini (= 2·AUC − 1) and KS (max |F_bad − F_good|) with 95% stratified bootstrap intervals "
            f"({cfg.evaluation.n_boot} resamples).",
        ],
    )
    s.table(_performance_table(result), "Performance")
    s.figure(
        plots.roc_plot(
            {
                "champion scorecard": roc_points(yh, result.holdout_predictions["champion_pd"]),
                "challenger boosting": roc_points(yh, result.holdout_predictions["challenger_pd"]),
            }
        ),
        "ROC curves",
    )
    if len(np.unique(yh)) == 2:
        thr, tpr, fpr = ks_curve(yh, result.holdout_predictions["champion_pd"])
        s.figure(plots.ks_plot(thr, tpr, fpr), "KS curve")
    s.figure(plots.score_distribution_plot(scores_h, yh), "Score distribution by outcome")
    sections.append(s)

    s = Section(
        "Score bands (PD master scale)",
        [
            "Bands are fixed PD ranges, the same for every version. The bad rate must not fall from a "
            "safer band to "
            "a riskier one by more than sampling noise (one-sided two-proportion test at 5% between "
            "neighbouring "
            "bands of at least 30 rows): "
            + (
                "no such reversal."
                if result.champion.summary["bands_monotone"]
                else "REVERSED: " + "; ".join(result.champion.summary["band_reversals"]) + "."
            )
            + f" Spearman ρ of band order and bad rate: {result.champion.summary['band_spearman']:.2f}.",
        ],
    )
    s.table(result.champion.bands, "Champion bands on the holdout")
    sections.append(s)

    cal = result.champion.calibration
    s = Section(
        "Calibration",
        [
            f"Brier score {cal['brier']:.5f}; observed bad rate {cal['observed_bad_rate']:.3%} against "
            "mean PD "
            f"{cal['mean_pd']:.3%} (calibration in the large {cal['calibration_in_the_large']:.2f}); "
            "Hosmer–Lemeshow "
            f"χ² {cal['hosmer_lemeshow']:.2f}, p = {cal['hosmer_lemeshow_p_value']:.3f}. Per band, a "
            "binomial test of "
            "the observed bads against the mean PD is in the band table.",
        ],
    )
    s.figure(plots.calibration_plot(result.champion.bands), "Calibration by band")
    sections.append(s)

    s = Section(
        "Stability",
        [
            f"Score PSI train → holdout {result.champion.score_psi:.4f} "
            f"({result.champion.summary['score_psi_band']}); "
            "bands: below 0.10 stable, 0.10–0.25 investigate, 0.25 and above review. CSI per "
            "characteristic uses "
            "the champion's bins.",
        ],
    )
    s.table(result.champion.score_psi_table, "Score distribution, train vs holdout (training deciles)")
    s.table(result.csi, "Characteristic stability (CSI)")
    s.table(result.iv, "Information value, train and holdout")
    sections.append(s)

    codes = pd.DataFrame(
        [
            {
                "code": code,
                "variable": var,
                "text": context.reason_texts.get(code, f"{var} is in a riskier range than the best one"),
            }
            for var, code in champ.reason_codes.items()
            if var in champ.selected
        ]
    )
    riskiest = Xh.assign(_score=scores_h).nsmallest(8, "_score")
    examples = pd.concat(
        [
            holdout.loc[riskiest.index, list(roles.keys)].reset_index(drop=True),
            pd.DataFrame(
                {"score": np.round(riskiest["_score"].to_numpy()), "pd": champ.predict_pd(riskiest)}
            ),
            champ.reasons(riskiest, cfg.reason_codes_top).reset_index(drop=True),
        ],
        axis=1,
    )
    importance = result.shap.abs().mean().sort_values(ascending=False)
    s = Section(
        "Explanations and reason codes",
        [
            "Reason codes: for each client, the selected variables ranked by the points lost against "
            "that variable's "
            f"best bin; the top {cfg.reason_codes_top} with a shortfall are reported. A client in the "
            "best bin of "
            "every variable gets none.",
            f"Challenger explanations: SHAP TreeExplainer on {len(result.shap)} holdout rows; additivity "
            "checked "
            f"(largest |Σ SHAP + E − log-odds| = {result.shap_additivity_gap:.2e}).",
        ],
    )
    s.table(codes, "Reason-code table")
    s.table(examples, "Reason codes of the riskiest holdout rows")
    s.figure(
        plots.bar_plot(
            list(champ.selected),
            [champ.binnings[c].iv for c in champ.selected],
            "Champion: information value",
            "IV",
        ),
        "IV of the champion's variables",
    )
    s.figure(plots.shap_summary_plot(result.shap, result.shap_features), "SHAP summary")
    s.table(
        pd.DataFrame({"feature": importance.index, "mean_abs_shap": importance.to_numpy()}),
        "Challenger: mean |SHAP| (log-odds)",
    )
    sections.append(s)

    gap = result.challenger.summary["auc"] - result.champion.summary["auc"]
    s = Section(
        "Champion versus challenger",
        [
            "The unconstrained gradient-boosting challenger reaches holdout AUC "
            f"{result.challenger.summary['auc']:.3f} "
            f"against the scorecard's {result.champion.summary['auc']:.3f} (gap {gap:+.3f}). The "
            "challenger is a "
            "benchmark: a material positive gap would say the scorecard leaves signal behind; it is not "
            "itself a "
            "candidate for production because its points cannot be tabulated for clients.",
        ],
    )
    s.table(_performance_table(result), "Side by side")
    if len(result.disagreement):
        s.table(result.disagreement, "Where they disagree: holdout rows by champion and challenger band")
    sections.append(s)

    s = Section(
        "Sensitivity",
        [
            "Each variable set to neutral (WoE 0) in turn: the holdout AUC without it and the "
            "average score move it causes."
        ],
    )
    s.table(result.sensitivity, "Drop-one sensitivity")
    sections.append(s)

    sections.append(Section("Limitations", context.limitations or ["None recorded."]))
    sections.append(
        Section(
            "Ongoing monitoring",
            context.monitoring
            or [
                "Score PSI of the live scores against the training distribution, daily; CSI monthly; "
                "AUC/KS quarterly once "
                "outcomes mature. Retraining weekly; promotion only through the gate."
            ],
        )
    )
    lineage = pd.DataFrame([{"input": k, "fingerprint": str(v)} for k, v in (context.lineage or {}).items()])
    s = Section("Decision and lineage", [decision.summary])
    if result.production_version:
        s.paragraphs.append(
            f"Current production champion compared on the same holdout: {result.production_version}."
        )
    if len(lineage):
        s.table(lineage, "Inputs this version saw")
    sections.append(s)
    title = f"Model scorecard: {context.title}, version {meta['version']}"
    return render(title, decision.promote, decision.reasons, facts, sections)
