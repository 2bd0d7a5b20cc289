"""The quality_gate check on real bronze partitions: history from earlier files, verdicts per date."""

from __future__ import annotations

import json

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from assets.common.bronze_writer import Batch, write_bronze
from assets.common.contracts import load_contract
from assets.common.quality_checks import (
    QUALITY_GATE,
    cached_profile,
    evaluate_quality_gate,
    gate_metadata,
    partition_files,
    profile_cache_path,
)
from assets.common.quality_gates import MIN_HISTORY
from assets.marketing.assets import build_marketing_definitions
from assets.marketing.ingest import ingest_marketing_day
from orchestration.partitions import trading_day_partitions
from orchestration.resources import LakeSettings


def _ingest(paths, land_spend, days, **kwargs):
    for day in days:
        land_spend(day, **kwargs)
        ingest_marketing_day(paths, day)


def test_a_window_of_good_days_passes_with_history_from_bronze(paths, land_spend, days):
    contract = load_contract("marketing", "marketing_spend")
    _ingest(paths, land_spend, days[:8])
    verdict = evaluate_quality_gate(paths, contract, days[:8])
    assert verdict.passed, verdict.description()
    assert [p.business_date for p in verdict.partitions] == days[:8]
    assert [p.history for p in verdict.partitions] == list(range(8))
    last = verdict.partitions[-1].outcome.results
    assert {"expect_table_row_count_to_be_between", "expect_column_mean_to_be_between"} <= {
        r["expectation"] for r in last
    }
    assert all(profile_cache_path(paths, contract, d).is_file() for d in days[:8])
    assert all(p.seconds > 0 for p in verdict.partitions)


def test_a_unit_slip_fails_naming_table_date_and_expectation(paths, land_spend, days):
    contract = load_contract("marketing", "marketing_spend")
    _ingest(paths, land_spend, days[:8])
    land_spend(days[8], scale=100.0)  # yuan sent as fen: every row still passes row validation
    report = ingest_marketing_day(paths, days[8])
    assert report.tables["marketing_spend"].rows_quarantined == 0

    verdict = evaluate_quality_gate(paths, contract, [days[8]])
    assert not verdict.passed
    description = verdict.description()
    assert description.startswith(f"Quality gate failed for marketing.marketing_spend on {days[8]}:")
    assert "column mean to be between on spend" in description
    metadata = gate_metadata(verdict)
    assert metadata["failed_business_dates"] == days[8]
    assert metadata["failures"].data == [
        {"table": "marketing.marketing_spend", "business_date": days[8], "expectation": f}
        for f in verdict.partitions[0].outcome.failures
    ]
    assert "| expect_column_mean_to_be_between | spend | **no** |" in metadata["report"].value


def test_history_needs_enough_partitions_before_it_judges(paths, land_spend, days):
    contract = load_contract("marketing", "marketing_spend")
    _ingest(paths, land_spend, days[: MIN_HISTORY - 1])
    land_spend(days[MIN_HISTORY - 1], scale=100.0)
    ingest_marketing_day(paths, days[MIN_HISTORY - 1])
    assert evaluate_quality_gate(paths, contract, [days[MIN_HISTORY - 1]]).passed


def test_profiles_are_cached_per_batch_and_refreshed_when_the_partition_changes(paths, land_spend, days):
    contract = load_contract("marketing", "marketing_spend")
    _ingest(paths, land_spend, days[:1])
    path = partition_files(paths, contract)[days[0]]
    first = cached_profile(paths, contract, days[0], path)
    cache = profile_cache_path(paths, contract, days[0])
    doc = json.loads(cache.read_text())
    doc["profile"]["row_count"] = 999  # a cached profile is trusted while the batch is the same
    cache.write_text(json.dumps(doc))
    assert cached_profile(paths, contract, days[0], path).row_count == 999

    land_spend(days[0], seed=1)
    ingest_marketing_day(paths, days[0])  # a new batch: the cached profile no longer describes the file
    again = cached_profile(paths, contract, days[0], path)
    assert again.row_count == first.row_count == 12
    assert json.loads(cache.read_text())["batch_id"] != doc["batch_id"]


def test_a_contract_break_in_one_partition_of_a_window_names_only_that_date(paths, land_spend, days):
    contract = load_contract("marketing", "marketing_spend")
    _ingest(paths, land_spend, days[:3])
    bronze = partition_files(paths, contract)[days[1]]
    rows = pq.read_table(bronze).drop_columns(["_ingested_at", "_batch_id"])
    channels = pa.array(["tv"] * rows.num_rows, pa.string())  # written behind the ingest's back
    rows = rows.set_column(rows.schema.get_field_index("channel"), "channel", channels)
    write_bronze(paths, contract, days[1], rows, Batch.new("edited"))

    verdict = evaluate_quality_gate(paths, contract, days[:3])
    assert [p.business_date for p in verdict.failed] == [days[1]]
    assert "column values to be in set on channel" in verdict.description()


def test_the_gate_is_a_blocking_check_of_the_bronze_asset(paths, land_spend, days):
    for day in days[:2]:
        land_spend(day)
    assets_def = build_marketing_definitions().assets[0]
    checks_def = build_marketing_definitions().asset_checks[0]
    gate = [s for s in checks_def.check_specs if s.name == QUALITY_GATE]
    assert len(gate) == 1 and gate[0].blocking
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
            tags={
                "dagster/asset_partition_range_start": days[0],
                "dagster/asset_partition_range_end": days[1],
            },
        )
    (gate_eval,) = [c for c in result.get_asset_check_evaluations() if c.check_name == QUALITY_GATE]
    assert gate_eval.passed
    assert gate_eval.metadata["business_dates"].value == f"{days[0]}, {days[1]}"
    assert "## Quality gate of marketing.marketing_spend" in gate_eval.metadata["report"].value
