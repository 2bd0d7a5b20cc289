"""The Parquet outputs dbt reads back: typed even when empty, one file per day, placeholders first."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from ml.common import lake_output
from ml.common.binning import BinningConfig
from ml.common.scaling import ScoreScaling
from ml.common.woe_scorecard import WoeScorecard
from ml.credit_score.features import CATALOGUE, FEATURES, REASON_CODES
from ml.credit_score.score import score_frame


def test_placeholders_are_empty_typed_files(tmp_path):
    written = lake_output.write_placeholders(tmp_path)
    assert len(written) == 2
    scores = pq.read_schema(lake_output.credit_scores_dir(tmp_path) / "_empty" / "part-0.parquet")
    assert scores == lake_output.CREDIT_SCORES_SCHEMA
    alerts = pq.read_table(lake_output.anomaly_alerts_dir(tmp_path) / "_empty" / "part-0.parquet")
    assert alerts.num_rows == 0 and alerts.schema == lake_output.ANOMALY_ALERTS_SCHEMA
    assert lake_output.write_placeholders(tmp_path) == []  # idempotent


def test_daily_scores_have_the_documented_schema(tmp_path):
    rng = np.random.default_rng(0)
    n = 600
    features = pd.DataFrame({f.name: rng.normal(size=n) for f in CATALOGUE if not f.categorical})
    features["product_id"] = pd.Series(rng.choice(["MF_STD", "PZ_MULT"], n), dtype="str")
    y = (rng.random(n) < 1 / (1 + np.exp(-(-3 + 1.5 * features["leverage"])))).astype(int)
    model = WoeScorecard(ScoreScaling(), BinningConfig(max_bins=4)).fit(
        features[list(FEATURES)], y, REASON_CODES
    )
    features["account_id"] = [f"MA{i:08d}" for i in range(n)]
    features["client_id"] = [f"C{i:07d}" for i in range(n)]
    day = dt.date(2026, 6, 1)
    scores = score_frame(features, model, {"version": "v1", "horizon_days": 40}, day)
    path = lake_output.write_table(scores, lake_output.CREDIT_SCORES_SCHEMA, tmp_path / "s.parquet")
    table = pq.read_table(path)
    assert table.schema == lake_output.CREDIT_SCORES_SCHEMA and table.num_rows == n
    out = table.to_pandas()
    assert set(out["score_band"]) <= set("ABCDEFGH")
    assert (out["pd_12m"] >= out["pd"]).all()
    # higher leverage, lower score: the scorecard rank-orders its strongest variable
    assert np.corrcoef(features["leverage"], out["score"])[0, 1] < -0.5
    assert out["reason_code_1"].dropna().isin(set(REASON_CODES.values())).all()
