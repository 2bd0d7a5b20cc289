{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['rule_id', 'subject_type', 'subject_id', 'alert_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'alert_date'},
        pre_hook="{{ delete_partition_window('alert_date') }}"
    )
}}
-- Fan-in: money from many payers gathered into one account (the client's own card counts as one
-- payer). The rule is the macro aml_counterparty_spread_hits read on deposits.

{{ aml_counterparty_spread_hits(
    rule_id='fan_in', flow_direction='in', counterparties='payers', verb='paid',
    flows='deposits', direction_phrase='into the account'
) }}
