"""Keyed tokenization of PII columns, so raw names, IDs, phones, accounts and devices never reach bronze.

Tokens are deterministic (HMAC-SHA256 under one key): the same phone number or bank card gives the
same token in every table and on every day, so joins and link analysis (shared device, shared
card) still work on tokens alone, while the raw value cannot be recovered without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import warnings

import pyarrow as pa
import pyarrow.compute as pc

PII_KEY_ENV = "MARGINLAKE_PII_KEY"
TOKEN_PREFIX = "tok_"
# Used only when MARGINLAKE_PII_KEY is unset, so the demo runs without secrets; never in production.
DEVELOPMENT_PII_KEY = b"marginlake-development-pii-key-not-for-production"


class DevelopmentPiiKeyWarning(UserWarning):
    """PII is being tokenized with the public development key."""


def pii_key() -> bytes:
    """The tokenization key from MARGINLAKE_PII_KEY; the development key (with a warning) if unset."""
    value = os.environ.get(PII_KEY_ENV, "")
    if value:
        return value.encode("utf-8")
    warnings.warn(
        f"{PII_KEY_ENV} is not set: PII is tokenized with the public development key. "
        f"Set {PII_KEY_ENV} to a secret before ingesting real client data.",
        DevelopmentPiiKeyWarning,
        stacklevel=2,
    )
    return DEVELOPMENT_PII_KEY


def tokenize_value(value: str, key: bytes) -> str:
    """`tok_` + the first 16 hex digits of HMAC-SHA256(key, value)."""
    return TOKEN_PREFIX + hmac.digest(key, value.encode("utf-8"), hashlib.sha256).hex()[:16]


def tokenize_array(values: pa.Array | pa.ChunkedArray, key: bytes | None = None) -> pa.Array:
    """Tokens for a column of values; nulls stay null.

    Each distinct value is hashed once and the tokens are gathered back by index, so cost grows
    with the number of distinct values, not rows.
    """
    key = key if key is not None else pii_key()
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())
    encoded = pc.dictionary_encode(values)
    tokens = pa.array(
        [tokenize_value(v, key) for v in encoded.dictionary.to_pylist()],
        type=pa.string(),
    )
    return pc.take(tokens, encoded.indices)


def tokenize_columns(
    table: pa.Table, columns: tuple[str, ...] | list[str], key: bytes | None = None
) -> pa.Table:
    """The table with each named column replaced by its tokens (columns absent from the table are skipped)."""
    present = [c for c in columns if c in table.column_names]
    if not present:
        return table
    key = key if key is not None else pii_key()
    for name in present:
        index = table.schema.get_field_index(name)
        field = table.schema.field(index).with_type(pa.string())
        table = table.set_column(index, field, tokenize_array(table.column(name), key))
    return table
