"""Ticks stay inside the sessions and the daily limits, and end-of-day bars agree with the prints."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from assets.common.calendar import EXCHANGE_TZ, in_session
from tests.simulator.conftest import read_all, read_csv


def test_prints_inside_sessions_and_limits(landing: Path) -> None:
    for folder in sorted((landing / "ticks").iterdir()):
        eod = {row["symbol"]: row for row in read_csv(folder / "eod_prices.csv")}
        prints: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in read_csv(folder / "trades.csv"):
            stamp = dt.datetime.strptime(row["exchange_time"], "%Y-%m-%d %H:%M:%S.%f")
            assert stamp.date().isoformat() == folder.name
            assert in_session(stamp.time()), row
            bar = eod[row["symbol"]]
            price = Decimal(row["price"])
            assert Decimal(bar["limit_down"]) <= price <= Decimal(bar["limit_up"]), row
            assert price == price.quantize(Decimal("0.01"))
            assert int(row["volume"]) > 0 and int(row["volume"]) % 100 == 0
            assert row["side"] in ("B", "S", "N")
            prints[row["symbol"]].append(row)
        for symbol, bar in eod.items():
            rows = sorted(prints.get(symbol, []), key=lambda r: int(r["seq"]))
            if bar["suspended"] == "1":
                assert not rows and bar["volume"] == "0"
                continue
            times = [r["exchange_time"] for r in rows]
            assert times == sorted(times)
            prices = [Decimal(r["price"]) for r in rows]
            assert Decimal(bar["open"]) == prices[0] and Decimal(bar["close"]) == prices[-1]
            assert Decimal(bar["high"]) == max(prices) and Decimal(bar["low"]) == min(prices)
            assert int(bar["volume"]) == sum(int(r["volume"]) for r in rows)
            assert Decimal(bar["turnover"]) == sum(Decimal(r["price"]) * int(r["volume"]) for r in rows)


def test_trade_ids_unique_and_quotes_bracket_prints(landing: Path) -> None:
    trades = read_all(landing, "ticks", "trades")
    assert len({t["trade_id"] for t in trades}) == len(trades)
    for folder in sorted((landing / "ticks").iterdir())[:3]:
        for quote in read_csv(folder / "quotes.csv"):
            assert Decimal(quote["ask_px"]) >= Decimal(quote["bid_px"]) > 0


def test_limits_follow_previous_close(landing: Path) -> None:
    previous: dict[str, Decimal] = {}
    for folder in sorted((landing / "ticks").iterdir()):
        for bar in read_csv(folder / "eod_prices.csv"):
            prev = Decimal(bar["prev_close"])
            if bar["symbol"] in previous:
                assert prev == previous[bar["symbol"]]
            assert Decimal(bar["limit_down"]) <= Decimal(bar["close"]) <= Decimal(bar["limit_up"])
            previous[bar["symbol"]] = Decimal(bar["close"])


def test_selloff_is_planted_and_accounts_cross_lines(truth: Path) -> None:
    events = read_csv(truth / "market_events.csv")
    selloff = [e for e in events if e["event_type"] == "market_selloff"]
    assert len(selloff) >= 3
    assert all(-0.07 <= float(e["market_return"]) <= -0.04 for e in selloff)
    breaches = read_csv(truth / "line_breaches.csv")
    assert breaches
    assert {b["line"] for b in breaches} <= {"warning", "call", "close"}
    first_day = min(e["trade_date"] for e in selloff)
    assert any(b["first_crossed_date"] >= first_day for b in breaches)
    for b in breaches:
        moment = dt.datetime.strptime(b["first_crossed_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
        local = moment.astimezone(EXCHANGE_TZ)
        assert local.date().isoformat() == b["first_crossed_date"]
        assert in_session(local.time()) and local.minute % 5 == 0
