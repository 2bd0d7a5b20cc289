"""A sensor on the landing zone: new or changed files for a day start that day's build."""

import hashlib
import json
from pathlib import Path

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from assets.common.calendar import is_trading_day
from assets.common.paths import LakePaths
from orchestration.partitions import trading_day_partitions
from orchestration.resources import LakeSettings

LANDING_SOURCES = ("ticks", "platform", "bank", "marketing")


def landing_fingerprints(paths: LakePaths) -> dict[str, str]:
    """Per business date, a digest of the names, sizes and modification times of its landing files."""
    days: dict[str, list[str]] = {}
    for source in LANDING_SOURCES:
        root = paths.landing / source
        if not root.is_dir():
            continue
        for day_dir in sorted(p for p in root.iterdir() if p.is_dir()):
            for f in sorted(day_dir.iterdir()):
                if f.is_file():
                    st = f.stat()
                    days.setdefault(day_dir.name, []).append(
                        f"{source}/{f.name}:{st.st_size}:{st.st_mtime_ns}"
                    )
    return {
        day: hashlib.sha256("\n".join(items).encode()).hexdigest()[:16] for day, items in sorted(days.items())
    }


def changed_days(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """Trading days whose landing files are new or changed since the last evaluation."""
    return [
        day for day, digest in current.items() if previous.get(day) != digest and _is_trading_day_key(day)
    ]


def _is_trading_day_key(day: str) -> bool:
    try:
        return is_trading_day(day)
    except ValueError:
        return False


def build_landing_sensor(job: UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        name="landing_zone_sensor",
        job=job,
        minimum_interval_seconds=60,
        description="Watches the landing zone; builds each trading day whose files are new or changed.",
    )
    def landing_zone_sensor(context: dg.SensorEvaluationContext, settings: LakeSettings):
        previous = json.loads(context.cursor) if context.cursor else {}
        current = landing_fingerprints(settings.paths)
        partitions = trading_day_partitions()
        days = [d for d in changed_days(previous, current) if partitions.has_partition_key(d)]
        context.update_cursor(json.dumps(current))
        if not days:
            return dg.SkipReason(f"No new landing files under {Path(settings.paths.landing)}.")
        return [dg.RunRequest(run_key=f"landing:{day}:{current[day]}", partition_key=day) for day in days]

    return landing_zone_sensor
