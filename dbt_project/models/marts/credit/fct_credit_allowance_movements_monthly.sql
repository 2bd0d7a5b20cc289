-- Movement of the loss allowance from one month end to the next, for the ageing provision
-- (basis ageing_provision, provision_amount) and the IFRS 9 allowance (basis ifrs9_ecl,
-- ecl_booked). Per account, the change from the previous month end (0 before the first month or
-- without a row) to this one is:
--   new_exposures         the account had no allowance and has one now;
--   derecognised          it had one and has none now (repaid, closed or recovered);
--   remeasurement_charge  it had one and it grew;
--   remeasurement_release it had one and it shrank.
-- opening_allowance + new_exposures + remeasurement_charge - remeasurement_release - derecognised
-- = closing_allowance, to the fen.
with

ecl as (

    select * from {{ ref('fct_credit_ecl_daily') }}

),

month_ends as (

    select * from {{ ref('int_credit_month_ends') }}

),

allowances as (

    select
        account_id,
        'ageing_provision' as basis,
        provision_amount as allowance,
        as_of_date
    from ecl

    union all

    select
        account_id,
        'ifrs9_ecl' as basis,
        ecl_booked as allowance,
        as_of_date
    from ecl

),

accounts as (

    select distinct
        allowances.account_id,
        allowances.basis,
        month_ends.month_id,
        month_ends.is_month_complete,
        month_ends.month_end_date,
        month_ends.previous_month_end_date
    from month_ends
    inner join allowances
        on
            month_ends.month_end_date = allowances.as_of_date
            or month_ends.previous_month_end_date = allowances.as_of_date

),

changes as (

    select
        accounts.month_id,
        accounts.basis,
        coalesce(opening.allowance, 0) as opening_allowance,
        coalesce(closing.allowance, 0) as closing_allowance,
        accounts.is_month_complete,
        accounts.month_end_date
    from accounts
    left join allowances as opening
        on
            accounts.account_id = opening.account_id
            and accounts.basis = opening.basis
            and accounts.previous_month_end_date = opening.as_of_date
    left join allowances as closing
        on
            accounts.account_id = closing.account_id
            and accounts.basis = closing.basis
            and accounts.month_end_date = closing.as_of_date

),

final as (

    select
        month_id,
        basis,
        cast(sum(opening_allowance) as decimal(38, 2)) as opening_allowance,
        cast(sum(case when opening_allowance = 0 then closing_allowance else 0 end) as decimal(38, 2))
            as new_exposures,
        cast(
            sum(
                case
                    when opening_allowance > 0 and closing_allowance > opening_allowance
                        then closing_allowance - opening_allowance
                    else 0
                end
            ) as decimal(38, 2)
        ) as remeasurement_charge,
        cast(
            sum(
                case
                    when closing_allowance > 0 and closing_allowance < opening_allowance
                        then opening_allowance - closing_allowance
                    else 0
                end
            ) as decimal(38, 2)
        ) as remeasurement_release,
        cast(sum(case when closing_allowance = 0 then opening_allowance else 0 end) as decimal(38, 2))
            as derecognised,
        cast(sum(closing_allowance) as decimal(38, 2)) as closing_allowance,
        is_month_complete,
        month_end_date
    from changes
    group by month_id, basis, is_month_complete, month_end_date

)

select * from final
