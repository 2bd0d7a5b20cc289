"""Holdout evaluation of a PD model: discrimination with intervals, calibration, bands, stability.

Bands come from a PD master scale (fixed PD cut points, the same for every model and version),
so band bad rates compare across versions and between champion and challenger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_curve

from ml.common import metrics
from ml.common.psi import bin_shares, psi_from_shares, quantile_edges, stability_band

DEFAULT_MASTER_SCALE = (0.0025, 0.005, 0.01, 0.02, 0.05, 0.10, 0.20)


@dataclass(frozen=True)
class EvaluationConfig:
    master_scale: tuple[float, ...] = DEFAULT_MASTER_SCALE
    n_boot: int = 200
    seed: int = 0
    psi_bins: int = 10

    @property
    def band_names(self) -> list[str]:
        return [chr(ord("A") + i) for i in range(len(self.master_scale) + 1)]


def band_of_pd(pd_values: np.ndarray, cfg: EvaluationConfig = EvaluationConfig()) -> np.ndarray:
    """Master-scale band of each PD: A below the first cut point, then one letter per cut."""
    idx = np.searchsorted(np.asarray(cfg.master_scale), np.asarray(pd_values, dtype=float), side="right")
    return np.asarray(cfg.band_names, dtype=object)[idx]


def band_table(
    y: np.ndarray, pd_values: np.ndarray, score: np.ndarray, cfg: EvaluationConfig
) -> pd.DataFrame:
    """Per band: count, shares, bads, bad rate, mean PD and score, bad capture, odds, binomial test."""
    from scipy.stats import binomtest

    y, p = np.asarray(y, dtype=int), np.asarray(pd_values, dtype=float)
    bands = band_of_pd(p, cfg)
    cuts = [0.0, *cfg.master_scale, 1.0]
    rows = []
    total, total_bads = len(y), max(int(y.sum()), 1)
    for i, name in enumerate(cfg.band_names):
        m = bands == name
        n, b = int(m.sum()), int(y[m].sum())
        mean_pd = float(p[m].mean()) if n else float("nan")
        test = (
            binomtest(b, n, min(max(mean_pd, 1e-9), 1 - 1e-9), alternative="greater").pvalue
            if n
            else float("nan")
        )
        rows.append(
            {
                "band": name,
                "pd_range": f"[{cuts[i]:.2%}, {cuts[i + 1]:.2%})",
                "count": n,
                "share": n / total if total else float("nan"),
                "bads": b,
                "bad_rate": b / n if n else float("nan"),
                "mean_pd": mean_pd,
                "mean_score": float(np.mean(np.asarray(score)[m])) if n else float("nan"),
                "good_bad_odds": (n - b) / b if b else float("inf") if n else float("nan"),
                "binomial_p_value": float(test),
            }
        )
    t = pd.DataFrame(rows)
    t["cumulative_share"] = t["count"].cumsum() / max(total, 1)
    t["bad_capture_riskiest_first"] = t["bads"][::-1].cumsum()[::-1] / total_bads
    return t


def band_reversals(table: pd.DataFrame, min_rows: int = 30, alpha: float = 0.05) -> list[str]:
    """Adjacent bands (of at least `min_rows` rows) where the safer band has the higher bad rate
    by more than noise: a one-sided two-proportion z-test below `alpha`. A reversal of a few bads
    between neighbouring bands is sampling error, not a broken rank order."""
    from scipy.stats import norm

    t = table[table["count"] >= min_rows].reset_index(drop=True)
    found = []
    for i in range(len(t) - 1):
        a, b = t.iloc[i], t.iloc[i + 1]
        if a["bad_rate"] <= b["bad_rate"]:
            continue
        pooled = (a["bads"] + b["bads"]) / (a["count"] + b["count"])
        se = np.sqrt(pooled * (1 - pooled) * (1 / a["count"] + 1 / b["count"]))
        p_value = float(norm.sf((a["bad_rate"] - b["bad_rate"]) / se)) if se > 0 else 0.0
        if p_value < alpha:
            found.append(
                f"{a['band']} ({a['bad_rate']:.2%}) above {b['band']} ({b['bad_rate']:.2%}), p = "
                f"{p_value:.3f}"
            )
    return found


def bands_monotone(table: pd.DataFrame, min_rows: int = 30) -> bool:
    """Bad rates rank-order the bands: no significant reversal between neighbouring bands."""
    return not band_reversals(table, min_rows)


def band_spearman(table: pd.DataFrame, min_rows: int = 30) -> float:
    """Spearman ρ between band order and bad rate (1 = perfectly rising with risk)."""
    from scipy.stats import spearmanr

    t = table[table["count"] >= min_rows]
    if len(t) < 3:
        return float("nan")
    return float(spearmanr(np.arange(len(t)), t["bad_rate"].to_numpy()).statistic)


def discrimination(y: np.ndarray, p: np.ndarray, cfg: EvaluationConfig) -> dict[str, dict[str, float]]:
    return {
        "auc": metrics.bootstrap_ci(metrics.auc, y, p, cfg.n_boot, seed=cfg.seed).as_dict(),
        "gini": metrics.bootstrap_ci(metrics.gini, y, p, cfg.n_boot, seed=cfg.seed).as_dict(),
        "ks": metrics.bootstrap_ci(metrics.ks_statistic, y, p, cfg.n_boot, seed=cfg.seed).as_dict(),
    }


def calibration(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    hl, hl_p = metrics.hosmer_lemeshow(y, p)
    mean_pd = float(p.mean()) if len(p) else float("nan")
    return {
        "brier": metrics.brier(y, p),
        "observed_bad_rate": float(y.mean()) if len(y) else float("nan"),
        "mean_pd": mean_pd,
        "calibration_in_the_large": float(y.mean() / mean_pd) if mean_pd else float("nan"),
        "hosmer_lemeshow": hl,
        "hosmer_lemeshow_p_value": hl_p,
    }


def score_psi(
    train_score: np.ndarray, other_score: np.ndarray, n_bins: int = 10
) -> tuple[float, pd.DataFrame]:
    """PSI of the score on deciles of the training score, with the per-bin table."""
    edges = quantile_edges(train_score, n_bins)
    e, a = bin_shares(train_score, edges), bin_shares(other_score, edges)
    labels = [f"≤ {v:.1f}" for v in edges] + ["above", "missing"]
    es, as_ = e / max(e.sum(), 1), a / max(a.sum(), 1)
    table = pd.DataFrame({"score_bin": labels, "train_share": es, "holdout_share": as_})
    table = table[(table["train_share"] > 0) | (table["holdout_share"] > 0)]
    return psi_from_shares(e, a), table


def csi_by_bins(index_train: np.ndarray, index_other: np.ndarray, n_bins: int) -> float:
    """CSI of one characteristic from the bin numbers of each row (−1: no bin)."""
    e = np.bincount(np.asarray(index_train) + 1, minlength=n_bins + 1)
    a = np.bincount(np.asarray(index_other) + 1, minlength=n_bins + 1)
    return psi_from_shares(e, a)


def roc_points(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    fpr, tpr, _ = roc_curve(np.asarray(y), np.asarray(p))
    return fpr, tpr


@dataclass
class ModelEvaluation:
    """All holdout numbers of one model, JSON-ready in `summary`."""

    name: str
    discrimination: dict[str, dict[str, float]]
    calibration: dict[str, float]
    bands: pd.DataFrame
    score_psi: float
    score_psi_table: pd.DataFrame
    train_discrimination: dict[str, float] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, Any]:
        return {
            "auc": self.discrimination["auc"]["value"],
            "gini": self.discrimination["gini"]["value"],
            "ks": self.discrimination["ks"]["value"],
            "score_psi": self.score_psi,
            "score_psi_band": stability_band(self.score_psi),
            "bands_monotone": float(bands_monotone(self.bands)),
            "band_spearman": band_spearman(self.bands),
            "band_reversals": band_reversals(self.bands),
            **{f"{k}_ci": v for k, v in self.discrimination.items()},
            **self.calibration,
            **{f"train_{k}": v for k, v in self.train_discrimination.items()},
        }


def evaluate_model(
    name: str,
    y_train: np.ndarray,
    pd_train: np.ndarray,
    score_train: np.ndarray,
    y_holdout: np.ndarray,
    pd_holdout: np.ndarray,
    score_holdout: np.ndarray,
    cfg: EvaluationConfig = EvaluationConfig(),
) -> ModelEvaluation:
    psi_value, psi_table = score_psi(score_train, score_holdout, cfg.psi_bins)
    return ModelEvaluation(
        name=name,
        discrimination=discrimination(y_holdout, pd_holdout, cfg),
        calibration=calibration(y_holdout, pd_holdout),
        bands=band_table(y_holdout, pd_holdout, score_holdout, cfg),
        score_psi=psi_value,
        score_psi_table=psi_table,
        train_discrimination={
            "auc": metrics.auc(y_train, pd_train),
            "gini": metrics.gini(y_train, pd_train),
            "ks": metrics.ks_statistic(y_train, pd_train),
        },
    )
