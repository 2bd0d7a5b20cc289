"""The exact-division macros against Python's Decimal, rounding half away from zero.

The macros are rendered from dbt_project/macros/exact_decimal.sql with Jinja and run in DuckDB
over values chosen to be hard: exact ties, negative signs, quotients beyond DOUBLE's 2^53 (where
a floating-point division would be off), and the largest inputs the macros accept.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal, localcontext

import duckdb
import jinja2
import pytest

from orchestration.dbt_project import DBT_PROJECT_DIR


@pytest.fixture(scope="module")
def macros() -> jinja2.Template:
    source = (DBT_PROJECT_DIR / "macros" / "exact_decimal.sql").read_text()
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(source).module


def _rounded(n: int, d: int) -> int | None:
    if d == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 80
        return int((Decimal(n) / Decimal(d)).to_integral_value(rounding=ROUND_HALF_UP))


def _pairs() -> list[tuple[int, int]]:
    rng = random.Random(7)
    pairs = [(0, 5), (5, 0), (1, 2), (-1, 2), (3, 2), (-3, -2), (5, -2), (7, 7), (10**36, 3), (-(10**36), 7)]
    for _ in range(3000):
        d = rng.choice([1, -1]) * rng.randint(1, 10 ** rng.randint(1, 30))
        q = rng.randint(0, 10 ** rng.randint(0, 17))
        n = q * d + rng.choice([0, d // 2, -(d // 2), rng.randint(-abs(d), abs(d))])
        if abs(n) < 10**36:
            pairs.append((n, d))
    for q in (10**15 - 1, 10**15, 10**15 + 1, 2**53, 2**53 + 1):  # where DOUBLE stops being exact
        pairs += [(q * 3 + 1, 3), (2 * q + 1, 2), (-(2 * q + 1), 2)]
    return pairs


def test_divide_units_rounded_is_exact(macros) -> None:
    pairs = _pairs()
    sql = f"select i, {macros.divide_units_rounded('n', 'd')} as q from t order by i"
    with duckdb.connect() as con:
        con.execute("create table t (i integer, n hugeint, d hugeint)")
        values = [(i, str(n), str(d)) for i, (n, d) in enumerate(pairs)]
        con.executemany("insert into t values (?, ?, ?)", values)
        got = [None if q is None else int(q) for _, q in con.execute(sql).fetchall()]
    wrong = [(n, d, g, _rounded(n, d)) for (n, d), g in zip(pairs, got, strict=True) if g != _rounded(n, d)]
    assert wrong == []


def test_divide_decimal_rounds_half_away_from_zero(macros) -> None:
    rows = [("1", "3"), ("2", "3"), ("-2", "3"), ("0.0000005", "1"), ("-0.0000005", "1")]
    rows += [("1", "0"), ("7", "-2")]
    sql = f"select {macros.divide_decimal('a', 'b')} as q from t order by i"
    with duckdb.connect() as con:
        con.execute("create table t (i integer, a decimal(38, 8), b decimal(38, 8))")
        con.executemany("insert into t values (?, ?, ?)", [(i, a, b) for i, (a, b) in enumerate(rows)])
        got = [row[0] for row in con.execute(sql).fetchall()]
    assert got == [
        Decimal("0.333333"),
        Decimal("0.666667"),
        Decimal("-0.666667"),
        Decimal("0.000001"),
        Decimal("-0.000001"),
        None,
        Decimal("-3.500000"),
    ]
