{#- The exchange-local calendar date of a UTC timestamp (business dates follow the exchange). -#}
{% macro exchange_date(timestamp_expression) -%}
    cast(timezone('{{ var("exchange_timezone") }}', {{ timestamp_expression }}) as date)
{%- endmacro %}
