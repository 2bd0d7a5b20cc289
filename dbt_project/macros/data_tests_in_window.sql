{#- dbt wraps the model of every generic data test in get_where_subquery; this version also limits
    the test to the partition window when a run is given one (vars min_date/max_date, as the
    trading-day partitioned runs are). A day's build then tests the day it rebuilt, not the whole
    history again, so its cost stays flat as days accumulate; a build without a window (a full
    build, a plain `dbt build`) still tests every row.

    A model opts in by naming its business-date column in its config:
    meta: {partition_column: as_of_date}. The not_null test of that column itself is never
    limited: a row with no date would fall outside every window. -#}
{% macro duckdb__get_where_subquery(relation) -%}
    {%- set predicates = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do predicates.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {#- Parsing renders this too, with only dbt's own macros in reach: decide at execution. -#}
    {%- set window_column = data_test_window_column() if execute else none -%}
    {%- if window_column -%}
        {%- do predicates.append(in_partition_window(adapter.quote(window_column))) -%}
    {%- endif -%}
    {%- if predicates -%}
        {#- Aliased by the table's own name: a test expression may refer to the row under test by it. -#}
        {%- set alias = relation.identifier if relation.identifier is defined and relation.identifier else 'dbt_subquery' -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ predicates | join(' and ') ~ ') as ' ~ adapter.quote(alias)) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The partition column to limit the current data test to, or none: no window given, a test
    not attached to one model, a model without partition_column, or the not_null test of it. -#}
{% macro data_test_window_column() -%}
    {%- if not partition_window_given() -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {%- if tested is none -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set column = tested.config.meta.get('partition_column') -%}
    {%- set test_name = (model.test_metadata or {}).get('name') -%}
    {%- if not column or (test_name == 'not_null' and model.column_name == column) -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- do return(column) -%}
{%- endmacro %}

{#- True when the run was given a partition window narrower than the defaults in dbt_project.yml
    (which span every date, so that a plain `dbt build` rebuilds everything). -#}
{% macro partition_window_given() -%}
    {%- do return(var('min_date') > '1900-01-01' or var('max_date') < '9999-12-31') -%}
{%- endmacro %}
