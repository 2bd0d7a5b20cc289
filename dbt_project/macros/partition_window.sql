{#- The business dates a partitioned run rebuilds, [var('min_date'), var('max_date')), reaching
    `lookback_days` further back when given (a SQL expression of an integer number of days). -#}
{% macro in_partition_window(date_column, lookback_days=none) -%}
    {{ date_column }} >= cast('{{ var("min_date") }}' as date)
    {%- if lookback_days %}
    - {{ lookback_days }}
    {%- endif %}
    and {{ date_column }} < cast('{{ var("max_date") }}' as date)
{%- endmacro %}

{#- A partitioned model's pre-hook: an incremental run first deletes the window it rebuilds, so a
    row that no longer qualifies (an alert under new parameters, a corrected print) leaves no trace. -#}
{% macro delete_partition_window(date_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ in_partition_window(date_column) }}
    {%- endif -%}
{%- endmacro %}
