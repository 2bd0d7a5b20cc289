"""Ingesting the same files twice adds nothing; anything new or different re-ingests the day whole."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest

from assets.common import ingest
from assets.common.bronze_writer import Batch, write_bronze
from assets.common.contracts import load_contract
from assets.common.dagster_assets import REINGEST_TAG
from assets.common.ingest import UNCHANGED, ingest_unless_unchanged, manifest_path, unchanged_report
from assets.common.paths import LakePaths
from assets.marketing.assets import build_marketing_definitions
from assets.marketing.ingest import ingest_marketing_day
from orchestration.partitions import trading_day_partitions
from orchestration.resources import LakeSettings
from tests.ingest.helpers import DAY, write_landing

HEADER = "spend_id,channel,campaign_id,agent_id,currency,spend,impressions,clicks,spend_date"
ROW_A = f"{DAY}|search_ads|C1|,search_ads,C1,,CNY,120.50,1000,20,{DAY}"
ROW_B = f"{DAY}|social_ads|C2|,social_ads,C2,,CNY,80.00,500,5,{DAY}"
ROW_C = f"{DAY}|partner_app|C3|,partner_app,C3,,CNY,10.00,100,1,{DAY}"


def _files(paths: LakePaths) -> dict[str, tuple[bytes, int]]:
    """Every file ingest wrote for the day, with its bytes and modification time."""
    written = [
        paths.bronze_partition("marketing", "marketing_spend", DAY) / "data.parquet",
        paths.quarantine_partition("marketing", "marketing_spend", DAY) / "data.parquet",
        manifest_path(paths, "marketing", DAY),
    ]
    return {p.name + str(i): (p.read_bytes(), p.stat().st_mtime_ns) for i, p in enumerate(written)}


def _once(paths: LakePaths, **kwargs: object):
    return ingest_unless_unchanged(paths, "marketing", DAY, ingest_marketing_day, **kwargs)


def _bronze_ids(paths: LakePaths) -> list[str]:
    path = paths.bronze_partition("marketing", "marketing_spend", DAY) / "data.parquet"
    return pq.read_table(path).column("spend_id").to_pylist()


def test_the_same_files_twice_add_nothing(paths):
    write_landing(paths, "marketing", DAY, "marketing_spend.csv", HEADER, [ROW_A, ROW_B, ROW_A])
    first = _once(paths, batch_id="first")
    before = _files(paths)

    second = _once(paths, batch_id="second")
    assert second.status == UNCHANGED
    assert second.batch_id == first.batch_id == "first"
    assert second.notes == [
        f"marketing {DAY}: every landing file has the content hash recorded by batch first; "
        "unchanged, skipped."
    ]
    assert second.tables["marketing_spend"].rows_accepted == 2
    assert _files(paths) == before  # not one byte rewritten


def test_a_changed_file_replaces_the_partition_whole(paths):
    landing = write_landing(paths, "marketing", DAY, "marketing_spend.csv", HEADER, [ROW_A, ROW_B])
    _once(paths, batch_id="first")
    landing.write_text("\n".join([HEADER, ROW_C]) + "\n", encoding="utf-8")
    report = _once(paths, batch_id="second")
    assert report.status == "ingested" and report.batch_id == "second"
    assert _bronze_ids(paths) == [f"{DAY}|partner_app|C3|"]  # nothing of the first version is left


def test_a_new_file_in_the_landing_folder_means_another_ingest(paths):
    write_landing(paths, "marketing", DAY, "marketing_spend.csv", HEADER, [ROW_A])
    _once(paths, batch_id="first")
    (paths.landing / "marketing" / DAY / "marketing_spend_correction.csv").write_text(HEADER + "\n")
    assert unchanged_report(paths, "marketing", DAY) is None
    assert _once(paths, batch_id="second").batch_id == "second"


def test_force_ingests_again_and_gives_the_same_rows(paths):
    write_landing(paths, "marketing", DAY, "marketing_spend.csv", HEADER, [ROW_A, ROW_B])
    _once(paths, batch_id="first")
    ids = _bronze_ids(paths)
    report = _once(paths, batch_id="forced", force=True)
    assert report.status == "ingested" and report.batch_id == "forced"
    assert _bronze_ids(paths) == ids


def test_an_interrupted_or_edited_partition_is_ingested_again(paths):
    write_landing(paths, "marketing", DAY, "marketing_spend.csv", HEADER, [ROW_A])
    _once(paths, batch_id="first")
    bronze = paths.bronze_partition("marketing", "marketing_spend", DAY) / "data.parquet"
    rows = pq.read_table(bronze).drop_columns(["_ingested_at", "_batch_id"])
    # A later run that replaced bronze and died before its manifest: same rows, another batch.
    write_bronze(paths, load_contract("marketing", "marketing_spend"), DAY, rows, Batch.new("interrupted"))
    assert unchanged_report(paths, "marketing", DAY) is None
    assert _once(paths, batch_id="repair").batch_id == "repair"


def test_a_changed_contract_means_another_ingest(paths, monkeypatch: pytest.MonkeyPatch):
    write_landing(paths, "marketing", DAY, "marketing_spend.csv", HEADER, [ROW_A])
    _once(paths, batch_id="first")
    monkeypatch.setattr(ingest, "contract_sha256", lambda contract: "another contract text")
    assert _once(paths, batch_id="second").batch_id == "second"


def test_a_day_with_no_landing_file_is_never_taken_as_unchanged(paths):
    ingest_marketing_day(paths, DAY)
    assert unchanged_report(paths, "marketing", DAY) is None


def _materialize(paths: LakePaths, tags: dict[str, str] | None = None) -> dg.ExecuteInProcessResult:
    defs = dg.Definitions(
        assets=build_marketing_definitions().assets,
        jobs=[dg.define_asset_job("ingest", partitions_def=trading_day_partitions())],
        resources={"settings": LakeSettings(home=str(paths.home))},
    )
    with dg.instance_for_test() as instance:
        return defs.resolve_job_def("ingest").execute_in_process(
            instance=instance, partition_key=DAY, tags=tags or {}
        )


def test_the_asset_reports_skipped_days_and_the_tag_forces_them(paths: LakePaths, tmp_path: Path):
    write_landing(paths, "marketing", DAY, "marketing_spend.csv", HEADER, [ROW_A])
    first = _materialize(paths).get_asset_materialization_events()[0].materialization.metadata
    assert first["unchanged_skipped"].value == "none"
    again = _materialize(paths).get_asset_materialization_events()[0].materialization.metadata
    assert again["unchanged_skipped"].value == DAY
    assert again["batch_ids"].value == first["batch_ids"].value
    forced = _materialize(paths, {REINGEST_TAG: "force"}).get_asset_materialization_events()[0]
    assert forced.materialization.metadata["unchanged_skipped"].value == "none"
    assert forced.materialization.metadata["batch_ids"].value != first["batch_ids"].value
