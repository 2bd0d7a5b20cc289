"""Blocking checks on the platform bronze tables.

rows_accounted_for, bronze_schema_matches_contract and quality_gate, per table; see
assets/common/bronze_checks.py.
"""

from __future__ import annotations

import dagster as dg

from assets.common.bronze_checks import build_bronze_checks


def build_platform_checks() -> dg.AssetChecksDefinition:
    return build_bronze_checks("platform")
