"""Parquet outputs that dbt reads back as sources: typed schemas, one file per day, atomic writes.

A dbt source over a Parquet glob fails when no file matches, so every daily write produces a file
(possibly empty, with the full schema) and `write_placeholders` lays an empty typed file before the
first scoring run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PLACEHOLDER_DIR = "_empty"

CREDIT_SCORES_SCHEMA = pa.schema(
    [
        ("score_date", pa.date32()),
        ("account_id", pa.string()),
        ("client_id", pa.string()),
        ("model_name", pa.string()),
        ("model_version", pa.string()),
        ("horizon_days", pa.int32()),
        ("pd", pa.float64()),
        ("pd_12m", pa.float64()),
        ("score", pa.int32()),
        ("score_band", pa.string()),
        ("reason_code_1", pa.string()),
        ("reason_code_2", pa.string()),
        ("reason_code_3", pa.string()),
        ("reason_code_4", pa.string()),
        ("scored_at", pa.timestamp("us", tz="UTC")),
    ]
)

ANOMALY_ALERTS_SCHEMA = pa.schema(
    [
        ("alert_date", pa.date32()),
        ("account_id", pa.string()),
        ("client_id", pa.string()),
        ("model_name", pa.string()),
        ("model_version", pa.string()),
        ("model_version_number", pa.int32()),
        ("anomaly_score", pa.float64()),
        ("threshold_value", pa.float64()),
        ("score_percentile", pa.float64()),
        ("daily_rank", pa.int32()),
        ("reason", pa.string()),
        ("reason_feature_1", pa.string()),
        ("reason_feature_2", pa.string()),
        ("reason_feature_3", pa.string()),
        ("evidence_txn_ids", pa.list_(pa.string())),
        ("window_start_at", pa.timestamp("us", tz="UTC")),
        ("window_end_at", pa.timestamp("us", tz="UTC")),
        ("scored_at", pa.timestamp("us", tz="UTC")),
    ]
)


def credit_scores_dir(home: Path) -> Path:
    return Path(home) / "ml" / "scores" / "credit"


def anomaly_alerts_dir(home: Path) -> Path:
    return Path(home) / "ml" / "alerts" / "anomaly"


def day_file(root: Path, column: str, day: str) -> Path:
    return root / f"{column}={day}" / "part-0.parquet"


def write_table(frame: pd.DataFrame, schema: pa.Schema, path: Path) -> Path:
    """Write `frame` with exactly `schema` (missing columns null), atomically."""
    cols = {}
    for f in schema:
        if f.name in frame.columns:
            cols[f.name] = pa.array(frame[f.name].tolist(), type=f.type, from_pandas=True)
        else:
            cols[f.name] = pa.nulls(len(frame), type=f.type)
    table = pa.table(cols, schema=schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-", suffix=".parquet")
    os.close(fd)
    pq.write_table(table, tmp)
    os.chmod(tmp, 0o644)  # mkstemp makes owner-only files; dbt and analysts read these
    os.replace(tmp, path)
    return path


def write_placeholders(home: Path) -> list[Path]:
    """Empty typed files so the dbt sources over the ML outputs resolve before any scoring run."""
    written = []
    for root, schema in (
        (credit_scores_dir(home), CREDIT_SCORES_SCHEMA),
        (anomaly_alerts_dir(home), ANOMALY_ALERTS_SCHEMA),
    ):
        path = root / PLACEHOLDER_DIR / "part-0.parquet"
        if not path.exists():
            written.append(write_table(pd.DataFrame(), schema, path))
    return written
