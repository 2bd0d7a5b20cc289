"""Population stability: PSI of a score and CSI of a characteristic, with the 0.10 / 0.25 bands.

PSI = Σ (A% − E%) · ln(A% / E%) over bins fixed on the development ("expected") sample. Empty
shares are floored at ε so a bin that appears or vanishes counts instead of being dropped.
"""

from __future__ import annotations

import numpy as np

EPSILON = 1e-4
MINOR_SHIFT, MAJOR_SHIFT = 0.10, 0.25


def psi_from_shares(expected: np.ndarray, actual: np.ndarray, eps: float = EPSILON) -> float:
    """PSI of two distributions over the same bins, each given as shares (or counts)."""
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    e = e / e.sum() if e.sum() > 0 else e
    a = a / a.sum() if a.sum() > 0 else a
    e, a = np.where(e <= 0, eps, e), np.where(a <= 0, eps, a)
    return float(np.sum((a - e) * np.log(a / e)))


def quantile_edges(expected: np.ndarray, n_bins: int = 10) -> np.ndarray:
    """Inner bin edges at the development sample's quantiles (deciles by default)."""
    values = np.asarray(expected, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return np.array([])
    return np.unique(np.quantile(values, np.linspace(0, 1, n_bins + 1))[1:-1])


def bin_shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts per bin (−∞, e1], (e1, e2], …, (ek, ∞), plus a last bin for missing values."""
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    idx = np.searchsorted(edges, values[finite], side="left")
    counts = np.bincount(idx, minlength=len(edges) + 1).astype(float)
    return np.append(counts, float((~finite).sum()))


def psi(expected: np.ndarray, actual: np.ndarray, n_bins: int = 10, eps: float = EPSILON) -> float:
    """PSI of `actual` against `expected`, on quantile bins of `expected`."""
    edges = quantile_edges(expected, n_bins)
    return psi_from_shares(bin_shares(expected, edges), bin_shares(actual, edges), eps)


def stability_band(value: float) -> str:
    """The traffic light of a PSI or CSI value."""
    if not np.isfinite(value):
        return "unknown"
    if value < MINOR_SHIFT:
        return "stable"
    if value < MAJOR_SHIFT:
        return "minor shift: investigate"
    return "major shift: review"
