"""The ingest assets in Dagster: keys, partitions and checks, direct invocation and a real materialization."""

from __future__ import annotations

import subprocess
import sys

import dagster as dg
import pyarrow.parquet as pq
import pytest

from assets.bank_statements.assets import build_bank_statements_definitions
from assets.common.bronze_checks import rows_accounted_for, schema_matches_contract
from assets.common.bronze_writer import Batch, write_bronze
from assets.common.contracts import contracts_for, load_contract
from assets.common.paths import PROJECT_ROOT
from assets.marketing.assets import build_marketing_definitions
from assets.platform.assets import build_platform_definitions
from assets.ticks.assets import build_ticks_definitions
from orchestration.partitions import trading_day_partitions
from orchestration.resources import LakeSettings
from tests.ingest.helpers import DAY, NEXT_DAY, write_landing
from tests.ingest.test_ticks import TRADES_HEADER

BUILDERS = {
    "ticks": build_ticks_definitions,
    "platform": build_platform_definitions,
    "bank_statements": build_bank_statements_definitions,
    "marketing": build_marketing_definitions,
}
MARKETING_HEADER = "spend_id,channel,campaign_id,agent_id,currency,spend,impressions,clicks,spend_date"


def only(defs: dg.Definitions) -> tuple[dg.AssetsDefinition, dg.AssetChecksDefinition]:
    (assets_def,) = defs.assets
    (checks_def,) = defs.asset_checks
    return assets_def, checks_def


@pytest.mark.parametrize("source", sorted(BUILDERS))
def test_one_partitioned_multi_asset_per_source_with_blocking_checks(source):
    assets_def, checks_def = only(BUILDERS[source]())
    tables = [c.table for c in contracts_for(source)]
    assert {k.path[-1] for k in assets_def.keys} == set(tables)
    assert all(k.path[:2] == ["bronze", source] for k in assets_def.keys)
    assert set(assets_def.group_names_by_key.values()) == {f"bronze_{source}"}
    assert assets_def.partitions_def == trading_day_partitions()
    assert assets_def.backfill_policy == dg.BackfillPolicy.single_run()
    assert not assets_def.can_subset
    assert all(spec.kinds == {"parquet"} for spec in assets_def.specs)
    assert all(spec.description for spec in assets_def.specs)
    names = {(c.asset_key.path[-1], c.name) for c in checks_def.check_keys}
    assert names == {
        (t, n)
        for t in tables
        for n in ("rows_accounted_for", "bronze_schema_matches_contract", "quality_gate")
    }
    assert all(spec.blocking for spec in checks_def.check_specs)


def test_building_modules_does_no_work_at_import():
    code = (
        "import assets.ticks.assets, assets.platform.assets, assets.marketing.assets, "
        "assets.bank_statements.assets\n"
        "from assets.common.contracts import load_contract\n"
        "import sys\n"
        "assert load_contract.cache_info().currsize == 0\n"
        "assert 'assets.common.dagster_assets' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJECT_ROOT, timeout=120)


def test_direct_invocation_of_the_ticks_asset(paths):
    rows = [
        f"600519.XSHG,{DAY} 09:30:00.000000,1,10.5,100,B,T1",
        f"600519.XSHG,{DAY} 12:00:00.000000,2,10.5,100,B,T2",
    ]
    write_landing(paths, "ticks", DAY, "trades.csv", TRADES_HEADER, rows)
    assets_def, _ = only(build_ticks_definitions())
    context = dg.build_asset_context(
        partition_key=DAY, resources={"settings": LakeSettings(home=str(paths.home))}
    )
    results = {r.asset_key.path[-1]: r.metadata for r in assets_def(context)}
    assert set(results) == {"trades", "quotes", "eod_prices"}
    trades = results["trades"]
    assert (trades["rows_in"], trades["rows_accepted"], trades["rows_quarantined"]) == (2, 1, 1)
    assert trades["dagster/row_count"] == 1 and trades["files"] == 1 and trades["unreadable_files"] == 0
    assert trades["path"].path == str(paths.bronze_partition("ticks", "trades", DAY) / "data.parquet")


def test_materializing_a_range_in_one_run_passes_the_checks(paths):
    for day in (DAY, NEXT_DAY):
        row = f"{day}|search_ads|C1|,search_ads,C1,,CNY,10.00,100,2,{day}"
        write_landing(paths, "marketing", day, "marketing_spend.csv", MARKETING_HEADER, [row, row])
    assets_def, checks_def = only(build_marketing_definitions())
    job = dg.define_asset_job("ingest_range", partitions_def=trading_day_partitions())
    defs = dg.Definitions(
        assets=[assets_def],
        asset_checks=[checks_def],
        jobs=[job],
        resources={"settings": LakeSettings(home=str(paths.home))},
    )
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("ingest_range").execute_in_process(
            instance=instance,
            tags={"dagster/asset_partition_range_start": DAY, "dagster/asset_partition_range_end": NEXT_DAY},
        )
    assert result.success
    materialized = result.get_asset_materialization_events()
    assert sorted(e.materialization.partition for e in materialized) == [DAY, NEXT_DAY]
    metadata = materialized[0].materialization.metadata
    assert (
        metadata["rows_in"].value,
        metadata["rows_accepted"].value,
        metadata["rows_quarantined"].value,
    ) == (4, 2, 2)
    checks = result.get_asset_check_evaluations()
    assert {c.check_name for c in checks} == {
        "rows_accounted_for",
        "bronze_schema_matches_contract",
        "quality_gate",
    }
    assert all(c.passed for c in checks)
    assert "2 business date(s) checked" in checks[0].description


def test_checks_fail_with_a_sentence_when_files_and_manifest_disagree(paths):
    row = f"{DAY}|search_ads|C1|,search_ads,C1,,CNY,10.00,100,2,{DAY}"
    write_landing(paths, "marketing", DAY, "marketing_spend.csv", MARKETING_HEADER, [row])
    from assets.marketing.ingest import ingest_marketing_day

    ingest_marketing_day(paths, DAY)
    contract = load_contract("marketing", "marketing_spend")
    assert rows_accounted_for(paths, contract, [DAY]).passed
    assert schema_matches_contract(paths, contract, [DAY]).passed

    # A later run that died after rewriting bronze but before its manifest.
    bronze = paths.bronze_partition("marketing", "marketing_spend", DAY) / "data.parquet"
    rows = pq.read_table(bronze).drop_columns(["_ingested_at", "_batch_id"])
    write_bronze(paths, contract, DAY, rows.slice(0, 0), Batch.new("interrupted"))
    outcome = rows_accounted_for(paths, contract, [DAY])
    assert not outcome.passed
    assert any("1 rows read from landing but 0 in bronze + 0 in quarantine" in p for p in outcome.problems)
    assert any("batch(es) interrupted" in p for p in outcome.problems)

    pq.write_table(rows.drop_columns(["spend"]), bronze)
    schema = schema_matches_contract(paths, contract, [DAY])
    assert not schema.passed and "missing or retyped: spend decimal128(18, 2)" in schema.problems[0]
    assert "no ingest manifest" in rows_accounted_for(paths, contract, [NEXT_DAY]).problems[0]
