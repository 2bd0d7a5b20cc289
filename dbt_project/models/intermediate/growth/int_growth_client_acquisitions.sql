-- One row per client: how it was acquired (channel, campaign, referring agent), its margin
-- account, when it registered and when it was funded (its first deposit credited to client
-- cash). A client's cohort is the month it was funded: CAC and LTV count a client once it funds.
with

clients as (

    select * from {{ ref('stg_platform__clients') }}

),

accounts as (

    select * from {{ ref('stg_platform__accounts') }}

),

channels as (

    select * from {{ ref('growth_acquisition_channels') }}

),

balance_changes as (

    select * from {{ ref('int_account_balance_changes') }}

),

client_accounts as (

    select
        client_id,
        min(account_id) as account_id
    from accounts
    group by client_id

),

first_deposits as (

    select
        account_id,
        min(booking_date) as first_funded_date
    from balance_changes
    where txn_type in ('deposit', 'margin_topup') and client_cash_change > 0
    group by account_id

),

final as (

    select
        clients.client_id,
        client_accounts.account_id,
        coalesce(clients.acquisition_channel, 'organic') as acquisition_channel,
        clients.campaign_id,
        clients.agent_id,
        strftime(first_deposits.first_funded_date, '%Y-%m') as cohort_month,
        coalesce(channels.is_paid, false) as is_paid_channel,
        {{ exchange_date('clients.registered_at') }} as registered_date,
        first_deposits.first_funded_date
    from clients
    left join client_accounts
        on clients.client_id = client_accounts.client_id
    left join first_deposits
        on client_accounts.account_id = first_deposits.account_id
    left join channels
        on coalesce(clients.acquisition_channel, 'organic') = channels.channel

)

select * from final
