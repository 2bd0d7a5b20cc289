"""Vendor mapping profiles for tick files, kept as data in profiles/<name>.yaml.

Every tick vendor writes its own layout: other column names, times as local text, epoch integers
or seconds after midnight, prices as integers of 1/10000, volumes in lots. Keeping each layout as
a reviewed data file means a new vendor is a new file, not new code. A profile is checked strictly
when it is loaded (unknown keys, missing contract columns, impossible combinations), because a
misspelt key would otherwise fall back to a default and misread every print of that vendor.

Profile file format (every key shown; optional ones say so):

    name: vendor_ticks_parquet      # must equal the file name without .yaml
    description: one line
    format: csv | parquet
    csv:                            # csv only; every key optional
      encoding: utf-8               # default utf-8
      delimiter: ","                # default ","
      header: true                  # default true; false needs column_names
      column_names: [id, price]     # header-less files: the names of the fields, in order
    timestamps:                     # needed when a table has exchange_ts
      kind: text | epoch | seconds_after_midnight
      format: "%Y-%m-%d %H:%M:%S.%f"   # text: DuckDB strptime format
      timezone: Asia/Shanghai       # text and seconds_after_midnight: the zone of the wall time
      unit: s | ms | us | ns | auto # epoch (UTC by definition); auto tells ms from us by magnitude;
                                    # digits finer than a microsecond are cut (the contract's unit)
      date_from: folder | file_name # a time without a date: the folder's date or the group
                                    # (?P<date>...) of the table's file_name, YYYY-MM-DD or YYYYMMDD
    prices:
      scale: 4                      # integer prices in units of 10^-scale; 0 = decimals as written
    quantities:
      unit: shares | lots
      lot_size: 100                 # lots only
    tables:
      trades:                       # a contract table of the ticks source
        file_name: 'trades(_.+)?\\.parquet'   # regular expression the whole file name must match
        columns:                    # contract column: where its value comes from
          price: trade_price                          # a vendor column
          aggressor_side: {column: bs_flag, map: {B: B, S: S}}  # a vendor column with a value map
          instrument_id: {file_name: instrument_id}   # a named group of file_name
          seq: {generated: row_number}                # the 1-based data row
          trade_id: {generated: file_and_row}         # <folder>/<file name>:<row>, no venue id
          instrument_id: {value: 600519.XSHG}         # or: a constant
        condition:                  # trades only, optional: the exchange's correction flag
          column: trade_cond
          map: {"": new, C: correct, X: cancel}
          optional: true            # the column may be absent (every print is then new)

trade_date of a table with exchange_ts is never mapped: it is the exchange-local date of the print.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from assets.common.contracts import contracts_for

SOURCE = "ticks"
PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
DEFAULT_PROFILE = "xshg_l1_csv"

TIMESTAMP_COLUMN = "exchange_ts"
DERIVED_DATE_COLUMN = "trade_date"
# Which contract columns hold prices (the price scale applies) and share quantities (the lot size
# applies); money columns such as turnover are neither.
PRICE_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "trades": ("price",),
    "quotes": ("bid_price", "ask_price"),
    "eod_prices": (
        "open_price",
        "high_price",
        "low_price",
        "close_price",
        "prev_close_price",
        "limit_up_price",
        "limit_down_price",
    ),
}
QUANTITY_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "trades": ("quantity",),
    "quotes": ("bid_size", "ask_size"),
    "eod_prices": ("volume",),
}

FORMATS = ("csv", "parquet")
TIMESTAMP_KINDS = ("text", "epoch", "seconds_after_midnight")
EPOCH_UNITS = ("s", "ms", "us", "ns", "auto")
DATE_SOURCES = ("folder", "file_name")
GENERATED = ("row_number", "file_and_row")
ACTIONS = ("new", "correct", "cancel")
MAX_PRICE_SCALE = 12

_TOP_KEYS = {"name", "description", "format", "csv", "timestamps", "prices", "quantities", "tables"}
_CSV_KEYS = {"encoding", "delimiter", "header", "column_names"}
_TIMESTAMP_KEYS = {"kind", "format", "timezone", "unit", "date_from"}
_PRICE_KEYS = {"scale"}
_QUANTITY_KEYS = {"unit", "lot_size"}
_TABLE_KEYS = {"file_name", "columns", "condition"}
_SOURCE_KEYS = {"column", "map", "file_name", "generated", "value"}
_CONDITION_KEYS = {"column", "map", "optional"}
_NAME = re.compile(r"[a-z0-9_]+")
_DATE_DIRECTIVES = ("%Y", "%y", "%m", "%d", "%j", "%b", "%B")


class TickProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the key at fault."""


@dataclass(frozen=True)
class ColumnSource:
    """Where a contract column's value comes from: exactly one of the four, plus an optional value map."""

    column: str | None = None
    file_name_group: str | None = None
    generated: str | None = None
    value: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Condition:
    """The vendor's trade-condition column and what each of its values means: new, correct or cancel."""

    column: str
    mapping: Mapping[str, str]
    optional: bool = False

    def action(self, raw: str | None) -> str | None:
        """new, correct or cancel for a cell; an empty cell is new unless the map says otherwise."""
        text = (raw or "").strip()
        if text in self.mapping:
            return self.mapping[text]
        return "new" if text == "" else None


@dataclass(frozen=True)
class Timestamps:
    """How a vendor writes exchange times; see the module docstring for the meaning of each kind."""

    kind: str
    format: str | None = None
    timezone: str = "UTC"
    unit: str | None = None
    date_from: str | None = None

    def describe(self) -> str:
        """What a valid value looks like, for reasons of rows whose time cannot be read."""
        if self.kind == "text":
            return f"a timestamp in the format {self.format} ({self.timezone} local time)"
        if self.kind == "epoch":
            if self.unit == "auto":
                return "an epoch time in milliseconds or microseconds (a whole number)"
            names = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}
            return f"an epoch time in {names[self.unit or 's']}" + (
                "" if self.unit == "s" else " (a whole number)"
            )
        return f"a number of seconds after midnight ({self.timezone} local time)"


@dataclass(frozen=True)
class TableLayout:
    """One kind of vendor file: which file names it takes, and how its columns become contract columns."""

    table: str
    file_name: re.Pattern[str]
    columns: Mapping[str, ColumnSource]
    condition: Condition | None = None

    def vendor_columns(self) -> tuple[str, ...]:
        """The vendor columns a file must have to be read under this layout."""
        names = [s.column for s in self.columns.values() if s.column is not None]
        if self.condition is not None and not self.condition.optional:
            names.append(self.condition.column)
        return tuple(dict.fromkeys(names))

    def all_vendor_columns(self) -> tuple[str, ...]:
        """Required and optional vendor columns this layout reads."""
        names = list(self.vendor_columns())
        if self.condition is not None:
            names.append(self.condition.column)
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class TickProfile:
    """How one vendor delivers ticks: file format, time representation, price scale, lot size, layouts."""

    name: str
    description: str
    format: str
    tables: Mapping[str, TableLayout]
    timestamps: Timestamps | None = None
    price_scale: int = 0
    lot_size: int = 1
    encoding: str = "utf-8"
    delimiter: str = ","
    header: bool = True
    column_names: tuple[str, ...] = ()
    source: Path | None = None

    def layout_for(self, file_name: str) -> list[TableLayout]:
        """The layouts whose file-name pattern the whole name matches."""
        return [t for t in self.tables.values() if t.file_name.fullmatch(file_name)]


def load_profile(path: Path) -> TickProfile:
    """One profile file, checked; TickProfileError names the file and the key that is wrong."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TickProfileError(f"{path.name}: cannot read the profile: {exc}") from None
    return _Builder(path).profile(raw)


@functools.cache
def _load_directory(directory: Path) -> Mapping[str, TickProfile]:
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise TickProfileError(f"{directory}: no tick profiles (*.yaml) found.")
    return {p.name: p for p in (load_profile(f) for f in files)}


def load_profiles(directory: Path = PROFILE_DIR) -> Mapping[str, TickProfile]:
    """Every profile of a folder by name, in file-name order (loaded and checked once per folder)."""
    return _load_directory(Path(directory).resolve())


def _has_date(fmt: str) -> bool:
    return any(d in fmt for d in _DATE_DIRECTIVES)


class _Builder:
    """Turns one loaded YAML document into a TickProfile, with errors naming the file and key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, message: str) -> TickProfileError:
        return TickProfileError(f"{self.path.name}: {message}.")

    def block(self, raw: Any, where: str, allowed: set[str], *, required: bool = True) -> dict[str, Any]:
        if raw is None and not required:
            return {}
        if not isinstance(raw, dict):
            raise self.fail(f"{where} must be a mapping")
        unknown = sorted(str(k) for k in raw if str(k) not in allowed)
        if unknown:
            raise self.fail(
                f"unknown key(s) {', '.join(unknown)} in {where}; allowed: {', '.join(sorted(allowed))}"
            )
        return raw

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where} must be a non-empty string")
        return value

    def choice(self, value: Any, where: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(f"{where} must be one of {', '.join(allowed)}, not {value!r}")
        return str(value)

    def whole(self, value: Any, where: str, low: int, high: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(f"{where} must be a whole number from {low} to {high}")
        return value

    def value_map(self, raw: Any, where: str) -> dict[str, str]:
        """A map of vendor texts; keys must be texts or whole numbers (YAML true/false must be quoted)."""
        if not isinstance(raw, dict) or not raw:
            raise self.fail(f"{where} must be a non-empty mapping")
        out: dict[str, str] = {}
        for key, value in raw.items():
            if isinstance(key, bool) or not isinstance(key, str | int) or key is None:
                raise self.fail(f'{where} key {key!r} must be a text; write it in quotes, e.g. "true"')
            if not isinstance(value, str):
                raise self.fail(f"{where} value for {key!r} must be a text")
            out[str(key).strip()] = value
        return out

    def profile(self, raw: Any) -> TickProfile:
        top = self.block(raw, "the profile", _TOP_KEYS)
        name = self.text(top.get("name"), "name")
        if not _NAME.fullmatch(name) or name != self.path.stem:
            raise self.fail(
                f"name {name!r} must be lower_snake_case and equal the file name {self.path.stem!r}"
            )
        fmt = self.choice(top.get("format"), "format", FORMATS)
        csv = self.block(top.get("csv"), "csv", _CSV_KEYS, required=False)
        if fmt == "parquet" and csv:
            raise self.fail("csv options are for format: csv only")
        encoding = self.text(csv.get("encoding", "utf-8"), "csv.encoding")
        try:
            "".encode(encoding)
        except LookupError:
            raise self.fail(f"csv.encoding {encoding!r} is not a known text encoding") from None
        delimiter = self.text(csv.get("delimiter", ","), "csv.delimiter")
        if len(delimiter) != 1:
            raise self.fail("csv.delimiter must be one character")
        header = csv.get("header", True)
        if not isinstance(header, bool):
            raise self.fail("csv.header must be true or false")
        column_names: tuple[str, ...] = ()
        if "column_names" in csv:
            if header:
                raise self.fail("csv.column_names is for header-less files (header: false)")
            names = csv["column_names"]
            if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
                raise self.fail("csv.column_names must be a list of column names")
            if len(set(names)) != len(names):
                raise self.fail("csv.column_names repeats a name")
            column_names = tuple(names)
        elif not header:
            raise self.fail("a header-less file (csv.header: false) needs csv.column_names")

        prices = self.block(top.get("prices"), "prices", _PRICE_KEYS)
        scale = self.whole(prices.get("scale"), "prices.scale", 0, MAX_PRICE_SCALE)
        quantities = self.block(top.get("quantities"), "quantities", _QUANTITY_KEYS)
        unit = self.choice(quantities.get("unit"), "quantities.unit", ("shares", "lots"))
        if unit == "lots":
            lot_size = self.whole(quantities.get("lot_size"), "quantities.lot_size", 1, 1_000_000)
        elif "lot_size" in quantities:
            raise self.fail("quantities.lot_size is for unit: lots only")
        else:
            lot_size = 1

        tables_raw = top.get("tables")
        if not isinstance(tables_raw, dict) or not tables_raw:
            raise self.fail("tables must map at least one ticks table to its layout")
        contracts = {c.table: c for c in contracts_for(SOURCE)}
        timestamps = None
        if top.get("timestamps") is not None:
            timestamps = self.timestamps(top["timestamps"])
        tables = {}
        for table, layout in tables_raw.items():
            if table not in contracts:
                raise self.fail(f"tables.{table} is not a ticks table; known: {', '.join(contracts)}")
            tables[table] = self.layout(table, layout, contracts[table].column_names, timestamps)
        if timestamps is None and any(TIMESTAMP_COLUMN in t.columns for t in tables.values()):
            raise self.fail(f"a table maps {TIMESTAMP_COLUMN}, so the profile needs a timestamps block")
        if column_names:
            for layout in tables.values():
                missing = [c for c in layout.all_vendor_columns() if c not in column_names]
                if missing:
                    raise self.fail(
                        f"tables.{layout.table} reads column(s) {', '.join(missing)} that csv.column_names "
                        "does not name"
                    )
        return TickProfile(
            name=name,
            description=str(top.get("description") or ""),
            format=fmt,
            tables=tables,
            timestamps=timestamps,
            price_scale=scale,
            lot_size=lot_size,
            encoding=encoding,
            delimiter=delimiter,
            header=header,
            column_names=column_names,
            source=self.path,
        )

    def timestamps(self, raw: Any) -> Timestamps:
        block = self.block(raw, "timestamps", _TIMESTAMP_KEYS)
        kind = self.choice(block.get("kind"), "timestamps.kind", TIMESTAMP_KINDS)
        allowed = {
            "text": {"kind", "format", "timezone", "date_from"},
            "epoch": {"kind", "unit"},
            "seconds_after_midnight": {"kind", "timezone", "date_from"},
        }[kind]
        extra = sorted(set(block) - allowed)
        if extra:
            raise self.fail(f"timestamps of kind {kind} take no {', '.join(extra)}")
        timezone = "UTC"
        if kind != "epoch":
            timezone = self.text(block.get("timezone"), "timestamps.timezone")
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise self.fail(f"timestamps.timezone {timezone!r} is not an IANA time zone") from None
        date_from = block.get("date_from")
        if date_from is not None:
            date_from = self.choice(date_from, "timestamps.date_from", DATE_SOURCES)
        fmt = None
        if kind == "text":
            fmt = self.text(block.get("format"), "timestamps.format")
            if "%" not in fmt:
                raise self.fail("timestamps.format must be a strptime format such as %Y-%m-%d %H:%M:%S.%f")
            if _has_date(fmt) and date_from is not None:
                raise self.fail("timestamps.format has a date, so date_from must not be set")
            if not _has_date(fmt) and date_from is None:
                raise self.fail("timestamps.format has no date; set date_from: folder or file_name")
        if kind == "seconds_after_midnight" and date_from is None:
            raise self.fail("seconds_after_midnight needs date_from: folder or file_name")
        unit = self.choice(block.get("unit"), "timestamps.unit", EPOCH_UNITS) if kind == "epoch" else None
        return Timestamps(kind=kind, format=fmt, timezone=timezone, unit=unit, date_from=date_from)

    def layout(
        self, table: str, raw: Any, contract_columns: list[str], timestamps: Timestamps | None
    ) -> TableLayout:
        where = f"tables.{table}"
        block = self.block(raw, where, _TABLE_KEYS)
        pattern_text = self.text(block.get("file_name"), f"{where}.file_name")
        try:
            pattern = re.compile(pattern_text)
        except re.error as exc:
            raise self.fail(f"{where}.file_name is not a regular expression: {exc}") from None
        columns_raw = block.get("columns")
        if not isinstance(columns_raw, dict) or not columns_raw:
            raise self.fail(f"{where}.columns must map contract columns to their sources")
        unknown = [str(c) for c in columns_raw if c not in contract_columns]
        if unknown:
            raise self.fail(
                f"{where}.columns names {', '.join(unknown)}, not column(s) of ticks.{table} "
                f"({', '.join(contract_columns)})"
            )
        columns = {
            name: self.source(value, f"{where}.columns.{name}", pattern)
            for name, value in columns_raw.items()
        }
        derived = TIMESTAMP_COLUMN in contract_columns
        if derived and DERIVED_DATE_COLUMN in columns:
            raise self.fail(
                f"{where}.columns maps {DERIVED_DATE_COLUMN}, which is derived from {TIMESTAMP_COLUMN} "
                "(the exchange-local date of the print)"
            )
        expected = [c for c in contract_columns if not (derived and c == DERIVED_DATE_COLUMN)]
        missing = [c for c in expected if c not in columns]
        if missing:
            raise self.fail(f"{where}.columns lacks contract column(s) {', '.join(missing)}")
        if (
            timestamps is not None
            and timestamps.date_from == "file_name"
            and TIMESTAMP_COLUMN in columns
            and "date" not in pattern.groupindex
        ):
            raise self.fail(
                f"timestamps.date_from is file_name, but {where}.file_name has no (?P<date>...) group"
            )
        condition = None
        if block.get("condition") is not None:
            if table != "trades":
                raise self.fail(f"{where}.condition is for trades only")
            cond = self.block(block["condition"], f"{where}.condition", _CONDITION_KEYS)
            mapping = self.value_map(cond.get("map"), f"{where}.condition.map")
            bad = sorted({v for v in mapping.values() if v not in ACTIONS})
            if bad:
                raise self.fail(
                    f"{where}.condition.map values must be {', '.join(ACTIONS)}, not {', '.join(bad)}"
                )
            optional = cond.get("optional", False)
            if not isinstance(optional, bool):
                raise self.fail(f"{where}.condition.optional must be true or false")
            condition = Condition(
                self.text(cond.get("column"), f"{where}.condition.column"), mapping, optional
            )
        return TableLayout(table=table, file_name=pattern, columns=columns, condition=condition)

    def source(self, raw: Any, where: str, pattern: re.Pattern[str]) -> ColumnSource:
        if isinstance(raw, str):
            return ColumnSource(column=self.text(raw, where))
        block = self.block(raw, where, _SOURCE_KEYS)
        kinds = [k for k in ("column", "file_name", "generated", "value") if k in block]
        if len(kinds) != 1:
            raise self.fail(f"{where} needs exactly one of column, file_name, generated, value")
        mapping = self.value_map(block["map"], f"{where}.map") if "map" in block else {}
        if mapping and kinds[0] not in ("column", "file_name"):
            raise self.fail(f"{where}.map goes with column or file_name only")
        kind = kinds[0]
        if kind == "column":
            return ColumnSource(column=self.text(block["column"], f"{where}.column"), mapping=mapping)
        if kind == "file_name":
            group = self.text(block["file_name"], f"{where}.file_name")
            if group not in pattern.groupindex:
                raise self.fail(f"{where}.file_name names group {group!r}, which the table's file_name lacks")
            return ColumnSource(file_name_group=group, mapping=mapping)
        if kind == "generated":
            return ColumnSource(generated=self.choice(block["generated"], f"{where}.generated", GENERATED))
        return ColumnSource(value=self.text(block["value"], f"{where}.value"))
