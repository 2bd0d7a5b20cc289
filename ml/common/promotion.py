"""The promotion decision: thresholds first, then the current champion on the same holdout.

A pure function of numbers, so the blocking check, the scorecard and the tests agree on why.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class PromotionThresholds:
    """What a candidate must reach on the holdout before it can replace anything."""

    min_auc: float = 0.65
    min_ks: float = 0.20
    max_score_psi: float = 0.25
    require_monotone_bands: bool = True
    min_auc_gain: float = 0.0  # over the champion on the same holdout

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Decision:
    promote: bool
    reasons: list[str] = field(default_factory=list)
    candidate_version: str = ""
    champion_version: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def summary(self) -> str:
        verdict = "PROMOTED" if self.promote else "NOT PROMOTED"
        return f"{verdict}: " + " ".join(self.reasons)


def decide(
    candidate: dict[str, float],
    thresholds: PromotionThresholds,
    champion: dict[str, float] | None = None,
    candidate_version: str = "",
    champion_version: str | None = None,
) -> Decision:
    """`candidate` and `champion` hold holdout metrics: auc, ks, score_psi, bands_monotone (0/1)."""
    reasons: list[str] = []
    failed = False
    auc, ks = candidate.get("auc", math.nan), candidate.get("ks", math.nan)
    if not (auc >= thresholds.min_auc):
        failed = True
        reasons.append(f"Holdout AUC {auc:.3f} is below the minimum {thresholds.min_auc:.3f}.")
    if not (ks >= thresholds.min_ks):
        failed = True
        reasons.append(f"Holdout KS {ks:.3f} is below the minimum {thresholds.min_ks:.3f}.")
    psi = candidate.get("score_psi", 0.0)
    if psi > thresholds.max_score_psi:
        failed = True
        reasons.append(f"Score PSI train→holdout {psi:.3f} exceeds {thresholds.max_score_psi:.2f}.")
    if thresholds.require_monotone_bands and not candidate.get("bands_monotone", 1.0):
        failed = True
        reasons.append("Bad rates are not monotone across the score bands.")
    if not failed:
        reasons.append(
            f"Thresholds met (AUC {auc:.3f} ≥ {thresholds.min_auc:.3f}, KS {ks:.3f} ≥ "
            f"{thresholds.min_ks:.3f})."
        )
    if champion is None:
        if not failed:
            reasons.append("No champion in production: the candidate becomes the first champion.")
    else:
        champ_auc = champion.get("auc", math.nan)
        if math.isnan(champ_auc):
            reasons.append(f"The champion {champion_version} could not be scored on this holdout.")
        elif auc > champ_auc + thresholds.min_auc_gain:
            reasons.append(
                f"Beats champion {champion_version} on the same holdout: AUC {auc:.3f} vs {champ_auc:.3f}."
            )
        else:
            failed = True
            reasons.append(
                f"Does not beat champion {champion_version} on the same holdout: AUC {auc:.3f} vs "
                f"{champ_auc:.3f} (a gain above {thresholds.min_auc_gain:.3f} is required); the champion "
                "stays."
            )
    return Decision(not failed, reasons, candidate_version, champion_version)
