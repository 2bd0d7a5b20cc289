"""Per-bank layouts of CSV statement exports, kept as data in csv_profiles/<name>.yaml.

No two banks export the same CSV, and a bank changes its layout without notice. Keeping each
layout as a reviewed data file (not code) lets a new bank, or a changed export, be handled by
adding or editing a profile. A profile is checked strictly when it is loaded: a misspelt key
would otherwise silently fall back to a default and misread every amount of that bank.

Values are read here too, because how to read them is the profile's business: amounts as
exact Decimals under the profile's separators, dates under its formats. Both refuse a value
that could mean two things instead of picking one.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

PROFILE_DIR = Path(__file__).resolve().parent / "csv_profiles"

# Line fields of the contract that a profile maps to a CSV column; amount, currency and the
# account come from their own blocks because their sign or source needs more than a column name.
COLUMN_FIELDS: tuple[str, ...] = (
    "booking_date",
    "value_date",
    "bank_reference",
    "end_to_end_id",
    "transaction_code",
    "counterparty_name",
    "counterparty_account",
    "remittance_info",
)
OLDEST_FIRST = "oldest_first"
NEWEST_FIRST = "newest_first"
SIGNED = "signed"
DEBIT_CREDIT = "debit_credit"
INDICATOR = "indicator"

_TOP_KEYS = {
    "name",
    "description",
    "match",
    "read",
    "numbers",
    "dates",
    "amount",
    "columns",
    "account_number",
    "currency",
    "statement_date",
    "balances",
}
_MATCH_KEYS = {"file_name", "headers"}
_READ_KEYS = {"encoding", "delimiter", "quote", "skip_rows", "order", "ignore_rows"}
_NUMBER_KEYS = {"decimal", "thousands", "currency_symbols", "max_decimals"}
_AMOUNT_KEYS = {"signed", "debit", "credit", "column", "indicator", "debit_values", "credit_values"}
_SOURCE_KEYS = {"column", "value", "line", "file_name", "map", "default", "dates"}
_BALANCE_KEYS = {"running_balance", "opening", "closing"}
_DECIMAL_MARKS = (".", ",")
_THOUSANDS_MARKS = (".", ",", "'", "\u2019", " ", "\u00a0", "\u202f")
_DATE_TOKENS = {
    "yyyy": "%Y",
    "yy": "%y",
    "MMM": "%b",
    "MM": "%m",
    "M": "%m",
    "dd": "%d",
    "d": "%d",
    "HH": "%H",
    "mm": "%M",
    "ss": "%S",
}
_DATE_LETTERS = re.compile(r"[A-Za-z]+")
_DIGITS = re.compile(r"[0-9]+")


class CsvProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the key at fault."""


class AmbiguousValueError(ValueError):
    """A cell that cannot be read as one value under the profile; the message says why."""


@dataclass(frozen=True)
class NumberFormat:
    """How a bank writes amounts: `1.234,56`, `11'373.94`, `$1,036.47`, `-98,76`, `(12.00)`, `12.00-`."""

    decimal: str = "."
    thousands: tuple[str, ...] = ()
    currency_symbols: tuple[str, ...] = ()
    max_decimals: int = 2

    def parse(self, text: str) -> Decimal:
        """The exact amount of a cell, or AmbiguousValueError when it is not one under this format."""
        body = text.strip()
        if not body:
            raise AmbiguousValueError("empty")
        signs: list[str] = []
        symbols: list[str] = []
        if body.startswith("(") and body.endswith(")"):
            signs.append("()")
            body = body[1:-1].strip()
        body = self._peel(body, signs, symbols, leading=True)
        body = self._peel(body, signs, symbols, leading=False)
        if len(signs) > 1:
            raise AmbiguousValueError(f"more than one sign ({' and '.join(signs)})")
        if len(symbols) > 1:
            raise AmbiguousValueError(f"more than one currency symbol ({', '.join(symbols)})")
        magnitude = self._magnitude(body)
        negative = bool(signs) and signs[0] != "+"
        return -magnitude if negative and magnitude else magnitude

    def _peel(self, body: str, signs: list[str], symbols: list[str], *, leading: bool) -> str:
        """Take signs and currency symbols off one end of the cell, recording what was taken."""
        ordered = sorted(self.currency_symbols, key=len, reverse=True)
        while body:
            edge = body[0] if leading else body[-1]
            if edge in "+-":
                if not leading and edge == "+":
                    break
                signs.append(edge)
                body = (body[1:] if leading else body[:-1]).strip()
                continue
            symbol = next((s for s in ordered if (body.startswith(s) if leading else body.endswith(s))), None)
            if symbol is None:
                break
            symbols.append(symbol)
            body = (body[len(symbol) :] if leading else body[: -len(symbol)]).strip()
        return body

    def _magnitude(self, body: str) -> Decimal:
        if not body or not body[0].isdigit():
            raise AmbiguousValueError("no digits where the number should start")
        marks = (self.decimal, *self.thousands)
        unknown = sorted({ch for ch in body if not ch.isdigit() and ch not in marks})
        if unknown:
            shown = ", ".join(repr(ch) for ch in unknown)
            raise AmbiguousValueError(
                f"unexpected character {shown}; this bank writes the decimal mark as {self.decimal!r} and "
                f"thousands as {' or '.join(repr(t) for t in self.thousands) or 'nothing'}"
            )
        if not all(ch.isascii() for ch in body if ch.isdigit()):
            raise AmbiguousValueError("digits other than 0-9")
        whole, mark, fraction = body.partition(self.decimal)
        if mark and (self.decimal in fraction):
            raise AmbiguousValueError(f"more than one decimal mark {self.decimal!r}")
        if mark and not _DIGITS.fullmatch(fraction):
            raise AmbiguousValueError(f"the part after the decimal mark {self.decimal!r} is not digits only")
        if len(fraction) > self.max_decimals:
            raise AmbiguousValueError(
                f"{len(fraction)} decimals, at most {self.max_decimals} expected (a thousands mark read as "
                "the decimal mark?)"
            )
        groups = [whole]
        if self.thousands:
            groups = re.split("|".join(re.escape(t) for t in self.thousands), whole)
        if len(groups) > 1:
            used = {ch for ch in whole if ch in self.thousands}
            if len(used) > 1:
                raise AmbiguousValueError(f"mixed thousands marks {', '.join(sorted(map(repr, used)))}")
            if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
                raise AmbiguousValueError(f"digits are not grouped by three around {used.pop()!r}")
            if not mark and len(groups) == 2 and whole[len(groups[0])] in _DECIMAL_MARKS:
                raise AmbiguousValueError(
                    f"{whole!r} could be a thousands-grouped whole number or a decimal; no decimal mark "
                    f"{self.decimal!r} to tell"
                )
        digits = "".join(groups)
        if not _DIGITS.fullmatch(digits):
            raise AmbiguousValueError("not a number")
        return Decimal(f"{digits}.{fraction}" if fraction else digits)


@dataclass(frozen=True)
class DateFormats:
    """The date formats a bank uses, in the `yyyy-MM-dd` notation of bank documentation."""

    patterns: tuple[str, ...]
    strptime: tuple[str, ...]

    @classmethod
    def of(cls, patterns: tuple[str, ...], where: str) -> DateFormats:
        return cls(patterns, tuple(_strptime_format(p, where) for p in patterns))

    def parse(self, text: str) -> dt.date:
        """The date of a cell; AmbiguousValueError when no format fits or two formats disagree."""
        value = text.strip()
        if not value:
            raise AmbiguousValueError("empty")
        found: dict[dt.date, str] = {}
        for pattern, fmt in zip(self.patterns, self.strptime, strict=True):
            try:
                found.setdefault(dt.datetime.strptime(value, fmt).date(), pattern)
            except ValueError:
                continue
        if not found:
            raise AmbiguousValueError(f"matches none of the formats {', '.join(self.patterns)}")
        if len(found) > 1:
            readings = ", ".join(f"{day.isoformat()} ({pattern})" for day, pattern in found.items())
            raise AmbiguousValueError(f"reads as more than one date: {readings}")
        return next(iter(found))


@dataclass(frozen=True)
class ValueSource:
    """Where a value is found: a column of each row, a fixed value, a line of the file outside the
    table (a preamble or summary row), or the file name. `line` and `file_name` are regular
    expressions; the value is their group `value`, else group 1, else the whole match."""

    columns: tuple[str, ...] = ()
    value: str | None = None
    line: re.Pattern[str] | None = None
    file_name: re.Pattern[str] | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    default: str | None = None
    dates: DateFormats | None = None

    def normalise(self, raw: str | None) -> str | None:
        """The raw text after the profile's value map (e.g. 人民币 -> CNY); the default when empty."""
        if raw is None or not raw.strip():
            return self.default
        text = raw.strip()
        return self.mapping.get(text, self.mapping.get(text.casefold(), text))


@dataclass(frozen=True)
class SignConvention:
    """How a row says money came in or went out: one signed amount column, separate debit and
    credit columns holding magnitudes, or an amount plus a debit/credit indicator column."""

    kind: str
    signed: str | None = None
    debit: str | None = None
    credit: str | None = None
    amount: str | None = None
    indicator: str | None = None
    debit_values: frozenset[str] = frozenset()
    credit_values: frozenset[str] = frozenset()

    @property
    def column_names(self) -> tuple[str, ...]:
        names = (self.signed, self.debit, self.credit, self.amount, self.indicator)
        return tuple(name for name in names if name)


@dataclass(frozen=True)
class Balances:
    """A running-balance column (opening = balance before the first row, closing = after the last)
    or opening and closing found in summary lines of the file."""

    running_balance: str | None = None
    opening: ValueSource | None = None
    closing: ValueSource | None = None


@dataclass(frozen=True)
class CsvProfile:
    name: str
    description: str
    file_names: tuple[str, ...]
    headers: tuple[str, ...]
    encoding: str
    delimiter: str
    quote: str
    skip_rows: int
    order: str
    ignore_rows: tuple[re.Pattern[str], ...]
    numbers: NumberFormat
    dates: DateFormats
    sign: SignConvention
    columns: Mapping[str, tuple[str, ...]]
    account_number: ValueSource
    currency: ValueSource
    statement_date: ValueSource | None
    balances: Balances
    source: Path

    def line_patterns(self) -> tuple[re.Pattern[str], ...]:
        """Patterns of the lines that hold file-level values; such lines are never data rows."""
        sources = (self.account_number, self.currency, self.statement_date, *self.balance_lines())
        return tuple(s.line for s in sources if s is not None and s.line is not None)

    def balance_lines(self) -> tuple[ValueSource | None, ValueSource | None]:
        return self.balances.opening, self.balances.closing

    def row_columns(self) -> tuple[str, ...]:
        """Every column name the profile reads from a data row."""
        names = [*self.sign.column_names]
        for columns in self.columns.values():
            names.extend(columns)
        for source in (self.account_number, self.currency, self.statement_date):
            if source is not None:
                names.extend(source.columns)
        if self.balances.running_balance:
            names.append(self.balances.running_balance)
        return tuple(dict.fromkeys(names))


def load_profile(path: Path) -> CsvProfile:
    """One profile file, checked; CsvProfileError names the file and the key that is wrong."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CsvProfileError(f"{path.name}: cannot read the profile: {exc}") from None
    return _Builder(path).profile(raw)


@functools.cache
def _load_directory(directory: Path) -> tuple[CsvProfile, ...]:
    profiles = tuple(load_profile(p) for p in sorted(directory.glob("*.yaml")))
    names = [p.name for p in profiles]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise CsvProfileError(f"{directory}: profile names used twice: {', '.join(repeated)}")
    return profiles


def load_profiles(directory: Path = PROFILE_DIR) -> tuple[CsvProfile, ...]:
    """Every profile of a folder, in file-name order (loaded once per folder)."""
    return _load_directory(Path(directory).resolve())


def _strptime_format(pattern: str, where: str) -> str:
    def token(match: re.Match[str]) -> str:
        run = match.group(0)
        parts, rest = [], run
        while rest:
            known = next((t for t in _DATE_TOKENS if rest.startswith(t)), None)
            if known is None:
                raise CsvProfileError(f"{where}: date format {pattern!r}: {run!r} is not a known field")
            parts.append(_DATE_TOKENS[known])
            rest = rest[len(known) :]
        return "".join(parts)

    return _DATE_LETTERS.sub(token, pattern.replace("%", "%%"))


class _Builder:
    """Turns one loaded YAML document into a CsvProfile, with errors that name the file and key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, message: str) -> CsvProfileError:
        return CsvProfileError(f"{self.path.name}: {message}")

    def block(self, raw: Any, where: str, allowed: set[str], required: bool = True) -> dict[str, Any]:
        if raw is None and not required:
            return {}
        if not isinstance(raw, dict):
            raise self.fail(f"{where} must be a mapping")
        unknown = sorted(set(map(str, raw)) - allowed)
        if unknown:
            allowed_keys = ", ".join(sorted(allowed))
            raise self.fail(f"unknown key(s) {', '.join(unknown)} in {where}; allowed: {allowed_keys}")
        return raw

    def text(self, value: Any, where: str, *, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            raise self.fail(f"{where} must be a non-empty string")
        return value

    def texts(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise self.fail(f"{where} must be a string or a list of strings")
        return tuple(items)

    def pattern(self, value: Any, where: str) -> re.Pattern[str]:
        try:
            return re.compile(self.text(value, where) or "")
        except re.error as exc:
            raise self.fail(f"{where} is not a valid regular expression: {exc}") from None

    def profile(self, raw: Any) -> CsvProfile:
        top = self.block(raw, "the profile", _TOP_KEYS)
        name = self.text(top.get("name"), "name") or ""
        if name != self.path.stem:
            raise self.fail(f"name {name!r} differs from the file name {self.path.stem!r}")
        match = self.block(top.get("match"), "match", _MATCH_KEYS)
        file_names = self.texts(match.get("file_name"), "match.file_name")
        headers = self.texts(match.get("headers"), "match.headers")
        if not file_names and not headers:
            raise self.fail("match needs file_name globs, headers, or both")
        read = self.block(top.get("read"), "read", _READ_KEYS)
        encoding = self.text(read.get("encoding"), "read.encoding") or ""
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise self.fail(f"read.encoding {encoding!r} is not a known text encoding") from None
        delimiter = self.text(read.get("delimiter"), "read.delimiter") or ""
        quote = self.text(read.get("quote", '"'), "read.quote") or ""
        if len(delimiter) != 1 or len(quote) != 1:
            raise self.fail("read.delimiter and read.quote must be one character each")
        skip_rows = read.get("skip_rows", 0)
        if not isinstance(skip_rows, int) or isinstance(skip_rows, bool) or skip_rows < 0:
            raise self.fail("read.skip_rows must be a whole number, 0 or more")
        order = read.get("order", OLDEST_FIRST)
        if order not in (OLDEST_FIRST, NEWEST_FIRST):
            raise self.fail(f"read.order must be {OLDEST_FIRST} or {NEWEST_FIRST}")
        ignore_texts = self.texts(read.get("ignore_rows"), "read.ignore_rows")
        ignore_rows = tuple(self.pattern(p, "read.ignore_rows") for p in ignore_texts)
        dates = DateFormats.of(self.texts(top.get("dates"), "dates"), f"{self.path.name}: dates")
        if not dates.patterns:
            raise self.fail("dates must list at least one date format")
        columns = self.columns(top.get("columns"))
        sign = self.sign(top.get("amount"))
        return CsvProfile(
            name=name,
            description=self.text(top.get("description"), "description", required=False) or "",
            file_names=file_names,
            headers=headers,
            encoding=encoding,
            delimiter=delimiter,
            quote=quote,
            skip_rows=skip_rows,
            order=order,
            ignore_rows=ignore_rows,
            numbers=self.numbers(top.get("numbers")),
            dates=dates,
            sign=sign,
            columns=columns,
            account_number=self.source(top.get("account_number"), "account_number"),
            currency=self.source(top.get("currency"), "currency"),
            statement_date=(
                self.source(top["statement_date"], "statement_date", dates)
                if top.get("statement_date") is not None
                else None
            ),
            balances=self.balances(top.get("balances")),
            source=self.path,
        )

    def numbers(self, raw: Any) -> NumberFormat:
        block = self.block(raw, "numbers", _NUMBER_KEYS, required=False)
        decimal = block.get("decimal", ".")
        if decimal not in _DECIMAL_MARKS:
            raise self.fail(f"numbers.decimal must be one of {', '.join(map(repr, _DECIMAL_MARKS))}")
        thousands = self.texts(block.get("thousands"), "numbers.thousands")
        if any(t not in _THOUSANDS_MARKS for t in thousands) or decimal in thousands:
            raise self.fail(
                f"numbers.thousands must be taken from {', '.join(map(repr, _THOUSANDS_MARKS))} and differ "
                "from the decimal mark"
            )
        max_decimals = block.get("max_decimals", 2)
        if not isinstance(max_decimals, int) or isinstance(max_decimals, bool) or not 0 <= max_decimals <= 6:
            raise self.fail("numbers.max_decimals must be a whole number from 0 to 6")
        symbols = self.texts(block.get("currency_symbols"), "numbers.currency_symbols")
        if any(ch.isdigit() or ch in "+-()" or ch in (decimal, *thousands) for s in symbols for ch in s):
            raise self.fail("numbers.currency_symbols must not contain digits, signs or separators")
        return NumberFormat(decimal, thousands, symbols, max_decimals)

    def columns(self, raw: Any) -> dict[str, tuple[str, ...]]:
        block = self.block(raw, "columns", set(COLUMN_FIELDS))
        columns = {name: self.texts(block.get(name), f"columns.{name}") for name in COLUMN_FIELDS}
        if not columns["booking_date"]:
            raise self.fail("columns.booking_date is required")
        for name in ("booking_date", "value_date"):
            if len(columns[name]) > 1:
                raise self.fail(f"columns.{name} must name one column")
        return {name: value for name, value in columns.items() if value}

    def sign(self, raw: Any) -> SignConvention:
        block = self.block(raw, "amount", _AMOUNT_KEYS)
        keys = set(block)
        if keys == {"signed"}:
            return SignConvention(SIGNED, signed=self.text(block["signed"], "amount.signed"))
        if keys == {"debit", "credit"}:
            return SignConvention(
                DEBIT_CREDIT,
                debit=self.text(block["debit"], "amount.debit"),
                credit=self.text(block["credit"], "amount.credit"),
            )
        if keys == {"column", "indicator", "debit_values", "credit_values"}:
            debit_texts = self.texts(block["debit_values"], "amount.debit_values")
            credit_texts = self.texts(block["credit_values"], "amount.credit_values")
            debit_values = frozenset(v.casefold() for v in debit_texts)
            credit_values = frozenset(v.casefold() for v in credit_texts)
            if not debit_values or not credit_values or debit_values & credit_values:
                raise self.fail("amount.debit_values and amount.credit_values must be non-empty and disjoint")
            return SignConvention(
                INDICATOR,
                amount=self.text(block["column"], "amount.column"),
                indicator=self.text(block["indicator"], "amount.indicator"),
                debit_values=debit_values,
                credit_values=credit_values,
            )
        raise self.fail(
            "amount must be {signed: <column>}, {debit: <column>, credit: <column>} or "
            "{column: <column>, indicator: <column>, debit_values: [...], credit_values: [...]}"
        )

    def source(self, raw: Any, where: str, dates: DateFormats | None = None) -> ValueSource:
        block = self.block(raw, where, _SOURCE_KEYS)
        kinds = [k for k in ("column", "value", "line", "file_name") if block.get(k) is not None]
        if len(kinds) != 1:
            raise self.fail(f"{where} needs exactly one of column, value, line, file_name")
        mapping = block.get("map") or {}
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise self.fail(f"{where}.map must map texts to texts")
        own_dates = block.get("dates")
        if own_dates is not None and dates is None:
            raise self.fail(f"{where}.dates is only for statement_date")
        return ValueSource(
            columns=self.texts(block.get("column"), f"{where}.column"),
            value=self.text(block.get("value"), f"{where}.value", required=False),
            line=self.pattern(block["line"], f"{where}.line") if kinds == ["line"] else None,
            file_name=self.pattern(block["file_name"], f"{where}.file_name")
            if kinds == ["file_name"]
            else None,
            mapping={str(k).strip(): v for k, v in mapping.items()}
            | {str(k).strip().casefold(): v for k, v in mapping.items()},
            default=self.text(block.get("default"), f"{where}.default", required=False),
            dates=(
                DateFormats.of(self.texts(own_dates, f"{where}.dates"), f"{self.path.name}: {where}.dates")
                if own_dates is not None
                else dates
            ),
        )

    def balances(self, raw: Any) -> Balances:
        block = self.block(raw, "balances", _BALANCE_KEYS, required=False)
        running = self.text(block.get("running_balance"), "balances.running_balance", required=False)
        opening = block.get("opening")
        closing = block.get("closing")
        if running and (opening is not None or closing is not None):
            raise self.fail("balances takes running_balance or opening/closing lines, not both")
        sources = {}
        for key, value in (("opening", opening), ("closing", closing)):
            if value is None:
                continue
            source = self.source(value, f"balances.{key}")
            if source.line is None:
                raise self.fail(f"balances.{key} must be a line pattern")
            sources[key] = source
        return Balances(running, sources.get("opening"), sources.get("closing"))
