"""The generic trainers: a scorecard or an anomaly model on any CSV or Parquet table.

A risk team names the target and the column roles; the same steps as the platform's models run
and the same scorecard is written, so the method can be validated on its own or public data.
Split: out of time on a date column when one is named (the last `holdout_share` of dates held
out), otherwise a seeded stratified random split.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ml.common.binary_pipeline import BinaryTrainingConfig, ModelContext
from ml.common.binary_run import BinaryRunResult, run_binary
from ml.common.gates import FrameGateConfig, FrameRoles


def read_table(path: Path) -> pd.DataFrame:
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    if path.suffix.lower() in (".csv", ".txt", ".gz"):
        return pd.read_csv(path)
    raise ValueError(f"{path}: expected a .csv or .parquet file")


@dataclass
class TabularRoles:
    """Column roles named on the command line; features default to every other column."""

    target: str | None = None
    ids: list[str] = field(default_factory=list)
    date: str | None = None
    categorical: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    features: list[str] = field(default_factory=list)

    def resolve(self, frame: pd.DataFrame) -> list[str]:
        taken = {self.target, self.date, *self.ids, *self.exclude}
        feats = self.features or [c for c in frame.columns if c not in taken]
        missing = [
            c
            for c in [
                *feats,
                *self.ids,
                *([self.target] if self.target else []),
                *([self.date] if self.date else []),
            ]
            if c not in frame.columns
        ]
        if missing:
            raise ValueError(f"columns not in the file: {missing}; it has {list(frame.columns)}")
        return feats


def prepare(frame: pd.DataFrame, roles: TabularRoles) -> tuple[pd.DataFrame, list[str]]:
    feats = roles.resolve(frame)
    out = frame.copy()
    for c in roles.categorical:
        out[c] = out[c].astype("str").where(out[c].notna(), None)
    if not roles.ids:
        out.insert(0, "row_id", np.arange(len(out)))
        roles.ids = ["row_id"]
    if roles.date:
        out[roles.date] = pd.to_datetime(out[roles.date])
    return out, feats


def split(frame: pd.DataFrame, roles: TabularRoles, holdout_share: float, seed: int) -> pd.Series:
    if roles.date:
        cut = frame[roles.date].quantile(1 - holdout_share)
        return pd.Series(np.where(frame[roles.date] > cut, "holdout", "train"), index=frame.index)
    from sklearn.model_selection import train_test_split

    idx_train, _ = train_test_split(
        frame.index,
        test_size=holdout_share,
        random_state=seed,
        stratify=frame[roles.target] if roles.target else None,
    )
    return pd.Series(np.where(frame.index.isin(idx_train), "train", "holdout"), index=frame.index)


def train_scorecard_file(
    path: Path,
    home: Path,
    roles: TabularRoles,
    model_name: str = "tabular_scorecard",
    holdout_share: float = 0.3,
    seed: int = 0,
    cfg: BinaryTrainingConfig | None = None,
) -> BinaryRunResult:
    """Fit the scorecard and its challenger on a file; the version lands in <home>/ml/<model_name>/."""
    if not roles.target:
        raise ValueError("a scorecard needs --target, the 0/1 outcome column")
    frame, feats = prepare(read_table(path), roles)
    frame[roles.target] = pd.to_numeric(frame[roles.target], errors="raise").astype(int)
    sample = split(frame, roles, holdout_share, seed)
    cfg = cfg or BinaryTrainingConfig(
        gate=FrameGateConfig(min_rows=100, min_events=10, label_rate=(0.0005, 0.6))
    )
    frame_roles = FrameRoles(roles.target, tuple(feats), tuple(roles.ids), roles.date)
    context = ModelContext(
        model_name=model_name,
        title=f"{model_name} on {Path(path).name}",
        purpose=f"Validate the platform's scorecard method on {Path(path).name}: PD of '{roles.target}' = 1.",
        bad_definition=f"{roles.target} = 1, as given in the file.",
        sources=[str(Path(path).resolve())],
        windows={
            "split": f"out of time on {roles.date}" if roles.date else f"stratified random, seed {seed}",
            "holdout share": f"{holdout_share:.0%}",
        },
        limitations=[
            "Trained on a file outside the platform: the data's own quality and definitions are the "
            "user's responsibility."
        ],
        lineage={str(Path(path).name): _file_digest(Path(path))},
    )
    train = frame[sample == "train"].reset_index(drop=True)
    holdout = frame[sample == "holdout"].reset_index(drop=True)
    return run_binary(home, train, holdout, frame_roles, cfg, context)


def train_anomaly_file(
    path: Path,
    home: Path,
    roles: TabularRoles,
    model_name: str = "tabular_anomaly",
    daily_budget: int = 3,
):
    """Fit the anomaly detector on a file; with --target (1 = known anomaly), the alerts are judged by it."""
    from ml.anomaly.evaluate import BudgetConfig
    from ml.anomaly.pipeline import AnomalyContext, AnomalyTrainingConfig
    from ml.anomaly.run import run_anomaly

    frame, feats = prepare(read_table(path), roles)
    cats = [c for c in feats if not pd.api.types.is_numeric_dtype(frame[c])]
    if cats:
        raise ValueError(f"the anomaly model takes numeric features only; encode or --exclude {cats}")
    day = roles.date or "_day"
    if not roles.date:
        frame[day] = pd.Timestamp("1970-01-01")
    typologies = None
    if roles.target:
        y = frame[roles.target].astype(int)
        typologies = pd.DataFrame(
            {
                "typology_id": [f"ROW{i}" for i in frame.index[y == 1]],
                "typology": ["labelled anomaly"] * int(y.sum()),
                "account_id": [f"row{i}" for i in frame.index[y == 1]],
                "window_start": frame.loc[y == 1, day].to_numpy(),
                "window_end": frame.loc[y == 1, day].to_numpy(),
            }
        )
    frame["account_id"] = [f"row{i}" for i in frame.index]
    roles_f = FrameRoles(None, tuple(feats), ("account_id",), extra=(day, *roles.ids))
    context = AnomalyContext(
        model_name=model_name,
        title=f"{model_name} on {Path(path).name}",
        purpose=f"Validate the platform's anomaly method on {Path(path).name}.",
        sources=[str(Path(path).resolve())],
        lineage={Path(path).name: _file_digest(Path(path))},
        truth_source=f"column {roles.target} of the file" if roles.target else "",
    )
    cfg = AnomalyTrainingConfig(budget=BudgetConfig(daily_budget=daily_budget))
    return run_anomaly(home, frame, roles_f, cfg, context, typologies, day)


def _file_digest(path: Path) -> str:
    from ml.common.versioning import file_sha256

    return file_sha256(path)[:16]
