"""The dbt seeds the platform runs on: products and their lines, the chart of accounts, bank accounts."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from assets.common.paths import PROJECT_ROOT

DEFAULT_SEEDS_DIR = PROJECT_ROOT / "dbt_project" / "seeds"


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise FileNotFoundError(
            f"Seed file {path} is missing; the simulator reads products, GL codes and banks from it."
        )
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def line_as_mcr(basis: str, value: Decimal) -> float:
    """A product line as a maintenance collateral ratio (assets / liabilities).

    `mcr` and `borrowed_multiple` lines already are assets over debt; an equity-ratio line r
    (equity / assets) is the same state as assets / debt = 1 / (1 - r).
    """
    if basis in ("mcr", "borrowed_multiple"):
        return float(value)
    if basis == "equity_ratio":
        return float(1 / (1 - value))
    raise ValueError(f"Unknown line_basis {basis!r} in margin_products.csv.")


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    line_basis: str
    warning: float
    call: float
    close: float
    target: float
    call_deadline_days: int

    @property
    def is_leveraged(self) -> bool:
        """Off-exchange leveraged sub-accounts (borrowed-multiple or equity-ratio lines)."""
        return self.line_basis != "mcr"


@dataclass(frozen=True)
class BankAccount:
    bank_account_id: str
    bank_name: str
    bic: str
    account_number: str
    currency: str
    purpose: str
    gl_code: str
    statement_format: str


@dataclass(frozen=True)
class Seeds:
    products: dict[str, Product]
    gl_codes: tuple[str, ...]
    banks: tuple[BankAccount, ...]

    @property
    def segregated(self) -> tuple[BankAccount, ...]:
        return tuple(b for b in self.banks if b.purpose == "client_segregated")

    @property
    def own(self) -> tuple[BankAccount, ...]:
        return tuple(b for b in self.banks if b.purpose == "own_operating")

    def bank_for_gl(self) -> dict[str, BankAccount]:
        return {b.gl_code: b for b in self.banks}

    def own_for(self, seg: BankAccount) -> BankAccount:
        """The own operating account paired with a segregated account (same position in the seed)."""
        own = self.own
        return own[self.segregated.index(seg) % len(own)]


REQUIRED_GL = (
    "2001",
    "1100",
    "1110",
    "1120",
    "1130",
    "1200",
    "2300",
    "3001",
    "4001",
    "4002",
    "4003",
    "5001",
    "5002",
)


def load_seeds(seeds_dir: Path | None = None) -> Seeds:
    """Read the seeds at run time so the simulator follows whatever the warehouse is parameterised with."""
    folder = Path(seeds_dir) if seeds_dir else DEFAULT_SEEDS_DIR
    products: dict[str, Product] = {}
    for row in _read(folder / "margin_products.csv"):
        if row.get("effective_to"):
            continue
        basis = row["line_basis"]
        products[row["product_id"]] = Product(
            product_id=row["product_id"],
            name=row["product_name"],
            line_basis=basis,
            warning=line_as_mcr(basis, Decimal(row["warning_line"])),
            call=line_as_mcr(basis, Decimal(row["call_line"])),
            close=line_as_mcr(basis, Decimal(row["close_line"])),
            target=line_as_mcr(basis, Decimal(row["target_line"])),
            call_deadline_days=int(row["call_deadline_days"]),
        )
    gl_codes = tuple(row["gl_code"] for row in _read(folder / "gl_accounts.csv"))
    banks = tuple(
        BankAccount(
            bank_account_id=row["bank_account_id"],
            bank_name=row["bank_name"],
            bic=row["bank_bic"],
            account_number=row["account_number"],
            currency=row["currency"],
            purpose=row["purpose"],
            gl_code=row["gl_code"],
            statement_format=row["statement_format"],
        )
        for row in _read(folder / "bank_accounts.csv")
    )
    missing = [code for code in REQUIRED_GL if code not in gl_codes]
    missing += [b.gl_code for b in banks if b.gl_code not in gl_codes]
    if missing:
        raise ValueError(f"gl_accounts.csv lacks GL codes the platform posts to: {', '.join(missing)}.")
    seeds = Seeds(products=products, gl_codes=gl_codes, banks=banks)
    if not seeds.segregated or not seeds.own:
        raise ValueError(
            "bank_accounts.csv needs at least one client_segregated and one own_operating account."
        )
    return seeds
