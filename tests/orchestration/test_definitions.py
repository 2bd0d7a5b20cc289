"""The single Definitions loads, and its shape (assets, checks, jobs, schedules, sensors) is pinned."""

from __future__ import annotations

import dagster as dg
import pytest

SOURCES = {
    "ticks": ["trades", "quotes", "eod_prices"],
    "platform": [
        "agents",
        "clients",
        "accounts",
        "instruments",
        "fills",
        "ledger_transactions",
        "ledger_postings",
        "device_events",
    ],
    "bank_statements": ["bank_statements", "bank_statement_lines"],
    "marketing": ["marketing_spend"],
}


@pytest.fixture(scope="module")
def defs(dbt_manifest) -> dg.Definitions:
    from orchestration.definitions import build_definitions

    return build_definitions()


@pytest.fixture(scope="module")
def repo(defs):
    return defs.get_repository_def()


def test_definitions_are_loadable(defs):
    dg.Definitions.validate_loadable(defs)


def test_importing_the_entry_point_does_no_work():
    import orchestration.definitions as module

    assert callable(module.defs)


def test_every_contract_table_is_a_bronze_asset(repo):
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    for source, tables in SOURCES.items():
        for table in tables:
            assert f"bronze/{source}/{table}" in keys


def test_dbt_sources_are_the_ingest_assets(repo):
    graph = repo.asset_graph
    materializable = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    staging = [k for k in materializable if k.path[0] == "staging"]
    assert staging, "no staging models found"
    for key in staging:
        for parent in graph.get(key).parent_keys:
            assert parent in materializable, (
                f"{key.to_user_string()} reads {parent.to_user_string()}, which nothing produces"
            )


def test_exposure_mart_is_partitioned_like_ingest(repo):
    graph = repo.asset_graph
    exposure = graph.get(dg.AssetKey(["marts", "fct_account_exposure_daily"]))
    trades = graph.get(dg.AssetKey(["bronze", "ticks", "trades"]))
    assert exposure.partitions_def == trades.partitions_def


def test_shape_snapshot(repo, snapshot):
    graph = repo.asset_graph
    shape = {
        "assets": sorted(
            k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).is_materializable
        ),
        "checks": sorted(f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys),
        "jobs": sorted(j.name for j in repo.get_all_jobs() if not j.name.startswith("__")),
        "schedules": sorted(f"{s.name} {s.cron_schedule} {s.execution_timezone}" for s in repo.schedule_defs),
        "sensors": sorted(s.name for s in repo.sensor_defs),
    }
    assert shape == snapshot
