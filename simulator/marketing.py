"""Acquisition campaigns and their daily spend, sized so each paid channel has a plausible CAC."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from simulator.agents import Agent
from simulator.money import fen_str
from simulator.rng import stream
from simulator.writer import write_rows

CHANNELS = ("search_ads", "social_ads", "agent_referral", "partner_app")
MARKETING_COLUMNS = (
    "spend_id",
    "channel",
    "campaign_id",
    "agent_id",
    "currency",
    "spend",
    "impressions",
    "clicks",
    "spend_date",
)
# Target acquisition cost (CNY per client), cost per thousand impressions, click-through rate.
_ECONOMICS = {
    "search_ads": (1300, 45.0, 0.021),
    "social_ads": (900, 28.0, 0.012),
    "partner_app": (1600, 60.0, 0.03),
}
_REFERRAL_BONUS_FEN = 60_000


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    channel: str
    first: dt.date
    last: dt.date

    def active(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def build_campaigns(days: list[dt.date]) -> list[Campaign]:
    start, end = days[0], days[-1]
    campaigns = [
        Campaign("SRCH-BRAND", "search_ads", start, end),
        Campaign("SRCH-MARGIN", "search_ads", start, end),
        Campaign("PRT-FINAPP", "partner_app", start, end),
        Campaign("AGT-REFERRAL", "agent_referral", start, end),
    ]
    later = days[int(len(days) * 0.4)]
    if later > start:
        campaigns.append(Campaign("PRT-BROKERHUB", "partner_app", later, end))
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        campaigns.append(
            Campaign(
                f"SOC-{month:%Y%m}",
                "social_ads",
                max(month, start),
                min(following - dt.timedelta(days=1), end),
            )
        )
        month = following
    return campaigns


def campaigns_on(campaigns: list[Campaign], channel: str, day: dt.date) -> list[Campaign]:
    return [c for c in campaigns if c.channel == channel and c.active(day)]


def calendar_days(days: list[dt.date]) -> list[dt.date]:
    return [days[0] + dt.timedelta(days=i) for i in range((days[-1] - days[0]).days + 1)]


def build_spend(
    seed: int,
    days: list[dt.date],
    campaigns: list[Campaign],
    agents: list[Agent],
    acquisitions: list[tuple[dt.date, str, str | None, str | None]],
) -> dict[dt.date, list[tuple]]:
    """Spend rows keyed by the trading day whose file carries them (weekend spend goes to Monday's file)."""
    rng = stream(seed, "marketing")
    per_month: dict[tuple[str, int, int], int] = defaultdict(int)
    referrals: dict[tuple[dt.date, str], int] = defaultdict(int)
    for day, channel, campaign_id, agent_id in acquisitions:
        if campaign_id:
            per_month[(campaign_id, day.year, day.month)] += 1
        if channel == "agent_referral" and agent_id:
            referrals[(day, agent_id)] += 1
    calendar = calendar_days(days)
    month_days: dict[tuple[int, int], int] = defaultdict(int)
    for day in calendar:
        month_days[(day.year, day.month)] += 1
    individual = [a for a in agents if a.level == 3]
    carrier: dict[dt.date, dt.date] = {}
    cursor = 0
    for day in calendar:
        while days[cursor] < day:
            cursor += 1
        carrier[day] = days[cursor]
    out: dict[dt.date, list[tuple]] = defaultdict(list)
    for day in calendar:
        weekend = day.weekday() >= 5
        for campaign in campaigns:
            if not campaign.active(day) or campaign.channel == "agent_referral":
                continue
            cac, cpm, ctr = _ECONOMICS[campaign.channel]
            acquired = max(per_month[(campaign.campaign_id, day.year, day.month)], 0.6)
            budget = acquired * cac * 100 / month_days[(day.year, day.month)]
            spend = int(budget * rng.lognormal(0.0, 0.25) * (0.75 if weekend else 1.05))
            impressions = int(spend / 100 / cpm * 1000)
            clicks = int(rng.binomial(impressions, ctr)) if impressions else 0
            out[carrier[day]].append(
                _row(day, campaign.channel, campaign.campaign_id, None, spend, impressions, clicks)
            )
        for agent in individual:
            if agent.created.date() > day:
                continue
            bonus = referrals[(day, agent.agent_id)] * _REFERRAL_BONUS_FEN
            stipend = 0 if weekend else int(rng.integers(30, 81)) * 100
            if bonus + stipend:
                out[carrier[day]].append(
                    _row(day, "agent_referral", "AGT-REFERRAL", agent.agent_id, bonus + stipend, 0, 0)
                )
    return out


def _row(
    day: dt.date,
    channel: str,
    campaign_id: str,
    agent_id: str | None,
    spend: int,
    impressions: int,
    clicks: int,
) -> tuple:
    spend_id = f"{day.isoformat()}|{channel}|{campaign_id}|{agent_id or ''}"
    return (
        spend_id,
        channel,
        campaign_id,
        agent_id,
        "CNY",
        fen_str(spend),
        impressions,
        clicks,
        day.isoformat(),
    )


def write_marketing(folder: Path, rows: list[tuple]) -> int:
    return write_rows(folder / "marketing_spend.csv", MARKETING_COLUMNS, rows)
