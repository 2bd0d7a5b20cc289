"""The one entry point: every asset, check, job, schedule and sensor of marginlake.

Built lazily by Dagster when a code location loads, so importing this module does no I/O and
runs no `dbt parse`; each capability contributes a small `Definitions` that is merged here.
"""

from __future__ import annotations

import dagster as dg

from orchestration.resources import LakeSettings


def build_definitions() -> dg.Definitions:
    """Merge the per-capability definitions into the single Definitions of the code location."""
    from assets.bank_statements.assets import build_bank_statements_definitions
    from assets.marketing.assets import build_marketing_definitions
    from assets.platform.assets import build_platform_definitions
    from assets.ticks.assets import build_ticks_definitions
    from ml.definitions import build_ml_definitions
    from orchestration.dbt import WAREHOUSE_POOL, build_dbt_definitions
    from orchestration.jobs import eod_build_job, ingest_job
    from orchestration.schedules import build_eod_schedule
    from orchestration.sensors import build_landing_sensor

    eod_job = eod_build_job()
    wiring = dg.Definitions(
        jobs=[eod_job, ingest_job()],
        schedules=[build_eod_schedule(eod_job)],
        sensors=[build_landing_sensor(eod_job)],
        resources={"settings": LakeSettings()},
        metadata={"warehouse_pool": WAREHOUSE_POOL},
    )
    return dg.Definitions.merge(
        build_ticks_definitions(),
        build_platform_definitions(),
        build_bank_statements_definitions(),
        build_marketing_definitions(),
        build_dbt_definitions(),
        build_ml_definitions(),
        wiring,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
