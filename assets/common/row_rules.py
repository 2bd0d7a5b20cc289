"""The custom rules contracts name (`quality: - type: custom, rule: <name>`), as SQL over typed columns.

Row rules look at one row at a time and run inside the main validation pass, so a row that breaks
one of them and a column rule is quarantined once with every reason. Cross-row rules (a ledger
transaction balances, a statement adds up) need whole groups and live in balance_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from assets.common.calendar import EXCHANGE_TZ, SESSIONS


@dataclass(frozen=True)
class RowRule:
    """`violated` is true for a bad row (NULL operands never violate); `reason` renders the sentence.

    Both are SQL over the typed contract columns; `"__local_<column>"` is a timestamp column's
    exchange-local wall time.
    """

    violated: str
    reason: str


def _local(ts: str) -> str:
    return f'"__local_{ts}"'


def _in_session_sql(ts: str, day: str) -> str:
    local = _local(ts)
    windows = " or ".join(
        f"cast({local} as time) between time '{start:%H:%M:%S}' and time '{end:%H:%M:%S}'"
        for start, end in SESSIONS
    )
    return f"(cast({local} as date) = {day} and ({windows}))"


def _sessions_text() -> str:
    return " and ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in SESSIONS)


def _v(column: str) -> str:
    return f"cast({column} as varchar)"


ROW_RULES: dict[str, RowRule] = {
    "in_session": RowRule(
        violated=f"not {_in_session_sql('exchange_ts', 'trade_date')}",
        reason=(
            f"'exchange_ts ' || strftime({_local('exchange_ts')}, '%Y-%m-%d %H:%M:%S.%f') || "
            f"' ({EXCHANGE_TZ.key}) is outside the trading sessions of trade_date ' || {_v('trade_date')} || "
            f"' ({_sessions_text()})'"
        ),
    ),
    "high_ge_low": RowRule(
        violated="high_price < low_price",
        reason=f"'high_price ' || {_v('high_price')} || ' is below low_price ' || {_v('low_price')}",
    ),
    "close_within_limits": RowRule(
        violated="close_price < limit_down_price or close_price > limit_up_price",
        reason=(
            f"'close_price ' || {_v('close_price')} || ' is outside the daily limits ' || "
            f"{_v('limit_down_price')} || '..' || {_v('limit_up_price')}"
        ),
    ),
    "ask_ge_bid": RowRule(
        violated="ask_price < bid_price",
        reason=(
            f"'ask_price ' || {_v('ask_price')} || ' is below bid_price ' || {_v('bid_price')} || "
            "' (crossed quote)'"
        ),
    ),
    # Half a cent of tolerance accepts either rounding convention for the cent, and nothing more.
    "gross_amount": RowRule(
        violated=(
            "abs(gross_amount - cast(quantity as decimal(38, 8)) * cast(price as decimal(38, 8))) > 0.005"
        ),
        reason=(
            f"'gross_amount ' || {_v('gross_amount')} || ' is not quantity x price rounded to the cent (' || "
            f"{_v('quantity')} || ' x ' || {_v('price')} || ')'"
        ),
    ),
}

# Rules that need more than one row; the source's ingest applies them after row validation.
CROSS_ROW_RULES = frozenset({"balanced", "balance_proof"})
