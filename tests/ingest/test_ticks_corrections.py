"""Duplicates and exchange corrections of trade prints, and out-of-order files.

The vendor Parquet profile carries a trade condition: empty/F a print, C a correction, X a cancel.
Files of one day are read in name order, so trades_20260302_corrections.parquet comes after
trades_20260302.parquet. Times are epoch ms: 1772415000000 is 09:30:00 local (01:30:00Z).
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import pyarrow.parquet as pq

from assets.common.bronze_checks import rows_accounted_for, schema_matches_contract
from assets.common.contracts import load_contract
from assets.ticks.ingest import ingest_ticks_day
from tests.ingest.helpers import DAY, write_landing
from tests.ingest.test_ticks_profiles import FIXTURES, bronze, quarantine, write_vendor_parquet

BASE = "trades_20260302.parquet"
CORRECTIONS = "trades_20260302_corrections.parquet"
T0 = 1772415000000  # 09:30:00 local


def ms(minutes: int) -> int:
    return T0 + minutes * 60_000


def unstamped(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in ("_batch_id", "_ingested_at")} for r in rows]


def by_origin(paths) -> dict[tuple[str, int], tuple[str, str]]:
    return {
        (r["_source_file"].rsplit("/", 1)[1], r["_source_row"]): (r["rule"], r["reason"])
        for r in quarantine(paths)
    }


def test_duplicates_corrections_and_cancels(paths):
    write_vendor_parquet(
        paths,
        BASE,
        [
            ("T1", "600519.XSHG", 1, 17005000, 3, "B", ms(0), None),
            ("T2", "600519.XSHG", 2, 17006000, 1, "S", ms(1), None),
            ("T3", "600519.XSHG", 3, 17007000, 2, "N", ms(2), None),
            ("T1", "600519.XSHG", 1, 17005000, 3, "B", ms(0), None),  # exact re-delivery
            ("T4", "600519.XSHG", 4, 17008000, 1, "B", ms(3), None),
        ],
    )
    write_vendor_parquet(
        paths,
        CORRECTIONS,
        [
            ("T2", "600519.XSHG", 2, 17005500, 1, "S", ms(1), "C"),  # corrects T2's price
            ("T3", "600519.XSHG", 3, 17007000, 2, "N", ms(2), "X"),  # cancels T3
            ("T9", "600519.XSHG", 9, 17000000, 1, "B", ms(4), "X"),  # cancels a print never seen
            ("T4", "600519.XSHG", 4, 17008100, 1, "B", ms(3), None),  # differs, no correction flag
            ("T2", "600519.XSHG", 2, 17005800, 2, "S", ms(1), "C"),  # corrects the correction
        ],
    )
    report = ingest_ticks_day(paths, DAY)
    trades = report.tables["trades"]
    assert (trades.rows_in, trades.rows_accepted, trades.rows_quarantined) == (10, 3, 7)

    kept = {r["trade_id"]: r for r in bronze(paths)}
    assert set(kept) == {"T1", "T2", "T4"}
    assert (kept["T2"]["price"], kept["T2"]["quantity"]) == (Decimal("1700.58"), Decimal("200"))
    assert (kept["T2"]["_source_file"].endswith(CORRECTIONS), kept["T2"]["_source_row"]) == (True, 5)
    assert kept["T4"]["price"] == Decimal("1700.8") and kept["T4"]["_source_file"].endswith(BASE)

    base, corr = f"landing/ticks/{DAY}/{BASE}", f"landing/ticks/{DAY}/{CORRECTIONS}"
    assert by_origin(paths) == {
        (BASE, 4): (
            "duplicate_key",
            f"duplicate trade_id 'T1': repeats row 1 of {base} with the same content; "
            "the first delivery was kept",
        ),
        (BASE, 2): (
            "exchange_correction",
            f"superseded by exchange correction at row 1 of {corr}: price 1700.6 -> 1700.55",
        ),
        (CORRECTIONS, 1): (
            "exchange_correction",
            f"superseded by exchange correction at row 5 of {corr}: "
            "price 1700.55 -> 1700.58, quantity 100 -> 200",
        ),
        (BASE, 3): (
            "exchange_correction",
            f"superseded by exchange correction: cancelled by row 2 of {corr}",
        ),
        (CORRECTIONS, 2): (
            "exchange_correction",
            f"exchange cancel of trade_id 'T3': applied, the print at row 3 of {base} "
            "was removed from bronze",
        ),
        (CORRECTIONS, 3): (
            "exchange_correction",
            f"exchange cancel of trade_id 'T9' matches no print of trade date {DAY}; nothing was removed",
        ),
        (CORRECTIONS, 4): (
            "duplicate_key",
            f"duplicate trade_id 'T4': repeats row 5 of {base}, which was kept; this one differs "
            "(price 1700.8 -> 1700.81) but carries no correction flag",
        ),
    }
    contract = load_contract("ticks", "trades")
    assert rows_accounted_for(paths, contract, [DAY]).passed
    assert schema_matches_contract(paths, contract, [DAY]).passed


def test_the_same_records_give_the_same_partition_on_every_run(paths):
    write_vendor_parquet(paths, BASE, [("T1", "600519.XSHG", 1, 17005000, 3, "B", ms(0), None)])
    write_vendor_parquet(paths, CORRECTIONS, [("T1", "600519.XSHG", 1, 17004000, 3, "B", ms(0), "C")])
    first = ingest_ticks_day(paths, DAY)
    rows_first = bronze(paths)
    second = ingest_ticks_day(paths, DAY)
    rows_second = bronze(paths)
    assert unstamped(rows_first) == unstamped(rows_second)
    assert [r["price"] for r in rows_second] == [Decimal("1700.4")]
    assert first.tables["trades"].rows_quarantined == second.tables["trades"].rows_quarantined == 1


def test_a_broken_correction_does_not_displace_the_print(paths):
    write_vendor_parquet(paths, BASE, [("T1", "600519.XSHG", 1, 17005000, 3, "B", ms(0), None)])
    write_vendor_parquet(paths, CORRECTIONS, [("T1", "600519.XSHG", 1, -17005000, 3, "B", ms(0), "C")])
    ingest_ticks_day(paths, DAY)
    assert [r["price"] for r in bronze(paths)] == [Decimal("1700.5")]
    assert by_origin(paths)[(CORRECTIONS, 1)] == ("range", "price value '-1700.5000' must be greater than 0")


def test_a_print_re_sent_after_its_cancel_stays_cancelled(paths):
    write_vendor_parquet(
        paths,
        BASE,
        [
            ("T1", "600519.XSHG", 1, 17005000, 3, "B", ms(0), None),
            ("T1", "600519.XSHG", 1, 17005000, 3, "B", ms(0), "X"),
            ("T1", "600519.XSHG", 1, 17005000, 3, "B", ms(0), None),
        ],
    )
    report = ingest_ticks_day(paths, DAY)
    assert report.tables["trades"].rows_accepted == 0
    assert "does not reinstate it" in by_origin(paths)[(BASE, 3)][1]


def test_an_out_of_order_file_is_accepted_and_written_in_time_order(paths):
    target = paths.landing_day("ticks", DAY) / "trades.csv"
    target.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "landing" / "trades_out_of_order.csv", target)
    report = ingest_ticks_day(paths, DAY)
    assert report.tables["trades"].rows_accepted == 5
    rows = bronze(paths)
    assert [r["trade_id"] for r in rows] == ["T1", "T2", "E7", "T3", "T4"]
    assert [r["_source_row"] for r in rows] == [2, 5, 3, 4, 1]
    assert rows[2]["exchange_ts"] == dt.datetime(2026, 3, 2, 2, 15, 0, 500000, tzinfo=dt.UTC)
    assert pq.read_metadata(paths.bronze_partition("ticks", "trades", DAY) / "data.parquet").num_rows == 5


def test_identical_prints_with_different_trade_ids_are_both_kept(paths):
    row = "600519.XSHG,2026-03-02 09:30:00.000000,{seq},1700.00,100,B,{tid}"
    write_landing(
        paths,
        "ticks",
        DAY,
        "trades.csv",
        "symbol,exchange_time,seq,price,volume,side,trade_id",
        [row.format(seq=1, tid="T1"), row.format(seq=2, tid="T2")],
    )
    report = ingest_ticks_day(paths, DAY)
    assert report.tables["trades"].rows_accepted == 2
