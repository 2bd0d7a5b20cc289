"""The ML wiring: assets, gates, jobs and schedules load into the one Definitions without a cycle."""

from __future__ import annotations

import dagster as dg
import pytest

pytestmark = pytest.mark.slow


def test_ml_assets_jobs_and_the_third_dbt_group(dbt_manifest):
    from orchestration.dbt import build_dbt_definitions
    from orchestration.definitions import build_definitions

    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    for key in (
        "ml/credit_score/training_frame",
        "ml/credit_score/champion",
        "ml/credit_score/daily_scores",
        "ml/anomaly/daily_alerts",
        "ml/score_drift",
    ):
        assert key in keys
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert ("ml/credit_score/training_frame", "training_frame_quality_gate") in checks
    assert ("ml/credit_score/scorecard", "promotion_gate") in checks
    assert ("ml/anomaly/scorecard", "promotion_gate") in checks
    groups = {a.node_def.name: set(a.keys) for a in build_dbt_definitions().assets}  # type: ignore[union-attr]
    fed = {k.to_user_string() for k in groups["dbt_ml_fed_models"]}
    assert {"staging/stg_ml__credit_scores", "intermediate/int_anomaly_alerts", "marts/fct_aml_alerts"} <= fed
    others = groups["dbt_trading_day_models"] | groups["dbt_models"]
    assert not {k.to_user_string() for k in others} & fed
    scoring = defs.resolve_job_def("ml_daily_scoring_job")
    selected = {k.to_user_string() for k in scoring.asset_layer.selected_asset_keys}
    assert {"ml/credit_score/daily_scores", "ml/anomaly/daily_alerts", "marts/fct_aml_alerts"} <= selected
    assert {s.name for s in defs.schedules} >= {
        "ml_weekly_retrain_schedule",
        "ml_daily_scoring_schedule",
        "ml_drift_monitoring_schedule",
    }
    assert isinstance(defs.resolve_job_def("ml_retrain_job"), dg.JobDefinition)
