"""The sales network: regional heads, their branches and the individual agents who refer clients."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from simulator.names import REGIONS, bank_card, company_name, person_name
from simulator.rng import stream

_REGION_CITY = {
    "East": "Shanghai",
    "North": "Beijing",
    "South": "Shenzhen",
    "West": "Chengdu",
    "Central": "Wuhan",
}
_HEAD_BRANDS = ("Huijin", "Zhongcheng", "Ruida", "Fuhua", "Jiahe")


@dataclass
class Agent:
    agent_id: str
    parent_id: str | None
    name: str
    region: str
    level: int
    rate_micro: int  # commission rate in millionths (0.150000 -> 150000)
    created: dt.datetime  # exchange-local onboarding time
    onboard_day: int  # trading-day index of the first export (0 for the initial network)
    card: str = ""


def build_agents(seed: int, clients: int, days: list[dt.date]) -> list[Agent]:
    """Three levels; most individual agents exist at the start, a few are onboarded during the period."""
    rng = stream(seed, "agents")
    agents: list[Agent] = []
    start = days[0]

    def before_start() -> dt.datetime:
        back = int(rng.integers(60, 900))
        return dt.datetime.combine(
            start - dt.timedelta(days=back), dt.time(int(rng.integers(9, 18)), int(rng.integers(0, 60)))
        )

    n_individual = max(5, clients // 20)
    heads: list[Agent] = []
    for r, region in enumerate(REGIONS):
        name = f"{_REGION_CITY[region]} {_HEAD_BRANDS[r % len(_HEAD_BRANDS)]} Wealth Holdings Co., Ltd."
        head = Agent(f"AG{len(agents) + 1:05d}", None, name, region, 1, 20_000, before_start(), 0)
        agents.append(head)
        heads.append(head)
    branches: list[Agent] = []
    for head in heads:
        for _ in range(2):
            branch = Agent(
                f"AG{len(agents) + 1:05d}",
                head.agent_id,
                company_name(rng, _REGION_CITY[head.region]).replace("Co., Ltd.", "Branch Co., Ltd."),
                head.region,
                2,
                50_000,
                before_start(),
                0,
            )
            agents.append(branch)
            branches.append(branch)
    for i in range(n_individual):
        branch = branches[int(rng.integers(len(branches)))] if i >= len(branches) else branches[i]
        late = i >= len(branches) and rng.random() < 0.3 and len(days) > 10
        if late:
            day_index = int(rng.integers(1, len(days)))
            created = dt.datetime.combine(
                days[day_index], dt.time(int(rng.integers(9, 18)), int(rng.integers(0, 60)))
            )
        else:
            day_index = 0
            created = before_start()
        rate = int(rng.integers(30, 61)) * 5_000  # 0.150000 .. 0.300000
        agents.append(
            Agent(
                f"AG{len(agents) + 1:05d}",
                branch.agent_id,
                person_name(rng),
                branch.region,
                3,
                rate,
                created,
                day_index,
            )
        )
    for agent in agents:
        agent.card = bank_card(rng)
    return agents


def chain(agents_by_id: dict[str, Agent], agent_id: str) -> list[Agent]:
    """The agent and everyone above it, who all earn their rate on the agent's clients."""
    out: list[Agent] = []
    current: str | None = agent_id
    while current is not None:
        agent = agents_by_id[current]
        out.append(agent)
        current = agent.parent_id
    return out
