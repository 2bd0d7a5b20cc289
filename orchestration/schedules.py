"""The end-of-day schedule, in the exchange's time zone."""

import datetime as dt

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from assets.common.calendar import EXCHANGE_TZ, is_trading_day
from assets.common.paths import LakePaths
from orchestration.resources import LakeSettings

# The market closes at 15:00; statements and platform exports arrive within the next hours.
EOD_CRON = "30 18 * * 1-5"


def eod_run_request(business_date: dt.date, paths: LakePaths) -> dg.RunRequest | dg.SkipReason:
    """Build the day if it is a trading day and some landing files have arrived."""
    key = business_date.isoformat()
    if not is_trading_day(business_date):
        return dg.SkipReason(f"{key} is not a trading day on the exchange calendar.")
    arrived = [
        src for src in ("ticks", "platform", "bank", "marketing") if paths.landing_day(src, key).is_dir()
    ]
    if not arrived:
        return dg.SkipReason(
            f"No landing files for {key} yet; the landing sensor will start the build when they arrive."
        )
    return dg.RunRequest(
        run_key=f"eod:{key}", partition_key=key, tags={"marginlake/sources": ",".join(arrived)}
    )


def build_eod_schedule(job: UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="eod_build_schedule",
        cron_schedule=EOD_CRON,
        execution_timezone=str(EXCHANGE_TZ),
        job=job,
        description="Every weekday at 18:30 Shanghai time: build the day that just closed.",
    )
    def eod_build_schedule(context: dg.ScheduleEvaluationContext, settings: LakeSettings):
        scheduled = context.scheduled_execution_time.astimezone(EXCHANGE_TZ).date()
        return eod_run_request(scheduled, settings.paths)

    return eod_build_schedule
