"""Daily anomaly alerts: the day's account-days scored by the champion, top ones under the budget.

Output: <home>/ml/alerts/anomaly/alert_date=YYYY-MM-DD/part-0.parquet, schema ANOMALY_ALERTS_SCHEMA
(alert_date, account_id, client_id, model_name, model_version, model_version_number, anomaly_score,
threshold_value = the score at the day's budget, score_percentile = the score's percentile among the
training account-days (0–100), daily_rank, reason and reason_feature_1..3 from the SHAP
contributions, evidence_txn_ids = the account's fund flows of the day, window_start_at/window_end_at
= the first and last of the day's flows or own fills, UTC). Always written, empty when there is no
champion or no activity.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd

from ml.anomaly.evaluate import select_alerts
from ml.anomaly.features import FILLS, FUND_FLOWS, build_features
from ml.anomaly.model import top_reasons
from ml.anomaly.pipeline import DETECTOR_ARTIFACT
from ml.common import lake_output, versioning

MODEL_NAME = "anomaly"
EXCHANGE_TZ = ZoneInfo("Asia/Shanghai")


def version_number(version: str) -> int:
    """An integer for the alert schema's rule_version: the version's training date, yyyymmdd."""
    digits = version[1:9]
    return int(digits) if digits.isdigit() else 0


def alert_day(con: duckdb.DuckDBPyConnection, home: Path, day: dt.date) -> tuple[Path, pd.DataFrame]:
    path = lake_output.day_file(lake_output.anomaly_alerts_dir(home), "alert_date", day.isoformat())
    folder = versioning.champion_folder(home, MODEL_NAME)
    if folder is None:
        return lake_output.write_table(
            pd.DataFrame(), lake_output.ANOMALY_ALERTS_SCHEMA, path
        ), pd.DataFrame()
    meta = versioning.read_metadata(folder)
    detector = versioning.load_artifact(folder / DETECTOR_ARTIFACT)
    frame = build_features(con, day, day)
    alerts = alerts_frame(con, frame, detector, meta, day)
    return lake_output.write_table(alerts, lake_output.ANOMALY_ALERTS_SCHEMA, path), alerts


def alerts_frame(
    con: duckdb.DuckDBPyConnection | None,
    frame: pd.DataFrame,
    detector,
    meta: dict,
    day: dt.date,
) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame()
    X = frame[detector.features]
    scores = detector.score(X)
    budget = int(meta.get("config", {}).get("budget", {}).get("daily_budget", 3))
    alerts = select_alerts(frame, scores, float(meta["score_floor"]), budget)
    if alerts.empty:
        return pd.DataFrame()
    contributions, _ = detector.contributions(X.loc[alerts.index])
    reasons = top_reasons(contributions, X)
    ranked = [list(contributions.loc[i].sort_values().index[:3]) for i in contributions.index]
    start = dt.datetime.combine(day, dt.time(), tzinfo=EXCHANGE_TZ).astimezone(dt.UTC)
    evidence = _evidence(con, alerts["account_id"].tolist(), day) if con is not None else {}
    train_scores = np.sort(detector.training_scores)
    accounts = alerts["account_id"].tolist()
    out = pd.DataFrame(
        {
            "alert_date": day,
            "account_id": alerts["account_id"].to_numpy(),
            "client_id": alerts["client_id"].to_numpy(),
            "model_name": MODEL_NAME,
            "model_version": meta["version"],
            "model_version_number": version_number(meta["version"]),
            "anomaly_score": alerts["anomaly_score"].to_numpy(),
            "threshold_value": alerts["threshold_value"].to_numpy(),
            "score_percentile": 100.0
            * np.searchsorted(train_scores, alerts["anomaly_score"].to_numpy(), side="right")
            / max(len(train_scores), 1),
            "daily_rank": alerts["daily_rank"].to_numpy(),
            "reason": reasons,
            "reason_feature_1": [r[0] if len(r) > 0 else None for r in ranked],
            "reason_feature_2": [r[1] if len(r) > 1 else None for r in ranked],
            "reason_feature_3": [r[2] if len(r) > 2 else None for r in ranked],
            "evidence_txn_ids": [evidence.get(a, ([], None, None))[0] for a in accounts],
            "window_start_at": [_utc(evidence.get(a, ([], None, None))[1], start) for a in accounts],
            "window_end_at": [_utc(evidence.get(a, ([], None, None))[2], start) for a in accounts],
            "scored_at": pd.Timestamp.now(tz="UTC"),
        }
    )
    return out


def _utc(value: dt.datetime | None, default: dt.datetime) -> pd.Timestamp:
    """A UTC timestamp; the business day's start when the account left no timed trace that day."""
    return (
        pd.Timestamp(value if value is not None else default).tz_convert("UTC")
        if (value is None or pd.Timestamp(value).tzinfo is not None)
        else pd.Timestamp(value, tz="UTC")
    )


def _evidence(
    con: duckdb.DuckDBPyConnection, accounts: list[str], day: dt.date
) -> dict[str, tuple[list[str], dt.datetime, dt.datetime]]:
    """Per account: the day's fund-flow transactions and the time window they (or, without flows,
    the account's own fills) cover, as the AML alert schema wants it."""
    rows = con.execute(
        f"""
        with acts as (
            select account_id, txn_id, effective_at as moved_at from {FUND_FLOWS}
            where booking_date = ? and account_id in (select unnest(?::varchar[]))
            union all
            select account_id, null, executed_at from {FILLS}
            where trade_date = ? and account_id in (select unnest(?::varchar[]))
                and not coalesce(is_forced_liquidation, false)
        )
        select account_id, list_sort(list_distinct(list(txn_id) filter (where txn_id is not null))),
            min(moved_at), max(moved_at)
        from acts group by all
        """,
        [day, accounts, day, accounts],
    ).fetchall()
    return {a: (list(t or []), start, end) for a, t, start, end in rows}
