"""Blocking checks on the bank_statements bronze tables.

rows_accounted_for, bronze_schema_matches_contract and quality_gate, per table; see
assets/common/bronze_checks.py.
"""

from __future__ import annotations

import dagster as dg

from assets.common.bronze_checks import build_bronze_checks


def build_bank_statements_checks() -> dg.AssetChecksDefinition:
    return build_bronze_checks("bank_statements")
