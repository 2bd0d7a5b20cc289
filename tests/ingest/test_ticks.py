"""Tick files under the xshg_l1_csv profile: exchange-local times become UTC, bad prints go to quarantine."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assets.common.ingest import read_manifest
from assets.ticks.ingest import ingest_ticks_day
from assets.ticks.read import unscale_prices
from tests.ingest.helpers import DAY, write_landing

TRADES_HEADER = "symbol,exchange_time,seq,price,volume,side,trade_id"
TRADES = [
    f"600519.XSHG,{DAY} 09:30:00.250000,1,1700.50,100,B,T1",
    f"600519.XSHG,{DAY} 12:00:00.000000,2,1700.50,100,S,T2",  # lunch break
    f"600519.XSHG,{DAY} 13:00:01.000000,3,1701.00,200,N,T1",  # duplicate trade id
    f"600519.XSHG,{DAY} 14:59:59.999999,4,-1.00,100,B,T4",  # negative price
    f"600519.XSHG,{DAY} 10:00:00.000000,5,1700.50,100,B",  # one field short
    f"600519.XSHG,{DAY} 14:00:00.000000,6,1699.123456789,100,B,T6",  # more decimals than the scale
]
QUOTES_HEADER = "symbol,exchange_time,seq,bid_px,bid_sz,ask_px,ask_sz"
QUOTES = [
    f"600519.XSHG,{DAY} 09:30:00.000000,1,1700.00,500,1700.50,300",
    f"600519.XSHG,{DAY} 09:30:01.000000,2,1701.00,500,1700.50,300",  # crossed
]
EOD_HEADER = "symbol,trade_date,open,high,low,close,prev_close,limit_up,limit_down,volume,turnover,suspended"
EOD = [
    f"600519.XSHG,{DAY},1690,1710,1680,1700.5,1690,1859,1521,1000000,1700000000.00,0",
    f"600000.XSHG,{DAY},10,9,11,10,10,11,9,0,0.00,1",  # high below low
]


@pytest.fixture
def landing(paths):
    write_landing(paths, "ticks", DAY, "trades.csv", TRADES_HEADER, TRADES)
    write_landing(paths, "ticks", DAY, "quotes.csv", QUOTES_HEADER, QUOTES)
    write_landing(paths, "ticks", DAY, "eod_prices.csv", EOD_HEADER, EOD)
    return paths


def quarantine(paths, table: str) -> dict[int, tuple[str, str]]:
    rows = pq.read_table(paths.quarantine_partition("ticks", table, DAY) / "data.parquet").to_pylist()
    return {r["_source_row"]: (r["rule"], r["reason"]) for r in rows}


def test_trades_are_typed_in_utc_and_bad_prints_quarantined(landing):
    report = ingest_ticks_day(landing, DAY)
    trades = report.tables["trades"]
    assert (trades.rows_in, trades.rows_accepted, trades.rows_quarantined) == (6, 1, 5)

    bronze = pq.read_table(landing.bronze_partition("ticks", "trades", DAY) / "data.parquet").to_pylist()
    assert len(bronze) == 1
    assert bronze[0]["exchange_ts"] == dt.datetime(2026, 3, 2, 1, 30, 0, 250000, tzinfo=dt.UTC)
    assert bronze[0]["trade_date"] == dt.date(2026, 3, 2)
    assert bronze[0]["quantity"] == Decimal("100")

    rejected = quarantine(landing, "trades")
    assert rejected[2][0] == "in_session"
    assert rejected[3][0] == "duplicate_key" and "repeats row 1" in rejected[3][1]
    assert rejected[4] == ("range", "price value '-1.00' must be greater than 0")
    assert rejected[5][0] == "malformed_row" and "line 6 has 6 fields, the header 7" in rejected[5][1]
    assert rejected[6][0] == "scale"


def test_quotes_and_eod_rules(landing):
    report = ingest_ticks_day(landing, DAY)
    assert report.tables["quotes"].rows_accepted == 1
    assert quarantine(landing, "quotes")[2][0] == "ask_ge_bid"
    assert quarantine(landing, "eod_prices")[2] == (
        "high_ge_low",
        "high_price 9.00000000 is below low_price 11.00000000",
    )
    eod = pq.read_table(landing.bronze_partition("ticks", "eod_prices", DAY) / "data.parquet").to_pylist()
    assert eod[0]["is_suspended"] is False and eod[0]["turnover"] == Decimal("1700000000.00")


def test_every_row_is_accounted_for_in_the_manifest(landing):
    report = ingest_ticks_day(landing, DAY, batch_id="b-1")
    manifest = read_manifest(landing, "ticks", DAY)
    assert manifest == report
    assert manifest.batch_id == "b-1"
    for table in manifest.tables.values():
        assert table.rows_in == table.rows_accepted + table.rows_quarantined
        assert table.files == [f"landing/ticks/{DAY}/{table.table}.csv"]
    assert set(manifest.file_sha256) == {
        f"landing/ticks/{DAY}/{n}.csv" for n in ("trades", "quotes", "eod_prices")
    }


def test_rerun_gives_identical_counts(landing):
    first = ingest_ticks_day(landing, DAY)
    second = ingest_ticks_day(landing, DAY)
    counts = lambda r: {t: (x.rows_in, x.rows_accepted, x.rows_quarantined) for t, x in r.tables.items()}  # noqa: E731
    assert counts(first) == counts(second)
    assert first.batch_id != second.batch_id
    bronze = pq.read_table(landing.bronze_partition("ticks", "trades", DAY) / "data.parquet")
    assert set(bronze.column("_batch_id").to_pylist()) == {second.batch_id}


def test_a_file_missing_a_vendor_column_is_set_aside(paths):
    write_landing(paths, "ticks", DAY, "trades.csv", "symbol,exchange_time,seq,price,side,trade_id", [])
    report = ingest_ticks_day(paths, DAY)
    assert [u.path for u in report.unreadable_files] == [f"landing/ticks/{DAY}/trades.csv"]
    assert "lacks column(s) volume" in report.unreadable_files[0].message
    folder = paths.quarantine / "_files" / "ticks" / DAY
    assert (folder / "trades.csv").is_file()
    assert "lacks column(s) volume" in (folder / "trades.csv.reason.txt").read_text()
    assert report.tables["trades"].rows_in == 0
    assert any("quotes.csv has not arrived" in n for n in report.notes)
    assert json.loads((paths.bronze / "ticks/_manifests/business_date=2026-03-02.json").read_text())[
        "unreadable_files"
    ]


def test_price_scale_turns_vendor_integers_into_exact_decimals():
    out = unscale_prices(pa.array(["17005000", "5", "-123", None]), 4).to_pylist()
    assert out == ["1700.5000", "0.0005", "-0.0123", None]
