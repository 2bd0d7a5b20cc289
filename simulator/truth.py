"""Ground truth the pipeline never sees: what was planted, so tests can measure what it detects."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simulator.writer import write_rows

TRUTH_COLUMNS: dict[str, tuple[str, ...]] = {
    "risk_profiles": (
        "client_id",
        "account_id",
        "risk_profile",
        "product_id",
        "target_leverage",
        "max_positions",
        "topup_probability",
        "repays_deficit",
        "is_aml_subject",
    ),
    "defaults": (
        "account_id",
        "client_id",
        "default_date",
        "reason",
        "product_id",
        "risk_profile",
        "deficit_amount",
    ),
    "line_breaches": (
        "breach_id",
        "account_id",
        "client_id",
        "product_id",
        "line",
        "line_mcr",
        "first_crossed_date",
        "first_crossed_at",
        "close_mcr",
        "margin_call_id",
        "call_deadline_date",
        "resolution",
        "resolved_date",
    ),
    "aml_typologies": (
        "typology_id",
        "typology",
        "client_ids",
        "account_ids",
        "evidence_txn_ids",
        "evidence_event_ids",
        "window_start",
        "window_end",
        "description",
    ),
    "recon_breaks": (
        "break_id",
        "break_type",
        "bank_account_id",
        "ledger_date",
        "bank_date",
        "amount",
        "bank_amount",
        "end_to_end_id",
        "bank_reference",
        "txn_id",
        "description",
    ),
    "market_events": ("event_id", "event_type", "trade_date", "instrument_id", "market_return", "detail"),
}


@dataclass
class Truth:
    """Mutable records (line breaches resolve later), written once at the end of the run."""

    risk_profiles: list[list] = field(default_factory=list)
    defaults: list[list] = field(default_factory=list)
    line_breaches: list[list] = field(default_factory=list)
    aml_typologies: list[list] = field(default_factory=list)
    recon_breaks: list[list] = field(default_factory=list)
    market_events: list[list] = field(default_factory=list)

    def write(self, folder: Path) -> dict[str, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        out = {}
        for name, columns in TRUTH_COLUMNS.items():
            path = folder / f"{name}.csv"
            write_rows(path, columns, getattr(self, name))
            out[name] = path
        return out
