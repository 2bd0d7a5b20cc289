"""Vendor mapping profiles for tick files, kept as data: a new vendor layout is a new entry, not new code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileLayout:
    """One tick file: its name, vendor column -> contract column, and which columns need converting."""

    file_name: str
    columns: Mapping[str, str]
    # Contract timestamp columns delivered as naive exchange-local time in the profile's format.
    local_time_columns: tuple[str, ...] = ()
    # Contract date column derived as the exchange-local date of a local time column: (date, from).
    derived_dates: Mapping[str, str] = field(default_factory=dict)
    # Contract columns holding prices, which the profile's price_scale applies to.
    price_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class TickProfile:
    """How a vendor delivers ticks: time zone and format of its timestamps, price scale, file layouts.

    price_scale is the number of implied decimals of prices sent as integers (price 123456 with
    scale 4 is 12.3456); 0 means prices arrive as decimal strings and are taken as written.
    """

    name: str
    timezone: str
    timestamp_format: str
    price_scale: int
    layouts: Mapping[str, FileLayout]


XSHG_L1_CSV = TickProfile(
    name="xshg_l1_csv",
    timezone="Asia/Shanghai",
    timestamp_format="%Y-%m-%d %H:%M:%S.%f",
    price_scale=0,
    layouts={
        "trades": FileLayout(
            file_name="trades.csv",
            columns={
                "symbol": "instrument_id",
                "exchange_time": "exchange_ts",
                "seq": "seq",
                "price": "price",
                "volume": "quantity",
                "side": "aggressor_side",
                "trade_id": "trade_id",
            },
            local_time_columns=("exchange_ts",),
            derived_dates={"trade_date": "exchange_ts"},
            price_columns=("price",),
        ),
        "quotes": FileLayout(
            file_name="quotes.csv",
            columns={
                "symbol": "instrument_id",
                "exchange_time": "exchange_ts",
                "seq": "seq",
                "bid_px": "bid_price",
                "bid_sz": "bid_size",
                "ask_px": "ask_price",
                "ask_sz": "ask_size",
            },
            local_time_columns=("exchange_ts",),
            derived_dates={"trade_date": "exchange_ts"},
            price_columns=("bid_price", "ask_price"),
        ),
        "eod_prices": FileLayout(
            file_name="eod_prices.csv",
            columns={
                "symbol": "instrument_id",
                "trade_date": "trade_date",
                "open": "open_price",
                "high": "high_price",
                "low": "low_price",
                "close": "close_price",
                "prev_close": "prev_close_price",
                "limit_up": "limit_up_price",
                "limit_down": "limit_down_price",
                "volume": "volume",
                "turnover": "turnover",
                "suspended": "is_suspended",
            },
            price_columns=(
                "open_price",
                "high_price",
                "low_price",
                "close_price",
                "prev_close_price",
                "limit_up_price",
                "limit_down_price",
            ),
        ),
    },
)

PROFILES: dict[str, TickProfile] = {p.name: p for p in (XSHG_L1_CSV,)}
DEFAULT_PROFILE = XSHG_L1_CSV.name
