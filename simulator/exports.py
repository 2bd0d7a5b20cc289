"""Daily platform exports: reference rows when created or changed, and the day's activity tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from simulator.agents import Agent
from simulator.clients import Client
from simulator.clock import Clock
from simulator.instruments import SECTORS, Universe
from simulator.money import fen_str, scaled_str
from simulator.writer import write_rows

AGENT_COLUMNS = (
    "agent_id",
    "parent_agent_id",
    "agent_name",
    "region",
    "agent_level",
    "commission_rate",
    "created_at",
    "recorded_at",
)
CLIENT_COLUMNS = (
    "client_id",
    "full_name",
    "id_number",
    "phone",
    "client_type",
    "kyc_level",
    "risk_rating",
    "city",
    "birth_year",
    "acquisition_channel",
    "campaign_id",
    "agent_id",
    "registered_at",
    "recorded_at",
)
ACCOUNT_COLUMNS = (
    "account_id",
    "client_id",
    "product_id",
    "currency",
    "credit_limit",
    "interest_rate_annual",
    "leverage_cap",
    "status",
    "opened_at",
    "maturity_date",
    "recorded_at",
)
INSTRUMENT_COLUMNS = (
    "instrument_id",
    "symbol",
    "instrument_name",
    "exchange",
    "board",
    "sector",
    "currency",
    "lot_size",
    "price_limit_pct",
    "haircut",
    "is_marginable",
    "shares_outstanding",
    "listed_date",
    "recorded_at",
)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def agent_row(agent: Agent, recorded: str) -> tuple:
    created = Clock(agent.created.date())
    created_us = (agent.created.hour * 3600 + agent.created.minute * 60) * 1_000_000
    return (
        agent.agent_id,
        agent.parent_id,
        agent.name,
        agent.region,
        agent.level,
        scaled_str(agent.rate_micro, 6),
        created.utc(created_us),
        recorded,
    )


def client_row(c: Client, clock: Clock) -> tuple:
    return (
        c.client_id,
        c.full_name,
        c.id_number,
        c.phone,
        c.client_type,
        c.kyc_level,
        c.risk_rating,
        c.city,
        c.birth_year,
        c.channel,
        c.campaign_id,
        c.agent_id,
        clock.utc(c.reg_local_us),
        clock.utc(c.reg_local_us + 200_000),
    )


def account_row(c: Client, opened: str, recorded: str) -> tuple:
    return (
        c.account_id,
        c.client_id,
        c.product.product_id,
        "CNY",
        fen_str(c.credit_limit),
        scaled_str(c.rate_micro, 6),
        f"{c.leverage_cap:.4f}",
        c.status,
        opened,
        c.maturity.isoformat(),
        recorded,
    )


def instrument_row(u: Universe, i: int, recorded: str) -> tuple:
    return (
        u.instrument_id[i],
        u.symbol[i],
        u.name[i],
        "XSHG",
        u.board[i],
        SECTORS[int(u.sector[i])],
        "CNY",
        int(u.lot[i]),
        scaled_str(int(u.limit_pct[i]) * 100, 4),
        scaled_str(int(u.haircut_bp[i]), 4),
        _bool(bool(u.marginable[i])),
        int(u.shares_outstanding[i]),
        u.listed_date[i].isoformat(),
        recorded,
    )


class PlatformDay:
    """Collects one business day's rows per platform table and writes them, header always present."""

    def __init__(self) -> None:
        self.agents: list[tuple] = []
        self.clients: list[tuple] = []
        self.accounts: list[tuple] = []
        self.instruments: list[tuple] = []

    def write(self, folder: Path, tables: dict[str, tuple[tuple[str, ...], list[tuple]]]) -> dict[str, int]:
        counts = {}
        own = {
            "agents": (AGENT_COLUMNS, self.agents),
            "clients": (CLIENT_COLUMNS, self.clients),
            "accounts": (ACCOUNT_COLUMNS, self.accounts),
            "instruments": (INSTRUMENT_COLUMNS, self.instruments),
        }
        for name, (columns, rows) in {**own, **tables}.items():
            key = columns.index("recorded_at")
            ordered = sorted(rows, key=lambda r, key=key: (r[key], r[0]))
            counts[name] = write_rows(folder / f"{name}.csv", columns, ordered)
        return counts


def opened_at(c: Client, days: list[dt.date]) -> str:
    return Clock(days[c.reg_day]).utc(c.opened_local_us)
