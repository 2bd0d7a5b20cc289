"""A process killed in the middle of a write leaves the previous bronze day readable and complete."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

from assets.common.bronze_checks import rows_accounted_for, schema_matches_contract
from assets.common.bronze_writer import bronze_file, quarantine_file, temp_files
from assets.common.contracts import load_contract
from assets.common.ingest import manifest_path, read_manifest
from assets.common.paths import PROJECT_ROOT, LakePaths
from assets.marketing.ingest import ingest_marketing_day
from tests.ingest.helpers import DAY, write_landing

HEADER = "spend_id,channel,campaign_id,agent_id,currency,spend,impressions,clicks,spend_date"
BIG = 300_000  # enough rows that the Parquet write takes a while
INGEST = (
    "import sys\n"
    "from assets.common.paths import LakePaths\n"
    "from assets.marketing.ingest import ingest_marketing_day\n"
    "ingest_marketing_day(LakePaths.from_home(sys.argv[1]), sys.argv[2], batch_id='killed')\n"
)


def spend_rows(n: int) -> list[str]:
    return [f"{DAY}|search_ads|C{i}|,search_ads,C{i},,CNY,{i % 997}.25,{i},{i % 50},{DAY}" for i in range(n)]


def kill_when_a_temp_file_appears(paths: LakePaths, target: Path) -> int:
    """Run the day's ingest in a child process and SIGKILL it as soon as it starts writing `target`."""
    env = {**os.environ, "MARGINLAKE_HOME": str(paths.home)}
    child = subprocess.Popen([sys.executable, "-c", INGEST, str(paths.home), DAY], cwd=PROJECT_ROOT, env=env)
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            if temp_files(target):
                child.send_signal(signal.SIGKILL)
                return child.wait(timeout=60)
            if child.poll() is not None:
                raise AssertionError(
                    f"The ingest finished (exit {child.returncode}) before it was seen writing {target}; "
                    "give it more rows."
                )
            time.sleep(0.001)
        raise AssertionError(f"No temp file of {target} appeared within 300 s.")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_a_kill_mid_write_keeps_the_previous_day_then_a_rerun_completes(paths):
    contract = load_contract("marketing", "marketing_spend")
    bronze, quarantine = bronze_file(paths, contract, DAY), quarantine_file(paths, contract, DAY)
    landing = write_landing(paths, "marketing", DAY, "marketing_spend.csv", HEADER, spend_rows(3))
    ingest_marketing_day(paths, DAY, batch_id="previous")
    before = {p: p.read_bytes() for p in (bronze, quarantine, manifest_path(paths, "marketing", DAY))}

    landing.write_text("\n".join([HEADER, *spend_rows(BIG)]) + "\n", encoding="utf-8")
    assert kill_when_a_temp_file_appears(paths, bronze) == -signal.SIGKILL

    assert {p: p.read_bytes() for p in before} == before  # bronze, quarantine and manifest untouched
    assert pq.read_table(bronze).num_rows == 3
    assert read_manifest(paths, "marketing", DAY).batch_id == "previous"
    assert rows_accounted_for(paths, contract, [DAY]).passed
    assert schema_matches_contract(paths, contract, [DAY]).passed

    report = ingest_marketing_day(paths, DAY, batch_id="rerun")
    assert report.tables["marketing_spend"].rows_accepted == BIG
    assert pq.read_table(bronze, columns=["_batch_id"]).column(0).unique().to_pylist() == ["rerun"]
    assert rows_accounted_for(paths, contract, [DAY]).passed
    assert temp_files(bronze) == [] and temp_files(quarantine) == []  # the killed run's leftovers are gone
