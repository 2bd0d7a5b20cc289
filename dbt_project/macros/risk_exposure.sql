{#-
    The exposure formulas shared by the daily (close) and intraday (snapshot) exposure marts and
    by the positions behind them, so a ratio means the same thing wherever it is read.
    Money is DECIMAL at the fen; ratios go through divide_decimal (exact, rounded half away from
    zero to 6 decimals). Notation: C cash, MV long market value, TA = C + MV total assets,
    D liabilities, E = TA - D equity, R a line as a maintenance collateral ratio.
-#}

{#- quantity x price, rounded half away from zero to the fen. -#}
{% macro position_market_value(quantity, price) -%}
    cast({{ quantity }} * {{ price }} as decimal(38, 2))
{%- endmacro %}

{#- quantity x (price - average cost), rounded to the fen. -#}
{% macro position_unrealized_pnl(quantity, price, average_cost) -%}
    cast({{ quantity }} * ({{ price }} - {{ average_cost }}) as decimal(38, 2))
{%- endmacro %}

{#- Market value (already at the fen) x haircut, rounded to the fen. -#}
{% macro position_collateral_value(quantity, price, haircut) -%}
    cast({{ position_market_value(quantity, price) }} * {{ haircut }} as decimal(38, 2))
{%- endmacro %}

{#- D = financing principal + accrued interest + fees + deficit receivable. -#}
{% macro exposure_liabilities(financing_principal, accrued_interest, fees_due, deficit_receivable) -%}
    cast({{ financing_principal }} + {{ accrued_interest }} + {{ fees_due }} + {{ deficit_receivable }} as decimal(38, 2))
{%- endmacro %}

{#-
    deficit (E < 0), else normal without liabilities, else the first line the account is below,
    compared exactly (TA < R x D) rather than on the rounded ratio.
-#}
{% macro margin_risk_state(
    total_assets='total_assets', liabilities='liabilities', equity='equity',
    warning_line='warning_line', call_line='call_line', close_line='close_line'
) -%}
    case
        when {{ equity }} < 0 then 'deficit'
        when {{ liabilities }} <= 0 then 'normal'
        when {{ total_assets }} < {{ close_line }} * {{ liabilities }} then 'liquidating'
        when {{ total_assets }} < {{ call_line }} * {{ liabilities }} then 'call'
        when {{ total_assets }} < {{ warning_line }} * {{ liabilities }} then 'warning'
        else 'normal'
    end
{%- endmacro %}

{#- Leverage TA / E; null when E <= 0. -#}
{% macro exposure_leverage(total_assets='total_assets', equity='equity') -%}
    case
        when {{ equity }} > 0 then {{ divide_decimal(total_assets, equity) }}
    end
{%- endmacro %}

{#- Maintenance collateral ratio TA / D; null without liabilities. -#}
{% macro maintenance_collateral_ratio(total_assets='total_assets', liabilities='liabilities') -%}
    case
        when {{ liabilities }} > 0 then {{ divide_decimal(total_assets, liabilities) }}
    end
{%- endmacro %}

{#- Largest position's market value / MV; null without positions. -#}
{% macro largest_position_share(largest_position_value='largest_position_value', long_market_value='long_market_value') -%}
    case
        when {{ long_market_value }} > 0 then {{ divide_decimal(largest_position_value, long_market_value) }}
    end
{%- endmacro %}

{#- HHI = sum(MVi^2) / MV^2 (a square of money has 4 decimals); null without positions. -#}
{% macro position_hhi(sum_of_squared_market_values='sum_of_squared_market_values', long_market_value='long_market_value') -%}
    case
        when {{ long_market_value }} > 0
            then {{ divide_decimal(
                sum_of_squared_market_values, long_market_value ~ ' * ' ~ long_market_value, input_scale=4
            ) }}
    end
{%- endmacro %}

{#-
    Uniform price drop to line R: x* = 1 - (R x D - C) / MV = (TA - R x D) / MV; <= 0 means the
    account is already through the line; null without liabilities or without positions.
-#}
{% macro distance_to_line(
    line, total_assets='total_assets', liabilities='liabilities', long_market_value='long_market_value'
) -%}
    case
        when {{ liabilities }} > 0 and {{ long_market_value }} > 0
            then {{ divide_decimal(total_assets ~ ' - ' ~ line ~ ' * ' ~ liabilities, long_market_value) }}
    end
{%- endmacro %}


{#- One summed change column per exposure component (<component>_change), for the GL mapping of
    the exposure_gl_accounts seed; int_account_balances_daily and int_account_balance_changes
    both use it so a component added to the seed is added to both. -#}
{% macro exposure_component_changes(component_column, amount_column) %}
    {%- for component in ['client_cash', 'financing_principal', 'accrued_interest', 'deficit_receivable', 'fees_receivable'] %}
        sum(case when {{ component_column }} = '{{ component }}' then {{ amount_column }} else 0 end)
            as {{ component }}_change{{ ',' if not loop.last }}
    {%- endfor %}
{% endmacro %}


{#- The exposure columns every exposure mart has, in their documented order, from a relation with
    the balances, position totals, equity and lines of an account at one moment (fct_account_exposure_daily
    at the close, fct_account_exposure_intraday at each snapshot). -#}
{% macro exposure_columns() %}
    account_id,
    client_id,
    product_id,
    {{ margin_risk_state() }} as risk_state,
    line_basis,
    cash,
    long_market_value,
    collateral_value,
    financing_principal,
    accrued_interest,
    fees_due,
    deficit_receivable,
    liabilities,
    total_assets,
    equity,
    unrealized_pnl,
    position_count,
    {{ exposure_leverage() }} as leverage,
    {{ maintenance_collateral_ratio() }} as maintenance_collateral_ratio,
    {{ largest_position_share() }} as largest_position_share,
    {{ position_hhi() }} as hhi,
    warning_line,
    call_line,
    close_line,
    {{ distance_to_line('warning_line') }} as distance_to_warning,
    {{ distance_to_line('call_line') }} as distance_to_call,
    {{ distance_to_line('close_line') }} as distance_to_close
{% endmacro %}
