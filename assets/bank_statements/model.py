"""What every bank-statement parser returns, and the one error it raises.

Parsers hand back plain dicts keyed by the contract's column names
(data_contracts/bank_statements/*.odcs.yaml), so ingest can validate them against
the contract without a mapping step. Money is Decimal, dates are datetime.date and
created_at is an aware UTC datetime. Each dict also carries `_source_row`, which
points back into the file so a rejected row can be found by a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Column names and order of data_contracts/bank_statements/bank_statements.odcs.yaml.
STATEMENT_COLUMNS: tuple[str, ...] = (
    "statement_id",
    "account_number",
    "currency",
    "statement_date",
    "opening_balance",
    "closing_balance",
    "entry_count",
    "source_format",
    "message_id",
    "created_at",
)

# Column names and order of data_contracts/bank_statements/bank_statement_lines.odcs.yaml.
LINE_COLUMNS: tuple[str, ...] = (
    "line_id",
    "statement_id",
    "line_no",
    "account_number",
    "amount",
    "currency",
    "credit_debit",
    "is_reversal",
    "bank_reference",
    "end_to_end_id",
    "transaction_code",
    "counterparty_name",
    "counterparty_account",
    "remittance_info",
    "booking_date",
    "value_date",
)

SOURCE_ROW = "_source_row"

# Statement files are small (one account, one day); anything near this size is not one.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024


def line_id(statement_id: str, line_no: int) -> str:
    """The line key of the contract: statement id and position, readable in a ledger query."""
    return f"{statement_id}:{line_no}"


@dataclass
class ParsedStatementFile:
    """The statements and lines of one file, plus data-quality notes that did not stop parsing."""

    statements: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class StatementFileError(Exception):
    """A file that cannot be read as a bank statement at all; the whole file goes to quarantine.

    The message names the file and says what is wrong, so it can be shown as is.
    """

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem} (file: {self.path})")
