"""Bank CSV statement exports into statement and line rows, read under a per-bank profile.

CSV has no standard, so the layout (encoding, separators, sign convention, where the account
and balances are) comes from a profile in csv_profiles/ (see csv_profiles.py). The file gives
no statement id, so one statement is made per account, currency and statement day (the booking
day unless the profile says otherwise), with a deterministic id: account, day and a prefix of
the file's SHA-256, so a re-sent identical file gets the same ids and a corrected one new ids.

A row that cannot be read (bad amount, date or field count) does not stop the file: it is kept
as a line with the unreadable fields empty and a note naming its line, so contract validation
quarantines it with a reason and the statement it belongs to fails its balance proof rather
than passing with a line missing. Balances come from a running-balance column (opening is the
balance before the statement's first row, closing the balance after its last) or from summary
lines of the file (opening and closing of the whole file; the days between are chained, and a
day whose lines cannot all be read carries the difference).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import fnmatch
import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from assets.bank_statements.csv_profiles import (
    DEBIT_CREDIT,
    NEWEST_FIRST,
    SIGNED,
    AmbiguousValueError,
    CsvProfile,
    DateFormats,
    ValueSource,
    load_profiles,
)
from assets.bank_statements.model import (
    DEFAULT_MAX_BYTES,
    LINE_COLUMNS,
    SOURCE_ROW,
    ParsedStatementFile,
    StatementFileError,
    line_id,
)
from assets.bank_statements.source_file import read_statement_bytes

SOURCE_FORMAT = "csv"
HASH_PREFIX_CHARS = 12
MAX_BALANCE_NOTES = 10
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_WHITESPACE = re.compile(r"\s+")
_Key = tuple[str, str, dt.date]
_Balances = dict[_Key, Decimal | None]
_TEXT_FIELDS = (
    "bank_reference",
    "end_to_end_id",
    "transaction_code",
    "counterparty_name",
    "counterparty_account",
    "remittance_info",
)


def parse_bank_csv(
    path: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    profile: str | CsvProfile | None = None,
    profiles: Iterable[CsvProfile] | None = None,
) -> ParsedStatementFile:
    """Statements (one per account, currency and day) and lines of a bank CSV export.

    `profile` names the layout (or is one); without it the one profile whose `match` block fits
    the file is used. `profiles` replaces the shipped ones. The argument order follows the other
    parsers, so this one can be dispatched like them. Raises StatementFileError when no profile
    fits, the text is not in the profile's encoding, or the header lacks a mapped column.
    """
    path = Path(path)
    data = read_statement_bytes(path, max_bytes)
    known = load_profiles() if profiles is None else tuple(profiles)
    chosen, text, notes = _choose_profile(path, data, profile, known)
    layout = _layout(text, chosen, path)
    result = ParsedStatementFile(notes=notes)
    digest = hashlib.sha256(data).hexdigest()[:HASH_PREFIX_CHARS]
    try:
        _Reader(path, chosen, layout, digest, result).read()
    except StatementFileError:
        raise
    except Exception as exc:  # an unexpected shape must still name the file, never escape as a traceback
        raise StatementFileError(
            path, f"unexpected content for bank CSV profile {chosen.name}: {type(exc).__name__}: {exc}"
        ) from None
    return result


# --- choosing the profile and decoding ------------------------------------------------------------


def _choose_profile(
    path: Path, data: bytes, wanted: str | CsvProfile | None, profiles: tuple[CsvProfile, ...]
) -> tuple[CsvProfile, str, list[str]]:
    names = ", ".join(p.name for p in profiles) or "(none)"
    if isinstance(wanted, (CsvProfile, str)):
        by_name = {p.name: p for p in profiles}
        chosen = wanted if isinstance(wanted, CsvProfile) else by_name.get(wanted)
        if chosen is None:
            raise StatementFileError(path, f"unknown bank CSV profile {wanted!r}; known profiles: {names}")
        text, notes = _decode(data, chosen, path)
        return chosen, text, notes
    matched: list[tuple[CsvProfile, str, list[str]]] = []
    reasons: list[str] = []
    claimed_errors: list[StatementFileError] = []
    for candidate in profiles:
        if candidate.file_names and not _name_matches(path.name, candidate.file_names):
            reasons.append(f"{candidate.name}: file name is not {' or '.join(candidate.file_names)}")
            continue
        try:
            text, notes = _decode(data, candidate, path)
        except StatementFileError as exc:
            if candidate.file_names:
                claimed_errors.append(exc)
            reasons.append(f"{candidate.name}: not {candidate.encoding} text")
            continue
        missing = _missing_headers(text, candidate)
        if missing:
            reasons.append(f"{candidate.name}: header lacks {', '.join(missing)}")
            continue
        matched.append((candidate, text, notes))
    if len(matched) == 1:
        return matched[0]
    if matched:
        several = ", ".join(p.name for p, _, _ in matched)
        raise StatementFileError(
            path, f"{path.name} matches several bank CSV profiles ({several}); name the profile to use"
        )
    if claimed_errors:
        raise claimed_errors[0]
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    problem = f"no bank CSV profile matches {path.name}; known profiles: {names}{detail}"
    raise StatementFileError(path, problem)


def _name_matches(name: str, globs: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name.casefold(), glob.casefold()) for glob in globs)


def _codec(name: str) -> str:
    canonical = codecs.lookup(name).name
    return "utf-8" if canonical == "utf-8-sig" else canonical


def _decode(data: bytes, profile: CsvProfile, path: Path) -> tuple[str, list[str]]:
    """The text in the profile's encoding; a byte-order mark overrides it, because it cannot lie."""
    notes: list[str] = []
    encoding, offset = profile.encoding, 0
    for bom, marked in _BOMS:
        if data.startswith(bom):
            offset = len(bom)
            if _codec(marked) != _codec(profile.encoding):
                notes.append(
                    f"file starts with a {marked} byte-order mark; read as {marked}, "
                    f"not as {profile.encoding} as profile {profile.name} says"
                )
                encoding = marked
            break
    body = data[offset:]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = body[exc.start : min(exc.end, exc.start + 4)].hex(" ")
        line = len(_LINE_BREAK.findall(body[: exc.start].decode(encoding, errors="replace"))) + 1
        raise StatementFileError(
            path,
            f"not {encoding} text as bank CSV profile {profile.name} expects: byte(s) {bad} at byte position "
            f"{offset + exc.start} (line {line}) cannot be decoded ({exc.reason})",
        ) from None
    return text.removeprefix("\ufeff"), notes


# --- splitting the text into preamble, header and rows -------------------------------------------


@dataclass
class _Record:
    line: int
    cells: list[str]


@dataclass
class _Layout:
    header: list[str]
    header_line: int
    records: list[_Record] = field(default_factory=list)
    # Lines outside the table: the skipped preamble, and summary or ignored rows after the header.
    outside: list[str] = field(default_factory=list)
    column_index: dict[str, int] = field(default_factory=dict)


def _records(text: str, profile: CsvProfile) -> tuple[list[str], Iterator[tuple[int, str, list[str]]]]:
    """The physical lines (CR, LF or CRLF endings) and a generator of (first line, raw text, cells)."""
    physical = _LINE_BREAK.split(text)
    if physical and physical[-1] == "":
        physical.pop()
    skip = profile.skip_rows

    def generate() -> Iterator[tuple[int, str, list[str]]]:
        reader = csv.reader(
            (line + "\n" for line in physical[skip:]), delimiter=profile.delimiter, quotechar=profile.quote
        )
        previous = 0
        for cells in reader:
            first, last = skip + previous + 1, skip + reader.line_num
            previous = reader.line_num
            yield first, "\n".join(physical[first - 1 : last]), cells

    return physical, generate()


def _clean(cell: str) -> str:
    """A cell without padding, and without the `="..."` wrapper spreadsheet-minded exports add."""
    text = cell.strip().lstrip("\ufeff").strip()
    if text.startswith('="') and text.endswith('"') and len(text) >= 3:
        text = text[2:-1].strip()
    return text


def _header(records: Iterator[tuple[int, str, list[str]]]) -> tuple[int, list[str]] | None:
    for number, _, cells in records:
        if any(c.strip() for c in cells):
            return number, [_clean(c) for c in cells]
    return None


def _missing_headers(text: str, profile: CsvProfile) -> list[str]:
    try:
        found = _header(_records(text, profile)[1])
    except csv.Error:
        return list(profile.headers)
    present = {name.casefold() for name in found[1]} if found else set()
    return [name for name in profile.headers if name.casefold() not in present]


def _layout(text: str, profile: CsvProfile, path: Path) -> _Layout:
    physical, records = _records(text, profile)
    try:
        found = _header(records)
        if found is None:
            raise StatementFileError(
                path, f"no header row after the {profile.skip_rows} line(s) profile {profile.name} skips"
            )
        layout = _Layout(header=found[1], header_line=found[0], outside=physical[: profile.skip_rows])
        set_aside = (*profile.ignore_rows, *profile.line_patterns())
        for number, raw, cells in records:
            if not any(c.strip() for c in cells):
                continue
            if any(p.search(raw) for p in set_aside):
                layout.outside.append(raw)
                continue
            layout.records.append(_Record(number, cells))
    except csv.Error as exc:
        raise StatementFileError(path, f"cannot be split as CSV: {exc}") from None
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(layout.header):
        positions.setdefault(name.casefold(), []).append(position)
    needed = profile.row_columns()
    missing = [name for name in needed if name.casefold() not in positions]
    if missing:
        raise StatementFileError(
            path,
            f"the header on line {layout.header_line} lacks column(s) {', '.join(missing)} that bank CSV "
            f"profile {profile.name} reads; the header has: {', '.join(layout.header)}",
        )
    repeated = [name for name in needed if len(positions[name.casefold()]) > 1]
    if repeated:
        raise StatementFileError(
            path, f"the header on line {layout.header_line} repeats column(s) {', '.join(repeated)}"
        )
    layout.column_index = {name: positions[name.casefold()][0] for name in needed}
    return layout


# --- rows, statements and balances -----------------------------------------------------------------


@dataclass
class _Row:
    source_row: int
    line: dict[str, Any]
    account: str | None
    currency: str | None
    day: dt.date | None
    balance: Decimal | None = None


def _captured(match: re.Match[str]) -> str:
    if "value" in match.re.groupindex:
        return match.group("value") or ""
    return match.group(1) if match.re.groups else match.group(0)


def _add(left: Decimal | None, right: Decimal | None) -> Decimal | None:
    return None if left is None or right is None else left + right


def _less(left: Decimal | None, right: Decimal | None) -> Decimal | None:
    return None if left is None or right is None else left - right


class _Reader:
    """One file under one profile: rows to lines, lines to statements, balances to statements."""

    def __init__(
        self, path: Path, profile: CsvProfile, layout: _Layout, digest: str, result: ParsedStatementFile
    ) -> None:
        self.path = path
        self.profile = profile
        self.layout = layout
        self.digest = digest
        self.result = result
        self.notes = result.notes

    # file-level values

    def file_value(self, source: ValueSource | None, what: str) -> str | None:
        """A value that holds for the whole file, or None when the source is a column (or absent)."""
        if source is None or source.columns:
            return None
        if source.value is not None:
            return source.normalise(source.value)
        if source.file_name is not None:
            match = source.file_name.search(self.path.name)
            if match is None:
                raise StatementFileError(
                    self.path,
                    f"bank CSV profile {self.profile.name} reads the {what} from the file name, but "
                    f"{self.path.name!r} does not match {source.file_name.pattern!r}",
                )
            return source.normalise(_captured(match))
        assert source.line is not None
        values = []
        for text in self.layout.outside:
            match = source.line.search(text)
            if match is not None:
                values.append(source.normalise(_captured(match)))
        distinct = list(dict.fromkeys(v for v in values if v))
        if len(distinct) > 1:
            raise StatementFileError(
                self.path, f"the file gives more than one {what} ({', '.join(distinct)}); one is expected"
            )
        return distinct[0] if distinct else source.default

    def required_file_value(self, source: ValueSource, what: str) -> str | None:
        value = self.file_value(source, what)
        if value is None and not source.columns:
            where = source.line.pattern if source.line is not None else "(no value)"
            raise StatementFileError(
                self.path, f"no {what} in the file: profile {self.profile.name} looks for a line {where!r}"
            )
        return value

    # reading

    def read(self) -> None:
        profile = self.profile
        account = self.required_file_value(profile.account_number, "account number")
        account = _WHITESPACE.sub("", account) if account else account
        currency = self.required_file_value(profile.currency, "currency")
        currency = self.currency_code(currency, "the file's currency", None)
        day = None
        if profile.statement_date is not None and not profile.statement_date.columns:
            text = self.file_value(profile.statement_date, "statement date")
            day = self.file_date(text, profile.statement_date)
        rows = [self.row(record, account, currency, day) for record in self.layout.records]
        if profile.order == NEWEST_FIRST:
            rows.reverse()
        if not rows:
            self.notes.append(f"no transaction rows after the header on line {self.layout.header_line}")
            return
        inherited = self.fill_keys(rows)
        self.build(rows, inherited)

    def file_date(self, text: str | None, source: ValueSource) -> dt.date:
        if text is None:
            raise StatementFileError(self.path, "no statement date in the file")
        assert source.dates is not None
        try:
            return source.dates.parse(text)
        except AmbiguousValueError as exc:
            raise StatementFileError(self.path, f"statement date {text!r} cannot be read: {exc}") from None

    def cell(self, cells: list[str], column: str) -> str:
        return _clean(cells[self.layout.column_index[column]])

    def row(self, record: _Record, account: str | None, currency: str | None, day: dt.date | None) -> _Row:
        profile, number = self.profile, record.line
        line: dict[str, Any] = dict.fromkeys(
            ("amount", "credit_debit", *_TEXT_FIELDS, "booking_date", "value_date")
        )
        line.update(account_number=account, currency=currency, is_reversal=False)
        cells = record.cells
        width = len(self.layout.header)
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        if len(cells) != width:
            self.notes.append(
                f"line {number}: {len(cells)} fields where the header on line {self.layout.header_line} has "
                f"{width}; the line is kept with every field of the row empty"
            )
            return _Row(number, line, account, currency, day)
        if profile.account_number.columns:
            raw = self.joined(cells, profile.account_number.columns)
            value = profile.account_number.normalise(raw)
            line["account_number"] = _WHITESPACE.sub("", value) if value else None
            if not line["account_number"]:
                self.notes.append(f"line {number}: no account number; the line is kept without it")
        if profile.currency.columns:
            raw = self.joined(cells, profile.currency.columns)
            line["currency"] = self.currency_code(profile.currency.normalise(raw), "currency", number)
            if not raw and line["currency"] is None:
                self.notes.append(f"line {number}: no currency; the line is kept without it")
        line["amount"], line["credit_debit"] = self.amount(cells, number)
        booking_column = profile.columns["booking_date"][0]
        line["booking_date"] = self.date(cells, booking_column, "booking date", number)
        value_columns = profile.columns.get("value_date")
        if value_columns and self.cell(cells, value_columns[0]):
            line["value_date"] = self.date(cells, value_columns[0], "value date", number)
        else:
            line["value_date"] = line["booking_date"]
        for name in _TEXT_FIELDS:
            if name in profile.columns:
                line[name] = self.joined(cells, profile.columns[name]) or None
        statement_day = day if day is not None else line["booking_date"]
        if profile.statement_date is not None and profile.statement_date.columns:
            column = profile.statement_date.columns[0]
            statement_day = self.date(cells, column, "statement date", number, profile.statement_date.dates)
        balance = None
        if profile.balances.running_balance:
            balance = self.number(cells, profile.balances.running_balance, "running balance", number)
        return _Row(number, line, line["account_number"], line["currency"], statement_day, balance)

    def joined(self, cells: list[str], columns: tuple[str, ...]) -> str:
        return " ".join(part for part in (self.cell(cells, c) for c in columns) if part)

    def currency_code(self, value: str | None, what: str, number: int | None) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        if _CURRENCY_CODE.fullmatch(code):
            return code
        where = f"line {number}: " if number is not None else ""
        message = f"{where}{what} {value!r} is not a three-letter currency code"
        if number is None:
            raise StatementFileError(self.path, f"{message}; add it to the profile's currency map")
        self.notes.append(f"{message}; the line is kept without currency")
        return None

    def number(self, cells: list[str], column: str, what: str, number: int) -> Decimal | None:
        text = self.cell(cells, column)
        if not text:
            return None
        try:
            return self.profile.numbers.parse(text)
        except AmbiguousValueError as exc:
            self.notes.append(f"line {number}: {what} {text!r} in column {column!r} cannot be read ({exc})")
            return None

    def date(
        self, cells: list[str], column: str, what: str, number: int, formats: DateFormats | None = None
    ) -> dt.date | None:
        text = self.cell(cells, column)
        try:
            return (formats or self.profile.dates).parse(text)
        except AmbiguousValueError as exc:
            self.notes.append(
                f"line {number}: {what} {text!r} in column {column!r} cannot be read ({exc}); "
                f"the line is kept without {what}"
            )
            return None

    def amount(self, cells: list[str], number: int) -> tuple[Decimal | None, str | None]:
        """The signed amount and CRDT/DBIT of a row under the profile's sign convention."""
        sign = self.profile.sign

        def bad(column: str, text: str, reason: str) -> tuple[None, None]:
            self.notes.append(
                f"line {number}: amount {text!r} in column {column!r} cannot be read ({reason}); "
                "the line is kept without amount"
            )
            return None, None

        def read(column: str) -> tuple[str, Decimal | None, str | None]:
            text = self.cell(cells, column)
            if not text:
                return text, None, None
            try:
                return text, self.profile.numbers.parse(text), None
            except AmbiguousValueError as exc:
                return text, None, str(exc)

        if sign.kind == SIGNED:
            assert sign.signed is not None
            text, value, error = read(sign.signed)
            if value is None:
                return bad(sign.signed, text, error or "empty")
            return value, "DBIT" if value < 0 else "CRDT"
        if sign.kind == DEBIT_CREDIT:
            assert sign.debit is not None and sign.credit is not None
            debit_text, debit, debit_error = read(sign.debit)
            credit_text, credit, credit_error = read(sign.credit)
            if debit_error:
                return bad(sign.debit, debit_text, debit_error)
            if credit_error:
                return bad(sign.credit, credit_text, credit_error)
            if debit is None and credit is None:
                return bad(f"{sign.debit}/{sign.credit}", "", "neither a debit nor a credit amount")
            if debit and credit:
                both = f"{debit_text} / {credit_text}"
                return bad(f"{sign.debit}/{sign.credit}", both, "both a debit and a credit amount")
            if credit is not None and credit < 0:
                return bad(sign.credit, credit_text, "a negative credit could be a reversal or a debit")
            if debit:
                return -abs(debit), "DBIT"
            if credit:
                return credit, "CRDT"
            # Only zeros: an entry that moves nothing; its direction is the column it is in.
            zero = debit if debit is not None else credit
            return abs(zero) if zero is not None else None, "CRDT" if credit is not None else "DBIT"
        assert sign.amount is not None and sign.indicator is not None
        text, value, error = read(sign.amount)
        mark = self.cell(cells, sign.indicator)
        if value is None:
            return bad(sign.amount, text, error or "empty")
        if mark.casefold() in sign.debit_values:
            return -abs(value), "DBIT"
        if mark.casefold() in sign.credit_values:
            if value < 0:
                return bad(sign.amount, text, f"a negative amount with the credit mark {mark!r}")
            return value, "CRDT"
        return bad(sign.indicator, mark, f"debit/credit mark {mark!r} is none of the profile's values")

    # grouping into statements

    def fill_keys(self, rows: list[_Row]) -> dict[int, list[str]]:
        """Rows without a readable account, currency or day go into the statement of the rows next
        to them, so the statement they belong to cannot pass its balance proof without them."""
        inherited: dict[int, list[str]] = {}
        for attribute, what in (("account", "account number"), ("currency", "currency"), ("day", "date")):
            values = [getattr(r, attribute) for r in rows]
            known = [i for i, v in enumerate(values) if v is not None]
            if not known:
                raise StatementFileError(self.path, f"no row has a readable {what} to group the rows by")
            nearest = known[0]
            for index, row in enumerate(rows):
                if values[index] is not None:
                    nearest = index
                    continue
                setattr(row, attribute, values[nearest])
                inherited.setdefault(index, []).append(what)
        return inherited

    def build(self, rows: list[_Row], inherited: dict[int, list[str]]) -> None:
        groups: dict[_Key, list[int]] = {}
        ledgers: dict[tuple[str, str], list[int]] = {}
        for index, row in enumerate(rows):
            assert row.account is not None and row.currency is not None and row.day is not None
            groups.setdefault((row.account, row.currency, row.day), []).append(index)
            ledgers.setdefault((row.account, row.currency), []).append(index)
        currencies_per_account: dict[str, int] = {}
        for account, _ in ledgers:
            currencies_per_account[account] = currencies_per_account.get(account, 0) + 1
        ids = {key: self.statement_id(key, currencies_per_account[key[0]] > 1) for key in groups}
        for index, parts in inherited.items():
            row = rows[index]
            key = (row.account, row.currency, row.day)
            self.notes.append(
                f"line {row.source_row}: no readable {' or '.join(parts)}; the line is put in statement "
                f"{ids[key]} with the lines next to it"
            )
        self.check_order(rows, ledgers)
        opening, closing = self.balances(rows, groups, ledgers, ids)
        for key, indexes in groups.items():
            statement_id = ids[key]
            lines = []
            for line_no, index in enumerate(indexes, start=1):
                row = rows[index]
                values = {**row.line, "statement_id": statement_id, "line_no": line_no}
                values["line_id"] = line_id(statement_id, line_no)
                lines.append({**{name: values[name] for name in LINE_COLUMNS}, SOURCE_ROW: row.source_row})
            account, currency, day = key
            self.result.statements.append(
                {
                    "statement_id": statement_id,
                    "account_number": account,
                    "currency": currency,
                    "statement_date": day,
                    "opening_balance": opening.get(key),
                    "closing_balance": closing.get(key),
                    "entry_count": len(lines),
                    "source_format": SOURCE_FORMAT,
                    "message_id": None,
                    "created_at": None,
                    SOURCE_ROW: min(rows[i].source_row for i in indexes),
                }
            )
            self.result.lines.extend(lines)

    def statement_id(self, key: _Key, with_currency: bool) -> str:
        account, currency, day = key
        middle = f"{currency}-" if with_currency else ""
        return f"{account}-{middle}{day:%Y%m%d}-{self.digest}"

    def check_order(self, rows: list[_Row], ledgers: dict[tuple[str, str], list[int]]) -> None:
        for indexes in ledgers.values():
            for before, after in itertools.pairwise(indexes):
                earlier, later = rows[before].line["booking_date"], rows[after].line["booking_date"]
                if earlier is not None and later is not None and later < earlier:
                    self.notes.append(
                        f"line {rows[after].source_row}: booked {later.isoformat()}, before line "
                        f"{rows[before].source_row} ({earlier.isoformat()}); the rows are not in "
                        f"{self.profile.order.replace('_', ' ')} order as profile {self.profile.name} says"
                    )
                    break

    # balances

    def balances(
        self,
        rows: list[_Row],
        groups: dict[_Key, list[int]],
        ledgers: dict[tuple[str, str], list[int]],
        ids: dict[_Key, str],
    ) -> tuple[_Balances, _Balances]:
        balances = self.profile.balances
        if balances.running_balance:
            return self.running_balances(rows, groups, ledgers, ids)
        if balances.opening is None and balances.closing is None:
            self.notes.append(
                f"bank CSV profile {self.profile.name} gives no balances; the statements cannot be proven"
            )
            return {}, {}
        return self.summary_balances(rows, groups, ledgers)

    def running_balances(
        self,
        rows: list[_Row],
        groups: dict[_Key, list[int]],
        ledgers: dict[tuple[str, str], list[int]],
        ids: dict[_Key, str],
    ) -> tuple[_Balances, _Balances]:
        """Balance before a statement's first row and after its last, from the running-balance column.

        The balance before a row is the one after the row above it, so a row missing from a
        statement makes that statement fail its proof instead of shifting its opening balance.
        """
        after: dict[int, Decimal | None] = {}
        before: dict[int, Decimal | None] = {}
        place: dict[int, int] = {}
        breaks: list[str] = []
        for indexes in ledgers.values():
            for position, index in enumerate(indexes):
                place[index] = position
                row = rows[index]
                after[index] = row.balance
                if row.balance is None and position + 1 < len(indexes):
                    following = rows[indexes[position + 1]]
                    after[index] = _less(following.balance, following.line["amount"])
                if position == 0:
                    before[index] = _less(after[index], row.line["amount"])
                    continue
                previous = rows[indexes[position - 1]]
                before[index] = after[indexes[position - 1]]
                expected = _add(previous.balance, row.line["amount"])
                if expected is not None and row.balance is not None and expected != row.balance:
                    breaks.append(
                        f"line {row.source_row}: running balance {row.balance} is not the balance "
                        f"{previous.balance} of line {previous.source_row} plus its amount "
                        f"{row.line['amount']}"
                    )
        self.notes.extend(breaks[:MAX_BALANCE_NOTES])
        if len(breaks) > MAX_BALANCE_NOTES:
            self.notes.append(f"{len(breaks) - MAX_BALANCE_NOTES} more running-balance breaks not listed")
        opening: _Balances = {}
        closing: _Balances = {}
        for key, indexes in groups.items():
            if place[indexes[-1]] - place[indexes[0]] + 1 != len(indexes):
                self.notes.append(
                    f"statement {ids[key]}: its rows are not next to each other in "
                    "the file, so its running balances do not bracket it"
                )
            opening[key] = before[indexes[0]]
            closing[key] = after[indexes[-1]]
        return opening, closing

    def summary_balances(
        self, rows: list[_Row], groups: dict[_Key, list[int]], ledgers: dict[tuple[str, str], list[int]]
    ) -> tuple[_Balances, _Balances]:
        """Opening and closing of the file from its summary lines, spread over the days it holds."""
        balances = self.profile.balances
        first_opening = self.summary_amount(balances.opening, "opening balance")
        last_closing = self.summary_amount(balances.closing, "closing balance")
        if len(ledgers) > 1:
            self.notes.append(
                f"the file's summary balances cannot be split over {len(ledgers)} accounts or currencies; "
                "the statements have no balances"
            )
            return {}, {}
        keys = sorted(groups, key=lambda k: k[2])
        sums: list[Decimal | None] = []
        for key in keys:
            amounts = [rows[i].line["amount"] for i in groups[key]]
            sums.append(None if any(a is None for a in amounts) else sum(amounts, Decimal(0)))
        opening: _Balances = dict.fromkeys(keys)
        closing: _Balances = dict.fromkeys(keys)
        unreadable = [i for i, total in enumerate(sums) if total is None]
        first_bad = unreadable[0] if unreadable else len(keys)
        last_bad = unreadable[-1] if unreadable else len(keys) - 1
        running = first_opening
        for position in range(first_bad):
            opening[keys[position]] = running
            running = _add(running, sums[position])
            closing[keys[position]] = running
        if unreadable:
            opening[keys[first_bad]] = running
        running = last_closing
        for position in range(len(keys) - 1, last_bad, -1):
            closing[keys[position]] = running
            running = _less(running, sums[position])
            opening[keys[position]] = running
        if unreadable:
            closing[keys[last_bad]] = running
        else:
            closing[keys[-1]] = last_closing
        return opening, closing

    def summary_amount(self, source: ValueSource | None, what: str) -> Decimal | None:
        if source is None:
            self.notes.append(f"bank CSV profile {self.profile.name} does not say where the {what} is")
            return None
        text = self.file_value(source, what)
        if text is None:
            pattern = source.line.pattern if source.line is not None else ""
            self.notes.append(f"no {what} in the file: no line matches {pattern!r}")
            return None
        try:
            return self.profile.numbers.parse(text)
        except AmbiguousValueError as exc:
            self.notes.append(f"{what} {text!r} cannot be read ({exc})")
            return None
