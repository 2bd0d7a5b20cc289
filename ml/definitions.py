"""The ML side of the code location: assets, checks, jobs and schedules of both models.

Jobs: weekly retraining (both models, unpartitioned), daily scoring (per trading day: credit
scores and anomaly alerts, then the dbt models that read them back), and drift monitoring.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg

from assets.common.calendar import EXCHANGE_TZ, is_trading_day

RETRAIN_CRON = "0 6 * * 6"  # Saturday 06:00, after the week's last close
SCORING_CRON = "30 20 * * 1-5"  # two hours after the end-of-day build
DRIFT_CRON = "30 21 * * 1-5"


def build_ml_definitions() -> dg.Definitions:
    from ml.anomaly import assets as anomaly_assets
    from ml.anomaly import checks as anomaly_checks
    from ml.credit_score import assets as credit_assets
    from ml.credit_score import checks as credit_checks
    from ml.monitoring import credit_score_psi_within_band, score_drift
    from orchestration.partitions import trading_day_partitions

    training = [
        credit_assets.credit_training_frame,
        credit_assets.credit_candidate,
        credit_assets.credit_evaluation,
        credit_assets.credit_scorecard,
        credit_assets.credit_champion,
        anomaly_assets.anomaly_training_frame,
        anomaly_assets.anomaly_candidate,
        anomaly_assets.anomaly_scorecard,
        anomaly_assets.anomaly_champion,
    ]
    scoring = [credit_assets.credit_daily_scores, anomaly_assets.anomaly_daily_alerts]
    checks = [
        credit_checks.credit_training_frame_gate,
        credit_checks.credit_promotion_gate,
        anomaly_checks.anomaly_training_frame_gate,
        anomaly_checks.anomaly_promotion_gate,
        credit_score_psi_within_band,
    ]
    retrain_job = dg.define_asset_job(
        "ml_retrain_job",
        selection=dg.AssetSelection.assets(*training),
        description=(
            "Retrain both models: frame, gate, candidate, evaluation, scorecard, promotion gate, champion."
        ),
        tags={"marginlake/cadence": "weekly"},
    )
    scoring_job = dg.define_asset_job(
        "ml_daily_scoring_job",
        selection=dg.AssetSelection.assets(*scoring).downstream() - dg.AssetSelection.assets(score_drift),
        partitions_def=trading_day_partitions(),
        description=(
            "Score the trading day with the champions, then rebuild the dbt models that read the scores."
        ),
        tags={"marginlake/cadence": "daily"},
    )
    drift_job = dg.define_asset_job(
        "ml_drift_monitoring_job",
        selection=dg.AssetSelection.assets(score_drift),
        description="PSI of the live scores against the training distribution; the check alerts out of band.",
    )

    @dg.schedule(
        name="ml_daily_scoring_schedule",
        cron_schedule=SCORING_CRON,
        job=scoring_job,
        execution_timezone=str(EXCHANGE_TZ),
        description="Every weekday at 20:30 Shanghai time: score the day that just closed.",
    )
    def ml_daily_scoring_schedule(context: dg.ScheduleEvaluationContext):
        day = context.scheduled_execution_time.astimezone(EXCHANGE_TZ).date()
        return scoring_request(day)

    return dg.Definitions(
        assets=[*training, *scoring, score_drift],
        asset_checks=checks,
        jobs=[retrain_job, scoring_job, drift_job],
        schedules=[
            dg.ScheduleDefinition(
                name="ml_weekly_retrain_schedule",
                cron_schedule=RETRAIN_CRON,
                job=retrain_job,
                execution_timezone=str(EXCHANGE_TZ),
                description="Saturdays at 06:00 Shanghai time: retrain and review both models.",
            ),
            ml_daily_scoring_schedule,
            dg.ScheduleDefinition(
                name="ml_drift_monitoring_schedule",
                cron_schedule=DRIFT_CRON,
                job=drift_job,
                execution_timezone=str(EXCHANGE_TZ),
                description="Every weekday at 21:30 Shanghai time: live-score PSI check.",
            ),
        ],
    )


def scoring_request(day: dt.date) -> dg.RunRequest | dg.SkipReason:
    """Score a trading day; skip the others."""
    if not is_trading_day(day):
        return dg.SkipReason(f"{day} is not a trading day on the exchange calendar.")
    return dg.RunRequest(run_key=f"ml-scoring:{day}", partition_key=day.isoformat())
