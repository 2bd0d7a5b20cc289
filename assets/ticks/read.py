"""Tick files in a vendor layout, matched to a profile and reshaped into the contract's columns.

Output is still text, judged afterwards by the contract validator, except where only the profile
knows how to read a value: exchange times become UTC ISO text with their exchange-local trade date,
integer prices are unscaled and lots become shares, exactly (string arithmetic and Decimal, never
float). A value the profile cannot convert is quarantined here with a reason naming the rule,
rather than handed on in a form whose later reason would mislead. Each file also keeps its rows as
delivered, so quarantine raw records show what the vendor sent, not what it was turned into.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from assets.common.calendar import EXCHANGE_TZ
from assets.common.contracts import Contract
from assets.common.csv_reader import (
    CsvRead,
    MalformedRow,
    UnreadableFileError,
    malformed_quarantine,
    read_csv_strings,
)
from assets.common.duck import connect
from assets.common.lineage import LINEAGE_FIELDS, SOURCE_FILE, SOURCE_ROW
from assets.common.validate import QUARANTINE_SCHEMA, quarantine_table
from assets.ticks.profiles import (
    DEFAULT_PROFILE,
    DERIVED_DATE_COLUMN,
    PRICE_COLUMNS,
    QUANTITY_COLUMNS,
    TIMESTAMP_COLUMN,
    TableLayout,
    TickProfile,
    Timestamps,
)

ACTION = "_action"  # new, correct or cancel: what a trade record asks for (see corrections.py)
CONDITION = "trade_condition"  # the vendor's condition value as delivered, kept in raw records
_DECIMAL_TEXT = re.compile(r"\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*")
_INTEGER_PATTERN = r"^\s*[+-]?[0-9]+\s*$"
_SHOWN_CHARS = 80
_UTF8 = ("utf-8", "utf8", "utf_8")
# Epoch values below 10^14 are milliseconds (up to the year 5138), from 10^14 microseconds.
_AUTO_MS_LIMIT = 100_000_000_000_000
_MAX_EPOCH_US = 253_402_300_799_999_999  # 9999-12-31 23:59:59.999999 UTC
_DAY_US = 86_400_000_000


class TickProfileMismatchError(ValueError):
    """Files that the profile named for the ingest cannot read; the message names every file."""


@dataclass(frozen=True)
class LandingFile:
    """A landing file with the profile and table layout chosen for it."""

    path: Path
    profile: TickProfile
    layout: TableLayout
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Unmatched:
    """A landing file no profile could take, and why; `tables` are those its name fits (none: no pattern)."""

    path: Path
    message: str
    tables: tuple[str, ...] = ()

    @property
    def by_name(self) -> bool:
        return not self.tables


@dataclass(frozen=True)
class FileRows:
    """One file's rows under its profile.

    `rows`: rows that passed the profile's conversions, contract columns as text (plus ACTION for
    trades), with lineage. `delivered`: every data row as the vendor sent it, under contract names.
    `rejected`: quarantine rows for lines that could not be split and values the profile could not
    convert. rows_in = rows + rejected.
    """

    source_file: str
    rows: pa.Table
    delivered: pa.Table
    rejected: pa.Table
    rows_in: int
    unmapped: tuple[str, ...] = ()


# -- choosing a profile -------------------------------------------------------------------------


def _is_utf8(encoding: str) -> bool:
    return encoding.lower() in _UTF8


def _csv_header(path: Path, source_file: str, profile: TickProfile) -> list[str]:
    """The file's column names: its header row, or the profile's names for a header-less file."""
    encoding = "utf-8-sig" if _is_utf8(profile.encoding) else profile.encoding
    try:
        with path.open(newline="", encoding=encoding) as handle:
            first = next(csv.reader(handle, delimiter=profile.delimiter), None)
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            source_file, f"is not {profile.encoding} text ({exc.reason} at byte {exc.start})."
        ) from exc
    if not first or not any(h.strip() for h in first):
        raise UnreadableFileError(source_file, "is empty; a header row is expected on line 1.")
    if not profile.header:
        if len(first) != len(profile.column_names):
            raise UnreadableFileError(
                source_file,
                f"has {len(first)} fields on line 1, but tick profile {profile.name} names "
                f"{len(profile.column_names)} ({', '.join(profile.column_names)}).",
            )
        return list(profile.column_names)
    names = [h.strip() for h in first]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise UnreadableFileError(source_file, f"repeats header column(s) {', '.join(repeated)} on line 1.")
    return names


def file_columns(path: Path, source_file: str, profile: TickProfile) -> list[str]:
    """Column names of a landing file read the way `profile` reads it."""
    if profile.format == "parquet":
        try:
            return list(pq.read_schema(path).names)
        except (pa.ArrowException, OSError) as exc:
            raise UnreadableFileError(source_file, f"cannot be read as Parquet: {exc}") from exc
    return _csv_header(path, source_file, profile)


def landing_files(folder: Path) -> list[Path]:
    """The files of a landing folder in name order (arrival order); hidden files are not deliveries."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def choose_profiles(
    files: Sequence[Path],
    profiles: Mapping[str, TickProfile],
    rel: Callable[[Path], str],
    explicit: str | None = None,
) -> tuple[list[LandingFile], list[Unmatched]]:
    """Pick the profile and table of each file: by file-name pattern, then by the columns it has.

    With `explicit`, only that profile is tried. When several profiles can read a file, the default
    profile wins if it is one of them; otherwise the file is ambiguous and set aside.
    """
    chosen = {explicit: profiles[explicit]} if explicit else dict(profiles)
    assigned: list[LandingFile] = []
    unmatched: list[Unmatched] = []
    for path in files:
        name = rel(path)
        candidates = [(p, layout) for p in chosen.values() for layout in p.layout_for(path.name)]
        if not candidates:
            patterns = "; ".join(
                f"{p.name}: {', '.join(t.file_name.pattern for t in p.tables.values())}"
                for p in chosen.values()
            )
            which = f"tick profile {explicit}" if explicit else "any tick profile"
            unmatched.append(
                Unmatched(path, f"{name}: its name fits no file-name pattern of {which} ({patterns}).")
            )
            continue
        fits: list[LandingFile] = []
        problems: list[str] = []
        for profile, layout in candidates:
            try:
                columns = file_columns(path, name, profile)
            except UnreadableFileError as exc:
                problems.append(f"{exc.message} (read as {layout.table} under tick profile {profile.name})")
                continue
            missing = [c for c in layout.vendor_columns() if c not in columns]
            if missing:
                problems.append(
                    f"lacks column(s) {', '.join(missing)} in its header; found {', '.join(columns)} "
                    f"(read as {layout.table} under tick profile {profile.name})."
                )
                continue
            fits.append(LandingFile(path, profile, layout, tuple(columns)))
        if len(fits) > 1:
            default = [f for f in fits if f.profile.name == DEFAULT_PROFILE]
            if len(default) == 1:
                fits = default
        tables = tuple(dict.fromkeys(layout.table for _, layout in candidates))
        if len(fits) == 1:
            assigned.append(fits[0])
        elif fits:
            readers = ", ".join(f"{f.profile.name} ({f.layout.table})" for f in fits)
            unmatched.append(
                Unmatched(
                    path, f"{name}: more than one tick profile can read it ({readers}); name one.", tables
                )
            )
        else:
            unmatched.append(Unmatched(path, f"{name}: " + " ".join(problems), tables))
    return assigned, unmatched


# -- reading ------------------------------------------------------------------------------------


def _lineage(table: pa.Table, source_file: str, rows: np.ndarray) -> pa.Table:
    table = table.append_column(
        LINEAGE_FIELDS[0], pa.repeat(pa.scalar(source_file, pa.string()), table.num_rows)
    )
    return table.append_column(LINEAGE_FIELDS[1], pa.array(rows, pa.int64()))


def _read_csv(landing: LandingFile, source_file: str) -> CsvRead:
    """Every column as text (empty = null), lines that cannot be split kept aside with their number."""
    profile = landing.profile
    if profile.header and _is_utf8(profile.encoding) and profile.delimiter == ",":
        return read_csv_strings(landing.path, source_file, required_columns=landing.layout.vendor_columns())
    names = list(landing.columns)
    skip = 1 if profile.header else 0
    encoding = "utf-8-sig" if _is_utf8(profile.encoding) else profile.encoding

    def read(threads: bool) -> tuple[pa.Table, list[pcsv.InvalidRow]]:
        invalid: list[pcsv.InvalidRow] = []

        def keep_aside(row: pcsv.InvalidRow) -> str:
            invalid.append(row)
            return "skip"

        table = pcsv.read_csv(
            landing.path,
            read_options=pcsv.ReadOptions(
                use_threads=threads, encoding=encoding, column_names=names, skip_rows=skip
            ),
            parse_options=pcsv.ParseOptions(delimiter=profile.delimiter, invalid_row_handler=keep_aside),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=True, null_values=[""]
            ),
        )
        return table, invalid

    try:
        table, invalid = read(True)
        if invalid:  # line numbers are only known to a single-threaded read
            table, invalid = read(False)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise UnreadableFileError(source_file, f"cannot be parsed as CSV: {exc}") from exc
    expected = "the header" if profile.header else f"tick profile {profile.name}"
    malformed = [
        MalformedRow(
            source_row=row.number - skip,
            line=row.number,
            text=row.text,
            message=f"line {row.number} has {row.actual_columns} fields, {expected} {row.expected_columns}",
        )
        for row in invalid
    ]
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    for s in sorted(m.source_row for m in malformed):
        rows[rows >= s] += 1
    return CsvRead(source_file, _lineage(table, source_file, rows), malformed)


def _read_parquet(landing: LandingFile, source_file: str) -> CsvRead:
    """The mapped columns as text; floating-point or time-typed columns make the file unreadable.

    Integers, decimals and booleans become their exact text ("17005000", "1700.5000", "true"), so
    Parquet rows are judged by the same rules as CSV rows.
    """
    wanted = [c for c in landing.layout.all_vendor_columns() if c in landing.columns]
    try:
        table = pq.read_table(landing.path, columns=wanted)
    except (pa.ArrowException, OSError) as exc:
        raise UnreadableFileError(source_file, f"cannot be read as Parquet: {exc}") from exc
    columns = []
    for name in wanted:
        col = table.column(name)
        kind = col.type.value_type if pa.types.is_dictionary(col.type) else col.type
        if pa.types.is_floating(kind):
            raise UnreadableFileError(
                source_file,
                f"column {name} is {kind}; prices, quantities, times and ids must be integers, decimals "
                "or text, never floating point, so nothing is rounded.",
            )
        if not (
            pa.types.is_integer(kind)
            or pa.types.is_decimal(kind)
            or pa.types.is_boolean(kind)
            or pa.types.is_string(kind)
            or pa.types.is_large_string(kind)
        ):
            raise UnreadableFileError(
                source_file,
                f"column {name} is {kind}; tick profile {landing.profile.name} reads integers, "
                "decimals, booleans or text.",
            )
        columns.append(pc.cast(col, pa.string()))
    strings = table.select([])  # keeps the row count even when no vendor column is read
    for name, col in zip(wanted, columns, strict=True):
        strings = strings.append_column(name, col)
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return CsvRead(source_file, _lineage(strings, source_file, rows))


# -- converting ---------------------------------------------------------------------------------


def unscale_prices(values: pa.ChunkedArray | pa.Array, scale: int) -> pa.ChunkedArray | pa.Array:
    """Integer prices in units of 10^-scale as decimal strings ("123456", 4 -> "12.3456"), exactly."""
    if scale == 0:
        return values
    text = pc.utf8_trim_whitespace(values)
    negative = pc.starts_with(text, "-")
    digits = pc.utf8_lpad(pc.if_else(negative, pc.utf8_slice_codeunits(text, 1), text), scale + 1, "0")
    joined = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(digits, 0, -scale), pc.utf8_slice_codeunits(digits, -scale), "."
    )
    return pc.if_else(negative, pc.binary_join_element_wise("-", joined, ""), joined)


def _per_distinct(values: pa.ChunkedArray | pa.Array, convert: Callable[[str], str | None]) -> pa.Array:
    """Apply a Python function once per distinct text (feeds repeat few values), nulls kept."""
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    encoded = pc.dictionary_encode(array)
    converted = pa.array([convert(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pa.DictionaryArray.from_arrays(encoded.indices, converted).cast(pa.string())


def map_values(values: pa.ChunkedArray | pa.Array, mapping: Mapping[str, str]) -> pa.Array:
    """Vendor codes to contract values (买盘 -> B); an unmapped value is passed on for the contract."""
    return _per_distinct(values, lambda v: mapping.get(v.strip(), v))


def shares_from_lots(values: pa.ChunkedArray | pa.Array, lot_size: int) -> pa.Array:
    """Lots to shares ("12" lots of 100 -> "1200"), exactly; non-numbers are passed on unchanged."""

    def times(text: str) -> str:
        if not _DECIMAL_TEXT.fullmatch(text):
            return text
        with localcontext() as ctx:
            ctx.prec = 80
            return format(Decimal(text.strip()) * lot_size, "f")

    return _per_distinct(values, times)


def _quoted(value: str | None) -> str:
    text = "" if value is None else value
    return "'" + text[:_SHOWN_CHARS] + ("...'" if len(text) > _SHOWN_CHARS else "'")


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _floor_second(us: str) -> str:
    """The epoch second holding microsecond `us`, rounding down before 1970 too."""
    return f"(case when {us} >= 0 then {us} // 1000000 else -((999999 - {us}) // 1000000) end)"


def _offsets_per_second(source: str, to_offset_us: str) -> str:
    """CTE body: each distinct second `s` of `source` with its zone offset `off` in microseconds.

    Zone rules are applied once per distinct second (offsets only change on whole seconds, and a
    gap or overlap is resolved the same way for every microsecond of a second), then added to
    every value: a day of prints has a few thousand distinct seconds and a million values.
    `to_offset_us` is SQL over `s` giving the offset.
    """
    return f"select s, {to_offset_us} as off from (select distinct s from {source} where s is not null)"


def _local_to_utc_sql(timezone: str, naive_us_select: str) -> str:
    """(i, v, u, e): wall-clock microseconds `n` in `timezone` to UTC epoch microseconds `e`."""
    offset = f"epoch_us(timezone({_lit(timezone)}, make_timestamp(s * 1000000))) - s * 1000000"
    return f"""
        with wall as (select *, {_floor_second("n")} as s from ({naive_us_select})),
        offsets as ({_offsets_per_second("wall", offset)})
        select w.i, w.v, null as u, w.n + o.off as e from wall w left join offsets o on o.s = w.s
    """


def _times_sql(spec: Timestamps, day: str | None) -> str:
    """A query over t(i, v) giving each value's UTC epoch microseconds `e` and the epoch unit `u`."""
    v = "trim(v)"
    if spec.kind == "text":
        fmt = spec.format or ""
        naive = (
            f"try_strptime({_lit(day + ' ')} || {v}, {_lit('%Y-%m-%d ' + fmt)})"
            if day is not None
            else f"try_strptime({v}, {_lit(fmt)})"
        )
        return _local_to_utc_sql(spec.timezone, f"select i, v, epoch_us({naive}) as n from t")
    if spec.kind == "seconds_after_midnight":
        # The pattern bounds the value below 10^5 s, so whole and fraction are exact integers.
        us = (
            f"case when regexp_full_match({v}, '[0-9]{{1,5}}(\\.[0-9]{{1,9}})?') then "
            f"cast(split_part({v}, '.', 1) as bigint) * 1000000 "
            f"+ cast(rpad(split_part({v}, '.', 2), 6, '0')[1:6] as bigint) end"
        )
        midnight = f"epoch_us(date {_lit(day or '')})"
        return _local_to_utc_sql(
            spec.timezone,
            f"select i, v, case when us < {_DAY_US} then {midnight} + us end as n "
            f"from (select *, {us} as us from t)",
        )
    if spec.unit == "s":
        inner = (
            f"select *, 's' as u, case when regexp_full_match({v}, '[0-9]{{1,12}}(\\.[0-9]{{1,9}})?') "
            f"then cast(split_part({v}, '.', 1) as hugeint) * 1000000 "
            f"+ cast(rpad(split_part({v}, '.', 2), 6, '0')[1:6] as bigint) end as us from t"
        )
    else:
        whole = f"case when regexp_full_match({v}, '[0-9]{{1,19}}') then cast({v} as hugeint) end"
        unit = (
            f"case when w is null then null when w < {_AUTO_MS_LIMIT} then 'ms' else 'us' end"
            if spec.unit == "auto"
            else _lit(spec.unit or "")
        )
        us = "case u when 'ms' then w * 1000 when 'us' then w when 'ns' then w // 1000 end"
        inner = f"select *, {us} as us from (select *, {unit} as u from (select *, {whole} as w from t))"
    return (
        f"select i, v, u, case when us between 0 and {_MAX_EPOCH_US} then cast(us as bigint) end as e "
        f"from ({inner})"
    )


def convert_times(
    values: pa.ChunkedArray | pa.Array, spec: Timestamps, day: str | None, source_file: str
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(UTC ISO text, exchange-local trade date, readable?) per value, exactly to the microsecond.

    Finer digits (nanoseconds) are cut to microseconds, the contract's resolution. For epoch
    `unit: auto`, milliseconds and microseconds are told apart by magnitude, and one file must use
    one unit: a file that mixes them cannot be read.
    """
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    table = pa.table({"i": pa.array(np.arange(len(array), dtype=np.int64)), "v": array})
    to_local = f"epoch_us(timezone({_lit(EXCHANGE_TZ.key)}, to_timestamp(s))) - s * 1000000"
    con = connect()
    try:
        con.register("t", table)
        # The exchange's offset, like the vendor's, is looked up once per distinct second.
        out = con.execute(
            f"""
            with parsed as (select *, {_floor_second("e")} as s from ({_times_sql(spec, day)})),
            offsets as ({_offsets_per_second("parsed", to_local)})
            select strftime(make_timestamp(p.e), '%Y-%m-%dT%H:%M:%S.%fZ') as utc,
                   strftime(make_timestamp(p.e + o.off), '%Y-%m-%d') as local_date,
                   p.e is not null or p.v is null or trim(p.v) = '' as readable,
                   case when p.e is not null then p.u end as u
            from parsed p left join offsets o on o.s = p.s
            order by p.i
            """
        ).to_arrow_table()
    finally:
        con.close()
    units = set(pc.unique(pc.drop_null(out.column("u").combine_chunks())).to_pylist())
    if {"ms", "us"} <= units:
        raise UnreadableFileError(
            source_file,
            "mixes epoch milliseconds and microseconds; the unit is decided per file, so it cannot be read.",
        )
    return (
        out.column("utc").combine_chunks(),
        out.column("local_date").combine_chunks(),
        out.column("readable").combine_chunks(),
    )


def _file_date(landing: LandingFile, business_date: str, source_file: str) -> str | None:
    """The date of times without one: the landing folder's, or the file name's (?P<date>...) group."""
    spec = landing.profile.timestamps
    if spec is None or spec.date_from is None:
        return None
    if spec.date_from == "folder":
        return business_date
    match = landing.layout.file_name.fullmatch(landing.path.name)
    text = match.group("date") if match else None
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text or "", fmt).date().isoformat()
        except ValueError:
            continue
    raise UnreadableFileError(
        source_file,
        f"its name carries no date as YYYY-MM-DD or YYYYMMDD (found {text!r}), which its times need.",
    )


def _delivered(read: CsvRead, landing: LandingFile, business_date: str) -> pa.Table:
    """The rows as delivered under contract names: vendor text, file-name values and generated ids."""
    table = read.table
    n = table.num_rows
    rows = table.column(SOURCE_ROW)
    match = landing.layout.file_name.fullmatch(landing.path.name)
    columns: dict[str, pa.ChunkedArray | pa.Array] = {}
    for name, source in landing.layout.columns.items():
        if source.column is not None:
            columns[name] = table.column(source.column)
        elif source.file_name_group is not None:
            value = match.group(source.file_name_group) if match else None
            columns[name] = pa.repeat(pa.scalar(value, pa.string()), n)
        elif source.generated == "row_number":
            columns[name] = pc.cast(rows, pa.string())
        elif source.generated == "file_and_row":
            prefix = f"{business_date}/{landing.path.name}:"
            columns[name] = pc.binary_join_element_wise(
                pa.repeat(pa.scalar(prefix), n), pc.cast(rows, pa.string()), ""
            )
        else:
            columns[name] = pa.repeat(pa.scalar(source.value, pa.string()), n)
    condition = landing.layout.condition
    if condition is not None:
        columns[CONDITION] = (
            table.column(condition.column)
            if condition.column in table.column_names
            else pa.nulls(n, pa.string())
        )
    columns[SOURCE_FILE] = table.column(SOURCE_FILE)
    columns[SOURCE_ROW] = rows
    return pa.table(columns)


class _Problems:
    """Per-row rule breaks found while converting, kept only for the rows that have them."""

    def __init__(self) -> None:
        self.by_row: dict[int, list[tuple[str, str]]] = {}

    def add(self, flags: pa.Array, rule: str, reason: Callable[[int], str]) -> None:
        for i in np.flatnonzero(np.asarray(pc.fill_null(flags, False).to_numpy(zero_copy_only=False))):
            self.by_row.setdefault(int(i), []).append((rule, reason(int(i))))


def read_landing_file(
    landing: LandingFile, source_file: str, business_date: str, contract: Contract
) -> FileRows:
    """Read one landing file under its profile; UnreadableFileError when the file as a whole cannot be."""
    profile, layout = landing.profile, landing.layout
    read = (
        _read_parquet(landing, source_file)
        if profile.format == "parquet"
        else _read_csv(landing, source_file)
    )
    delivered = _delivered(read, landing, business_date)
    n = delivered.num_rows
    columns: dict[str, pa.ChunkedArray | pa.Array] = {name: delivered.column(name) for name in layout.columns}
    problems = _Problems()
    for name, source in layout.columns.items():
        if source.mapping:
            columns[name] = map_values(columns[name], source.mapping)
    for name in PRICE_COLUMNS.get(contract.table, ()):
        if name in columns and profile.price_scale:
            raw = columns[name]
            blank = pc.equal(pc.utf8_trim_whitespace(raw), "")
            not_whole = pc.and_(pc.invert(blank), pc.invert(pc.match_substring_regex(raw, _INTEGER_PATTERN)))
            unit = f"1/{10**profile.price_scale}"
            problems.add(
                not_whole,
                "type",
                lambda i, raw=raw, name=name, unit=unit: (
                    f"{name} value {_quoted(raw[i].as_py())} is not a whole number of {unit} units "
                    f"(tick profile {profile.name}, prices.scale {profile.price_scale})"
                ),
            )
            columns[name] = unscale_prices(
                pc.if_else(blank, pa.scalar(None, pa.string()), raw), profile.price_scale
            )
    for name in QUANTITY_COLUMNS.get(contract.table, ()):
        if name in columns and profile.lot_size != 1:
            columns[name] = shares_from_lots(columns[name], profile.lot_size)
    if TIMESTAMP_COLUMN in columns and profile.timestamps is not None:
        raw = columns[TIMESTAMP_COLUMN]
        utc, local_date, readable = convert_times(
            raw, profile.timestamps, _file_date(landing, business_date, source_file), source_file
        )
        described = profile.timestamps.describe()
        problems.add(
            pc.invert(readable),
            "type",
            lambda i, raw=raw: f"{TIMESTAMP_COLUMN} value {_quoted(raw[i].as_py())} is not {described}",
        )
        columns[TIMESTAMP_COLUMN] = utc
        columns[DERIVED_DATE_COLUMN] = local_date
    if contract.table == "trades":
        condition = layout.condition
        if condition is None:
            columns[ACTION] = pa.repeat(pa.scalar("new"), n)
        else:
            raw = delivered.column(CONDITION)
            actions = _per_distinct(pc.fill_null(raw, ""), lambda v: condition.action(v))
            known = ", ".join(repr(k) for k in condition.mapping)
            problems.add(
                pc.is_null(actions),
                "trade_condition",
                lambda i, raw=raw: (
                    f"{CONDITION} value {_quoted(raw[i].as_py())} (column {condition.column}) is not one "
                    f"tick profile {profile.name} maps (known: {known})"
                ),
            )
            columns[ACTION] = actions
    columns[SOURCE_FILE] = delivered.column(SOURCE_FILE)
    columns[SOURCE_ROW] = delivered.column(SOURCE_ROW)
    converted = pa.table(columns)

    bad = np.zeros(n, dtype=bool)
    bad[list(problems.by_row)] = True
    rejected = _rejected(contract, delivered, bad, problems)
    if read.malformed:
        rejected = pa.concat_tables([rejected, malformed_quarantine(contract, read)])
    unmapped = tuple(c for c in landing.columns if c not in layout.all_vendor_columns())
    return FileRows(
        source_file=source_file,
        rows=converted.filter(pa.array(~bad)),
        delivered=delivered,
        rejected=rejected,
        rows_in=read.rows_in,
        unmapped=unmapped,
    )


def _rejected(contract: Contract, delivered: pa.Table, bad: np.ndarray, problems: _Problems) -> pa.Table:
    if not bad.any():
        return QUARANTINE_SCHEMA.empty_table()
    index = np.flatnonzero(bad)
    found = [problems.by_row[int(i)] for i in index]
    subset = delivered.take(pa.array(index))
    return quarantine_table(
        contract,
        [",".join(dict.fromkeys(rule for rule, _ in rules)) for rules in found],
        ["; ".join(reason for _, reason in rules) for rules in found],
        subset.drop_columns([SOURCE_FILE, SOURCE_ROW]),
        subset.column(SOURCE_FILE),
        subset.column(SOURCE_ROW),
    )
