"""The scorecard's figures as base64 PNG, so the HTML needs no other file and no network."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
import pandas as pd


def _figure(width: float = 5.2, height: float = 3.4):
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    return plt, fig, ax


def _png(plt, fig) -> str:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def roc_plot(curves: dict[str, tuple[np.ndarray, np.ndarray]]) -> str:
    """ROC curves: name → (false positive rate, true positive rate)."""
    plt, fig, ax = _figure()
    for name, (fpr, tpr) in curves.items():
        ax.plot(fpr, tpr, label=name)
    ax.plot([0, 1], [0, 1], "--", color="grey", linewidth=0.8)
    ax.set_xlabel("False positive rate (goods)")
    ax.set_ylabel("True positive rate (bads)")
    ax.set_title("ROC on the out-of-time holdout")
    ax.legend(loc="lower right", fontsize=8)
    return _png(plt, fig)


def ks_plot(thresholds: np.ndarray, bads: np.ndarray, goods: np.ndarray) -> str:
    plt, fig, ax = _figure()
    x = np.arange(len(thresholds)) / max(len(thresholds) - 1, 1)
    ax.plot(x, bads, label="bads (cumulative share)")
    ax.plot(x, goods, label="goods (cumulative share)")
    k = int(np.argmax(bads - goods))
    ax.vlines(x[k], goods[k], bads[k], colors="red", label=f"KS = {bads[k] - goods[k]:.3f}")
    ax.set_xlabel("Population share, riskiest first")
    ax.set_ylabel("Cumulative share")
    ax.set_title("KS curve on the holdout")
    ax.legend(fontsize=8)
    return _png(plt, fig)


def score_distribution_plot(score: np.ndarray, y: np.ndarray, label: str = "Score") -> str:
    plt, fig, ax = _figure()
    score, y = np.asarray(score, dtype=float), np.asarray(y)
    bins = np.histogram_bin_edges(score[np.isfinite(score)], bins=30)
    ax.hist(score[y == 0], bins=bins, alpha=0.6, density=True, label="goods")
    if (y == 1).any():
        ax.hist(score[y == 1], bins=bins, alpha=0.6, density=True, label="bads")
    ax.set_xlabel(label)
    ax.set_ylabel("Density")
    ax.set_title(f"{label} distribution by outcome")
    ax.legend(fontsize=8)
    return _png(plt, fig)


def calibration_plot(table: pd.DataFrame) -> str:
    """Observed bad rate against mean PD per band (columns mean_pd, bad_rate, count)."""
    plt, fig, ax = _figure()
    t = table[table["count"] > 0]
    top = float(max(t["mean_pd"].max(), t["bad_rate"].max(), 1e-3)) * 1.1
    ax.plot([0, top], [0, top], "--", color="grey", linewidth=0.8)
    ax.scatter(t["mean_pd"], t["bad_rate"], s=np.clip(t["count"] / t["count"].max() * 200, 15, 200))
    for _, r in t.iterrows():
        ax.annotate(str(r["band"]), (r["mean_pd"], r["bad_rate"]), fontsize=8)
    ax.set_xlabel("Mean predicted PD")
    ax.set_ylabel("Observed bad rate")
    ax.set_title("Calibration by band")
    return _png(plt, fig)


def bar_plot(names: Sequence[str], values: Sequence[float], title: str, xlabel: str) -> str:
    plt, fig, ax = _figure(5.2, max(2.0, 0.3 * len(names) + 1))
    order = np.argsort(values)
    ax.barh([names[i] for i in order], [values[i] for i in order])
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return _png(plt, fig)


def shap_summary_plot(shap_values: pd.DataFrame, features: pd.DataFrame, max_features: int = 12) -> str:
    """Beeswarm-like summary: each dot a row, x its SHAP value, colour its feature value's rank."""
    plt, fig, ax = _figure(5.6, 0.35 * min(max_features, shap_values.shape[1]) + 1.5)
    order = shap_values.abs().mean().sort_values(ascending=False).index[:max_features][::-1]
    rng = np.random.default_rng(0)
    for i, col in enumerate(order):
        sv = shap_values[col].to_numpy()
        raw = pd.to_numeric(features[col], errors="coerce")
        colour = raw.rank(pct=True).fillna(0.5).to_numpy()
        ax.scatter(sv, i + rng.uniform(-0.25, 0.25, len(sv)), c=colour, cmap="coolwarm", s=6, alpha=0.7)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order, fontsize=8)
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_xlabel("SHAP value (log-odds of bad); colour: feature value low→high")
    ax.set_title("Challenger SHAP summary")
    return _png(plt, fig)
