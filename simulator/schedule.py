"""Actions planned for a later day (top-ups, deficit repayments, planted fund flows)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Action:
    client: int
    local_us: int
    kind: str  # deposit | margin_topup | withdrawal | deficit_repayment
    amount: int
    counterparty: tuple[str, str] | None = None
    evidence: list[str] | None = None  # a truth record's evidence list to append the txn id to


@dataclass
class Schedule:
    by_day: dict[int, dict[int, list[Action]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def add(
        self,
        day: int,
        client: int,
        local_us: int,
        kind: str,
        amount: int,
        counterparty: tuple[str, str] | None = None,
        evidence: list[str] | None = None,
    ) -> None:
        self.by_day[day][client].append(Action(client, local_us, kind, amount, counterparty, evidence))

    def take(self, day: int, client: int) -> list[Action]:
        todays = self.by_day.get(day)
        if not todays or client not in todays:
            return []
        return sorted(todays.pop(client), key=lambda a: a.local_us)

    def has(self, day: int, client: int) -> bool:
        todays = self.by_day.get(day)
        return bool(todays and client in todays)
