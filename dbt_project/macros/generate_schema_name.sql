{#-
    Models land in the schema their folder configures (staging, intermediate, risk, seeds),
    not in "<target schema>_<folder schema>": analysts query risk.fct_account_exposure_daily.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
