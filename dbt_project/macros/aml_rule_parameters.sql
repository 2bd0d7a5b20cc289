{#- The parameter versions of one AML rule (int_aml_rule_parameters), as a model's
    `rule_parameters` CTE body. -#}
{% macro aml_rule_parameters(rule_id) -%}
    select * from {{ ref('int_aml_rule_parameters') }}
    where rule_id = '{{ rule_id }}'
{%- endmacro %}

{#- The longest look-back of the rule's parameter versions, read from the model's `rule_parameters`
    CTE: an incremental run reads that many days of activity before the window it rebuilds. -#}
{% macro aml_lookback_days() -%}
    (select max(rule_parameters.lookback_days) as lookback_days from rule_parameters)
{%- endmacro %}

{#- Parameters in force on `date_column`: effective_from inclusive, effective_to exclusive. -#}
{% macro aml_parameters_in_force(date_column) -%}
    {{ date_column }} >= rule_parameters.effective_from
    and (rule_parameters.effective_to is null or {{ date_column }} < rule_parameters.effective_to)
{%- endmacro %}
