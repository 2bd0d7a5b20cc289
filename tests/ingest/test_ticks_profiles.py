"""Tick vendor profiles: loaded strictly from YAML, chosen per file, and read into exact values.

Expected values are worked out by hand: Asia/Shanghai is UTC+8 with no daylight saving, so
09:30:00 local on 2026-03-02 is 01:30:00Z; 2026-03-02T00:00:00Z is 1772409600 seconds after the
epoch, so 01:30:00.250Z is 1772415000250 ms.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assets.common.paths import LakePaths
from assets.ticks.ingest import ingest_ticks_day
from assets.ticks.profiles import DEFAULT_PROFILE, TickProfileError, load_profile, load_profiles
from assets.ticks.read import TickProfileMismatchError
from tests.ingest.helpers import DAY, write_landing

FIXTURES = Path(__file__).parent / "fixtures" / "ticks"
UTC = dt.UTC


def utc(hour: int, minute: int, second: int, micro: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 2, hour, minute, second, micro, tzinfo=UTC)


def land_fixture(paths: LakePaths, name: str, day: str = DAY) -> Path:
    target = paths.landing_day("ticks", day) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / "landing" / name, target)
    return target


def bronze(paths: LakePaths, table: str = "trades", day: str = DAY) -> list[dict]:
    return pq.read_table(paths.bronze_partition("ticks", table, day) / "data.parquet").to_pylist()


def quarantine(paths: LakePaths, table: str = "trades", day: str = DAY) -> list[dict]:
    return pq.read_table(paths.quarantine_partition("ticks", table, day) / "data.parquet").to_pylist()


def fields(rows: list[dict], *names: str) -> list[tuple]:
    return [tuple(r[n] for n in names) for r in rows]


VENDOR_SCHEMA = pa.schema(
    [
        ("trade_id", pa.string()),
        ("security_id", pa.string()),
        ("appl_seq_num", pa.int64()),
        ("trade_price", pa.int64()),
        ("trade_volume", pa.int64()),
        ("bs_flag", pa.string()),
        ("transact_time_ms", pa.int64()),
        ("trade_cond", pa.string()),
    ]
)


def write_vendor_parquet(paths: LakePaths, name: str, rows: list[tuple], day: str = DAY) -> Path:
    path = paths.landing_day("ticks", day) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in VENDOR_SCHEMA]
    pq.write_table(pa.table(columns, schema=VENDOR_SCHEMA), path)
    return path


# -- the shipped profiles -----------------------------------------------------------------------


def test_shipped_profiles_load_and_xshg_is_the_default():
    profiles = load_profiles()
    assert {"xshg_l1_csv", "vendor_ticks_parquet", "cn_ashare_tick_csv"} <= set(profiles)
    assert DEFAULT_PROFILE == "xshg_l1_csv"
    assert set(profiles["xshg_l1_csv"].tables) == {"trades", "quotes", "eod_prices"}
    vendor = profiles["vendor_ticks_parquet"]
    assert (vendor.format, vendor.price_scale, vendor.lot_size, vendor.timestamps.unit) == (
        "parquet",
        4,
        100,
        "ms",
    )


def test_vendor_parquet_epoch_ms_integer_prices_and_lots(paths):
    write_vendor_parquet(
        paths,
        "trades_20260302.parquet",
        [
            ("V1", "600519.XSHG", 11, 17005000, 3, "B", 1772415000250, None),
            ("V2", "600519.XSHG", 12, 17004999, 1, "S", 1772427600000, "F"),  # 13:00:00 local = 05:00Z
            ("V3", "600519.XSHG", 13, 5, 10, "N", 1772415060000, ""),  # 0.0005 yuan
        ],
    )
    report = ingest_ticks_day(paths, DAY)
    assert report.tables["trades"].rows_accepted == 3
    rows = bronze(paths)
    assert fields(rows, "trade_id", "price", "quantity", "aggressor_side", "exchange_ts", "trade_date") == [
        ("V1", Decimal("1700.5"), Decimal("300"), "B", utc(1, 30, 0, 250000), dt.date(2026, 3, 2)),
        ("V3", Decimal("0.0005"), Decimal("1000"), "N", utc(1, 31, 0), dt.date(2026, 3, 2)),
        ("V2", Decimal("1700.4999"), Decimal("100"), "S", utc(5, 0, 0), dt.date(2026, 3, 2)),
    ]
    assert any("under tick profile vendor_ticks_parquet" in n for n in report.notes)


def test_a_share_csv_with_chinese_headers_in_local_time_and_lots(paths):
    land_fixture(paths, "600519.XSHG_tick.csv")
    report = ingest_ticks_day(paths, DAY)
    trades = report.tables["trades"]
    assert (trades.rows_in, trades.rows_accepted, trades.rows_quarantined) == (5, 3, 2)
    rows = bronze(paths)
    assert fields(
        rows, "trade_id", "instrument_id", "seq", "price", "quantity", "aggressor_side", "exchange_ts"
    ) == [
        (
            "2026-03-02/600519.XSHG_tick.csv:1",
            "600519.XSHG",
            1,
            Decimal("1700.5"),
            Decimal("1200"),
            "B",
            utc(1, 30, 3),
        ),
        (
            "2026-03-02/600519.XSHG_tick.csv:2",
            "600519.XSHG",
            2,
            Decimal("1700.48"),
            Decimal("300"),
            "S",
            utc(1, 30, 7),
        ),
        (
            "2026-03-02/600519.XSHG_tick.csv:3",
            "600519.XSHG",
            3,
            Decimal("1701"),
            Decimal("100"),
            "N",
            utc(5, 0, 0),
        ),
    ]
    rejected = {r["_source_row"]: (r["rule"], r["reason"]) for r in quarantine(paths)}
    assert rejected[4][0] == "in_session"
    assert rejected[5] == ("enum", "aggressor_side value '大单' is not one of B, S, N")
    assert any("价格变动, 成交金额" in n and "does not map" in n for n in report.notes)


def test_xshg_l1_csv_reads_todays_files_unchanged(paths):
    write_landing(
        paths,
        "ticks",
        DAY,
        "trades.csv",
        "symbol,exchange_time,seq,price,volume,side,trade_id",
        ["600519.XSHG,2026-03-02 09:30:00.250000,1,1700.50,100,B,T1"],
    )
    ingest_ticks_day(paths, DAY)
    (row,) = bronze(paths)
    assert (row["price"], row["quantity"], row["exchange_ts"]) == (
        Decimal("1700.5"),
        Decimal("100"),
        utc(1, 30, 0, 250000),
    )
    assert row["_source_file"] == f"landing/ticks/{DAY}/trades.csv" and row["_source_row"] == 1


# -- features exercised through test-only profiles ----------------------------------------------


@pytest.fixture
def extra_profiles():
    return {**load_profiles(), **load_profiles(FIXTURES / "profiles")}


def test_header_less_epoch_auto_detects_microseconds_and_maps_is_buyer_maker(paths, extra_profiles):
    land_fixture(paths, "BTCUSDT-trades-2026-03-02.csv")
    ingest_ticks_day(paths, DAY, profiles=extra_profiles)
    assert fields(
        bronze(paths), "trade_id", "instrument_id", "price", "quantity", "aggressor_side", "exchange_ts"
    ) == [
        ("5001", "BTCUSDT", Decimal("84000.01"), Decimal("0.0012"), "S", utc(1, 30, 0, 123456)),
        ("5002", "BTCUSDT", Decimal("84000.02"), Decimal("0.5"), "B", utc(1, 30, 1, 1)),
    ]


def test_epoch_auto_detects_milliseconds_too(paths, extra_profiles):
    write_landing(
        paths, "ticks", DAY, "BTCUSDT-trades-2026-03-02.csv", "7,1.5,2,3,1772415000250,false,true", []
    )
    ingest_ticks_day(paths, DAY, profiles=extra_profiles)
    assert fields(bronze(paths), "exchange_ts", "aggressor_side") == [(utc(1, 30, 0, 250000), "B")]


def test_a_file_mixing_epoch_units_cannot_be_read(paths, extra_profiles):
    write_landing(
        paths,
        "ticks",
        DAY,
        "BTCUSDT-trades-2026-03-02.csv",
        "7,1.5,2,3,1772415000250,false,true",
        ["8,1.5,2,3,1772415000250000,false,true"],
    )
    report = ingest_ticks_day(paths, DAY, profiles=extra_profiles)
    (item,) = report.unreadable_files
    assert item.path == f"landing/ticks/{DAY}/BTCUSDT-trades-2026-03-02.csv"
    assert "mixes epoch milliseconds and microseconds" in item.message


def test_seconds_after_midnight_with_the_date_from_the_file_name(paths, extra_profiles):
    land_fixture(paths, "600519.XSHG_2026-03-02_34200000_54000000_message_1.csv")
    report = ingest_ticks_day(paths, DAY, profiles=extra_profiles)
    assert report.tables["trades"].rows_accepted == 2
    name = "2026-03-02/600519.XSHG_2026-03-02_34200000_54000000_message_1.csv"
    assert fields(bronze(paths), "trade_id", "price", "quantity", "aggressor_side", "exchange_ts") == [
        (f"{name}:1", Decimal("1700.5"), Decimal("100"), "B", utc(1, 30, 0, 123456)),
        (f"{name}:2", Decimal("1700.49"), Decimal("200"), "S", utc(1, 31, 0, 500000)),
    ]


def test_values_a_profile_cannot_convert_are_quarantined_with_the_rule(paths):
    write_vendor_parquet(
        paths,
        "trades_20260302.parquet",
        [
            ("V1", "600519.XSHG", 1, 17005000, 3, "B", 1772415000250, "Z"),  # unknown condition
            ("V2", "600519.XSHG", 2, 17005000, 3, "B", None, None),  # no time
        ],
    )
    write_landing(
        paths,
        "ticks",
        DAY,
        "trades.csv",
        "symbol,exchange_time,seq,price,volume,side,trade_id",
        ["600519.XSHG,2026-03-02 25:61:00.000000,1,1700.50,100,B,T1"],
    )
    report = ingest_ticks_day(paths, DAY)
    assert report.tables["trades"].rows_quarantined == 3
    rejected = {
        (r["_source_file"].rsplit("/", 1)[1], r["_source_row"]): (r["rule"], r["reason"])
        for r in quarantine(paths)
    }
    assert rejected[("trades_20260302.parquet", 1)] == (
        "trade_condition",
        "trade_condition value 'Z' (column trade_cond) is not one tick profile vendor_ticks_parquet maps "
        "(known: '', 'F', 'C', 'X')",
    )
    assert "exchange_ts is required but missing" in rejected[("trades_20260302.parquet", 2)][1]
    assert rejected[("trades.csv", 1)] == (
        "type",
        "exchange_ts value '2026-03-02 25:61:00.000000' is not a timestamp in the format "
        "%Y-%m-%d %H:%M:%S.%f (Asia/Shanghai local time)",
    )
    raw = next(r["raw_record"] for r in quarantine(paths) if r["_source_file"].endswith("trades.csv"))
    assert '"exchange_ts":"2026-03-02 25:61:00.000000"' in raw  # as delivered, not as converted


def test_floating_point_prices_make_a_parquet_file_unreadable(paths):
    path = paths.landing_day("ticks", DAY) / "trades_20260302.parquet"
    path.parent.mkdir(parents=True)
    table = pa.table({name: pa.array([], VENDOR_SCHEMA.field(name).type) for name in VENDOR_SCHEMA.names})
    table = table.set_column(3, "trade_price", pa.array([], pa.float64()))
    pq.write_table(table, path)
    report = ingest_ticks_day(paths, DAY)
    (item,) = report.unreadable_files
    assert "column trade_price is double" in item.message and "never floating point" in item.message


# -- choosing the profile -----------------------------------------------------------------------


def test_a_file_no_profile_matches_is_set_aside_naming_it(paths):
    write_landing(paths, "ticks", DAY, "prints.txt", "a,b", ["1,2"])
    report = ingest_ticks_day(paths, DAY)
    (item,) = report.unreadable_files
    assert item.path == f"landing/ticks/{DAY}/prints.txt"
    assert item.message.startswith(f"landing/ticks/{DAY}/prints.txt: its name fits no file-name pattern")
    assert (paths.quarantine / "_files" / "ticks" / DAY / "prints.txt.reason.txt").is_file()


def test_a_named_profile_that_does_not_fit_a_file_stops_the_ingest(paths):
    write_landing(
        paths, "ticks", DAY, "trades.csv", "symbol,exchange_time,seq,price,volume,side,trade_id", []
    )
    with pytest.raises(TickProfileMismatchError, match=rf"landing/ticks/{DAY}/trades.csv: its name fits no"):
        ingest_ticks_day(paths, DAY, profile_name="vendor_ticks_parquet")
    assert not (paths.bronze / "ticks" / "_manifests").exists()


def test_an_unknown_profile_name_is_refused(paths):
    with pytest.raises(ValueError, match="Unknown tick profile 'nope'"):
        ingest_ticks_day(paths, DAY, profile_name="nope")


def test_the_header_decides_between_profiles_that_fit_the_name(paths, tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    text = (load_profiles()["xshg_l1_csv"].source or Path()).read_text(encoding="utf-8")
    renamed = text.replace("name: xshg_l1_csv", "name: xshg_renamed").replace(
        "quantity: volume", "quantity: qty"
    )
    (folder / "xshg_renamed.yaml").write_text(renamed, encoding="utf-8")
    shutil.copyfile(load_profiles()["xshg_l1_csv"].source, folder / "xshg_l1_csv.yaml")
    profiles = load_profiles(folder)
    write_landing(paths, "ticks", DAY, "trades.csv", "symbol,exchange_time,seq,price,qty,side,trade_id", [])
    report = ingest_ticks_day(paths, DAY, profiles=profiles)
    assert any("under tick profile xshg_renamed" in n for n in report.notes)
    assert not report.unreadable_files


# -- strict loading -----------------------------------------------------------------------------

GOOD = """\
name: NAME
format: csv
timestamps: {kind: text, format: "%Y-%m-%d %H:%M:%S", timezone: Asia/Shanghai}
prices: {scale: 0}
quantities: {unit: shares}
tables:
  trades:
    file_name: 'x\\.csv'
    columns:
      trade_id: id
      instrument_id: sym
      seq: seq
      price: px
      quantity: qty
      aggressor_side: side
      exchange_ts: ts
"""


def write_profile(tmp_path: Path, text: str, name: str = "p") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace("NAME", name), encoding="utf-8")
    return path


def test_a_well_formed_profile_loads(tmp_path):
    profile = load_profile(write_profile(tmp_path, GOOD))
    assert profile.tables["trades"].vendor_columns() == ("id", "sym", "seq", "px", "qty", "side", "ts")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("prices: {scale: 0}", "prices: {scale: 0, round: true}"), "unknown key(s) round in prices"),
        (("      seq: seq\n", ""), "tables.trades.columns lacks contract column(s) seq"),
        (
            ("      exchange_ts: ts", "      exchange_ts: ts\n      trade_date: d"),
            "maps trade_date, which is derived",
        ),
        (
            ("aggressor_side: side", "aggressor_side: {column: s, map: {true: S}}"),
            "must be a text; write it in quotes",
        ),
        (("%Y-%m-%d %H:%M:%S", "%H:%M:%S"), "format has no date; set date_from"),
        (("timezone: Asia/Shanghai", "timezone: Mars/Olympus"), "'Mars/Olympus' is not an IANA time zone"),
        (
            ("quantities: {unit: shares}", "quantities: {unit: lots}"),
            "quantities.lot_size must be a whole number",
        ),
        (("  trades:", "  orders:"), "tables.orders is not a ticks table"),
        (("kind: text", "kind: epoch"), "timestamps of kind epoch take no format, timezone"),
        (
            ("file_name: 'x\\.csv'", "file_name: 'x(.csv'"),
            "tables.trades.file_name is not a regular expression",
        ),
        (("instrument_id: sym", "instrument_id: {file_name: sym}"), "names group 'sym', which the table's"),
    ],
)
def test_profiles_are_checked_strictly(tmp_path, change, message):
    old, new = change
    assert old in GOOD, old
    path = write_profile(tmp_path, GOOD.replace(old, new))
    with pytest.raises(TickProfileError) as err:
        load_profile(path)
    assert str(err.value).startswith("p.yaml: ")
    assert message in str(err.value)


def test_a_profile_name_must_equal_its_file_name(tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text(GOOD.replace("NAME", "p"), encoding="utf-8")
    with pytest.raises(TickProfileError, match="must be lower_snake_case and equal the file name 'other'"):
        load_profile(path)


def test_a_condition_is_for_trades_only(tmp_path):
    text = (
        load_profiles()["xshg_l1_csv"]
        .source.read_text(encoding="utf-8")
        .replace(
            "      ask_size: ask_sz\n      exchange_ts: exchange_time\n",
            "      ask_size: ask_sz\n      exchange_ts: exchange_time\n"
            "    condition: {column: c, map: {X: cancel}}\n",
        )
    )
    path = tmp_path / "xshg_l1_csv.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TickProfileError, match=r"tables\.quotes\.condition is for trades only"):
        load_profile(path)
