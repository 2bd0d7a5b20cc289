"""Connections to the platform's PostgreSQL database, with errors that never show the password.

The database is named by a libpq URI (`postgresql://user:password@host:port/dbname`). Every
message about it names the user, host, port and database only, so logs and run metadata can be
shared without leaking the credential.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

CONNECT_TIMEOUT_S = 10
_SCHEMES = ("postgresql", "postgres")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class PlatformDatabaseError(RuntimeError):
    """The platform database cannot be reached or does not hold what the contracts describe."""


def describe_uri(uri: str) -> str:
    """`user@host:port/dbname` of a URI, without the password: safe to log."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname or "localhost"
        port = parts.port or 5432
    except ValueError:
        return "(an unparseable PostgreSQL URI)"
    user = f"{unquote(parts.username)}@" if parts.username else ""
    database = parts.path.lstrip("/") or "(default database)"
    return f"{user}{host}:{port}/{database}"


def redact(text: str, uri: str) -> str:
    """`text` with the URI's password (raw and percent-decoded) replaced by ***."""
    try:
        password = urlsplit(uri).password
    except ValueError:
        password = None
    for secret in {password, unquote(password)} if password else set():
        if secret:
            text = text.replace(secret, "***")
    return text


def _with_connect_timeout(uri: str) -> str:
    """The URI with libpq's connect_timeout set, unless it already says, so a dead host fails fast."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name == "connect_timeout" for name, _ in query):
        return uri
    query.append(("connect_timeout", str(CONNECT_TIMEOUT_S)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def check_uri(uri: str) -> None:
    """Refuse anything but a postgresql:// URI, before any connection attempt."""
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in _SCHEMES:
        raise PlatformDatabaseError(
            "The platform database must be given as a URI such as "
            "postgresql://user:password@host:5432/dbname; the value given does not start with postgresql://."
        )


def quote_identifier(name: str) -> str:
    """A double-quoted SQL identifier; contract names are plain identifiers, anything else is refused."""
    if not _IDENTIFIER.fullmatch(name):
        raise PlatformDatabaseError(f"{name!r} is not a plain SQL identifier; refusing to use it in SQL.")
    return f'"{name}"'


def connect(uri: str, *, autocommit: bool = False) -> Any:
    """An ADBC (DB-API) connection; a failure names the server, never the password."""
    check_uri(uri)
    import adbc_driver_manager
    import adbc_driver_postgresql.dbapi as pg_dbapi

    try:
        return pg_dbapi.connect(_with_connect_timeout(uri), autocommit=autocommit)
    except adbc_driver_manager.Error as exc:
        raise PlatformDatabaseError(
            f"Cannot connect to the platform database at {describe_uri(uri)}: {redact(str(exc), uri).strip()}"
        ) from None


def database_error(uri: str, doing: str, exc: Exception) -> PlatformDatabaseError:
    """A driver error as a sentence naming what was being done and where."""
    return PlatformDatabaseError(
        f"The platform database at {describe_uri(uri)} failed while {doing}: {redact(str(exc), uri).strip()}"
    )
