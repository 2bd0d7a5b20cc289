"""Ingest one business date of tick files: trades, quotes and end-of-day prices, from any vendor profile.

Each landing file is read under the profile whose file-name pattern and columns fit it (or under
one profile named by the caller), so one folder may hold files of several vendors. Times become
UTC with the exchange-local trade date; prices and lot quantities become exact decimals.

Trades get three things more than a plain validation:
- duplicates and exchange corrections are resolved on the venue trade id (corrections.py);
- late prints, whose trade date is an earlier trading day, are routed to their own partition
  through a staging area, and that partition is rebuilt (late.py);
- accepted prints are written sorted by exchange time, instrument, sequence and trade id, so
  out-of-order deliveries give the same partition as ordered ones.

For every partition, rows_in = accepted + quarantined: rows_in counts the rows of the day's own
files that stay in the partition plus the late rows routed into it from later deliveries.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from assets.common.calendar import EXCHANGE, is_trading_day
from assets.common.contracts import Contract, contracts_for
from assets.common.csv_reader import UnreadableFileError
from assets.common.ingest import DayIngest, IngestReport
from assets.common.lineage import SOURCE_FILE, SOURCE_ROW
from assets.common.paths import LakePaths
from assets.common.validate import (
    QUARANTINE_SCHEMA,
    ValidationResult,
    accepted_schema,
    empty_result,
    raw_records,
    validate_batch,
)
from assets.ticks.corrections import Verdict, resolve_trade_ids
from assets.ticks.late import is_current, stage, staged_inputs, window_start
from assets.ticks.profiles import DEFAULT_PROFILE, TickProfile, load_profiles
from assets.ticks.read import (
    ACTION,
    FileRows,
    LandingFile,
    TickProfileMismatchError,
    choose_profiles,
    landing_files,
    read_landing_file,
)

SOURCE = "ticks"
TRADES = "trades"
RAW_RECORD = "_raw_record"
LATE_PRINT = "late_print"
_SORT = [
    ("exchange_ts", "ascending"),
    ("instrument_id", "ascending"),
    ("seq", "ascending"),
    ("trade_id", "ascending"),
]


@dataclasses.dataclass(frozen=True)
class _Loaded:
    """A table's rows for the partition, ready to publish: rows_in must equal accepted + quarantined."""

    result: ValidationResult
    files: list[str]
    rows_in: int


def ingest_ticks_day(
    paths: LakePaths,
    business_date: str,
    *,
    profile_name: str | None = None,
    batch_id: str | None = None,
    profiles: Mapping[str, TickProfile] | None = None,
) -> IngestReport:
    """Read landing/ticks/<date>/ under vendor profiles, validate, and write bronze and quarantine.

    `profile_name` reads every file under that one profile, and a file it cannot take by name stops
    the ingest before anything is written; without it each file picks its profile, and a file no
    profile takes is set aside in quarantine/_files with the reason. `profiles` replaces the
    shipped profiles (assets/ticks/profiles/*.yaml).
    """
    known = profiles if profiles is not None else load_profiles()
    if profile_name is not None and profile_name not in known:
        raise ValueError(f"Unknown tick profile {profile_name!r}; known profiles: {', '.join(known)}.")
    day = DayIngest(paths, SOURCE, business_date, batch_id)
    folder = paths.landing_day(SOURCE, business_date)
    assigned, unmatched = choose_profiles(landing_files(folder), known, day.rel, profile_name)
    foreign = [u for u in unmatched if u.by_name]
    if profile_name is not None and foreign:
        raise TickProfileMismatchError(
            " ".join(u.message for u in foreign)
            + f" Nothing was ingested for {business_date}; name the profile these files are in, or none."
        )
    for item in unmatched:
        day.unreadable(
            item.path, f"{item.message} Nothing from it was ingested for {SOURCE} on {business_date}."
        )

    rebuild: list[str] = []
    for contract in contracts_for(SOURCE):
        reads = _read_files(day, contract, [f for f in assigned if f.layout.table == contract.table])
        if contract.table == TRADES:
            loaded, touched = _load_trades(day, contract, reads)
            rebuild = [d for d in touched if not is_current(paths, TRADES, d)]
        else:
            loaded = _load_plain(day, contract, reads)
        if not loaded.files:
            unreadable = any(contract.table in u.tables for u in unmatched)
            _note_nothing_read(day, contract, folder.name, unreadable, known)
        day.publish(contract, loaded.result, loaded.files, loaded.rows_in)

    for trade_date in rebuild:
        ingest_ticks_day(
            paths,
            trade_date,
            profile_name=profile_name,
            batch_id=f"{day.batch.batch_id}:rebuild:{trade_date}",
            profiles=profiles,
        )
        day.note(f"Partition {trade_date} was rebuilt to take the late prints delivered on {business_date}.")
    return day.finish()


def _read_files(day: DayIngest, contract: Contract, files: list[LandingFile]) -> list[FileRows]:
    out = []
    for landing in files:
        rel = day.register_file(landing.path)
        try:
            rows = read_landing_file(landing, rel, day.business_date, contract)
        except UnreadableFileError as exc:
            day.unreadable(
                landing.path, f"{exc} Nothing from it was ingested for {contract.key} on {day.business_date}."
            )
            continue
        day.note(f"{rel} was read as {contract.key} under tick profile {landing.profile.name}.")
        if rows.unmapped:
            day.note(
                f"{rel} has column(s) {', '.join(rows.unmapped)} that tick profile {landing.profile.name} "
                "does not map; they were ignored."
            )
        out.append(rows)
    return out


def _note_nothing_read(
    day: DayIngest, contract: Contract, folder: str, had_unreadable: bool, known: Mapping[str, TickProfile]
) -> None:
    if had_unreadable:
        day.note(
            f"No landing file could be read as {contract.key}; it is written empty for {day.business_date}."
        )
        return
    layout = known[DEFAULT_PROFILE].tables.get(contract.table) if DEFAULT_PROFILE in known else None
    pattern = layout.file_name.pattern if layout is not None else ""
    name = (
        pattern.replace("\\.", ".")
        if re.fullmatch(r"(?:[\w-]|\\\.)+", pattern)
        else f"a {contract.table} file"
    )
    day.note(
        f"landing/{SOURCE}/{folder}/{name} has not arrived; {contract.key} is written without it for "
        f"{day.business_date}."
    )


def _concat(tables: list[pa.Table]) -> pa.Table:
    return pa.concat_tables(tables, promote_options="default")


def _keys(table: pa.Table) -> pa.Array:
    """One text key per row from its origin (file, row), unique within a day's reads."""
    joined = pc.binary_join_element_wise(
        table.column(SOURCE_FILE), pc.cast(table.column(SOURCE_ROW), pa.string()), "\x1f"
    )
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


def _delivered_json(rows: pa.Table, delivered: pa.Table, contract: Contract) -> pa.Array:
    """Raw records of `rows` as the vendor delivered them (looked up by origin)."""
    index = pc.index_in(_keys(rows), value_set=_keys(delivered))
    raw = delivered.take(index).drop_columns([SOURCE_FILE, SOURCE_ROW])
    return raw_records(raw, contract.pii_columns)


def _as_delivered(quarantined: pa.Table, delivered: pa.Table, contract: Contract) -> pa.Table:
    if quarantined.num_rows == 0:
        return quarantined
    position = quarantined.schema.get_field_index("raw_record")
    return quarantined.set_column(
        position, QUARANTINE_SCHEMA.field("raw_record"), _delivered_json(quarantined, delivered, contract)
    )


def _sorted_quarantine(parts: list[pa.Table]) -> pa.Table:
    table = pa.concat_tables([QUARANTINE_SCHEMA.empty_table(), *parts])
    return table.sort_by([(SOURCE_FILE, "ascending"), (SOURCE_ROW, "ascending")])


def _load_plain(day: DayIngest, contract: Contract, reads: list[FileRows]) -> _Loaded:
    """Quotes and end-of-day prices: the contract's rules, its key for duplicates, this date only."""
    files = [r.source_file for r in reads]
    rows_in = sum(r.rows_in for r in reads)
    if not reads:
        return _Loaded(empty_result(contract), files, rows_in)
    delivered = _concat([r.delivered for r in reads])
    result = validate_batch(_concat([r.rows for r in reads]), contract, day.business_date)
    quarantined = _sorted_quarantine(
        [*(r.rejected for r in reads), _as_delivered(result.quarantined, delivered, contract)]
    )
    return _Loaded(ValidationResult(result.accepted, quarantined), files, rows_in)


def _keyless(contract: Contract) -> Contract:
    """The contract without its key rules: trade ids are judged by the correction rule instead."""
    columns = tuple(
        dataclasses.replace(c, primary_key=False, primary_key_position=None, unique=False)
        for c in contract.columns
    )
    return dataclasses.replace(contract, columns=columns)


def _load_trades(day: DayIngest, contract: Contract, reads: list[FileRows]) -> tuple[_Loaded, list[str]]:
    """Trades of the day's files and the late prints staged for it, with corrections resolved.

    Returns the table's rows and the earlier trade dates whose staged late prints this delivery
    touched. A row breaking a contract rule stays in the quarantine of the day that delivered it.
    """
    paths, business_date = day.paths, day.business_date
    schema = accepted_schema(contract)
    files = [r.source_file for r in reads]
    rows_in = sum(r.rows_in for r in reads)
    quarantine: list[pa.Table] = [r.rejected for r in reads]
    accepted, actions = schema.empty_table(), pa.array([], pa.string())
    delivered = None
    if reads:
        rows = _concat([r.rows for r in reads])
        delivered = _concat([r.delivered for r in reads])
        result = validate_batch(
            rows, _keyless(contract), business_date, earliest_date=window_start(business_date)
        )
        quarantine.append(_as_delivered(result.quarantined, delivered, contract))
        accepted = result.accepted
        actions = pc.take(
            rows.column(ACTION), pc.index_in(_keys(accepted), value_set=_keys(rows))
        ).combine_chunks()

    # Route prints of earlier trade dates: stage them for their partition, or quarantine them.
    dates = pc.cast(accepted.column("trade_date"), pa.string()).combine_chunks()
    own = pc.equal(dates, business_date)
    late: dict[str, pa.Table] = {}
    for trade_date in sorted(set(pc.unique(dates).to_pylist()) - {business_date}):
        mask = pc.equal(dates, trade_date)
        rows_of_date = accepted.filter(mask)
        assert delivered is not None
        raw = _delivered_json(rows_of_date, delivered, contract)
        if is_trading_day(trade_date):
            late[trade_date] = rows_of_date.append_column(ACTION, actions.filter(mask)).append_column(
                RAW_RECORD, raw
            )
            continue
        n = rows_of_date.num_rows
        quarantine.append(
            _quarantine_rows(
                contract,
                rows_of_date,
                [LATE_PRINT] * n,
                [
                    f"trade_date {trade_date} of this late print is not an {EXCHANGE} trading day, so it "
                    "has no partition to land in"
                ]
                * n,
                raw,
            )
        )
    routed = sum(t.num_rows for t in late.values())
    touched = stage(paths, TRADES, business_date, late)
    for trade_date, rows_of_date in late.items():
        origins = sorted(set(rows_of_date.column(SOURCE_FILE).to_pylist()))
        day.note(
            f"{rows_of_date.num_rows} late print(s) of {', '.join(origins)} carry trade date {trade_date}; "
            f"they are ingested with partition {trade_date}, not {business_date}."
        )

    # Late prints delivered on later days for this date.
    staged = []
    for path in staged_inputs(paths, TRADES, business_date):
        day.register_file(path)
        staged.append(pq.read_table(path))
    staged_rows = _concat(staged) if staged else None
    if staged_rows is not None:
        rows_in += staged_rows.num_rows
        # The staged file's hash stands for these rows; their landing files are listed, not hashed,
        # since those belong to (and are hashed by) the day that delivered them.
        files.extend(sorted(set(staged_rows.column(SOURCE_FILE).to_pylist())))
        day.note(
            f"{staged_rows.num_rows} late print(s) delivered on later days were added to {business_date}."
        )

    keep = accepted.filter(own)
    combined_parts, action_parts = [keep], [actions.filter(own)]
    if staged_rows is not None:
        combined_parts.append(staged_rows.select(schema.names).cast(schema))
        action_parts.append(staged_rows.column(ACTION).combine_chunks())
    combined = pa.concat_tables(combined_parts)
    combined_actions = pa.concat_arrays(action_parts)
    verdicts = resolve_trade_ids(combined, combined_actions, business_date)
    if verdicts:
        quarantine.append(
            _verdict_quarantine(contract, combined, verdicts, keep.num_rows, delivered, staged_rows)
        )
        drop = np.zeros(combined.num_rows, dtype=bool)
        drop[[v.index for v in verdicts]] = True
        combined = combined.filter(pa.array(~drop))
    final = ValidationResult(combined.sort_by(_SORT), _sorted_quarantine(quarantine))
    return _Loaded(final, files, rows_in - routed), touched


def _quarantine_rows(
    contract: Contract, rows: pa.Table, rules: list[str], reasons: list[str], raw: pa.Array
) -> pa.Table:
    n = rows.num_rows
    return pa.table(
        {
            "source": pa.array([contract.source] * n, pa.string()),
            "table": pa.array([contract.table] * n, pa.string()),
            "rule": pa.array(rules, pa.string()),
            "reason": pa.array(reasons, pa.string()),
            "raw_record": raw,
            SOURCE_FILE: rows.column(SOURCE_FILE),
            SOURCE_ROW: rows.column(SOURCE_ROW),
        },
        schema=QUARANTINE_SCHEMA,
    )


def _verdict_quarantine(
    contract: Contract,
    combined: pa.Table,
    verdicts: list[Verdict],
    own_rows: int,
    delivered: pa.Table | None,
    staged: pa.Table | None,
) -> pa.Table:
    """Quarantine rows for duplicates, superseded prints and applied cancels, raw as delivered."""
    index = [v.index for v in verdicts]
    rows = combined.take(pa.array(index, pa.int64()))
    raw: list[str | None] = [None] * len(index)
    own = [k for k, i in enumerate(index) if i < own_rows]
    if own:
        assert delivered is not None
        own_json = _delivered_json(rows.take(pa.array(own, pa.int64())), delivered, contract).to_pylist()
        for k, text in zip(own, own_json, strict=True):
            raw[k] = text
    if staged is not None:
        staged_json = staged.column(RAW_RECORD)
        for k, i in enumerate(index):
            if i >= own_rows:
                raw[k] = staged_json[i - own_rows].as_py()
    return _quarantine_rows(
        contract, rows, [v.rule for v in verdicts], [v.reason for v in verdicts], pa.array(raw, pa.string())
    )
