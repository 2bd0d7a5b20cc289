"""Monotonic optimal WoE binning of one characteristic, on numpy alone.

Why our own and not optbinning: the same monotone result for the needs here (pre-binning at
quantiles, the event rate forced monotone by pooling adjacent violators, bins merged until each has
both outcomes and a minimum share, the direction picked by the larger IV) without pulling a MIP
solver (ortools, 80 MB) into the platform, and with the zero-cell rule stated rather than implied.

Convention (stored in every model's metadata): WoE = ln(%good / %bad), so a positive WoE is safer.
IV = Σ (%good − %bad) · WoE. A bin with no goods or no bads gets WoE from counts smoothed by 0.5.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

WOE_CONVENTION = "woe = ln(share_of_goods / share_of_bads); positive = lower risk"
MISSING = "Missing"
OTHER = "Other"


@dataclass
class Bin:
    """One bin: a numeric interval (lower, upper], a set of categories, or the missing values."""

    label: str
    count: int
    events: int
    lower: float | None = None
    upper: float | None = None
    categories: list[str] | None = None
    is_missing: bool = False
    woe: float = 0.0
    iv: float = 0.0

    @property
    def non_events(self) -> int:
        return self.count - self.events

    @property
    def event_rate(self) -> float:
        return self.events / self.count if self.count else float("nan")


def woe_iv(goods: np.ndarray, bads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WoE and IV contribution per bin; zero cells are smoothed by 0.5 so both stay finite."""
    g, b = np.asarray(goods, dtype=float), np.asarray(bads, dtype=float)
    if (g == 0).any() or (b == 0).any():
        g, b = g + 0.5 * ((g == 0) | (b == 0)), b + 0.5 * ((g == 0) | (b == 0))
    gs, bs = g / g.sum(), b / b.sum()
    woe = np.log(gs / bs)
    return woe, (gs - bs) * woe


def information_value(goods: np.ndarray, bads: np.ndarray) -> float:
    return float(woe_iv(goods, bads)[1].sum())


@dataclass
class VariableBinning:
    """The fitted bins of one variable, and how to place new values in them."""

    name: str
    kind: str  # "numeric" or "categorical"
    bins: list[Bin] = field(default_factory=list)
    trend: str = "none"

    @property
    def iv(self) -> float:
        return float(sum(b.iv for b in self.bins))

    def index(self, values: Any) -> np.ndarray:
        """Bin number of each value; −1 for a missing or unseen value without a bin of its own."""
        regular = [i for i, b in enumerate(self.bins) if not b.is_missing]
        missing = next((i for i, b in enumerate(self.bins) if b.is_missing), -1)
        if self.kind == "numeric":
            x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
            uppers = np.array([self.bins[i].upper for i in regular[:-1]], dtype=float)
            out = np.asarray(regular)[np.searchsorted(uppers, np.nan_to_num(x), side="left")]
            return np.where(np.isnan(x), missing, out)
        s = pd.Series(values, dtype="object")
        lookup = {c: i for i in regular for c in (self.bins[i].categories or [])}
        other = next((i for i in regular if OTHER in (self.bins[i].categories or [])), -1)
        return np.array(
            [
                missing if v is None or (isinstance(v, float) and np.isnan(v)) else lookup.get(str(v), other)
                for v in s
            ],
            dtype=int,
        )

    def transform(self, values: Any) -> np.ndarray:
        """WoE of each value; 0 (neutral) for a value with no bin."""
        idx = self.index(values)
        woes = np.array([b.woe for b in self.bins] + [0.0])
        return woes[np.where(idx < 0, len(self.bins), idx)]

    def table(self) -> pd.DataFrame:
        total = sum(b.count for b in self.bins) or 1
        return pd.DataFrame(
            [
                {
                    "variable": self.name,
                    "bin_id": i,
                    "bin": b.label,
                    "count": b.count,
                    "count_share": b.count / total,
                    "goods": b.non_events,
                    "bads": b.events,
                    "bad_rate": b.event_rate,
                    "woe": b.woe,
                    "iv": b.iv,
                }
                for i, b in enumerate(self.bins)
            ]
        )


@dataclass(frozen=True)
class BinningConfig:
    """How fine the bins may get: the defaults suit a few thousand rows with a rare event."""

    prebins: int = 20
    max_bins: int = 6
    min_bin_share: float = 0.05
    min_bin_events: int = 1


def _pava(counts: list[int], events: list[int], ascending: bool) -> list[list[int]]:
    """Pool adjacent violators: groups of consecutive pre-bins whose event rates are monotone."""
    blocks: list[list[int]] = []
    for i in range(len(counts)):
        blocks.append([i])
        while len(blocks) > 1:
            a, b = blocks[-2], blocks[-1]
            ra = sum(events[j] for j in a) / max(sum(counts[j] for j in a), 1)
            rb = sum(events[j] for j in b) / max(sum(counts[j] for j in b), 1)
            if (ra > rb) if ascending else (ra < rb):
                blocks[-2:] = [a + b]
            else:
                break
    return blocks


def _merge(groups: list[list[int]], i: int) -> list[list[int]]:
    """Merge group i with group i + 1."""
    return [*groups[:i], groups[i] + groups[i + 1], *groups[i + 2 :]]


def _sums(groups: list[list[int]], values: list[int]) -> list[int]:
    return [sum(values[j] for j in g) for g in groups]


def _refine(
    groups: list[list[int]], counts: list[int], events: list[int], cfg: BinningConfig
) -> list[list[int]]:
    """Merge adjacent groups until each is large enough, holds both outcomes, and few enough remain.

    Merging neighbours of a monotone sequence keeps it monotone, so the trend survives.
    """
    total = sum(counts)

    def weak(g_counts: list[int], g_events: list[int]) -> list[int]:
        return [
            k
            for k, (n, e) in enumerate(zip(g_counts, g_events, strict=True))
            if n < cfg.min_bin_share * total or e < cfg.min_bin_events or n - e < 1
        ]

    while len(groups) > 1:
        n, e = _sums(groups, counts), _sums(groups, events)
        bad = weak(n, e)
        if bad:
            k = min(bad, key=lambda k: n[k])
            if k == 0:
                groups = _merge(groups, 0)
            elif k == len(groups) - 1:
                groups = _merge(groups, k - 1)
            else:  # towards the neighbour with the closer event rate
                rate = [ei / max(ni, 1) for ni, ei in zip(n, e, strict=True)]
                left = abs(rate[k] - rate[k - 1]) <= abs(rate[k] - rate[k + 1])
                groups = _merge(groups, k - 1 if left else k)
            continue
        if len(groups) <= cfg.max_bins:
            break
        # too many bins: merge the adjacent pair whose merge loses the least IV
        best, best_iv = 0, -np.inf
        for k in range(len(groups) - 1):
            trial = _merge(groups, k)
            tn, te = np.array(_sums(trial, counts)), np.array(_sums(trial, events))
            iv = information_value(tn - te, te)
            if iv > best_iv:
                best, best_iv = k, iv
        groups = _merge(groups, best)
    return groups


def _finish(binning: VariableBinning) -> VariableBinning:
    goods = np.array([b.non_events for b in binning.bins])
    bads = np.array([b.events for b in binning.bins])
    if bads.sum() > 0 and goods.sum() > 0:
        woe, iv = woe_iv(goods, bads)
        for b, w, v in zip(binning.bins, woe, iv, strict=True):
            b.woe, b.iv = float(w), float(v)
    return binning


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def fit_numeric(
    name: str, x: np.ndarray, y: np.ndarray, cfg: BinningConfig = BinningConfig()
) -> VariableBinning:
    """Monotone bins of a numeric variable; the trend (ascending or descending) with the larger IV."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=int)
    present = ~np.isnan(x)
    xv, yv = x[present], y[present]
    binning = VariableBinning(name, "numeric")
    if len(xv):
        edges = np.unique(np.quantile(xv, np.linspace(0, 1, cfg.prebins + 1))[1:-1])
        idx = np.searchsorted(edges, xv, side="left")
        counts = np.bincount(idx, minlength=len(edges) + 1).tolist()
        events = np.bincount(idx, weights=yv, minlength=len(edges) + 1).astype(int).tolist()
        keep = [k for k, n in enumerate(counts) if n > 0]
        uppers = [*edges.tolist(), np.inf]
        counts, events = [counts[k] for k in keep], [events[k] for k in keep]
        uppers = [uppers[k] for k in keep]
        best: tuple[float, list[list[int]], str] | None = None
        for ascending in (True, False):
            groups = _refine(_pava(counts, events, ascending), counts, events, cfg)
            n, e = np.array(_sums(groups, counts)), np.array(_sums(groups, events))
            iv = information_value(n - e, e) if e.sum() and (n - e).sum() else 0.0
            if best is None or iv > best[0] + 1e-12:
                best = (iv, groups, "ascending" if ascending else "descending")
        assert best is not None
        _, groups, binning.trend = best
        if len(groups) == 1:
            binning.trend = "none"
        lower = -np.inf
        for g in groups:
            upper = uppers[g[-1]]
            if g is groups[-1]:
                upper = np.inf
            n, e = sum(counts[j] for j in g), sum(events[j] for j in g)
            label = f"({_fmt(lower)}, {_fmt(upper)}]" if np.isfinite(upper) else f"({_fmt(lower)}, inf)"
            binning.bins.append(Bin(label, n, e, lower=float(lower), upper=float(upper)))
            lower = upper
    if (~present).any():
        binning.bins.append(Bin(MISSING, int((~present).sum()), int(y[~present].sum()), is_missing=True))
    return _finish(binning)


def fit_categorical(
    name: str, values: Any, y: np.ndarray, cfg: BinningConfig = BinningConfig()
) -> VariableBinning:
    """Categories ordered by event rate, then merged like ordered pre-bins; rare ones start as Other."""
    s = pd.Series(values, dtype="object")
    y = np.asarray(y, dtype=int)
    missing = s.isna().to_numpy()
    cats = s[~missing].astype(str)
    frame = pd.DataFrame({"c": cats.to_numpy(), "y": y[~missing]})
    stats = frame.groupby("c")["y"].agg(["count", "sum"])
    rare = stats.index[stats["count"] < cfg.min_bin_share * len(s) / 2].tolist()
    if rare:
        stats.loc[OTHER] = (
            stats.loc[rare].sum() if OTHER not in stats.index else stats.loc[[*rare, OTHER]].sum()
        )
        stats = stats.drop(index=[r for r in rare if r != OTHER])
    members = {c: ([*rare, OTHER] if c == OTHER else [c]) for c in stats.index}
    stats = stats.assign(rate=stats["sum"] / stats["count"]).sort_values("rate", kind="stable")
    counts, events = stats["count"].astype(int).tolist(), stats["sum"].astype(int).tolist()
    groups = _refine(_pava(counts, events, True), counts, events, cfg) if counts else []
    binning = VariableBinning(name, "categorical", trend="ordered by bad rate")
    order = stats.index.tolist()
    for g in groups:
        cats_in = [m for j in g for m in members[order[j]]]
        label = ", ".join(sorted(cats_in)) if len(cats_in) <= 6 else f"{len(cats_in)} categories"
        binning.bins.append(
            Bin(label, sum(counts[j] for j in g), sum(events[j] for j in g), categories=sorted(cats_in))
        )
    if missing.any():
        binning.bins.append(Bin(MISSING, int(missing.sum()), int(y[missing].sum()), is_missing=True))
    return _finish(binning)


def is_categorical(series: pd.Series) -> bool:
    """Text, boolean or category columns are categorical (pandas 3 text has dtype str, not object)."""
    return not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def fit_variable(
    name: str, series: pd.Series, y: np.ndarray, cfg: BinningConfig = BinningConfig()
) -> VariableBinning:
    if is_categorical(series):
        return fit_categorical(name, series.astype("object").where(series.notna(), None), y, cfg)
    return fit_numeric(name, series.to_numpy(dtype=float, na_value=np.nan), y, cfg)
