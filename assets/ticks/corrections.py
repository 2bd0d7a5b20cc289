"""Duplicates and exchange corrections of trade prints, resolved on the venue trade id.

The rule, applied per trade_id among the valid records of one trade date, in arrival order
(landing folder, then file name, then row; a late delivery arrives after the day's own files):

- The first print (condition `new`) is the original.
- A later `new` record with the same content (every contract column) is a re-delivery: it is
  quarantined as "duplicate trade_id". One with different content but no correction flag is a
  conflict, not a correction: the first delivery is kept and this one is quarantined as
  "duplicate trade_id" too, listing what differs. A `new` record after a cancel does not revive
  the print.
- A `correct` record replaces the current version: the correction is the accepted row, the version
  it replaces is quarantined as "superseded by exchange correction". A chain of corrections
  leaves the latest one in bronze. A correction with nothing to replace (the original was never
  delivered) is accepted as the print; one identical to the current version changes nothing and is
  quarantined as a duplicate. A correction after a cancel reinstates the print with its content.
- A `cancel` record removes the current version (quarantined as "superseded by exchange
  correction: cancelled by ...") and is itself quarantined, since it is an instruction and not a
  print. A cancel with nothing to cancel, or a repeated cancel, is quarantined and changes nothing.

Records that break a contract rule never take part: a broken correction cannot displace a good
print (it is quarantined with its own reasons). Every record ends in bronze or in quarantine, so
rows_in = accepted + quarantined still holds. Prices and quantities are compared as exact decimals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from assets.common.lineage import SOURCE_FILE, SOURCE_ROW

DUPLICATE = "duplicate_key"
CORRECTION = "exchange_correction"
KEY = "trade_id"


@dataclass(frozen=True)
class Verdict:
    """A record that leaves bronze: its position in the batch, the rule and the sentence why."""

    index: int
    rule: str
    reason: str


def _shown(value: Any) -> str:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass
class _Record:
    index: int
    action: str
    content: dict[str, Any]
    file: str
    row: int

    @property
    def where(self) -> str:
        return f"row {self.row} of {self.file}"


def _differences(old: _Record, new: _Record) -> str:
    changed = [
        f"{name} {_shown(old.content[name])} -> {_shown(new.content[name])}"
        for name in old.content
        if old.content[name] != new.content[name]
    ]
    return ", ".join(changed) or "no change"


def _needing_attention(ids: pa.ChunkedArray | pa.Array, actions: pa.Array) -> np.ndarray:
    """Positions of records whose trade id repeats or that carry a correction or cancel."""
    table = pa.table({"id": ids, "n": pa.repeat(pa.scalar(1, pa.int64()), len(actions))})
    counts = table.group_by("id").aggregate([("n", "sum")])
    repeated = counts.filter(pc.greater(counts.column("n_sum"), 1)).column("id")
    flagged = pc.or_(pc.is_in(ids, value_set=repeated.combine_chunks()), pc.not_equal(actions, "new"))
    return np.flatnonzero(np.asarray(pc.fill_null(flagged, False).to_numpy(zero_copy_only=False)))


def resolve_trade_ids(trades: pa.Table, actions: pa.Array, trade_date: str) -> list[Verdict]:
    """The records of `trades` (valid, one trade date) that leave bronze, per the module's rule.

    `actions` is aligned with `trades`: new, correct or cancel for each record.
    """
    positions = _needing_attention(trades.column(KEY), actions)
    if len(positions) == 0:
        return []
    subset = trades.take(pa.array(positions))
    content_columns = [c for c in subset.column_names if c not in (KEY, SOURCE_FILE, SOURCE_ROW)]
    action_list = pc.take(actions, pa.array(positions)).to_pylist()
    groups: dict[str, list[_Record]] = {}
    for i, row in enumerate(subset.to_pylist()):
        record = _Record(
            index=int(positions[i]),
            action=action_list[i],
            content={c: row[c] for c in content_columns},
            file=row[SOURCE_FILE],
            row=row[SOURCE_ROW],
        )
        groups.setdefault(row[KEY], []).append(record)
    verdicts: list[Verdict] = []
    for trade_id, records in groups.items():
        records.sort(key=lambda r: (r.file, r.row))
        verdicts.extend(_resolve_one(trade_id, records, trade_date))
    return verdicts


def _resolve_one(trade_id: str, records: list[_Record], trade_date: str) -> list[Verdict]:
    out: list[Verdict] = []
    current: _Record | None = None
    cancelled_by: _Record | None = None
    said = f"duplicate trade_id '{trade_id}'"
    for record in records:
        if record.action == "cancel":
            if current is not None:
                out.append(
                    Verdict(
                        current.index,
                        CORRECTION,
                        f"superseded by exchange correction: cancelled by {record.where}",
                    )
                )
                out.append(
                    Verdict(
                        record.index,
                        CORRECTION,
                        f"exchange cancel of trade_id '{trade_id}': applied, the print at {current.where} "
                        "was removed from bronze",
                    )
                )
                current, cancelled_by = None, record
            elif cancelled_by is not None:
                out.append(
                    Verdict(
                        record.index,
                        DUPLICATE,
                        f"{said}: the cancel repeats {cancelled_by.where}, already applied",
                    )
                )
            else:
                out.append(
                    Verdict(
                        record.index,
                        CORRECTION,
                        f"exchange cancel of trade_id '{trade_id}' matches no print of trade date "
                        f"{trade_date}; nothing was removed",
                    )
                )
            continue
        if current is not None and record.content == current.content:
            kept = "the current version" if current.action == "correct" else "the first delivery"
            out.append(
                Verdict(
                    record.index,
                    DUPLICATE,
                    f"{said}: repeats {current.where} with the same content; {kept} was kept",
                )
            )
            continue
        if record.action == "correct":
            if current is not None:
                out.append(
                    Verdict(
                        current.index,
                        CORRECTION,
                        f"superseded by exchange correction at {record.where}: "
                        + _differences(current, record),
                    )
                )
            current, cancelled_by = record, None
            continue
        if current is None and cancelled_by is None:
            current = record
        elif current is not None:
            out.append(
                Verdict(
                    record.index,
                    DUPLICATE,
                    f"{said}: repeats {current.where}, which was kept; this one differs "
                    f"({_differences(current, record)}) but carries no correction flag",
                )
            )
        else:
            assert cancelled_by is not None
            out.append(
                Verdict(
                    record.index,
                    DUPLICATE,
                    f"{said}: the print was cancelled by {cancelled_by.where}; a re-sent print without a "
                    "correction flag does not reinstate it",
                )
            )
    return out
