{#-
    Exact decimal arithmetic. DuckDB divides DECIMALs in DOUBLE, which is not acceptable for
    money or for ratios that must agree across engines, so divisions go through integers:
    a decimal at scale s becomes the HUGEINT number of its 10^-s units, the quotient is
    rounded half away from zero with integer division, and the result is scaled back.
    Inputs must have at most `input_scale` decimals and absolute values below 10^22.
-#}

{#- The HUGEINT count of 10^-scale units in a decimal expression (exact). -#}
{% macro decimal_to_units(expression, scale=8) -%}
    cast(cast({{ expression }} as decimal(38, {{ scale }})) * {{ 10 ** scale }} as hugeint)
{%- endmacro %}

{#- A DECIMAL(38, scale) from a HUGEINT count of 10^-scale units (exact). -#}
{% macro units_to_decimal(units, scale=8) -%}
    cast({{ units }} as decimal(38, 0)) * cast({{ '0.' ~ '0' * (scale - 1) ~ '1' }} as decimal(18, {{ scale }}))
{%- endmacro %}

{#- Integer quotient rounded half away from zero; null when the denominator is 0. -#}
{% macro divide_units_rounded(numerator, denominator) -%}
    case
        when ({{ denominator }}) = 0 then null
        else
            (case when (({{ numerator }}) < 0) <> (({{ denominator }}) < 0) then -1 else 1 end)
            * ((2 * abs({{ numerator }}) + abs({{ denominator }})) // (2 * abs({{ denominator }})))
    end
{%- endmacro %}

{#- numerator / denominator as DECIMAL(38, scale), rounded half away from zero; null on 0. -#}
{% macro divide_decimal(numerator, denominator, scale=6, input_scale=8) -%}
    {{ units_to_decimal(
        divide_units_rounded(
            decimal_to_units(numerator, input_scale) ~ ' * ' ~ (10 ** scale),
            decimal_to_units(denominator, input_scale)
        ),
        scale
    ) }}
{%- endmacro %}
