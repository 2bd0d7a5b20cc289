"""Contract docs and dbt sources are generated from the contracts and cannot drift from them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assets.common.contract_docs import (
    generated_files,
    render_dbt_sources,
    render_source_markdown,
    stale_files,
    write_generated_files,
)
from assets.common.contracts import ContractError, contracts_for, load_contract, parse_contract
from assets.common.paths import PROJECT_ROOT
from orchestration.cli import main

SOURCES = ("bank_statements", "marketing", "platform", "ticks")
REFERENCE = {"clients", "agents", "accounts", "instruments"}


def test_committed_files_are_what_the_contracts_produce_now():
    stale = stale_files()
    assert not stale, f"Out of date: {[str(p) for p in stale]}; run `marginlake contracts` and commit."


def test_every_source_gets_a_page_and_a_sources_file():
    names = sorted(f.path.relative_to(PROJECT_ROOT).as_posix() for f in generated_files())
    assert names == sorted(
        [f"docs/contracts/{s}.md" for s in SOURCES]
        + [f"dbt_project/models/staging/{s}/_{s}__sources.yml" for s in SOURCES]
    )


@pytest.mark.parametrize("source", SOURCES)
def test_dbt_sources_carry_every_contract_column_its_type_and_the_asset_key(source):
    (spec,) = yaml.safe_load(render_dbt_sources(source))["sources"]
    assert spec["name"] == source
    assert f"/bronze/{source}/{{name}}/*/*.parquet" in spec["config"]["external_location"]
    tables = {t["name"]: t for t in spec["tables"]}
    for contract in contracts_for(source):
        table = tables[contract.table]
        assert table["config"]["meta"]["dagster"]["asset_key"] == ["bronze", source, contract.table]
        assert table["description"] == contract.description
        columns = [c["name"] for c in table["columns"]]
        assert columns == [
            *contract.column_names,
            "_source_file",
            "_source_row",
            "_batch_id",
            "business_date",
            "_ingested_at",
        ]
        for column in table["columns"]:
            if column["name"] in contract.pii_columns:
                assert column["description"].endswith("Keyed-hash token, never the raw value.")


def test_markdown_states_types_keys_pii_enums_ranges_and_rules():
    text = render_source_markdown("platform")
    assert "| `fill_id` | varchar | yes | 1 | internal |" in text
    assert "| `full_name` | varchar | yes |  | pii |" in text
    assert "`buy`, `sell`" in text
    assert "| > 0 |" in text  # quantity and price
    assert "- `gross_amount`: gross_amount = round(quantity x price, 2)" in text
    assert "- key (fill_id) unique within the batch and against every other business date in bronze" in text
    assert "- key (client_id) unique within the batch\n" in text
    assert "| [clients](#clients) | reference | client_id |" in text


def test_table_kind_comes_from_the_contracts():
    for source in SOURCES:
        for contract in contracts_for(source):
            assert contract.table_kind == ("reference" if contract.table in REFERENCE else "fact")


def test_a_contract_without_table_kind_is_refused_with_a_sentence(tmp_path: Path):
    original = load_contract("marketing", "marketing_spend").path.read_text(encoding="utf-8")
    broken = tmp_path / "marketing_spend.odcs.yaml"
    broken.write_text(original.replace("- property: tableKind\n  value: fact\n", ""), encoding="utf-8")
    with pytest.raises(ContractError, match="needs the customProperty tableKind set to fact or reference"):
        parse_contract(broken)


def test_the_cli_checks_and_writes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys):
    assert main(["contracts", "--check"]) == 0
    import assets.common.contract_docs as docs

    monkeypatch.setattr(docs, "DOCS_DIR", tmp_path / "docs")
    monkeypatch.setattr(docs, "STAGING_DIR", tmp_path / "staging")
    assert main(["contracts", "--check"]) == 1
    assert "differs from what data_contracts/ produces" in capsys.readouterr().out
    assert len(write_generated_files()) == 2 * len(SOURCES)
    assert main(["contracts"]) == 0
    assert "up to date" in capsys.readouterr().out
