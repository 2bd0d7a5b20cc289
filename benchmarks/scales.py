"""The scales a benchmark runs at: the sample platform's knobs and the history lengths to probe.

XS is for the smoke test, S is the demo default, M is a mid-sized platform (a few thousand
clients, tens of millions of prints). L is described on paper in benchmarks/README.md, from the
growth curve measured at S and M.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """One benchmark scale.

    `history` lists N for the "one trading day on top of N days of history" stage: the day
    measured is the (N+1)-th simulated day, so `days` must exceed the largest N.
    """

    name: str
    clients: int
    instruments: int
    days: int
    trades_per_day: int
    history: tuple[int, ...]
    seed: int = 42
    start: str = "2026-03-02"

    def __post_init__(self) -> None:
        if not self.history or max(self.history) >= self.days:
            raise ValueError(f"scale {self.name}: every history length must be below days={self.days}.")
        if list(self.history) != sorted(set(self.history)):
            raise ValueError(f"scale {self.name}: history lengths must be increasing.")


SCALES: dict[str, Scale] = {
    "XS": Scale("XS", clients=40, instruments=6, days=5, trades_per_day=40, history=(2, 3)),
    "S": Scale("S", clients=300, instruments=40, days=120, trades_per_day=200, history=(10, 30, 60)),
    "M": Scale("M", clients=5000, instruments=800, days=61, trades_per_day=400, history=(10, 30, 60)),
}


def get_scale(name: str) -> Scale:
    """The scale called `name` (case-insensitive); a clear error lists the known ones."""
    try:
        return SCALES[name.upper()]
    except KeyError:
        raise ValueError(f"Unknown scale {name!r}; known scales: {', '.join(SCALES)}.") from None
