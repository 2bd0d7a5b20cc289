"""The official camt.053 XSDs, one per message version, chosen by the document's namespace.

Banks upgrade camt versions at their own pace, so a file is decoded against the schema of
the version it declares. Building a schema takes most of a second, hence the cache.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import xmlschema

XSD_DIR = Path(__file__).resolve().parent / "xsd"
CAMT053_NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:camt.053.001."
_XSD_PREFIX = "camt.053.001."


@lru_cache(maxsize=1)
def supported_versions() -> tuple[str, ...]:
    """The camt.053.001 versions with a bundled XSD, as two-digit strings ('02', '08', ...)."""
    files = XSD_DIR.glob(f"{_XSD_PREFIX}*.xsd")
    return tuple(sorted(p.name.removeprefix(_XSD_PREFIX).removesuffix(".xsd") for p in files))


def version_of(namespace: str) -> str | None:
    """'08' for the camt.053.001.08 namespace; None when the namespace is not camt.053."""
    if not namespace.startswith(CAMT053_NAMESPACE_PREFIX):
        return None
    return namespace.removeprefix(CAMT053_NAMESPACE_PREFIX)


@cache
def camt053_schema(version: str) -> xmlschema.XMLSchema:
    """The XSD of camt.053.001.<version>, built once per process.

    The XSDs are self-contained; the sandbox keeps a build from reading any other file, and
    no network is touched.
    """
    if version not in supported_versions():
        raise KeyError(version)
    xsd = XSD_DIR / f"{_XSD_PREFIX}{version}.xsd"
    return xmlschema.XMLSchema(str(xsd), allow="sandbox", defuse="always")
