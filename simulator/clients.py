"""Clients, their margin accounts and the hidden risk profile that drives how they behave."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from simulator.agents import Agent
from simulator.clock import US_PER_MINUTE, local_us
from simulator.config import RISK_PROFILES, SimulationConfig
from simulator.instruments import Universe
from simulator.marketing import Campaign, campaigns_on
from simulator.names import (
    CITIES,
    bank_card,
    company_name,
    credit_code,
    device_id,
    ip_address,
    mobile,
    person_name,
    resident_id,
)
from simulator.rng import stream
from simulator.seeds import Product, Seeds


@dataclass(frozen=True)
class ProfileTraits:
    """How a hidden risk profile behaves; the numbers are behavioural assumptions, not rules."""

    p_trade: float
    leverage: tuple[float, float]  # target total assets / equity on the exchange (MF) products
    positions: tuple[int, int]
    topup: float  # probability of meeting a margin call with cash
    repays_deficit: float
    repays_idle_cash: float
    deposit_for_dues: float


TRAITS = {
    "conservative": ProfileTraits(0.08, (1.0, 1.12), (5, 8), 0.97, 0.97, 0.7, 0.9),
    "normal": ProfileTraits(0.15, (1.2, 1.55), (3, 6), 0.85, 0.9, 0.45, 0.7),
    "aggressive": ProfileTraits(0.25, (1.6, 1.9), (2, 4), 0.55, 0.4, 0.15, 0.4),
    "reckless": ProfileTraits(0.35, (1.88, 1.99), (1, 2), 0.2, 0.12, 0.05, 0.15),
}
ACQUISITION = (
    ("organic", 0.25),
    ("search_ads", 0.25),
    ("social_ads", 0.2),
    ("agent_referral", 0.2),
    ("partner_app", 0.1),
)
LINES = ("warning", "call", "close")


class Client:
    """One client and its single margin account: static terms plus the running state of its books."""

    __slots__ = (
        "account_id",
        "agent_id",
        "aml_quiet",
        "below",
        "birth_year",
        "campaign_id",
        "card",
        "cash",
        "channel",
        "churn_day",
        "city",
        "client_id",
        "client_type",
        "credit_limit",
        "deficit",
        "devices",
        "dormant",
        "fees",
        "full_name",
        "fund_day",
        "funded",
        "id_number",
        "index",
        "interest_accrued",
        "interest_due",
        "ips",
        "kyc_level",
        "leverage_cap",
        "maturity",
        "max_positions",
        "open_call",
        "opened_local_us",
        "phone",
        "positions",
        "principal",
        "product",
        "profile",
        "rate_micro",
        "reg_day",
        "reg_local_us",
        "reserve",
        "revenue_month",
        "risk_rating",
        "seg_bank",
        "state",
        "status",
        "target_leverage",
        "traits",
        "watchlist",
        "wealth",
        "will_repay_deficit",
    )

    def __init__(self) -> None:
        self.cash = 0  # 2001 credit balance (fen)
        self.principal = 0  # 1100
        self.interest_accrued = 0  # 1110
        self.deficit = 0  # 1120
        self.fees = 0  # 1130
        self.interest_due = 0  # billed interest not yet paid (part of 1110)
        self.positions: dict[int, int] = {}
        self.state = "normal"  # normal | warning | call | liquidating | deficit | defaulted | closed
        self.status = "active"
        self.open_call: dict | None = None
        self.below = {line: None for line in LINES}  # open line-breach record per line
        self.revenue_month = 0
        self.funded = False
        self.aml_quiet: set[int] = set()
        self.dormant = False

    @property
    def liabilities(self) -> int:
        return self.principal + self.interest_accrued + self.fees + self.deficit

    def market_value(self, prices: np.ndarray) -> int:
        return sum(qty * int(prices[i]) for i, qty in self.positions.items())

    def mcr(self, prices: np.ndarray) -> float:
        debt = self.liabilities
        return float("inf") if debt <= 0 else (self.cash + self.market_value(prices)) / debt

    @property
    def active(self) -> bool:
        return self.state not in ("defaulted", "closed")


@dataclass
class Book:
    """All clients plus the lookups the engine needs."""

    clients: list[Client]
    by_account: dict[str, Client]


def _registration_schedule(rng: np.random.Generator, n: int, days: list[dt.date]) -> list[int]:
    """A big first cohort in the first week, then monthly cohorts that grow month on month."""
    first = min(5, len(days))
    cohort = round(n * 0.4) if len(days) > first else n
    regs = list(rng.integers(0, first, cohort))
    months: list[list[int]] = []
    for index, day in enumerate(days):
        if index < first:
            continue
        if not months or days[months[-1][0]].month != day.month:
            months.append([])
        months[-1].append(index)
    if months:
        weights = np.array([len(m) * 1.15**k for k, m in enumerate(months)], dtype=float)
        picks = rng.choice(len(months), size=n - cohort, p=weights / weights.sum())
        regs += [months[m][int(rng.integers(len(months[m])))] for m in picks]
    return sorted(int(r) for r in regs)


def _product_for(
    rng: np.random.Generator, seeds: Seeds, profile: str, wealth: int, leveraged: bool
) -> Product:
    products = seeds.products
    if leveraged:
        options = [p for p in ("PZ_MULT", "PZ_EQR") if p in products]
        if options:
            return products[options[int(rng.integers(len(options)))]]
    if wealth >= 150_000_000 and "MF_VIP" in products:
        return products["MF_VIP"]
    if "MF_STD" in products:
        return products["MF_STD"]
    return next(p for p in products.values() if not p.is_leveraged)


_RATES = {
    "MF_STD": (80_000, 83_500, 86_000),
    "MF_VIP": (65_000, 70_000),
    "PZ_MULT": (144_000, 180_000),
    "PZ_EQR": (120_000, 150_000),
}
_CAPS = {"MF_STD": 2.0, "MF_VIP": 2.0, "PZ_MULT": 5.0, "PZ_EQR": 3.5}


def build_clients(
    cfg: SimulationConfig,
    seeds: Seeds,
    days: list[dt.date],
    universe: Universe,
    agents: list[Agent],
    campaigns: list[Campaign],
) -> Book:
    rng = stream(cfg.seed, "clients")
    n = cfg.clients
    regs = _registration_schedule(rng, n, days)
    mix = np.array(cfg.risk_mix, dtype=float)
    profiles = rng.choice(len(RISK_PROFILES), size=n, p=mix / mix.sum())
    # Leveraged products go to the most risk-seeking clients first.
    order = sorted(range(n), key=lambda i: (-int(profiles[i]), float(rng.random())))
    leveraged = set(order[: round(n * cfg.leveraged_share)])
    seg_banks = seeds.segregated
    seg_weights = np.array([0.6**k for k in range(len(seg_banks))])
    individual = [a for a in agents if a.level == 3]
    clients: list[Client] = []
    for i in range(n):
        c = Client()
        c.index = i
        c.client_id = f"C{i + 1:07d}"
        c.account_id = f"MA{i + 1:08d}"
        c.profile = RISK_PROFILES[int(profiles[i])]
        c.traits = TRAITS[c.profile]
        c.reg_day = regs[i]
        c.reg_local_us = (
            local_us(8) + int(rng.integers(0, 14 * 60)) * US_PER_MINUTE + int(rng.integers(0, 60_000_000))
        )
        c.opened_local_us = c.reg_local_us + int(rng.integers(5, 60)) * US_PER_MINUTE
        city, area, _region = CITIES[int(rng.integers(len(CITIES)))]
        c.city = city
        legal = rng.random() < 0.04
        c.client_type = "legal" if legal else "natural"
        if legal:
            c.full_name = company_name(rng, city)
            c.id_number = credit_code(rng, area)
            c.birth_year = None
            c.kyc_level = 3
        else:
            c.full_name = person_name(rng)
            c.birth_year = int(rng.integers(1955, 2004))
            c.id_number = resident_id(rng, area, c.birth_year)
            c.kyc_level = int(rng.choice([1, 2, 3], p=[0.2, 0.6, 0.2]))
        c.phone = mobile(rng)
        rating_p = {
            "conservative": [0.7, 0.25, 0.05],
            "normal": [0.45, 0.45, 0.1],
            "aggressive": [0.2, 0.5, 0.3],
            "reckless": [0.1, 0.4, 0.5],
        }[c.profile]
        c.risk_rating = str(rng.choice(["low", "medium", "high"], p=rating_p))
        channels, weights = zip(*ACQUISITION, strict=True)
        c.channel = str(rng.choice(channels, p=np.array(weights) / sum(weights)))
        c.campaign_id = None
        c.agent_id = None
        reg_date = days[c.reg_day]
        if c.channel != "organic":
            active = campaigns_on(campaigns, c.channel, reg_date)
            available = [a for a in individual if a.onboard_day == 0 or a.onboard_day < c.reg_day]
            if not active or (c.channel == "agent_referral" and not available):
                c.channel = "organic"
            else:
                c.campaign_id = active[int(rng.integers(len(active)))].campaign_id
                if c.channel == "agent_referral":
                    c.agent_id = available[int(rng.integers(len(available)))].agent_id
        wealth = float(np.clip(np.exp(rng.normal(np.log(150_000), 1.0)), 20_000, 20_000_000))
        wealth *= 5 if legal else 1
        c.wealth = int(wealth / 100) * 100 * 100  # fen, whole hundreds of CNY
        c.reserve = int(c.wealth * rng.uniform(0.2, 1.5))
        c.product = _product_for(rng, seeds, c.profile, c.wealth, i in leveraged)
        pid = c.product.product_id
        rates = _RATES.get(pid, (80_000,))
        c.rate_micro = int(rates[int(rng.integers(len(rates)))])
        c.leverage_cap = _CAPS.get(pid, 2.0)
        lo, hi = c.traits.leverage
        if c.product.is_leveraged:
            share = (
                rng.uniform(0.8, 0.9) if c.profile in ("conservative", "normal") else rng.uniform(0.88, 0.97)
            )
            c.target_leverage = float(c.leverage_cap * share)
        else:
            c.target_leverage = float(min(rng.uniform(lo, hi), c.leverage_cap * 0.995))
        limit_multiple = (c.leverage_cap - 1) if c.product.is_leveraged else rng.uniform(1.0, 2.0)
        c.credit_limit = max(int(c.wealth * limit_multiple / 1_000_000) * 1_000_000, 1_000_000)
        months = 3 if c.product.is_leveraged else 6
        c.maturity = _add_months(reg_date, months)
        c.seg_bank = seg_banks[int(rng.choice(len(seg_banks), p=seg_weights / seg_weights.sum()))]
        c.card = bank_card(rng)
        c.devices = [device_id(rng) for _ in range(1 + int(rng.random() < 0.15))]
        c.ips = [ip_address(rng) for _ in range(1 + int(rng.integers(0, 3)))]
        c.max_positions = int(rng.integers(c.traits.positions[0], c.traits.positions[1] + 1))
        c.watchlist = _watchlist(rng, universe, c)
        c.will_repay_deficit = bool(rng.random() < c.traits.repays_deficit)
        never = rng.random() < 0.1
        c.fund_day = None if never else c.reg_day + int(rng.geometric(0.5)) - 1
        c.churn_day = None
        if c.profile in ("conservative", "normal") and rng.random() < 0.08:
            c.churn_day = c.reg_day + int(rng.integers(10, 200))
        clients.append(c)
    return Book(clients=clients, by_account={c.account_id: c for c in clients})


def _watchlist(rng: np.random.Generator, universe: Universe, c: Client) -> list[int]:
    """The names a client trades; risk-seekers lean to high-beta names in one favourite sector."""
    n = len(universe)
    size = min(n, 2 * c.max_positions + 2)
    weights = np.ones(n)
    if c.profile in ("aggressive", "reckless"):
        favourite = int(rng.integers(len(np.unique(universe.sector))))
        weights *= universe.beta**4
        weights[universe.sector == np.unique(universe.sector)[favourite]] *= 4
    weights[np.array(universe.board) == "st"] *= 0.2 if c.profile != "reckless" else 1.0
    picks = rng.choice(n, size=size, replace=False, p=weights / weights.sum())
    return [int(p) for p in picks]


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, 28))
