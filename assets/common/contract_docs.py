"""Documentation generated from the contracts: a Markdown page per source and the dbt sources YAML.

Both are rendered from data_contracts/ so they cannot drift from what ingest validates and the
quality gates check; `marginlake contracts` writes them, and a test fails when a committed file
differs from what the contracts produce now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from assets.common.contracts import (
    CONTRACT_SUFFIX,
    CONTRACTS_DIR,
    Column,
    Contract,
    ContractError,
    contracts_for,
)
from assets.common.paths import PROJECT_ROOT

DOCS_DIR = PROJECT_ROOT / "docs" / "contracts"
STAGING_DIR = PROJECT_ROOT / "dbt_project" / "models" / "staging"
# What each source system is; the tables' own descriptions come from their contracts.
SOURCE_DESCRIPTIONS = {
    "bank_statements": (
        "Bank statements of the platform's segregated and own bank accounts (camt.053, MT940, CSV)."
    ),
    "marketing": "Marketing spend per day, channel, campaign and agent.",
    "platform": (
        "Tables of the trading platform's database (reference data, fills, the double-entry ledger, "
        "device events)."
    ),
    "ticks": "Market data from the exchange feed: trade prints, level-1 quotes and end-of-day prices.",
}
PII_NOTE = "Keyed-hash token, never the raw value."
GENERATED = "Generated from data_contracts/ by `marginlake contracts`; edit the contracts, not this file."
EXTERNAL_LOCATION = (
    "read_parquet('{{{{ env_var(\"MARGINLAKE_HOME\") }}}}/bronze/{source}/{{name}}/*/*.parquet',"
)
# Columns every bronze table carries after the contract's, as dbt sees them (business_date comes
# from the hive folder name), with their shared doc blocks.
LINEAGE_COLUMNS = (
    ("_source_file", "varchar", "lineage_source_file"),
    ("_source_row", "bigint", "lineage_source_row"),
    ("_batch_id", "varchar", "lineage_batch_id"),
    ("business_date", "date", "lineage_business_date"),
    ("_ingested_at", "timestamptz", "lineage_ingested_at"),
)
KIND_NOTES = {
    "fact": (
        "fact: each key happens once, so a key that bronze already holds under another business date "
        "is quarantined as a duplicate."
    ),
    "reference": (
        "reference: a row is exported again, under the same key, whenever it changes; keys repeat "
        "across business dates."
    ),
}


@dataclass(frozen=True)
class GeneratedFile:
    """A file the contracts produce: where it goes and what it must contain."""

    path: Path
    text: str

    def is_current(self) -> bool:
        return self.path.is_file() and self.path.read_text(encoding="utf-8") == self.text

    def write(self) -> bool:
        """Write the file if it differs; True when it changed."""
        if self.is_current():
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.text, encoding="utf-8")
        return True


def sources() -> list[str]:
    """Every source with a contract folder, in name order."""
    return sorted(
        p.name for p in CONTRACTS_DIR.iterdir() if p.is_dir() and any(p.glob(f"*{CONTRACT_SUFFIX}"))
    )


def source_description(source: str) -> str:
    try:
        return SOURCE_DESCRIPTIONS[source]
    except KeyError:
        raise ContractError(
            f"Source {source!r} has contracts but no description; add it to SOURCE_DESCRIPTIONS in "
            "assets/common/contract_docs.py."
        ) from None


def dbt_type(column: Column) -> str:
    """The DuckDB type dbt reads from the bronze Parquet file."""
    arrow = column.arrow_type
    if column.decimal_scale is not None:
        return f"decimal({arrow.precision}, {arrow.scale})"
    return "timestamptz" if column.kind == "timestamp" else column.physical_type


def _contract_path(contract: Contract) -> str:
    return contract.path.relative_to(PROJECT_ROOT).as_posix()


def _range(column: Column) -> str:
    bounds = [
        (">=", column.minimum),
        (">", column.exclusive_minimum),
        ("<=", column.maximum),
        ("<", column.exclusive_maximum),
    ]
    return ", ".join(f"{op} {value}" for op, value in bounds if value is not None)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _column_rows(contract: Contract) -> Iterable[str]:
    yield "| column | type | required | key | PII class | enum | range | description |"
    yield "| --- | --- | --- | --- | --- | --- | --- | --- |"
    for c in contract.columns:
        key = str(contract.primary_key.index(c.name) + 1) if c.name in contract.primary_key else ""
        if c.unique and not key:
            key = "unique"
        description = f"{c.description} {PII_NOTE}" if c.pii else c.description
        cells = [
            f"`{c.name}`",
            c.physical_type,
            "yes" if c.required else "no",
            key,
            c.classification,
            ", ".join(f"`{v}`" for v in c.enum or ()),
            _range(c),
            _cell(description),
        ]
        yield "| " + " | ".join(cells) + " |"


def _rules(contract: Contract) -> list[str]:
    """The rules ingest applies to this table, in words: the contract's own and those every table gets."""
    rules = [
        f"- `{contract.business_date_column}` places the row in its business date (the exchange-local "
        "date, for a timestamp); a value outside the dates the delivery covers is quarantined",
        "- every value parses as its type; a decimal carries at most its scale (amounts are never rounded)",
    ]
    if contract.primary_key:
        key = ", ".join(contract.primary_key)
        where = "within the batch and against every other business date in bronze"
        if contract.duplicate_window_days is not None:
            where = (
                "within the batch and against the other business dates in bronze within "
                f"{contract.duplicate_window_days} days either side"
            )
        rules.append(f"- key ({key}) unique {where if contract.is_fact else 'within the batch'}")
    rules += [f"- `{c.name}` unique within the batch" for c in contract.columns if c.unique]
    rules += [f"- `{c.name}` matches `{c.pattern}`" for c in contract.columns if c.pattern]
    rules += [f"- `{name}`: {description}" for name, description in contract.rule_descriptions]
    return rules


def render_table_markdown(contract: Contract) -> str:
    facts = [
        f"- Contract: `{_contract_path(contract)}`, version {contract.version}",
        f"- Kind: {KIND_NOTES[contract.table_kind]}",
        f"- Business date: `{contract.business_date_column}`; bronze: "
        f"`bronze/{contract.source}/{contract.table}/business_date=YYYY-MM-DD/`",
        f"- Primary key: {', '.join(f'`{k}`' for k in contract.primary_key) or 'none'}",
        f"- PII columns (tokenized at ingest): {', '.join(f'`{c}`' for c in contract.pii_columns) or 'none'}",
    ]
    if contract.usage:
        facts.append(f"- {contract.usage}")
    lines = [f"## {contract.table}", "", contract.description, "", *facts, "", *_column_rows(contract)]
    lines += ["", "Rules:", "", *_rules(contract)]
    return "\n".join(lines)


def render_source_markdown(source: str) -> str:
    """The Markdown page of one source: every table with its columns, types, keys, PII and rules."""
    contracts = contracts_for(source)
    header = [
        f"# {source} contracts",
        "",
        f"<!-- {GENERATED} -->",
        "",
        source_description(source),
        "",
        "Every rule below runs at ingest; rows that break one go to quarantine with the reason. "
        "Each bronze partition then passes the blocking `quality_gate` check: the same constraints "
        "as great-expectations expectations, plus row count, null rates and column means against "
        "recent partitions.",
        "",
        "| table | kind | primary key | columns |",
        "| --- | --- | --- | --- |",
        *(
            f"| [{c.table}](#{c.table}) | {c.table_kind} | {', '.join(c.primary_key)} | {len(c.columns)} |"
            for c in contracts
        ),
    ]
    body = [render_table_markdown(c) for c in contracts]
    return "\n\n".join(["\n".join(header), *body]) + "\n"


def _scalar(text: str) -> str:
    """A YAML scalar: plain when it reads back unchanged, single-quoted otherwise."""
    try:
        plain_ok = yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        plain_ok = False
    return text if plain_ok and text == text.strip() else "'" + text.replace("'", "''") + "'"


def render_dbt_sources(source: str) -> str:
    """The dbt sources YAML of one source: bronze read in place through external_location."""
    lines = [
        f"# {GENERATED}",
        "version: 2",
        "",
        "sources:",
        f"  - name: {source}",
        "    description: >-",
        f"      {source_description(source)}",
        "      Read straight from the bronze Parquet lake (one folder per business date); dbt never",
        "      copies bronze into the warehouse.",
        "    config:",
        "      # dbt-duckdb formats {name} with the table name, so every table reads its own folder.",
        "      external_location: >-",
        "        " + EXTERNAL_LOCATION.format(source=source),
        "        hive_partitioning = true, union_by_name = true)",
        "    tables:",
    ]
    for contract in contracts_for(source):
        lines += [
            f"      - name: {contract.table}",
            f"        description: {_scalar(contract.description)}",
            "        config:",
            "          meta:",
            "            dagster:",
            f'              asset_key: ["bronze", "{contract.source}", "{contract.table}"]',
            "        columns:",
        ]
        for c in contract.columns:
            description = f"{c.description} {PII_NOTE}" if c.pii else c.description
            lines += [
                f"          - name: {c.name}",
                f"            data_type: {dbt_type(c)}",
                f"            description: {_scalar(description)}",
            ]
        for name, data_type, doc in LINEAGE_COLUMNS:
            lines += [
                f"          - name: {name}",
                f"            data_type: {data_type}",
                f"            description: '{{{{ doc(\"{doc}\") }}}}'",
            ]
    return "\n".join(lines) + "\n"


def generated_files() -> list[GeneratedFile]:
    """Every file the contracts produce, for every source."""
    files = []
    for source in sources():
        files.append(GeneratedFile(DOCS_DIR / f"{source}.md", render_source_markdown(source)))
        files.append(
            GeneratedFile(STAGING_DIR / source / f"_{source}__sources.yml", render_dbt_sources(source))
        )
    return files


def write_generated_files() -> list[Path]:
    """Write every generated file that differs from the contracts; returns the ones that changed."""
    return [f.path for f in generated_files() if f.write()]


def stale_files() -> list[Path]:
    """Generated files that differ from what the contracts produce now."""
    return [f.path for f in generated_files() if not f.is_current()]
