"""How the anomaly model is judged: alerts under a daily budget against planted typologies.

The simulator's truth (truth/aml_typologies.csv: typology, account ids, window) is read only here,
to measure the model; no feature ever sees it. An account-day is planted when the account is one
of a typology's accounts and the day falls in its window. A typology is caught when at least one
of its planted account-days is alerted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ml.common.metrics import auc


@dataclass(frozen=True)
class BudgetConfig:
    """Alerts per day analysts can review, and the floor a score must clear to be alerted at all."""

    daily_budget: int = 3
    min_score_quantile: float = 0.95


def select_alerts(
    frame: pd.DataFrame, scores: np.ndarray, floor: float, budget: int, day_column: str = "activity_date"
) -> pd.DataFrame:
    """The top `budget` account-days per day by score among those at or above `floor`.

    Adds anomaly_score, daily_rank and threshold_value (the score at the budget: the lowest alerted
    score of the day, or the floor when fewer qualify)."""
    scored = frame.assign(anomaly_score=scores)
    scored = scored[scored["anomaly_score"] >= floor]
    scored = scored.sort_values([day_column, "anomaly_score"], ascending=[True, False], kind="stable")
    scored["daily_rank"] = scored.groupby(day_column).cumcount() + 1
    alerts = scored[scored["daily_rank"] <= budget].copy()
    alerts["threshold_value"] = alerts.groupby(day_column)["anomaly_score"].transform("min")
    return alerts


def load_typologies(path: Path) -> pd.DataFrame:
    """One row per typology and account: typology_id, typology, account_id, window_start, window_end."""
    raw = pd.read_csv(path, dtype=str)
    rows = []
    for _, r in raw.iterrows():
        for account in str(r["account_ids"]).split(";"):
            if account and account != "nan":
                rows.append(
                    {
                        "typology_id": r["typology_id"],
                        "typology": r["typology"],
                        "account_id": account,
                        "window_start": pd.Timestamp(r["window_start"]).date(),
                        "window_end": pd.Timestamp(r["window_end"]).date(),
                    }
                )
    return pd.DataFrame(rows, columns=["typology_id", "typology", "account_id", "window_start", "window_end"])


def planted_flags(
    frame: pd.DataFrame, typologies: pd.DataFrame, day_column: str = "activity_date"
) -> pd.Series:
    """Typology id of each account-day inside a planted window (None elsewhere)."""
    out = pd.Series([None] * len(frame), index=frame.index, dtype="object")
    for _, t in typologies.iterrows():
        m = (
            (frame["account_id"] == t["account_id"])
            & (frame[day_column] >= t["window_start"])
            & (frame[day_column] <= t["window_end"])
        )
        out[m & out.isna()] = t["typology_id"]
    return out


@dataclass
class AnomalyEvaluation:
    has_truth: bool
    alerts: int
    days: int
    precision_at_budget: float = float("nan")
    account_day_auc: float = float("nan")
    average_precision: float = float("nan")
    typology_recall: float = float("nan")
    per_typology: pd.DataFrame = field(default_factory=pd.DataFrame)
    planted_account_days: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "has_truth": self.has_truth,
            "alerts": self.alerts,
            "days": self.days,
            "precision_at_budget": self.precision_at_budget,
            "account_day_auc": self.account_day_auc,
            "average_precision": self.average_precision,
            "typology_recall": self.typology_recall,
            "planted_account_days": self.planted_account_days,
            "recall_per_typology": (
                {r["typology"]: r["caught"] for _, r in self.per_typology.iterrows()}
                if len(self.per_typology)
                else {}
            ),
        }


def evaluate_alerts(
    frame: pd.DataFrame,
    scores: np.ndarray,
    alerts: pd.DataFrame,
    typologies: pd.DataFrame | None,
    day_column: str = "activity_date",
) -> AnomalyEvaluation:
    days = int(frame[day_column].nunique()) if len(frame) else 0
    if typologies is None or typologies.empty:
        return AnomalyEvaluation(False, len(alerts), days)
    from sklearn.metrics import average_precision_score

    planted = planted_flags(frame, typologies, day_column)
    y = planted.notna().to_numpy().astype(int)
    alerted = frame.index.isin(alerts.index)
    rows = []
    for tid, group in typologies.groupby("typology_id", sort=True):
        m = (planted == tid).to_numpy()
        caught = bool((m & alerted).any())
        rows.append(
            {
                "typology_id": tid,
                "typology": group["typology"].iloc[0],
                "accounts": ", ".join(sorted(group["account_id"])),
                "window": f"{group['window_start'].min()} .. {group['window_end'].max()}",
                "planted_account_days": int(m.sum()),
                "alerted_account_days": int((m & alerted).sum()),
                "caught": 1.0 if caught else 0.0,
                "best_daily_rank": (
                    int(alerts.loc[alerts.index.isin(frame.index[m]), "daily_rank"].min()) if caught else None
                ),
            }
        )
    per = pd.DataFrame(rows)
    tp = int(y[alerted].sum())
    return AnomalyEvaluation(
        has_truth=True,
        alerts=len(alerts),
        days=days,
        precision_at_budget=tp / len(alerts) if len(alerts) else float("nan"),
        account_day_auc=auc(y, scores),
        average_precision=float(average_precision_score(y, scores)) if y.any() else float("nan"),
        typology_recall=float(per["caught"].mean()) if len(per) else float("nan"),
        per_typology=per,
        planted_account_days=int(y.sum()),
    )
