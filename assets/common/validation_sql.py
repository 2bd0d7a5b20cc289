"""The SQL of row validation, generated from a contract: one query, every rule, every reason.

Stages: the raw strings, local times parsed once, typed values under the contract's column names
(plus each timestamp's exchange-local wall time for the rules that need it), a flag per check,
the reasons of flagged rows only, and duplicate verdicts joined back from a small table of the
keys that repeat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from assets.common.calendar import EXCHANGE_TZ
from assets.common.contracts import Column, Contract
from assets.common.lineage import SOURCE_FILE, SOURCE_ROW
from assets.common.row_rules import CROSS_ROW_RULES, ROW_RULES

ORD = "__ord"
_SHOWN_CHARS = 80
_DECIMAL_TEXT = r"\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*"
_INTEGER_TEXT = r"\s*[+-]?[0-9]+\s*"
_DATE_TEXT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_AWARE_TIMESTAMP_TEXT = (
    r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
    r"\s*(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)\s*"
)


@dataclass(frozen=True)
class LocalTimestamp:
    """A column delivered as naive local time in a known zone and format (vendor profiles).

    A timestamp column becomes UTC; a date column becomes the local date of that time.
    """

    timezone: str
    format: str


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def local_column(name: str) -> str:
    """The SQL name of a timestamp column's exchange-local wall time, for rules that need it."""
    return _ident(f"__local_{name}")


class ValidationQuery:
    """Builds the validation query for one contract and business date.

    Raw strings are n<i>, local times parsed once are l<i>, typed values take the contract's column
    names, and f<j> flags the j-th check; reasons are rendered for flagged rows only.
    """

    def __init__(
        self,
        contract: Contract,
        first_date: dt.date,
        last_date: dt.date,
        local_timestamps: Mapping[str, LocalTimestamp],
    ) -> None:
        self.contract = contract
        self.first_date = first_date
        self.last_date = last_date
        self.local = local_timestamps
        self.idx = {c.name: i for i, c in enumerate(contract.columns)}

    def n(self, col: Column) -> str:
        return f"n{self.idx[col.name]}"

    def parsed(self, col: Column) -> str:
        return f"l{self.idx[col.name]}"

    def shown(self, col: Column) -> str:
        """The raw value quoted for a reason; PII values are never written into reasons."""
        if col.pii:
            return "'(PII value withheld)'"
        raw = self.n(col)
        return (
            f"('''' || left({raw}, {_SHOWN_CHARS}) || "
            f"case when length({raw}) > {_SHOWN_CHARS} then '...' else '' end || '''')"
        )

    def shown_key(self, name: str) -> str:
        """A key column's typed value, quoted, for a duplicate-key reason."""
        if self.contract.column(name).pii:
            return _lit(f"{name} (PII value withheld)")
        return f"{_lit(name + ' ')} || '''' || cast(c.{_ident(name)} as varchar) || ''''"

    def typed(self, col: Column) -> str:
        n = self.n(col)
        kind = col.kind
        if kind == "varchar":
            # Blank is missing: a required blank is quarantined, an optional one becomes null.
            return n if col.required else f"case when trim({n}) = '' then null else {n} end"
        if kind == "decimal":
            return (
                f"case when regexp_full_match({n}, {_lit(_DECIMAL_TEXT)}) "
                f"then try_cast({n} as {col.physical_type}) end"
            )
        if kind in ("integer", "bigint"):
            return f"case when regexp_full_match({n}, {_lit(_INTEGER_TEXT)}) then try_cast({n} as {kind}) end"
        if kind == "boolean":
            return (
                f"case lower(trim({n})) when 'true' then true when '1' then true "
                f"when 'false' then false when '0' then false end"
            )
        local = self.local.get(col.name)
        if kind == "date":
            if local is not None:
                return f"cast({self.parsed(col)} as date)"
            return (
                f"case when regexp_full_match(trim({n}), {_lit(_DATE_TEXT)}) "
                f"then try_cast(trim({n}) as date) end"
            )
        if kind == "timestamp":
            if local is not None:
                return f"timezone({_lit(local.timezone)}, {self.parsed(col)})"
            return (
                f"case when regexp_full_match({n}, {_lit(_AWARE_TIMESTAMP_TEXT)}) "
                f"then try_cast(trim({n}) as timestamptz) end"
            )
        raise ValueError(f"{self.contract.key}.{col.name}: no validation for type {col.physical_type}")

    def local_wall_time(self, col: Column) -> str:
        """Exchange-local wall time of a timestamp column; no time-zone lookup when it arrived local."""
        local = self.local.get(col.name)
        if local is not None and local.timezone == EXCHANGE_TZ.key:
            return self.parsed(col)
        return f"timezone('{EXCHANGE_TZ.key}', {_ident(col.name)})"

    def type_description(self, col: Column) -> str:
        kind = col.kind
        if kind == "decimal":
            return f"a plain decimal number that fits {col.physical_type}"
        if kind in ("integer", "bigint"):
            return f"a whole number that fits {kind}"
        if kind == "boolean":
            return "a boolean (true, false, 1 or 0)"
        local = self.local.get(col.name)
        if local is not None:
            return f"a timestamp in the format {local.format} ({local.timezone} local time)"
        if kind == "date":
            return "a date written YYYY-MM-DD"
        return "a UTC-aware timestamp (ISO 8601 ending in Z or an offset such as +08:00)"

    def column_checks(self, col: Column) -> list[tuple[str, str, str]]:
        """(rule code, SQL condition that flags a bad row, SQL expression of the reason)."""
        n, t, name = self.n(col), _ident(col.name), col.name
        said = f"{_lit(name + ' value ')} || {self.shown(col)} || "
        checks: list[tuple[str, str, str]] = []
        if col.required:
            # Only values starting with a blank or control character are trimmed: a cheap test first.
            blank = (
                f"case when {n} is null then true when ascii({n}) <= 32 then trim({n}) = '' else false end"
            )
            checks.append(("required", blank, _lit(f"{name} is required but missing")))
        if col.kind != "varchar":
            checks.append(
                (
                    "type",
                    f"case when {t} is null then {n} is not null and trim({n}) <> '' else false end",
                    said + _lit(" is not " + self.type_description(col)),
                )
            )
        scale = col.decimal_scale
        if scale is not None:
            checks.append(
                (
                    "scale",
                    # Cheap length test first; trailing zeros add no precision, so they are allowed.
                    f"case when {t} is not null and strpos({n}, '.') > 0 "
                    f"and length({n}) - strpos({n}, '.') > {scale} "
                    f"then length(rtrim(regexp_extract({n}, '\\.([0-9]*)', 1), '0')) > {scale} "
                    "else false end",
                    said
                    + _lit(
                        f" has more than {scale} decimals ({col.physical_type}); amounts are never rounded"
                    ),
                )
            )
        if col.enum is not None:
            allowed = ", ".join(_lit(v) for v in col.enum)
            checks.append(
                ("enum", f"{t} not in ({allowed})", said + _lit(" is not one of " + ", ".join(col.enum)))
            )
        bounds = (
            (col.minimum, "<", "at least"),
            (col.exclusive_minimum, "<=", "greater than"),
            (col.maximum, ">", "at most"),
            (col.exclusive_maximum, ">=", "less than"),
        )
        for bound, op, words in bounds:
            if bound is not None:
                checks.append(("range", f"{t} {op} {bound}", said + _lit(f" must be {words} {bound}")))
        if col.pattern is not None:
            checks.append(
                (
                    "pattern",
                    f"not regexp_matches({t}, {_lit(col.pattern)})",
                    said + _lit(" does not match the pattern " + col.pattern),
                )
            )
        if name == self.contract.business_date_column:
            checks.append(self.business_date_check(col))
        return checks

    def business_date_check(self, col: Column) -> tuple[str, str, str]:
        t, name = _ident(col.name), col.name
        if self.first_date == self.last_date:
            expected = f"the business date {self.last_date}"
        else:
            expected = (
                f"the dates business date {self.last_date} covers ({self.first_date}..{self.last_date})"
            )
        said = f"{_lit(name + ' value ')} || {self.shown(col)}"
        if col.kind == "timestamp":
            day = f"cast({local_column(name)} as date)"
            where = _lit(f" in {EXCHANGE_TZ.key}, not on {expected}")
            reason = f"{said} || ' falls on ' || cast({day} as varchar) || {where}"
        else:
            day = t
            reason = f"{said} || {_lit(' is not ' + expected)}"
        condition = f"{day} not between date '{self.first_date}' and date '{self.last_date}'"
        return ("business_date", condition, reason)

    def row_rule_checks(self) -> list[tuple[str, str, str]]:
        checks = []
        for rule in self.contract.rules:
            if rule in CROSS_ROW_RULES:
                continue
            if rule not in ROW_RULES:
                raise ValueError(
                    f"Contract {self.contract.key} names rule {rule!r}, which has no implementation; "
                    "add it to assets/common/row_rules.py or remove it from the contract."
                )
            spec = ROW_RULES[rule]
            checks.append((rule, spec.violated, spec.reason))
        return checks

    def key_groups(self) -> list[tuple[str, tuple[str, ...]]]:
        groups = [("duplicate_key", self.contract.primary_key)] if self.contract.primary_key else []
        groups += [("unique", (c.name,)) for c in self.contract.columns if c.unique and not c.primary_key]
        return groups

    def duplicates(self) -> tuple[list[str], list[str], list[str], list[str]]:
        """Per key group: a CTE of repeated keys among otherwise-good rows, its join, reason and rule."""
        ctes, joins, reasons, rules = [], [], [], []
        for g, (code, keys) in enumerate(self.key_groups()):
            key_list = ", ".join(_ident(k) for k in keys)
            ctes.append(
                f"repeated{g} as (select {key_list}, min({ORD}) as first_ord, "
                f"arg_min({SOURCE_ROW}, {ORD}) as first_row, arg_min({SOURCE_FILE}, {ORD}) as first_file "
                f"from checked where __reasons = '' group by {key_list} having count(*) > 1)"
            )
            on = " and ".join(f"c.{_ident(k)} = r{g}.{_ident(k)}" for k in keys)
            joins.append(f"left join repeated{g} r{g} on {on}")
            label = "duplicate key" if code == "duplicate_key" else f"duplicate {keys[0]} (must be unique)"
            bad = f"c.__reasons = '' and c.{ORD} > r{g}.first_ord"
            shown_keys = " || ', ' || ".join(self.shown_key(k) for k in keys)
            reasons.append(
                f"case when {bad} then {_lit(label + ': ')} || {shown_keys} || ' repeats row ' || "
                f"cast(r{g}.first_row as varchar) || ' of ' || r{g}.first_file || ', which was kept' end"
            )
            rules.append(f"case when {bad} then {_lit(code)} end")
        return ctes, joins, reasons, rules

    def query(self) -> str:
        cols = self.contract.columns
        norm = ", ".join(f"{_ident(c.name)} as n{i}" for i, c in enumerate(cols))
        parsed = "".join(
            f", try_strptime(trim({self.n(c)}), {_lit(self.local[c.name].format)}) as {self.parsed(c)}"
            for c in cols
            if c.name in self.local
        )
        typed = ", ".join(f"{self.typed(c)} as {_ident(c.name)}" for c in cols)
        local = "".join(
            f", {self.local_wall_time(c)} as {local_column(c.name)}" for c in cols if c.kind == "timestamp"
        )
        # A condition on NULL operands is not a violation: each rule judges only what it can see.
        checks = [chk for c in cols for chk in self.column_checks(c)] + self.row_rule_checks()
        flags = "".join(f", coalesce({cond}, false) as f{j}" for j, (_, cond, _) in enumerate(checks))
        any_flag = " or ".join(f"f{j}" for j in range(len(checks))) or "false"
        reasons = (
            ", ".join(f"case when f{j} then {reason} end" for j, (_, _, reason) in enumerate(checks))
            or "null"
        )
        rules = (
            ", ".join(f"case when f{j} then {_lit(code)} end" for j, (code, _, _) in enumerate(checks))
            or "null"
        )
        ctes, joins, dup_reasons, dup_rules = self.duplicates()
        out_cols = ", ".join(f"c.{_ident(c.name)}" for c in cols)
        return f"""
            with norm as (
                select {ORD}, {SOURCE_FILE}, {SOURCE_ROW}, {norm} from batch
            ), parsed as (
                select *{parsed} from norm
            ), typed as (
                select *, {typed} from parsed
            ), localized as (
                select *{local} from typed
            ), flagged as (
                select *{flags} from localized
            ), checked as (
                select *,
                       case when {any_flag} then concat_ws('; ', {reasons}) else '' end as __reasons,
                       case when {any_flag} then concat_ws(',', {rules}) else '' end as __rules
                from flagged
            ){"".join(", " + cte for cte in ctes)}
            select c.{ORD}, {out_cols}, c.{SOURCE_FILE}, c.{SOURCE_ROW},
                   concat_ws('; ', {", ".join(["nullif(c.__reasons, '')", *dup_reasons])}) as __reason,
                   concat_ws(',', {", ".join(["nullif(c.__rules, '')", *dup_rules])}) as __rule
            from checked c {" ".join(joins)}
            order by c.{ORD}
        """
