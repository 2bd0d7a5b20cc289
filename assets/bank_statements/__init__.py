"""Bank statements: camt.053 and MT940/MT942 files parsed into contract rows.

Entry point: assets.bank_statements.parse_statement_file.parse_statement_file.
"""
