"""Late prints: a delivery for day D carrying prints of an earlier trading day D' lands them in D'.

DAY (2026-03-02, Monday) and NEXT_DAY (2026-03-03) are XSHG trading days; 2026-02-28 is a
Saturday. The NEXT_DAY file holds one own print, one late print of DAY, a re-delivery of a DAY
print, and a print dated on the Saturday.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pyarrow.parquet as pq
import pytest

from assets.common.bronze_checks import rows_accounted_for, schema_matches_contract
from assets.common.contracts import load_contract
from assets.common.ingest import read_manifest
from assets.common.paths import LakePaths
from assets.ticks.ingest import ingest_ticks_day
from assets.ticks.late import staged_file
from tests.ingest.helpers import DAY, NEXT_DAY, write_landing
from tests.ingest.test_ticks_profiles import bronze, quarantine

HEADER = "symbol,exchange_time,seq,price,volume,side,trade_id"
DAY_ROWS = [
    f"600519.XSHG,{DAY} 09:30:00.000000,1,1700.00,100,B,A1",
    f"600519.XSHG,{DAY} 10:00:00.000000,2,1701.00,100,S,A2",
]
NEXT_ROWS = [
    f"600519.XSHG,{NEXT_DAY} 09:30:00.000000,1,1705.00,100,B,B1",
    f"600519.XSHG,{DAY} 14:00:00.000000,9,1702.00,300,B,A9",  # late print of DAY
    f"600519.XSHG,{DAY} 10:00:00.000000,2,1701.00,100,S,A2",  # DAY print delivered again
    "600519.XSHG,2026-02-28 10:00:00.000000,1,1700.00,100,B,Z1",  # a Saturday
]
NEXT_FILE = f"landing/ticks/{NEXT_DAY}/trades.csv"
CONTRACT = load_contract("ticks", "trades")


def land(paths, next_rows=NEXT_ROWS):
    write_landing(paths, "ticks", DAY, "trades.csv", HEADER, DAY_ROWS)
    write_landing(paths, "ticks", NEXT_DAY, "trades.csv", HEADER, next_rows)


def content(paths, day):
    """Bronze and quarantine of a partition without the run's stamps."""
    drop = ("_batch_id", "_ingested_at")
    return (
        [{k: v for k, v in r.items() if k not in drop} for r in bronze(paths, day=day)],
        sorted(
            (
                (r["_source_file"], r["_source_row"], r["rule"], r["reason"])
                for r in quarantine(paths, day=day)
            ),
        ),
    )


def test_a_late_print_lands_in_its_own_partition(paths):
    land(paths)
    ingest_ticks_day(paths, DAY)
    report = ingest_ticks_day(paths, NEXT_DAY, batch_id="run:2026-03-03")

    assert [r["trade_id"] for r in bronze(paths, day=NEXT_DAY)] == ["B1"]
    assert [r["trade_id"] for r in bronze(paths, day=DAY)] == ["A1", "A2", "A9"]
    late = bronze(paths, day=DAY)[2]
    assert (late["_source_file"], late["_source_row"]) == (NEXT_FILE, 2)
    assert late["exchange_ts"] == dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)

    (dup,) = quarantine(paths, day=DAY)
    assert (dup["_source_file"], dup["_source_row"], dup["rule"]) == (NEXT_FILE, 3, "duplicate_key")
    assert dup["reason"].startswith(
        "duplicate trade_id 'A2': repeats row 2 of landing/ticks/2026-03-02/trades.csv"
    )
    (saturday,) = quarantine(paths, day=NEXT_DAY)
    assert (saturday["rule"], saturday["reason"]) == (
        "late_print",
        "trade_date 2026-02-28 of this late print is not an XSHG trading day, so it has no partition "
        "to land in",
    )

    trades = report.tables["trades"]
    assert (trades.rows_in, trades.rows_accepted, trades.rows_quarantined) == (2, 1, 1)
    assert any("carry trade date 2026-03-02" in n for n in report.notes)
    assert any("Partition 2026-03-02 was rebuilt" in n for n in report.notes)
    rebuilt = read_manifest(paths, "ticks", DAY)
    assert rebuilt.batch_id == "run:2026-03-03:rebuild:2026-03-02"
    assert rebuilt.tables["trades"].rows_in == 4 and NEXT_FILE in rebuilt.tables["trades"].files
    for day in (DAY, NEXT_DAY):
        assert rows_accounted_for(paths, CONTRACT, [day]).passed, day
        assert schema_matches_contract(paths, CONTRACT, [day]).passed, day


def test_every_row_of_a_file_is_in_exactly_one_partition(paths):
    land(paths)
    ingest_ticks_day(paths, DAY)
    ingest_ticks_day(paths, NEXT_DAY)
    seen = Counter()
    for day in (DAY, NEXT_DAY):
        for row in [*bronze(paths, day=day), *quarantine(paths, day=day)]:
            seen[(row["_source_file"], row["_source_row"])] += 1
    assert {k: v for k, v in seen.items() if k[0] == NEXT_FILE} == {(NEXT_FILE, i): 1 for i in (1, 2, 3, 4)}
    assert sum(seen.values()) == len(DAY_ROWS) + len(NEXT_ROWS)


def test_re_runs_in_any_order_give_the_same_partitions(paths, tmp_path):
    land(paths)
    ingest_ticks_day(paths, DAY)
    ingest_ticks_day(paths, NEXT_DAY)
    expected = {day: content(paths, day) for day in (DAY, NEXT_DAY)}

    before = read_manifest(paths, "ticks", DAY).batch_id
    ingest_ticks_day(paths, NEXT_DAY)  # nothing changed: the earlier partition is left alone
    assert read_manifest(paths, "ticks", DAY).batch_id == before
    ingest_ticks_day(paths, DAY)  # its own re-run keeps the late print
    assert {day: content(paths, day) for day in (DAY, NEXT_DAY)} == expected

    other = LakePaths(tmp_path / "other")
    land(other)
    ingest_ticks_day(other, NEXT_DAY)  # the later day first: it creates the earlier partition
    ingest_ticks_day(other, DAY)
    assert {day: content(other, day) for day in (DAY, NEXT_DAY)} == expected


def test_a_late_print_withdrawn_from_the_delivery_leaves_the_earlier_partition(paths):
    land(paths)
    ingest_ticks_day(paths, DAY)
    ingest_ticks_day(paths, NEXT_DAY)
    assert staged_file(paths, "trades", DAY, NEXT_DAY).is_file()

    write_landing(paths, "ticks", NEXT_DAY, "trades.csv", HEADER, NEXT_ROWS[:1])
    report = ingest_ticks_day(paths, NEXT_DAY)
    assert not staged_file(paths, "trades", DAY, NEXT_DAY).exists()
    assert [r["trade_id"] for r in bronze(paths, day=DAY)] == ["A1", "A2"]
    assert quarantine(paths, day=DAY) == []
    assert any("Partition 2026-03-02 was rebuilt" in n for n in report.notes)
    assert rows_accounted_for(paths, CONTRACT, [DAY, NEXT_DAY]).passed


def test_a_print_older_than_the_late_window_is_quarantined_where_it_arrived(paths):
    land(paths, [*NEXT_ROWS[:1], "600519.XSHG,2026-02-02 10:00:00.000000,1,1700.00,100,B,OLD"])
    ingest_ticks_day(paths, NEXT_DAY)
    (old,) = quarantine(paths, day=NEXT_DAY)
    assert old["rule"] == "business_date"
    assert old["reason"].startswith(
        "trade_date value '2026-02-02' is not the dates business date 2026-03-03 covers"
    )


@pytest.mark.parametrize("with_day_folder", [True, False])
def test_a_late_print_creates_its_partition_when_that_day_was_never_ingested(paths, with_day_folder):
    write_landing(paths, "ticks", NEXT_DAY, "trades.csv", HEADER, NEXT_ROWS[:2])
    if with_day_folder:
        write_landing(paths, "ticks", DAY, "trades.csv", HEADER, DAY_ROWS)
    ingest_ticks_day(paths, NEXT_DAY)
    expected = ["A1", "A2", "A9"] if with_day_folder else ["A9"]
    assert [r["trade_id"] for r in bronze(paths, day=DAY)] == expected
    assert pq.read_metadata(paths.bronze_partition("ticks", "quotes", DAY) / "data.parquet").num_rows == 0
    assert rows_accounted_for(paths, CONTRACT, [DAY, NEXT_DAY]).passed
