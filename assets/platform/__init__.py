"""The trading platform's database: clients, agents, accounts, instruments, fills, ledger, devices."""
