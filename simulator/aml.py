"""Planted money-laundering typologies: scheduled fund flows on a small minority of clients."""

from __future__ import annotations

import datetime as dt

from simulator.clients import Client
from simulator.clock import US_PER_MINUTE, local_us
from simulator.names import bank_card, person_name
from simulator.rng import stream
from simulator.schedule import Schedule
from simulator.truth import Truth

YUAN = 100
REPORTING_THRESHOLD = 50_000 * YUAN


class AmlPlanter:
    """Chooses subjects and schedules their flows; evidence txn ids are filled in as the flows post."""

    def __init__(
        self,
        seed: int,
        clients: list[Client],
        days: list[dt.date],
        schedule: Schedule,
        truth: Truth,
        share: float,
    ) -> None:
        self.rng = stream(seed, "aml")
        self.clients = clients
        self.days = days
        self.schedule = schedule
        self.truth = truth
        self.per_typology = max(1, round(len(clients) * share))
        self.count = 0
        self.watched_devices: dict[str, list[str]] = {}
        eligible = [
            c
            for c in clients
            if c.reg_day < 5
            and c.fund_day is not None
            and c.fund_day < 5
            and c.profile in ("conservative", "normal")
            and not c.product.is_leveraged
            and c.churn_day is None
        ]
        order = self.rng.permutation(len(eligible))
        self.pool = [eligible[i] for i in order]
        self.subjects: list[Client] = []

    def _add(
        self,
        day: int,
        client: int,
        t: int,
        kind: str,
        amount: int,
        counterparty: tuple[str, str] | None = None,
        evidence: list[str] | None = None,
    ) -> None:
        """Schedule a planted flow; the subject does not trade that day, so cash follows the flow's timing."""
        self.clients[client].aml_quiet.add(day)
        self.schedule.add(day, client, t, kind, amount, counterparty, evidence)

    def _take(self, n: int) -> list[Client] | None:
        if len(self.pool) < n:
            return None
        picked, self.pool = self.pool[:n], self.pool[n:]
        self.subjects.extend(picked)
        return picked

    def _record(self, typology: str, subjects: list[Client], first: int, last: int, description: str) -> list:
        self.count += 1
        row = [
            f"AML{self.count:05d}",
            typology,
            [c.client_id for c in subjects],
            [c.account_id for c in subjects],
            [],
            [],
            self.days[first].isoformat(),
            self.days[min(last, len(self.days) - 1)].isoformat(),
            description,
        ]
        self.truth.aml_typologies.append(row)
        return row

    def _third_party(self) -> tuple[str, str]:
        return person_name(self.rng), bank_card(self.rng)

    def _time(self, hour_from: int = 9, hour_to: int = 17) -> int:
        return local_us(
            int(self.rng.integers(hour_from, hour_to)),
            int(self.rng.integers(0, 60)),
            int(self.rng.integers(0, 60)),
        )

    def plan(self) -> None:
        n_days = len(self.days)
        if n_days < 12:
            return
        lo, hi = 6, n_days - 4
        planners = [
            self.structuring,
            self.rapid_in_out,
            self.third_party,
            self.fan_in,
            self.fan_out,
            self.cycle,
            self.linked,
            self.dormant,
        ]
        for planner in planners:
            for _ in range(self.per_typology):
                planner(lo, hi)

    def _day(self, lo: int, hi: int) -> int:
        return int(self.rng.integers(lo, max(lo + 1, hi)))

    def structuring(self, lo: int, hi: int) -> None:
        picked = self._take(1)
        if not picked:
            return
        c = picked[0]
        s = self._day(lo, hi)
        row = self._record(
            "structuring",
            [c],
            s,
            s,
            "Several same-day deposits each just below the 50,000 CNY reporting threshold",
        )
        t = local_us(9, 5)
        for _ in range(int(self.rng.integers(3, 6))):
            amount = int(self.rng.integers(int(REPORTING_THRESHOLD * 0.9), REPORTING_THRESHOLD))
            t += int(self.rng.integers(20, 90)) * US_PER_MINUTE
            self._add(s, c.index, t, "deposit", amount, evidence=row[4])

    def rapid_in_out(self, lo: int, hi: int) -> None:
        picked = self._take(1)
        if not picked:
            return
        c = picked[0]
        s = self._day(lo, hi)
        amount = int(self.rng.integers(200_000, 800_000)) * YUAN
        # Out again the next calendar day when that is a trading day, otherwise the same afternoon.
        out_day = s + 1 if (self.days[s + 1] - self.days[s]).days == 1 else s
        row = self._record(
            "rapid_in_out",
            [c],
            s,
            out_day,
            "Large deposit withdrawn almost entirely within 48 hours without trading",
        )
        self._add(s, c.index, self._time(9, 12), "deposit", amount, evidence=row[4])
        back = int(amount * self.rng.uniform(0.85, 0.97)) // 100 * 100
        self._add(out_day, c.index, self._time(13, 16), "withdrawal", back, evidence=row[4])

    def third_party(self, lo: int, hi: int) -> None:
        picked = self._take(1)
        if not picked:
            return
        c = picked[0]
        s = self._day(lo, hi)
        payer = self._third_party()
        row = self._record(
            "third_party_funding", [c], s, s + 3, f"Deposits paid by {payer[0]}, not the client"
        )
        for offset in range(int(self.rng.integers(2, 5))):
            day = min(s + offset, len(self.days) - 1)
            amount = int(self.rng.integers(30_000, 200_000)) * YUAN
            self._add(day, c.index, self._time(), "deposit", amount, payer, evidence=row[4])

    def _week(self, s: int, span: int) -> int:
        """The last trading day at most `span` trading days after s and within 7 calendar days."""
        last = s
        while (
            last + 1 < len(self.days)
            and last + 1 <= s + span
            and (self.days[last + 1] - self.days[s]).days < 7
        ):
            last += 1
        return last

    def fan_in(self, lo: int, hi: int) -> None:
        picked = self._take(1)
        if not picked:
            return
        c = picked[0]
        s = self._day(lo, hi)
        last = self._week(s, 4)
        payers = int(self.rng.integers(5, 9))
        row = self._record("fan_in", [c], s, last, f"{payers} distinct payers into one account within 7 days")
        for _ in range(payers):
            day = int(self.rng.integers(s, last + 1))
            amount = int(self.rng.integers(20_000, 90_000)) * YUAN
            self._add(day, c.index, self._time(), "deposit", amount, self._third_party(), evidence=row[4])

    def fan_out(self, lo: int, hi: int) -> None:
        picked = self._take(1)
        if not picked:
            return
        c = picked[0]
        s = self._day(lo, hi)
        last = self._week(s, 4)
        payees = int(self.rng.integers(5, 8))
        total = int(self.rng.integers(300_000, 900_000)) * YUAN
        row = self._record(
            "fan_out", [c], s, last, f"One account paying out to {payees} distinct accounts within 7 days"
        )
        c.aml_quiet.update(range(s, last + 1))
        self._add(s, c.index, local_us(8, 40), "deposit", total, evidence=row[4])
        for _ in range(payees):
            day = int(self.rng.integers(s, last + 1))
            amount = int(total * 0.9 / payees) // 100 * 100
            self._add(
                day, c.index, self._time(12, 17), "withdrawal", amount, self._third_party(), evidence=row[4]
            )

    def cycle(self, lo: int, hi: int) -> None:
        size = int(self.rng.integers(3, 5))
        ring = self._take(size)
        if not ring:
            return
        s = self._day(lo + 1, hi - size)
        amount = int(self.rng.integers(100_000, 400_000)) * YUAN
        row = self._record(
            "cycle",
            ring,
            s,
            s + size - 1,
            f"Funds passed through {size} client accounts and back via their bank cards",
        )
        first = ring[0]
        self._add(s - 1, first.index, local_us(9, 0), "deposit", amount)
        for member in ring:
            member.aml_quiet.update(range(s - 1, s + size))
        for step, sender in enumerate(ring):
            receiver = ring[(step + 1) % size]
            day = s + step
            self._add(
                day,
                sender.index,
                local_us(10, 0) + step * US_PER_MINUTE,
                "withdrawal",
                amount,
                (receiver.full_name, receiver.card),
                evidence=row[4],
            )
            amount = int(amount * self.rng.uniform(0.97, 0.995)) // 100 * 100
            self._add(
                day,
                receiver.index,
                local_us(14, 0) + step * US_PER_MINUTE,
                "deposit",
                amount,
                evidence=row[4],
            )

    def linked(self, lo: int, hi: int) -> None:
        group = self._take(int(self.rng.integers(2, 4)))
        if not group:
            return
        owner = group[0]
        shared_device = owner.devices[0]
        for other in group[1:]:
            other.devices = [shared_device, *other.devices[1:]]
        row = self._record(
            "linked_accounts",
            group,
            0,
            len(self.days) - 1,
            f"Distinct clients sharing device {shared_device}"
            + (f" and bank card of {owner.client_id}" if len(group) > 2 else ""),
        )
        self.watched_devices[shared_device] = row[5]
        if len(group) > 2:
            sharer = group[-1]
            sharer.card = owner.card
            s = self._day(lo, hi)
            amount = int(self.rng.integers(20_000, 100_000)) * YUAN
            self._add(
                s,
                sharer.index,
                self._time(),
                "deposit",
                amount,
                (sharer.full_name, owner.card),
                evidence=row[4],
            )

    def dormant(self, lo: int, hi: int) -> None:
        if len(self.days) < 40:
            return
        candidates = [c for c in self.pool if c.profile == "conservative"]
        if not candidates:
            return
        c = candidates[0]
        self.pool.remove(c)
        self.subjects.append(c)
        c.target_leverage = 1.0
        wake = int(len(self.days) * 0.85)
        assert c.fund_day is not None
        c.aml_quiet.update(range(c.fund_day + 1, wake))
        quiet_days = (self.days[wake] - self.days[c.fund_day]).days
        row = self._record(
            "dormant_reactivation",
            [c],
            c.fund_day,
            wake + 1,
            f"No client activity for {quiet_days} days, then large flows",
        )
        amount = int(self.rng.integers(300_000, 1_000_000)) * YUAN
        self._add(wake, c.index, self._time(9, 12), "deposit", amount, evidence=row[4])
        out = int(amount * self.rng.uniform(0.85, 0.95)) // 100 * 100
        self._add(
            wake + 1, c.index, self._time(13, 16), "withdrawal", out, self._third_party(), evidence=row[4]
        )


def finalize(rows: list[list]) -> None:
    """Join the id lists into ';'-separated cells."""
    for row in rows:
        for col in (2, 3, 4, 5):
            if isinstance(row[col], list):
                row[col] = ";".join(row[col])
