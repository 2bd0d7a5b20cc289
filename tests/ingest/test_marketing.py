"""Marketing spend: weekend spend arrives with Monday's file and keeps its calendar date."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq

from assets.marketing.ingest import first_spend_date, ingest_marketing_day
from tests.ingest.helpers import DAY, write_landing

HEADER = "spend_id,channel,campaign_id,agent_id,currency,spend,impressions,clicks,spend_date"


def test_first_spend_date_follows_the_previous_trading_day():
    assert first_spend_date(DAY) == dt.date(2026, 2, 28)  # Friday 27th traded; Sat and Sun ride with Monday
    assert first_spend_date("2026-03-03") == dt.date(2026, 3, 3)


def test_weekend_spend_is_accepted_on_monday_and_older_spend_is_not(paths):
    rows = [
        "2026-02-28|search_ads|C1||search_ads,search_ads,C1,,CNY,120.50,1000,20,2026-02-28",
        "2026-03-01|agent_referral|C2|AG1,agent_referral,C2,AG1,CNY,80.00,0,0,2026-03-01",
        "2026-03-02|social_ads|C3|,social_ads,C3,,CNY,10.00,100,1,2026-03-02",
        "2026-02-27|social_ads|C3|,social_ads,C3,,CNY,10.00,100,1,2026-02-27",
        "2026-03-02|tv|C4|,tv,C4,,CNY,10.00,100,1,2026-03-02",
    ]
    write_landing(paths, "marketing", DAY, "marketing_spend.csv", HEADER, rows)
    report = ingest_marketing_day(paths, DAY)
    table = report.tables["marketing_spend"]
    assert (table.rows_in, table.rows_accepted, table.rows_quarantined) == (5, 3, 2)
    rejected = pq.read_table(paths.quarantine_partition("marketing", "marketing_spend", DAY) / "data.parquet")
    assert rejected.column("rule").to_pylist() == ["business_date", "enum"]
    spend = pq.read_table(paths.bronze_partition("marketing", "marketing_spend", DAY) / "data.parquet")
    assert spend.column("agent_id").to_pylist() == [None, "AG1", None]
