"""Discrimination and calibration metrics for a binary outcome, with bootstrap confidence intervals.

Formulas follow the model-validation references: Gini = 2·AUC − 1, KS = max(TPR − FPR) over the
ROC curve (the largest gap between the cumulative score distributions of bads and goods), Brier =
mean((p − y)²). Every function takes the PD (higher = riskier) and the outcome (1 = bad).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import roc_curve


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve (Mann–Whitney on mid-ranks, ties count half); NaN for one class.

    Equal to sklearn's roc_auc_score, without its input validation: the bootstrap calls it thousands
    of times.
    """
    from scipy.stats import rankdata

    y = np.asarray(y)
    n_bad = int((y == 1).sum())
    n_good = len(y) - n_bad
    if n_bad == 0 or n_good == 0:
        return float("nan")
    ranks = rankdata(np.asarray(p, dtype=float))
    return float((ranks[y == 1].sum() - n_bad * (n_bad + 1) / 2.0) / (n_bad * n_good))


def gini(y: np.ndarray, p: np.ndarray) -> float:
    """Accuracy ratio (Somers' D): 2·AUC − 1."""
    return 2.0 * auc(y, p) - 1.0


def ks_statistic(y: np.ndarray, p: np.ndarray) -> float:
    """Kolmogorov–Smirnov distance between the bads' and the goods' score distributions."""
    y = np.asarray(y)
    n_bad = int((y == 1).sum())
    n_good = len(y) - n_bad
    if n_bad == 0 or n_good == 0:
        return float("nan")
    order = np.argsort(-np.asarray(p, dtype=float), kind="stable")
    p_sorted, y_sorted = np.asarray(p, dtype=float)[order], y[order]
    tpr = np.cumsum(y_sorted == 1) / n_bad
    fpr = np.cumsum(y_sorted != 1) / n_good
    last_of_tie = np.r_[np.diff(p_sorted) != 0, True]  # thresholds fall between distinct scores only
    return float(np.max(tpr[last_of_tie] - fpr[last_of_tie]))


def ks_curve(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thresholds and the cumulative shares of bads and goods at or above each: the KS plot."""
    fpr, tpr, thresholds = roc_curve(np.asarray(y), np.asarray(p))
    return thresholds, tpr, fpr


def brier(y: np.ndarray, p: np.ndarray) -> float:
    """Mean squared error of the PD against the 0/1 outcome."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    return float(np.mean((p - y) ** 2))


@dataclass(frozen=True)
class Interval:
    """A point estimate with its bootstrap percentile interval."""

    value: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


def bootstrap_ci(
    metric: Callable[[np.ndarray, np.ndarray], float],
    y: np.ndarray,
    p: np.ndarray,
    n_boot: int = 200,
    level: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Percentile interval from resampling rows with replacement, stratified by outcome so every
    resample holds both classes (a rare-event holdout would otherwise yield undefined draws)."""
    y, p = np.asarray(y), np.asarray(p)
    value = metric(y, p)
    bads, goods = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    if len(bads) == 0 or len(goods) == 0 or n_boot <= 0:
        return Interval(value, float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_boot):
        idx = np.concatenate(
            [rng.choice(bads, size=len(bads), replace=True), rng.choice(goods, size=len(goods), replace=True)]
        )
        draws.append(metric(y[idx], p[idx]))
    alpha = (1.0 - level) / 2.0
    low, high = np.nanquantile(draws, [alpha, 1.0 - alpha])
    return Interval(value, float(low), float(high))


def hosmer_lemeshow(y: np.ndarray, p: np.ndarray, groups: int = 10) -> tuple[float, float]:
    """Hosmer–Lemeshow χ² over PD deciles and its p-value (df = groups − 2)."""
    from scipy.stats import chi2

    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    stat, used = 0.0, 0
    for chunk in np.array_split(order, groups):
        if len(chunk) == 0:
            continue
        n, observed, expected = len(chunk), y[chunk].sum(), p[chunk].sum()
        denom = expected * (1.0 - expected / n)
        if denom > 0:
            stat += (observed - expected) ** 2 / denom
            used += 1
    df = max(used - 2, 1)
    return float(stat), float(chi2.sf(stat, df))


def precision_at_k(y: np.ndarray, scores: np.ndarray, k: int) -> float:
    """Share of true cases among the k highest scores."""
    y, scores = np.asarray(y), np.asarray(scores)
    if k <= 0 or len(y) == 0:
        return float("nan")
    top = np.argsort(-scores, kind="stable")[:k]
    return float(np.mean(y[top]))
