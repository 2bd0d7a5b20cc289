"""The generic training commands produce a scorecard from an arbitrary CSV (and Parquet)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orchestration.cli import main

pytestmark = pytest.mark.slow


def _csv(path, n: int = 1500, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    f = pd.DataFrame(
        {
            "loan_id": np.arange(n),
            "month": pd.date_range("2024-01-01", periods=12, freq="MS").repeat(n // 12 + 1)[:n],
            "income": rng.lognormal(10, 0.5, n),
            "debt_ratio": rng.uniform(0, 1.5, n),
            "region": rng.choice(["north", "south", "east", "west"], n),
        }
    )
    logit = (
        -3
        + 2.0 * f["debt_ratio"]
        - 0.8 * (np.log(f["income"]) - 10)
        + np.where(f["region"] == "south", 0.7, 0)
    )
    f["defaulted"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    f.to_csv(path, index=False)


def test_train_scorecard_on_any_csv(tmp_path, capsys):
    data = tmp_path / "loans.csv"
    _csv(data)
    home = tmp_path / "lake"
    code = main(
        [
            "--home",
            str(home),
            "train-scorecard",
            str(data),
            "--target",
            "defaulted",
            "--id-columns",
            "loan_id",
            "--date-column",
            "month",
            "--categorical",
            "region",
            "--model-name",
            "public_loans",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    versions = sorted((home / "ml" / "public_loans").glob("v*"))
    assert len(versions) == 1
    html = (versions[0] / "scorecard.html").read_text()
    for part in (
        "Points table",
        "Discrimination",
        "Calibration",
        "Stability",
        "SHAP",
        "Decision and lineage",
        "data:image/png;base64,",
    ):
        assert part in html
    assert "debt_ratio" in html and "Holdout AUC" in html
    assert (versions[0] / "metadata.json").is_file() and (versions[0] / "champion_model.joblib").is_file()


def test_train_anomaly_on_any_parquet(tmp_path, capsys):
    rng = np.random.default_rng(1)
    f = pd.DataFrame(rng.normal(size=(800, 3)), columns=["amount", "count", "share"])
    f["day"] = pd.date_range("2025-01-01", periods=8).repeat(100)
    f["is_fraud"] = 0
    f.loc[[5, 305, 705], ["amount", "is_fraud"]] = [9.0, 1]
    data = tmp_path / "tx.parquet"
    f.to_parquet(data)
    code = main(
        [
            "--home",
            str(tmp_path / "lake"),
            "train-anomaly",
            str(data),
            "--date-column",
            "day",
            "--target",
            "is_fraud",
            "--budget",
            "2",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    html = next((tmp_path / "lake" / "ml" / "tabular_anomaly").glob("v*/scorecard.html")).read_text()
    assert "Recall per planted typology" in html and "Precision at budget" in html
