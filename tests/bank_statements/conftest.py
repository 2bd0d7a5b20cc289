"""Shared helpers of the bank-statement parser tests: the hand-written fixture files."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The folder of hand-written statement files."""
    return FIXTURES


@pytest.fixture
def balance_gaps() -> Any:
    """closing - (opening + sum of lines) per statement id; every value is 0 when the file balances."""

    def gaps(statements: list[dict[str, Any]], lines: list[dict[str, Any]]) -> dict[str, Decimal]:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for line in lines:
            sums[line["statement_id"]] += line["amount"]
        return {
            s["statement_id"]: s["closing_balance"] - s["opening_balance"] - sums[s["statement_id"]]
            for s in statements
        }

    return gaps
