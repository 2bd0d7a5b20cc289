-- IFRS 9 staging and LGD parameters, one row per period in force.
select * from {{ ref('credit_ecl_params') }}
