"""Data contracts (ODCS v3 YAML) as typed objects: the one description of every source table.

Ingest validation, bronze schemas, PII tokenization and the bronze checks all read the contract
through this module, so a change to a contract file changes all of them together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from assets.common.paths import PROJECT_ROOT

CONTRACTS_DIR = PROJECT_ROOT / "data_contracts"
CONTRACT_SUFFIX = ".odcs.yaml"
# A fact row happens once, so its key may appear in one business date only; a reference row
# (a client, an account) is exported again whenever it changes, under the same key.
FACT, REFERENCE = "fact", "reference"
TABLE_KINDS = (FACT, REFERENCE)

_DECIMAL = re.compile(r"decimal\((\d+),\s*(\d+)\)")
_SIMPLE_TYPES: dict[str, pa.DataType] = {
    "varchar": pa.string(),
    "bigint": pa.int64(),
    "integer": pa.int32(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}


class ContractError(ValueError):
    """A contract file that cannot be used as written."""


@dataclass(frozen=True)
class Column:
    """One column of a contract with the rules that apply to each value on its own."""

    name: str
    physical_type: str
    description: str = ""
    required: bool = False
    primary_key: bool = False
    primary_key_position: int | None = None
    unique: bool = False
    pii: bool = False
    classification: str = "internal"
    enum: tuple[str, ...] | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    exclusive_minimum: Decimal | None = None
    exclusive_maximum: Decimal | None = None
    pattern: str | None = None

    @property
    def arrow_type(self) -> pa.DataType:
        return arrow_type(self.physical_type)

    @property
    def decimal_scale(self) -> int | None:
        """The number of decimals a value may carry, for decimal columns; None otherwise."""
        match = _DECIMAL.fullmatch(self.physical_type)
        return int(match.group(2)) if match else None

    @property
    def kind(self) -> str:
        """The type family: varchar, decimal, bigint, integer, boolean, date or timestamp."""
        return "decimal" if self.decimal_scale is not None else self.physical_type


@dataclass(frozen=True)
class Contract:
    """A source table's schema and rules, as loaded from data_contracts/<source>/<table>.odcs.yaml."""

    source: str
    table: str
    version: str
    description: str
    columns: tuple[Column, ...]
    business_date_column: str
    rules: tuple[str, ...]
    path: Path
    table_kind: str = FACT
    usage: str = ""
    rule_descriptions: tuple[tuple[str, str], ...] = ()
    # Facts only: a key can recur in bronze only within this many calendar days of its business
    # date (customProperty duplicateWindowDays); None compares against every date in bronze.
    duplicate_window_days: int | None = None

    @property
    def key(self) -> str:
        return f"{self.source}.{self.table}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def primary_key(self) -> tuple[str, ...]:
        keyed = [c for c in self.columns if c.primary_key]
        keyed.sort(key=lambda c: c.primary_key_position or 0)
        return tuple(c.name for c in keyed)

    @property
    def is_fact(self) -> bool:
        """Whether a key seen in one business date may not appear in another (see TABLE_KINDS)."""
        return self.table_kind == FACT

    @property
    def pii_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.pii)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.key} has no column {name!r}")

    def arrow_schema(self) -> pa.Schema:
        """The typed schema of the table's contract columns; required columns are non-nullable."""
        return pa.schema(
            [pa.field(c.name, c.arrow_type, nullable=not c.required) for c in self.columns],
            metadata={"contract": self.key, "contract_version": self.version},
        )


def arrow_type(physical_type: str) -> pa.DataType:
    """The Arrow type of a contract's physicalType (decimal(p,s) keeps its precision and scale)."""
    match = _DECIMAL.fullmatch(physical_type.strip().lower())
    if match:
        return pa.decimal128(int(match.group(1)), int(match.group(2)))
    try:
        return _SIMPLE_TYPES[physical_type.strip().lower()]
    except KeyError:
        raise ContractError(f"physicalType {physical_type!r} has no Arrow mapping") from None


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _enum_values(quality: list[dict[str, Any]]) -> tuple[str, ...] | None:
    for rule in quality or []:
        if rule.get("metric") in ("invalidValues", "validValues"):
            values = (rule.get("arguments") or {}).get("validValues")
            if values is not None:
                return tuple(str(v) for v in values)
    return None


def _parse_column(raw: dict[str, Any]) -> Column:
    options = raw.get("logicalTypeOptions") or {}
    physical = str(raw["physicalType"]).strip().lower()
    arrow_type(physical)  # fail at load time on an unknown type, naming it
    return Column(
        name=raw["name"],
        physical_type=physical,
        description=raw.get("description", ""),
        required=bool(raw.get("required", False)),
        primary_key=bool(raw.get("primaryKey", False)),
        primary_key_position=raw.get("primaryKeyPosition"),
        unique=bool(raw.get("unique", False)),
        pii=raw.get("classification") == "pii",
        classification=str(raw.get("classification") or "internal"),
        enum=_enum_values(raw.get("quality") or []),
        minimum=_decimal_or_none(options.get("minimum")),
        maximum=_decimal_or_none(options.get("maximum")),
        exclusive_minimum=_decimal_or_none(options.get("exclusiveMinimum")),
        exclusive_maximum=_decimal_or_none(options.get("exclusiveMaximum")),
        pattern=options.get("pattern"),
    )


def parse_contract(path: Path) -> Contract:
    """Read one contract file; errors name the file and what is missing."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        (schema,) = doc["schema"]
        custom = {p["property"]: p["value"] for p in doc.get("customProperties") or []}
        custom_rules = [q for q in schema.get("quality") or [] if q.get("type") == "custom"]
        contract = Contract(
            source=custom["source"],
            table=schema["name"],
            version=str(doc.get("version", "")),
            description=schema.get("description") or (doc.get("description") or {}).get("purpose", ""),
            columns=tuple(_parse_column(p) for p in schema["properties"]),
            business_date_column=custom["businessDateColumn"],
            rules=tuple(q["rule"] for q in custom_rules),
            path=path,
            table_kind=str(custom.get("tableKind", "")),
            usage=" ".join(str((doc.get("description") or {}).get("usage", "")).split()),
            rule_descriptions=tuple((q["rule"], q.get("description", "")) for q in custom_rules),
            duplicate_window_days=(
                int(custom["duplicateWindowDays"]) if "duplicateWindowDays" in custom else None
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ContractError(f"Contract {path} is incomplete or malformed: {exc!r}") from exc
    if contract.table_kind not in TABLE_KINDS:
        raise ContractError(
            f"Contract {path} needs the customProperty tableKind set to {' or '.join(TABLE_KINDS)}, "
            f"not {contract.table_kind or 'nothing'}."
        )
    if contract.duplicate_window_days is not None and (
        not contract.is_fact or contract.duplicate_window_days < 1
    ):
        raise ContractError(
            f"Contract {path}: duplicateWindowDays applies to fact tables only and must be at least 1."
        )
    if contract.business_date_column not in contract.column_names:
        raise ContractError(
            f"Contract {path} names business date column {contract.business_date_column!r}, "
            "which is not one of its columns."
        )
    return contract


@cache
def load_contract(source: str, table: str) -> Contract:
    """The contract of one table, read once per process."""
    path = CONTRACTS_DIR / source / f"{table}{CONTRACT_SUFFIX}"
    if not path.is_file():
        raise ContractError(f"No contract for {source}.{table}: expected {path}.")
    return parse_contract(path)


@cache
def contracts_for(source: str) -> tuple[Contract, ...]:
    """Every contract of a source, in table-name order."""
    folder = CONTRACTS_DIR / source
    files = sorted(folder.glob(f"*{CONTRACT_SUFFIX}"))
    if not files:
        raise ContractError(f"No contracts for source {source!r} under {folder}.")
    return tuple(load_contract(source, f.name.removesuffix(CONTRACT_SUFFIX)) for f in files)
