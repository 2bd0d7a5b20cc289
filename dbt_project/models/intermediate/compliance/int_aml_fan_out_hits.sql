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
-- Fan-out: money from one account paid out to many payees (the client's own card counts as one
-- payee). The rule is the macro aml_counterparty_spread_hits read on withdrawals.

{{ aml_counterparty_spread_hits(
    rule_id='fan_out', flow_direction='out', counterparties='payees', verb='received',
    flows='withdrawals', direction_phrase='from the account'
) }}
