"""The champion: WoE-coded logistic regression scaled to points, with its selection funnel.

Steps: bin every candidate characteristic monotonically; drop those that say nothing (IV below
the floor, almost all missing, a single value), the weaker of any pair whose WoE correlate above
the limit, and any whose coefficient comes out with the wrong sign (with WoE coding every
coefficient must be negative: more WoE is safer); then the points table from the scaling.
Every exclusion is kept with its reason, for the committee's variable funnel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from ml.common.binning import BinningConfig, VariableBinning, fit_variable
from ml.common.scaling import ScoreScaling


class NoCharacteristicSelectedError(ValueError):
    """Every characteristic was dropped by the funnel: nothing to fit. Carries the funnel, so the
    operator sees why each one went (usually too few defaults in the sample for any IV to show)."""

    def __init__(self, funnel: list[dict[str, object]]) -> None:
        self.funnel = funnel
        super().__init__("no characteristic passed the selection funnel; the scorecard cannot be fitted")


@dataclass(frozen=True)
class SelectionConfig:
    """Funnel thresholds (Siddiqi's rules of thumb); IV above `suspicious_iv` is flagged, not dropped."""

    min_iv: float = 0.02
    max_missing_share: float = 0.95
    max_correlation: float = 0.7
    suspicious_iv: float = 0.5
    max_features: int = 12
    regularization_c: float = 1.0


@dataclass
class WoeScorecard:
    """A fitted scorecard: bins, coefficients and points; predicts PD, score, points and reasons."""

    scaling: ScoreScaling = field(default_factory=ScoreScaling)
    binning_config: BinningConfig = field(default_factory=BinningConfig)
    selection: SelectionConfig = field(default_factory=SelectionConfig)
    binnings: dict[str, VariableBinning] = field(default_factory=dict)
    selected: list[str] = field(default_factory=list)
    coefficients: dict[str, float] = field(default_factory=dict)
    intercept: float = 0.0
    funnel: list[dict[str, object]] = field(default_factory=list)
    reason_codes: dict[str, str] = field(default_factory=dict)
    standard_errors: dict[str, float] = field(default_factory=dict)

    def fit(self, X: pd.DataFrame, y: np.ndarray, reason_codes: dict[str, str] | None = None) -> WoeScorecard:
        y = np.asarray(y, dtype=int)
        self.reason_codes = reason_codes or {c: f"R{i + 1:02d}" for i, c in enumerate(X.columns)}
        self.funnel, candidates = [], []
        for col in X.columns:
            s = X[col]
            missing = float(s.isna().mean())
            binning = fit_variable(col, s, y, self.binning_config)
            self.binnings[col] = binning
            row: dict[str, object] = {
                "variable": col,
                "iv": binning.iv,
                "missing_share": missing,
                "bins": len(binning.bins),
                "trend": binning.trend,
            }
            if missing > self.selection.max_missing_share:
                row["decision"] = f"excluded: {missing:.0%} missing"
            elif s.nunique(dropna=True) <= 1:
                row["decision"] = "excluded: a single value"
            elif binning.iv < self.selection.min_iv:
                row["decision"] = f"excluded: IV {binning.iv:.3f} below {self.selection.min_iv}"
            else:
                row["decision"] = "candidate"
                candidates.append(col)
            if binning.iv > self.selection.suspicious_iv:
                row["flag"] = f"IV above {self.selection.suspicious_iv}: checked for leakage"
            self.funnel.append(row)
        woe = self._woe(X, candidates)
        kept: list[str] = []
        for col in sorted(candidates, key=lambda c: -self.binnings[c].iv):
            corr = [
                (k, abs(np.corrcoef(woe[col], woe[k])[0, 1])) for k in kept if woe[col].std() and woe[k].std()
            ]
            worst = max(corr, key=lambda t: t[1], default=None)
            if worst and worst[1] > self.selection.max_correlation:
                self._decide(col, f"excluded: WoE correlation {worst[1]:.2f} with {worst[0]} (higher IV)")
            elif len(kept) >= self.selection.max_features:
                self._decide(col, f"excluded: beyond the {self.selection.max_features} strongest")
            else:
                kept.append(col)
        while kept:
            model = LogisticRegression(C=self.selection.regularization_c, max_iter=2000)
            model.fit(woe[kept].to_numpy(), y)
            wrong = [c for c, b in zip(kept, model.coef_[0], strict=True) if b >= 0]
            if not wrong:
                break
            for c in wrong:
                self._decide(c, "excluded: coefficient with the wrong sign (riskier bins scored safer)")
            kept = [c for c in kept if c not in wrong]
        if not kept:
            raise NoCharacteristicSelectedError(self.funnel)
        for c in kept:
            self._decide(c, "selected")
        self.selected = kept
        self.coefficients = dict(zip(kept, map(float, model.coef_[0]), strict=True))
        self.intercept = float(model.intercept_[0])
        self.standard_errors = self._standard_errors(woe[kept].to_numpy(), y)
        return self

    def _decide(self, col: str, decision: str) -> None:
        for row in self.funnel:
            if row["variable"] == col:
                row["decision"] = decision

    def _woe(self, X: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
        return pd.DataFrame({c: self.binnings[c].transform(X[c]) for c in cols}, index=X.index)

    def _standard_errors(self, Z: np.ndarray, y: np.ndarray) -> dict[str, float]:
        """Wald standard errors from the inverse Fisher information (regularisation ignored)."""
        design = np.column_stack([np.ones(len(Z)), Z])
        p = 1.0 / (
            1.0 + np.exp(-(design @ np.r_[self.intercept, [self.coefficients[c] for c in self.selected]]))
        )
        info = design.T @ (design * (p * (1 - p))[:, None])
        try:
            cov = np.linalg.inv(info)
        except np.linalg.LinAlgError:
            return {}
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
        return {
            "(intercept)": float(se[0]),
            **{c: float(s) for c, s in zip(self.selected, se[1:], strict=True)},
        }

    def log_odds(self, X: pd.DataFrame) -> np.ndarray:
        woe = self._woe(X, self.selected)
        return self.intercept + woe.to_numpy() @ np.array([self.coefficients[c] for c in self.selected])

    def predict_pd(self, X: pd.DataFrame) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.log_odds(X)))

    def points(self, X: pd.DataFrame) -> pd.DataFrame:
        """Points of each client per selected variable; they add up to the (unrounded) score."""
        n = len(self.selected)
        return pd.DataFrame(
            {
                c: self.scaling.variable_points(
                    self.coefficients[c], self.binnings[c].transform(X[c]), self.intercept, n
                )
                for c in self.selected
            },
            index=X.index,
        )

    def score(self, X: pd.DataFrame) -> np.ndarray:
        return self.points(X).sum(axis=1).to_numpy()

    def points_table(self) -> pd.DataFrame:
        """Variable, bin, counts, bad rate, WoE, IV, coefficient and points: the scorecard itself."""
        n = len(self.selected)
        parts = []
        for c in self.selected:
            t = self.binnings[c].table()
            t["coefficient"] = self.coefficients[c]
            t["points"] = self.scaling.variable_points(
                self.coefficients[c], t["woe"].to_numpy(), self.intercept, n
            )
            t["reason_code"] = self.reason_codes.get(c, "")
            parts.append(t)
        return pd.concat(parts, ignore_index=True)

    def vif(self, X: pd.DataFrame) -> dict[str, float]:
        """Variance inflation of each selected WoE variable: the diagonal of the inverse correlation."""
        if len(self.selected) < 2:
            return dict.fromkeys(self.selected, 1.0)
        corr = np.corrcoef(self._woe(X, self.selected).to_numpy(), rowvar=False)
        try:
            return dict(zip(self.selected, map(float, np.diag(np.linalg.inv(corr))), strict=True))
        except np.linalg.LinAlgError:
            return dict.fromkeys(self.selected, float("inf"))

    def reasons(self, X: pd.DataFrame, top: int = 4) -> pd.DataFrame:
        """Top reason codes per client: see `reason_codes_from_points`."""
        best = {c: float(self.points_table().query("variable == @c")["points"].max()) for c in self.selected}
        return reason_codes_from_points(self.points(X), best, self.reason_codes, top)


def reason_codes_from_points(
    points: pd.DataFrame, best_points: dict[str, float], codes: dict[str, str], top: int = 4
) -> pd.DataFrame:
    """The variables that cost a client the most points against their best bin, largest first.

    shortfall(var) = max points of var − the client's points on var; a variable where the client
    already sits in the best bin gives no reason. Ties break by variable order, so codes are stable.
    """
    shortfall = pd.DataFrame({c: best_points[c] - points[c] for c in points.columns}, index=points.index)
    values = shortfall.to_numpy()
    order = np.argsort(-values, axis=1, kind="stable")
    out = {}
    for k in range(top):
        col = f"reason_code_{k + 1}"
        if k >= values.shape[1]:
            out[col] = [None] * len(points)
            continue
        picks = order[:, k]
        gaps = values[np.arange(len(points)), picks]
        out[col] = [codes[points.columns[j]] if g > 1e-9 else None for j, g in zip(picks, gaps, strict=True)]
    return pd.DataFrame(out, index=points.index)
