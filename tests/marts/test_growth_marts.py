"""Growth marts against what the simulated platform sent: its marketing spend and its clients.

The lake is the one the credit mart tests build (simulated, ingested by the ingest job and built
with dbt once per session). The checks recount from the landing files, not from the warehouse:
acquisition spend per month, clients first funded per month and channel (a first deposit or
margin top-up on the client's account), and the KPI board's shape and statuses.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from assets.common.paths import LakePaths
from tests.marts.test_credit_marts import build_credit_growth_lake, rows

pytestmark = pytest.mark.slow

KPIS = {"active_client_growth", "average_leverage", "npl_ratio", "loan_turnover_days", "ltv_to_cac"}


@pytest.fixture(scope="module")
def growth_lake(tmp_path_factory, dbt_manifest):
    return build_credit_growth_lake(tmp_path_factory)


def _landing_rows(home, source: str, table: str) -> list[dict]:
    out = []
    for path in sorted((LakePaths(home).landing / source).glob(f"*/{table}.csv")):
        with path.open(newline="") as handle:
            out.extend(csv.DictReader(handle))
    return out


def test_platform_spend_is_the_landed_marketing_spend(growth_lake):
    landed: dict[str, Decimal] = defaultdict(Decimal)
    for row in _landing_rows(growth_lake, "marketing", "marketing_spend"):
        landed[row["spend_date"][:7]] += Decimal(row["spend"])
    marts = dict(
        rows(
            growth_lake,
            "select cohort_month, spend from growth.fct_growth_cac_monthly"
            " where attribution_level = 'platform'",
        )
    )
    assert marts == dict(landed)


def test_new_clients_by_channel_are_the_clients_first_funded(growth_lake):
    """A client counts in the month and channel of its first deposit (or margin top-up)."""
    channel = {
        row["client_id"]: row["acquisition_channel"]
        for row in _landing_rows(growth_lake, "platform", "clients")
    }
    first_funded: dict[str, str] = {}
    for row in _landing_rows(growth_lake, "platform", "ledger_transactions"):
        if row["txn_type"] in ("deposit", "margin_topup") and row["client_id"]:
            day = row["booking_date"]
            first_funded[row["client_id"]] = min(first_funded.get(row["client_id"], day), day)
    expected = Counter((day[:7], channel[client]) for client, day in first_funded.items())
    counted = {
        (month, channel_id): count
        for month, channel_id, count in rows(
            growth_lake,
            "select cohort_month, attribution_id, new_clients from growth.fct_growth_cac_monthly"
            " where attribution_level = 'channel' and new_clients > 0",
        )
    }
    assert counted == dict(expected)
    totals = rows(
        growth_lake,
        "select cohort_month, new_clients from growth.fct_growth_cac_monthly"
        " where attribution_level = 'platform'",
    )
    assert sum(count for _, count in totals) == len(first_funded)


def test_cac_agent_rollup_reaches_the_top_of_the_hierarchy(growth_lake):
    """Top-level agents carry all referral spend and referred clients of their branch."""
    [(top_spend, referral_spend)] = rows(
        growth_lake,
        """
        select
            (select sum(cac.spend) from growth.fct_growth_cac_monthly as cac
             inner join staging.stg_platform__agents as agents on cac.attribution_id = agents.agent_id
             where cac.attribution_level = 'agent' and agents.parent_agent_id is null),
            (select sum(spend) from growth.fct_growth_cac_monthly
             where attribution_level = 'channel' and attribution_id = 'agent_referral')
        """,
    )
    assert top_spend == referral_spend


def test_kpi_board_has_every_kpi_every_month_with_a_status(growth_lake):
    board = rows(growth_lake, "select month_id, kpi_id, status, kpi_value from growth.fct_growth_kpi_board")
    months = {month for month, *_ in board}
    assert len(board) == len(months) * len(KPIS)
    assert {kpi for _, kpi, *_ in board} == KPIS
    assert all((status == "no_data") == (value is None) for *_, status, value in board)
    [(npl_matches,)] = rows(
        growth_lake,
        """
        select bool_and(board.kpi_value is not distinct from portfolio.npl_ratio)
        from growth.fct_growth_kpi_board as board
        inner join intermediate.int_credit_month_ends as month_ends on board.month_id = month_ends.month_id
        inner join credit.fct_credit_portfolio_daily as portfolio
            on month_ends.month_end_date = portfolio.as_of_date
        where board.kpi_id = 'npl_ratio'
        """,
    )
    assert npl_matches
