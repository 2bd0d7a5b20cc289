"""Daily credit scores of every active account, written where the credit marts read PD from.

Output: <home>/ml/scores/credit/score_date=YYYY-MM-DD/part-0.parquet, schema CREDIT_SCORES_SCHEMA:
score_date DATE, account_id, client_id, model_name, model_version VARCHAR, horizon_days INTEGER,
pd DOUBLE (PD over the model's horizon), pd_12m DOUBLE (the horizon PD stretched to 252 trading
days under a constant hazard), score INTEGER (rounded points), score_band VARCHAR (PD master-scale
band, A safest), reason_code_1..4 VARCHAR (codes of the variables costing the most points;
the code table is in the scorecard and in the version's metadata), scored_at TIMESTAMPTZ.
A day without a champion, or without exposure rows, still gets a file, empty and typed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ml.common import lake_output, versioning
from ml.common.binary_pipeline import load_models
from ml.common.evaluation import EvaluationConfig, band_of_pd
from ml.common.scaling import annualised_pd
from ml.credit_score.config import MODEL_NAME
from ml.credit_score.features import FEATURES, build_features


def score_day(con: duckdb.DuckDBPyConnection, home: Path, score_date: dt.date) -> tuple[Path, pd.DataFrame]:
    """Score the accounts with an exposure row on `score_date` with the current champion."""
    path = lake_output.day_file(lake_output.credit_scores_dir(home), "score_date", score_date.isoformat())
    folder = versioning.champion_folder(home, MODEL_NAME)
    if folder is None:
        return lake_output.write_table(pd.DataFrame(), lake_output.CREDIT_SCORES_SCHEMA, path), pd.DataFrame()
    meta = versioning.read_metadata(folder)
    model = load_models(folder).champion
    features = build_features(con, [score_date])
    scores = score_frame(features, model, meta, score_date)
    return lake_output.write_table(scores, lake_output.CREDIT_SCORES_SCHEMA, path), scores


def score_frame(features: pd.DataFrame, model, meta: dict, score_date: dt.date) -> pd.DataFrame:
    """PD, score, band and reason codes of each row of a feature frame."""
    if features.empty:
        return pd.DataFrame()
    X = features[list(FEATURES)]
    pd_h = model.predict_pd(X)
    horizon = int(meta.get("horizon_days") or 40)
    scale = meta.get("config", {}).get("evaluation", {}).get("master_scale")
    cfg = EvaluationConfig(master_scale=tuple(scale)) if scale else EvaluationConfig()
    reasons = model.reasons(X, 4)
    out = pd.DataFrame(
        {
            "score_date": score_date,
            "account_id": features["account_id"].to_numpy(),
            "client_id": features["client_id"].to_numpy(),
            "model_name": MODEL_NAME,
            "model_version": meta["version"],
            "horizon_days": horizon,
            "pd": pd_h,
            "pd_12m": annualised_pd(pd_h, horizon),
            "score": np.round(model.score(X)).astype(int),
            "score_band": band_of_pd(pd_h, cfg),
            "scored_at": pd.Timestamp.now(tz="UTC"),
        }
    )
    for col in reasons.columns:
        out[col] = reasons[col].to_numpy()
    return out
