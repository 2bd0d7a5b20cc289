"""The Dagster instance kept under MARGINLAKE_HOME, so the UI shows every headless run too."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from assets.common.paths import LakePaths

DAGSTER_YAML = """\
# Written by marginlake: local run storage under MARGINLAKE_HOME.
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
"""


def prepare_environment(paths: LakePaths) -> Path:
    """Point dbt and Dagster at this lake: MARGINLAKE_HOME, DAGSTER_HOME and telemetry off; create the
    folders they expect to exist (Dagster's home, the warehouse's spill folder)."""
    dagster_home = paths.dagster_home
    dagster_home.mkdir(parents=True, exist_ok=True)
    paths.duckdb_temp_dir.mkdir(parents=True, exist_ok=True)
    config = dagster_home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    os.environ["MARGINLAKE_HOME"] = str(paths.home)
    # dbt is called by name; the one installed beside this interpreter is the pinned one.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # dbt reads the ML scores and alerts back through Parquet globs, which fail on no file at all.
    from ml.common.lake_output import write_placeholders

    write_placeholders(paths.home)
    return dagster_home
