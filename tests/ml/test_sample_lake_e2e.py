"""End to end on a small simulated platform: build, retrain, score, alert, and read the scores back.

The planted high-risk clients (reckless and aggressive profiles of truth/risk_profiles.csv) must
score worse than the rest; the credit scorecard reports the champion's holdout AUC; the anomaly
scorecard reports precision at the alert budget and recall per planted typology; and the anomaly
alerts reach compliance.fct_aml_alerts through the dbt models that read the ML outputs.
"""

from __future__ import annotations

import csv
import json
import os

import pandas as pd
import pytest

from assets.common.paths import LakePaths

pytestmark = pytest.mark.slow

# The compliance marts' test platform: enough clients and days that the bronze history gates hold,
# and every planted AML typology (dormant reactivation needs 40 trading days).
SMALL = {
    "clients": 100,
    "instruments": 8,
    "days": 40,
    "seed": 7,
    "start": "2026-03-02",
    "trades_per_day": 50,
}
# A small lake has few defaults: a short horizon, and gates and thresholds sized for it.
CREDIT_CONFIG = {
    "horizon_days": 10,
    "holdout_months": 1,
    "holdout_observations": 2,
    "min_rows": 50,
    "min_events": 2,
    "label_rate_max": 0.5,
    "min_auc": 0.5,
    "min_ks": 0.0,
    "max_score_psi": 10.0,
    "bootstrap_samples": 20,
}


def _dbt_run_everything(home) -> None:
    from dbt.cli.main import dbtRunner

    from assets.common.paths import PROJECT_ROOT

    project = str(PROJECT_ROOT / "dbt_project")
    result = dbtRunner().invoke(
        [
            "build",
            "--exclude-resource-type",
            "unit_test",
            "--project-dir",
            project,
            "--profiles-dir",
            project,
            "--target-path",
            str(home / "dbt_target"),
            "--log-path",
            str(home / "dbt_logs"),
            "--quiet",
        ]
    )
    assert result.success, f"dbt run failed: {result.exception}"


@pytest.fixture(scope="module")
def ml_lake(tmp_path_factory, dbt_manifest):
    import dagster as dg
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from orchestration.definitions import build_definitions
    from orchestration.runner import materialize_days
    from simulator import SimulationConfig, generate, simulated_days

    home = tmp_path_factory.mktemp("ml_lake")
    saved = {k: os.environ.get(k) for k in ("MARGINLAKE_HOME", "DAGSTER_HOME")}
    paths = LakePaths(home)
    generate(SimulationConfig(home=home, quiet=True, **SMALL))
    days = simulated_days(start=SMALL["start"], days=SMALL["days"])
    try:
        if not materialize_days(paths, days[0].isoformat(), days[-1].isoformat()):
            _dbt_run_everything(home)  # a bronze gate of another source failed: build the marts anyway
        defs = build_definitions()
        ops = {
            "ml__credit_score__" + k: {"config": CREDIT_CONFIG}
            for k in ("training_frame", "candidate", "evaluation", "scorecard")
        }
        ops |= {
            "ml__anomaly__" + k: {"config": {"min_rows": 50, "min_typology_recall": 0.0}}
            for k in ("training_frame", "candidate", "scorecard")
        }
        with dg.DagsterInstance.get() as instance:
            retrain = defs.resolve_job_def("ml_retrain_job").execute_in_process(
                instance=instance, run_config={"ops": ops}, raise_on_error=False
            )
            scoring = defs.resolve_job_def("ml_daily_scoring_job").execute_in_process(
                instance=instance,
                tags={
                    ASSET_PARTITION_RANGE_START_TAG: days[-5].isoformat(),
                    ASSET_PARTITION_RANGE_END_TAG: days[-1].isoformat(),
                },
                raise_on_error=False,
            )
        yield paths, retrain, scoring, days
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_retraining_promotes_a_champion_with_its_scorecard(ml_lake):
    paths, retrain, _, _ = ml_lake
    assert retrain.success, [e.message for e in retrain.all_events if e.is_step_failure]
    champion = json.loads((paths.home / "ml" / "credit_score" / "champion.json").read_text())
    folder = paths.home / "ml" / "credit_score" / champion["version"]
    html = (folder / "scorecard.html").read_text()
    meta = json.loads((folder / "metadata.json").read_text())
    auc = meta["metrics"]["champion"]["auc"]
    assert f"{auc:.3f}" in html and "Holdout AUC (champion)" in html
    assert meta["lineage"]["risk.fct_account_exposure_daily"]["rows"] > 0
    anomaly = next((paths.home / "ml" / "anomaly").glob("v*/scorecard.html")).read_text()
    assert "Precision at budget" in anomaly and "Recall per planted typology" in anomaly


def test_planted_high_risk_clients_score_worse(ml_lake):
    paths, _, scoring, days = ml_lake
    assert scoring.success, [e.message for e in scoring.all_events if e.is_step_failure]
    scores = pd.read_parquet(paths.home / "ml" / "scores" / "credit" / f"score_date={days[-1].isoformat()}")
    with open(paths.truth / "risk_profiles.csv", newline="") as fh:
        profile = {r["account_id"]: r["risk_profile"] for r in csv.DictReader(fh)}
    scores["high_risk"] = scores["account_id"].map(profile).isin(["reckless", "aggressive"])
    means = scores.groupby("high_risk")["score"].mean()
    assert means[True] < means[False], means
    assert scores["reason_code_1"].notna().any()


def test_anomaly_alerts_reach_the_compliance_mart(ml_lake):
    import duckdb

    paths, _, _, _ = ml_lake
    files = list((paths.home / "ml" / "alerts" / "anomaly").glob("alert_date=*/part-0.parquet"))
    assert len(files) >= 5
    alerts = pd.concat([pd.read_parquet(f) for f in files])
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        n = con.execute(
            "select count(*) from compliance.fct_aml_alerts where rule_id = 'anomaly_model'"
        ).fetchone()
    assert n is not None and n[0] == len(alerts)
