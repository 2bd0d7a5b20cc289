"""Account-day anomaly features on a small synthetic warehouse: values by hand, nothing from later days."""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import pandas as pd
import pytest

from ml.anomaly.features import FEATURES, build_features

D = [dt.date(2026, 3, 2) + dt.timedelta(days=i) for i in range(10)]


def _warehouse(path, flows: list[tuple], fills: list[tuple]) -> str:
    with duckdb.connect(str(path)) as con:
        for schema in ("intermediate", "staging", "risk"):
            con.execute(f"create schema if not exists {schema}")
        con.execute("""create table intermediate.int_aml_fund_flows (txn_id varchar, account_id varchar,
            client_id varchar, agent_id varchar, txn_type varchar, flow_direction varchar,
            counterparty_name_token varchar, counterparty_account_token varchar, client_name_token varchar,
            amount decimal(18, 2), is_third_party boolean, booking_date date, effective_at timestamptz)""")
        con.executemany(
            "insert into intermediate.int_aml_fund_flows values (?, ?, ?, null, ?, ?, ?, ?, 'me', ?, ?, ?, "
            "?::timestamptz)",
            flows,
        )
        con.execute("""create table staging.stg_platform__fills (account_id varchar,
            gross_amount decimal(18, 2), is_forced_liquidation boolean, trade_date date)""")
        con.executemany("insert into staging.stg_platform__fills values (?, ?, false, ?)", fills)
        con.execute("""create table intermediate.int_aml_identifier_uses (identifier_type varchar,
            identifier_token varchar, client_id varchar, used_date date)""")
        con.execute(
            "insert into intermediate.int_aml_identifier_uses values ('device', 'dev1', 'C1', ?), "
            "('device', 'dev1', 'C2', ?)",
            [D[1], D[2]],
        )
        con.execute(
            """create table risk.fct_account_exposure_daily as
            select 'A1' as account_id, 'C1' as client_id, cast(100000 as decimal(38, 2)) as equity,
                ?::date as as_of_date
            union all select 'A2', 'C2', 50000, ?::date""",
            [D[0], D[0]],
        )
    return str(path)


def _flow(txn, account, client, direction, payer, card, amount, third, day):
    kind = "deposit" if direction == "in" else "withdrawal"
    return (txn, account, client, kind, direction, payer, card, amount, third, day, f"{day} 02:00:00+00")


@pytest.fixture
def warehouse(tmp_path):
    flows = [
        # A1 (C1): three near-threshold deposits on D[1] from two cards, one by a third party;
        # most of it out again on D[2]
        _flow("T1", "A1", "C1", "in", "me", "card1", 45000, False, D[1]),
        _flow("T2", "A1", "C1", "in", "me", "card1", 48000, False, D[1]),
        _flow("T3", "A1", "C1", "in", "bob", "card2", 49500, True, D[1]),
        _flow("T4", "A1", "C1", "out", "me", "card1", 120000, False, D[2]),
        # A2 (C2) pays into the same card2 on D[2]: a shared counterparty
        _flow("T5", "A2", "C2", "out", "x", "card2", 1234.5, False, D[2]),
        # later flows that must not change earlier days
        _flow("T6", "A1", "C1", "in", "eve", "card9", 30000, True, D[8]),
    ]
    fills = [("A1", 20000, D[1]), ("A1", 999999, D[8])]
    return _warehouse(tmp_path / "w.duckdb", flows, fills)


def test_hand_computed_account_day_features(warehouse):
    with duckdb.connect(warehouse, read_only=True) as con:
        f = build_features(con, D[0], D[9]).set_index(["account_id", "activity_date"])
    a1 = f.loc[("A1", D[1])]
    assert a1["deposit_count"] == 3 and a1["near_threshold_deposits"] == 3  # each in [40000, 50000)
    assert a1["third_party_share"] == pytest.approx(49500 / 142500)
    assert a1["round_amount_share"] == pytest.approx(2 / 3)  # 45000 and 48000 are whole thousands
    assert a1["distinct_payers_7d"] == 2
    assert a1["turnover_to_equity"] == pytest.approx(20000 / 100000)  # previous close's equity
    out = f.loc[("A1", D[2])]
    assert out["out_in_ratio_3d"] == pytest.approx(120000 / 142500)
    assert out["shared_counterparty_clients_30d"] == 1  # C2 paid into card2 too
    assert out["shared_identifier_clients_30d"] == 1  # C2 used device dev1
    assert out["log_days_since_last_activity"] == pytest.approx(math.log(2))  # ln(1 + 1 day since D[1])
    assert set(FEATURES) <= set(f.columns)


def test_features_of_a_day_ignore_later_rows(warehouse):
    with duckdb.connect(warehouse, read_only=True) as con:
        full = build_features(con, D[0], D[9])
        cut = build_features(con, D[0], D[3])
    early = full[full["activity_date"] <= D[3]].reset_index(drop=True)
    pd.testing.assert_frame_equal(early[list(FEATURES)], cut[list(FEATURES)])
