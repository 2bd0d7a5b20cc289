"""The day loop: market, ticks, client behaviour, margin supervision, ledger, bank files, exports."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections import defaultdict

import numpy as np
from tqdm import tqdm

from assets.common.paths import LakePaths
from simulator.accounting import Platform
from simulator.agents import build_agents, chain
from simulator.aml import AmlPlanter, finalize
from simulator.bank import BankStatements
from simulator.bank_camt import write_camt053
from simulator.bank_mt940 import write_mt940
from simulator.behaviour import Behaviour
from simulator.clients import Client, build_clients
from simulator.clock import Clock, business_days, is_month_start, local_us
from simulator.config import SimulationConfig, SimulationSummary
from simulator.devices import DEVICE_EVENT_COLUMNS, DeviceLog
from simulator.exports import PlatformDay, account_row, agent_row, client_row, instrument_row, opened_at
from simulator.instruments import build_universe
from simulator.ledger import POSTING_COLUMNS, TRANSACTION_COLUMNS, Ledger
from simulator.margin import Risk
from simulator.market import Market, MarketDay
from simulator.marketing import build_campaigns, build_spend, write_marketing
from simulator.money import div_half_up, fen_str
from simulator.rng import stream
from simulator.schedule import Schedule
from simulator.seeds import load_seeds
from simulator.ticks import simulate_ticks, write_ticks
from simulator.trading import FILL_COLUMNS, Trading
from simulator.truth import Truth

YUAN = 100
MONTHLY_FEE = {"MF_STD": 10 * YUAN}
LEVERAGED_FEE_BP = 80  # 0.8% of financed principal a month on the leveraged products


def generate(config: SimulationConfig) -> SimulationSummary:
    """Write landing/ and truth/ under config.home for the configured platform (both are replaced)."""
    return Simulation(config).run()


class Simulation:
    """Builds the static world once, then steps day by day so only one day's ticks are ever in memory."""

    def __init__(self, cfg: SimulationConfig) -> None:
        self.cfg = cfg
        self.paths = LakePaths.from_home(cfg.home)
        self.seeds = load_seeds(cfg.seeds_dir)
        calendar = business_days(cfg.start, cfg.days)
        self.days = calendar[: cfg.days]
        self.next_session = calendar[cfg.days]
        self.universe = build_universe(cfg.seed, cfg.instruments)
        self.market = Market(cfg.seed, self.universe, cfg.days, cfg.selloff)
        self.agents = build_agents(cfg.seed, cfg.clients, self.days)
        self.agents_by_id = {a.agent_id: a for a in self.agents}
        self.campaigns = build_campaigns(self.days)
        self.book = build_clients(cfg, self.seeds, self.days, self.universe, self.agents, self.campaigns)
        self.clients = self.book.clients
        self.truth = Truth()
        self.schedule = Schedule()
        self.aml = AmlPlanter(cfg.seed, self.clients, self.days, self.schedule, self.truth, cfg.aml_share)
        self.aml.plan()
        self.ledger = Ledger(cfg.seed, self.seeds, lambda account_id: self.book.by_account[account_id])
        self.platform = Platform(self.ledger, self.seeds)
        self.devices = DeviceLog()
        self.devices.watched = self.aml.watched_devices
        self.trading = Trading(self.platform, self.universe, self.devices)
        self.export = PlatformDay()
        self.risk = Risk(
            self.platform, self.trading, self.truth, self.schedule, self.days, self._touch_account
        )
        self.behaviour = Behaviour(
            self.platform, self.trading, self.risk, self.devices, self.schedule, self.universe.marginable
        )
        self.bank = BankStatements(self.seeds, self.truth, cfg.recon_break_rate)
        acquisitions = [(self.days[c.reg_day], c.channel, c.campaign_id, c.agent_id) for c in self.clients]
        self.spend = build_spend(cfg.seed, self.days, self.campaigns, self.agents, acquisitions)
        self.summary = SimulationSummary(
            home=self.paths.home, first_day=self.days[0], last_day=self.days[-1], trading_days=len(self.days)
        )
        self.clock: Clock | None = None
        self.fee_txns: list[tuple[Client, str, int, bool]] = []

    # -- helpers --------------------------------------------------------------------------------------
    def _touch_account(self, c: Client, t: int) -> None:
        assert self.clock is not None
        self.export.accounts.append(account_row(c, opened_at(c, self.days), self.clock.utc(t)))

    def _reset_landing(self) -> None:
        for folder in (self.paths.landing, self.paths.truth):
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)

    # -- the run --------------------------------------------------------------------------------------
    def run(self) -> SimulationSummary:
        self._reset_landing()
        quiet = self.cfg.quiet or not sys.stderr.isatty()
        with tqdm(total=len(self.days), desc="simulating", unit="day", disable=quiet) as bar:
            for k, day in enumerate(self.days):
                self._day(k, day)
                bar.update(1)
        self._write_truth()
        self.summary.landing = self.paths.landing
        self.summary.truth = self.paths.truth
        return self.summary

    def _day(self, k: int, day: dt.date) -> None:
        cfg = self.cfg
        clock = Clock(day)
        self.clock = clock
        self.export = PlatformDay()
        self.ledger.begin_day(day, clock)
        self.platform.begin_day()
        self.devices.begin_day(clock, stream(cfg.seed, "devices", k))
        mday = self.market.step(k)
        ticks = simulate_ticks(stream(cfg.seed, "ticks", k), self.universe, mday, cfg.trades_per_day)
        self._count(
            write_ticks(self.paths.landing_day("ticks", day.isoformat()), day, self.universe, mday, ticks)
        )
        self.trading.begin_day(clock, mday, ticks)
        self.risk.begin_day(k, clock, mday)
        self.behaviour.begin_day(k, mday)
        self._market_truth(day, mday)
        self._reference_rows(k, day, clock)
        rng = stream(cfg.seed, "platform", k)
        month_start = is_month_start(self.days, k)
        if k == 0:
            self._capital()
        self.platform.exchange_settlement(local_us(9, 0))
        revenue = self._close_month_revenue() if month_start else None
        self._renewals(k, day)
        if month_start:
            self._bill_month()
        self._collect_dues()
        behave = stream(cfg.seed, "behaviour", k)
        for c in self.clients:
            self.behaviour.client_day(c, behave)
        self.risk.close(self.clients, ticks, stream(cfg.seed, "risk", k))
        self._accrue_interest(k)
        if month_start:
            self._reverse_some_fees(rng)
        self.platform.sweep(local_us(17, 0))
        if revenue:
            self._agent_commissions(revenue)
        if month_start:
            for own in self.seeds.own:
                self.platform.bank_fee(own, int(rng.integers(150, 500)) * YUAN, local_us(18, 0))
        for c in self.clients:
            actions = self.schedule.take(k, c.index)
            if actions:
                self.behaviour.run_actions(c, actions)
        self._write_day(k, day, clock)

    def _count(self, counts: dict[str, int]) -> None:
        for table, n in counts.items():
            self.summary.add(table, n)

    # -- reference data -------------------------------------------------------------------------------
    def _reference_rows(self, k: int, day: dt.date, clock: Clock) -> None:
        if k == 0:
            for i in range(len(self.universe)):
                self.export.instruments.append(instrument_row(self.universe, i, clock.utc(local_us(6, 0))))
        removal_day = int(len(self.days) * 0.4)
        if k == removal_day and k > 0 and len(self.universe) >= 10:
            mains = [
                i
                for i in range(len(self.universe))
                if self.universe.board[i] == "main" and self.universe.marginable[i]
            ]
            if mains:
                i = mains[int(stream(self.cfg.seed, "delist").integers(len(mains)))]
                self.universe.marginable[i] = False
                self.export.instruments.append(instrument_row(self.universe, i, clock.utc(local_us(7, 0))))
                self.truth.market_events.append(
                    [
                        f"ME{len(self.truth.market_events) + 1:05d}",
                        "marginable_removed",
                        day.isoformat(),
                        self.universe.instrument_id[i],
                        None,
                        "Removed from the marginable list; no new financed buys",
                    ]
                )
        for agent in self.agents:
            if agent.onboard_day == k:
                if k == 0 and agent.created.date() < day:
                    recorded = clock.utc(local_us(6, 0))
                else:
                    recorded = clock.utc((agent.created.hour * 60 + agent.created.minute + 1) * 60_000_000)
                self.export.agents.append(agent_row(agent, recorded))
        for c in self.clients:
            if c.reg_day == k:
                self.export.clients.append(client_row(c, clock))
                self.export.accounts.append(
                    account_row(c, clock.utc(c.opened_local_us), clock.utc(c.opened_local_us + 300_000))
                )

    def _renewals(self, k: int, day: dt.date) -> None:
        for c in self.clients:
            if c.reg_day < k and c.active and c.maturity <= day:
                months = 3 if c.product.is_leveraged else 6
                while c.maturity <= day:
                    c.maturity = c.maturity.replace(
                        year=c.maturity.year + (c.maturity.month - 1 + months) // 12,
                        month=(c.maturity.month - 1 + months) % 12 + 1,
                    )
                self._touch_account(c, local_us(7, 30))

    # -- platform money -------------------------------------------------------------------------------
    def _capital(self) -> None:
        for own in self.seeds.own:
            served = [c for c in self.clients if self.seeds.own_for(c.seg_bank) is own]
            amount = sum(c.credit_limit for c in served) * 6 // 10 + 5_000_000 * YUAN
            amount = (amount // (1_000_000 * YUAN) + 1) * 1_000_000 * YUAN
            self.platform.capital(own, amount, local_us(8, 0))

    def _close_month_revenue(self) -> dict[str, int]:
        revenue: dict[str, int] = defaultdict(int)
        for c in self.clients:
            if c.agent_id and c.revenue_month > 0:
                revenue[c.agent_id] += c.revenue_month
            c.revenue_month = 0
        return revenue

    def _agent_commissions(self, revenue: dict[str, int]) -> None:
        owed: dict[str, int] = defaultdict(int)
        for agent_id in sorted(revenue):
            for agent in chain(self.agents_by_id, agent_id):
                owed[agent.agent_id] += div_half_up(revenue[agent_id] * agent.rate_micro, 1_000_000)
        for agent_id in sorted(owed):
            amount = owed[agent_id]
            if amount < YUAN:
                continue
            agent = self.agents_by_id[agent_id]
            self.platform.accrue_agent_commission(agent_id, amount, local_us(16, 50))
            self.platform.pay_agent_commission(agent_id, agent.name, agent.card, amount, local_us(17, 40))

    def _bill_month(self) -> None:
        self.fee_txns = []
        for c in self.clients:
            if not c.funded or not c.active or c.state == "deficit":
                continue
            if c.interest_accrued > 0:
                c.interest_due = c.interest_accrued
                paid = min(c.cash, c.interest_due)
                if paid > 0:
                    self.platform.charge_interest(c, paid, local_us(8, 30))
                    c.interest_due -= paid
            fee = MONTHLY_FEE.get(c.product.product_id, 0)
            if c.product.is_leveraged and c.principal > 0:
                fee = max(YUAN, div_half_up(c.principal * LEVERAGED_FEE_BP, 10_000))
            if fee and not c.dormant:
                txn, paid_cash = self.platform.charge_fee(c, fee, local_us(8, 40), "Monthly account fee")
                if txn:
                    self.fee_txns.append((c, txn, fee, paid_cash))

    def _reverse_some_fees(self, rng: np.random.Generator) -> None:
        for c, txn, fee, paid in self.fee_txns:
            if paid and rng.random() < 0.012:
                self.platform.reverse_fee(c, txn, fee, paid, local_us(16, 45))

    def _collect_dues(self) -> None:
        for c in self.clients:
            if (c.interest_due or c.fees) and c.cash > 0 and c.active and c.state != "deficit":
                self.risk.pay_down_dues(c, local_us(8, 45))

    def _accrue_interest(self, k: int) -> None:
        following = self.days[k + 1] if k + 1 < len(self.days) else self.next_session
        nights = (following - self.days[k]).days
        for c in self.clients:
            if c.principal > 0 and c.state != "deficit":
                amount = div_half_up(c.principal * c.rate_micro * nights, 360 * 1_000_000)
                if amount > 0:
                    self.platform.accrue_interest(c, amount, local_us(16, 0))

    # -- files ----------------------------------------------------------------------------------------
    def _write_day(self, k: int, day: dt.date, clock: Clock) -> None:
        iso = day.isoformat()
        txns, postings = self.ledger.day_rows()
        counts = self.export.write(
            self.paths.landing_day("platform", iso),
            {
                "fills": (FILL_COLUMNS, self.trading.day_rows()),
                "ledger_transactions": (TRANSACTION_COLUMNS, txns),
                "ledger_postings": (POSTING_COLUMNS, postings),
                "device_events": (DEVICE_EVENT_COLUMNS, self.devices.day_rows()),
            },
        )
        self._count(counts)
        self.summary.add(
            "marketing_spend",
            write_marketing(self.paths.landing_day("marketing", iso), self.spend.get(day, [])),
        )
        statements = self.bank.build(
            day, self.ledger.bank_moves, stream(self.cfg.seed, "bank", k), k == len(self.days) - 1
        )
        folder = self.paths.landing_day("bank", iso)
        folder.mkdir(parents=True, exist_ok=True)
        created = clock.local_iso(local_us(23, 30))
        for statement in statements:
            if statement.bank.statement_format == "mt940":
                write_mt940(folder, statement)
            else:
                write_camt053(folder, statement, created)
            self.summary.add("bank_statements", 1)
            self.summary.add("bank_statement_lines", len(statement.lines))

    def _market_truth(self, day: dt.date, mday: MarketDay) -> None:
        events = self.truth.market_events
        iso = day.isoformat()
        if mday.is_selloff:
            at_limit = int((mday.close == mday.limit_down).sum())
            events.append(
                [
                    f"ME{len(events) + 1:05d}",
                    "market_selloff",
                    iso,
                    None,
                    f"{mday.market_return:.4f}",
                    f"{int(mday.locked_down.sum())} names locked limit-down all day, {at_limit} closed "
                    "limit-down",
                ]
            )
            for i in map(int, mday.locked_down.nonzero()[0]):
                events.append(
                    [
                        f"ME{len(events) + 1:05d}",
                        "limit_down_locked",
                        iso,
                        self.universe.instrument_id[i],
                        f"{mday.market_return:.4f}",
                        "Traded all day at limit-down; sell orders cannot fill",
                    ]
                )
        for i in map(int, mday.suspended.nonzero()[0]):
            events.append(
                [
                    f"ME{len(events) + 1:05d}",
                    "suspension",
                    iso,
                    self.universe.instrument_id[i],
                    None,
                    "Trading suspended for the day",
                ]
            )

    def _write_truth(self) -> None:
        subjects = {c.client_id for c in self.aml.subjects}
        for c in self.clients:
            self.truth.risk_profiles.append(
                [
                    c.client_id,
                    c.account_id,
                    c.profile,
                    c.product.product_id,
                    f"{c.target_leverage:.4f}",
                    c.max_positions,
                    f"{c.traits.topup:.2f}",
                    "true" if c.will_repay_deficit else "false",
                    "true" if c.client_id in subjects else "false",
                ]
            )
        last = self.days[-1].isoformat()
        for c in self.clients:
            if c.state == "deficit" and not any(row[0] == c.account_id for row in self.truth.defaults):
                self.truth.defaults.append(
                    [
                        c.account_id,
                        c.client_id,
                        last,
                        "deficit_unpaid",
                        c.product.product_id,
                        c.profile,
                        fen_str(c.deficit),
                    ]
                )
        finalize(self.truth.aml_typologies)
        self.summary.truth_files = self.truth.write(self.paths.truth)
