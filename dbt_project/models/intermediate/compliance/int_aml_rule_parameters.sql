-- One row per AML rule version: its period and one typed column per parameter (null when the
-- version does not set it; the tests require what each rule reads). lookback_days is how many
-- days of history before a business date the rule reads to evaluate that date, which bounds
-- what an incremental run scans. duplicate_parameter_rows and overlapping_versions are tested
-- to be 0.
{%- set parameters = {
    'reporting_threshold': 'decimal(18, 2)',
    'lower_band_share': 'decimal(18, 6)',
    'min_deposits': 'integer',
    'window_hours': 'integer',
    'window_days': 'integer',
    'min_deposit_amount': 'decimal(18, 2)',
    'min_withdrawn_share': 'decimal(18, 6)',
    'max_turnover_share': 'decimal(18, 6)',
    'min_amount': 'decimal(18, 2)',
    'min_counterparties': 'integer',
    'max_cycle_length': 'integer',
    'min_hop_amount_share': 'decimal(18, 6)',
    'min_clients_device': 'integer',
    'min_clients_ip_address': 'integer',
    'min_clients_bank_card': 'integer',
    'min_clients_phone': 'integer',
    'dormancy_days': 'integer',
    'activity_lookback_days': 'integer',
    'min_alerted_clients': 'integer',
    'suppression_days': 'integer',
    'base_score': 'decimal(18, 6)',
} %}

with

rule_rows as (

    select * from {{ ref('compliance_aml_rules') }}

),

versions as (

    select
        rule_id,
        rule_version,
        {%- for name, data_type in parameters.items() %}
            cast(max(value) filter (where parameter = '{{ name }}') as {{ data_type }}) as {{ name }},
        {%- endfor %}
        count(*) - count(distinct parameter) as duplicate_parameter_rows,
        effective_from,
        effective_to
    from rule_rows
    group by rule_id, rule_version, effective_from, effective_to

),

with_lookback as (

    select
        *,
        1 + greatest(
            coalesce(window_days, 0),
            (coalesce(window_hours, 0) + 23) // 24,
            coalesce(activity_lookback_days, 0)
        ) as lookback_days
    from versions

),

version_overlaps as (

    select
        with_lookback.rule_id,
        with_lookback.rule_version,
        with_lookback.effective_from,
        count(other.rule_version) as overlapping_versions
    from with_lookback
    left join with_lookback as other
        on
            with_lookback.rule_id = other.rule_id
            and (
                with_lookback.rule_version <> other.rule_version
                or with_lookback.effective_from <> other.effective_from
            )
            and (other.effective_to is null or with_lookback.effective_from < other.effective_to)
            and (with_lookback.effective_to is null or with_lookback.effective_to > other.effective_from)
    group by with_lookback.rule_id, with_lookback.rule_version, with_lookback.effective_from

),

final as (

    select
        with_lookback.rule_id,
        with_lookback.rule_version,
        {%- for name in parameters %}
            with_lookback.{{ name }},
        {%- endfor %}
        with_lookback.lookback_days,
        with_lookback.duplicate_parameter_rows,
        version_overlaps.overlapping_versions,
        with_lookback.effective_from,
        with_lookback.effective_to
    from with_lookback
    inner join version_overlaps
        on
            with_lookback.rule_id = version_overlaps.rule_id
            and with_lookback.rule_version = version_overlaps.rule_version
            and with_lookback.effective_from = version_overlaps.effective_from

)

select * from final
