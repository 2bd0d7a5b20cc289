-- Client fund flows: every ledger movement of client money between a bank card or account
-- outside the platform and a margin account (the txn types of the compliance_aml_flow_types
-- seed), with its amount, direction, the payer or payee as the platform sees it (keyed-hash
-- tokens of the name and of the card or bank account) and the client's own name token.
-- The amount is the journal's posting on the client cash sub-ledger (the GL that is client
-- money and a client sub-ledger in gl_accounts) for the flow's account.
-- is_third_party: the counterparty name is not the client's legal name. PII is tokenized with
-- one key in every table, so equal names have equal tokens. The client's name is the latest
-- recorded (stg_platform__clients); the platform exports no bank card bound to a client, so a
-- foreign card under the client's own name is not third party here (linked_accounts sees a
-- card shared across clients).

with

transactions as (

    select * from {{ ref('stg_platform__ledger_transactions') }}

),

postings as (

    select * from {{ ref('stg_platform__ledger_postings') }}

),

flow_types as (

    select * from {{ ref('compliance_aml_flow_types') }}

),

gl_accounts as (

    select * from {{ ref('gl_accounts') }}

),

clients as (

    select * from {{ ref('stg_platform__clients') }}

),

client_cash_postings as (

    select
        postings.txn_id,
        postings.account_id,
        sum(postings.amount) as amount
    from postings
    inner join gl_accounts
        on postings.gl_code = gl_accounts.gl_code
    where gl_accounts.is_client_money and gl_accounts.is_client_subledger
    group by postings.txn_id, postings.account_id

),

flows as (

    select
        transactions.txn_id,
        transactions.account_id,
        transactions.client_id,
        clients.agent_id,
        transactions.txn_type,
        flow_types.flow_direction,
        transactions.counterparty_name_token,
        transactions.counterparty_account_token,
        clients.full_name_token as client_name_token,
        cast(client_cash_postings.amount as decimal(18, 2)) as amount,
        coalesce(transactions.counterparty_name_token <> clients.full_name_token, false) as is_third_party,
        transactions.booking_date,
        transactions.effective_at
    from transactions
    inner join flow_types
        on transactions.txn_type = flow_types.txn_type
    inner join client_cash_postings
        on
            transactions.txn_id = client_cash_postings.txn_id
            and transactions.account_id = client_cash_postings.account_id
    left join clients
        on transactions.client_id = clients.client_id
    where transactions.status = 'posted'

)

select * from flows
