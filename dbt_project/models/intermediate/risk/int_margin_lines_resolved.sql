-- Each product's dated margin lines as maintenance-collateral-ratio (total assets / liabilities)
-- equivalents, so one comparison serves every line basis:
--   mcr                as quoted;
--   borrowed_multiple  lines are total assets as a multiple of the amount borrowed: the same ratio;
--   equity_ratio       equity / assets <= r  <=>  assets / liabilities <= 1 / (1 - r).
-- Ratios are DECIMAL(38, 6), rounded half away from zero (1 / (1 - 0.25) = 1.333333).

with

products as (

    select * from {{ ref('margin_products') }}

),

resolved as (

    select
        products.product_id,
        products.product_name,
        products.line_basis,
        case products.line_basis
            when 'equity_ratio' then {{ divide_decimal('1', '1 - products.warning_line') }}
            else cast(products.warning_line as decimal(38, 6))
        end as warning_line,
        case products.line_basis
            when 'equity_ratio' then {{ divide_decimal('1', '1 - products.call_line') }}
            else cast(products.call_line as decimal(38, 6))
        end as call_line,
        case products.line_basis
            when 'equity_ratio' then {{ divide_decimal('1', '1 - products.close_line') }}
            else cast(products.close_line as decimal(38, 6))
        end as close_line,
        case products.line_basis
            when 'equity_ratio' then {{ divide_decimal('1', '1 - products.target_line') }}
            else cast(products.target_line as decimal(38, 6))
        end as target_line,
        products.warning_line as quoted_warning_line,
        products.call_line as quoted_call_line,
        products.close_line as quoted_close_line,
        products.target_line as quoted_target_line,
        products.call_deadline_days,
        products.effective_from,
        products.effective_to
    from products

)

select * from resolved
