"""The dbt project handle, alone in its module so `prepare-and-package` can import it without a manifest."""

from __future__ import annotations

from dagster_dbt import DbtProject

from assets.common.paths import PROJECT_ROOT

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Acts only under `dagster dev`; setup, CI and the test session prepare the manifest explicitly.
dbt_project.prepare_if_dev()
