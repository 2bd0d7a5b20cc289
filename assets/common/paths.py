"""Every path marginlake reads or writes, derived from one setting: MARGINLAKE_HOME."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_HOME = PROJECT_ROOT / ".marginlake"


def resolve_home(home: str | os.PathLike[str] | None = None) -> Path:
    """The absolute MARGINLAKE_HOME: the argument, else the environment, else ./.marginlake."""
    raw = home or os.environ.get("MARGINLAKE_HOME") or DEFAULT_HOME
    return Path(raw).expanduser().resolve()


@dataclass(frozen=True)
class LakePaths:
    """The folders of one lake; nothing is created until a writer asks for it."""

    home: Path

    @classmethod
    def from_home(cls, home: str | os.PathLike[str] | None = None) -> LakePaths:
        return cls(resolve_home(home))

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def bronze(self) -> Path:
        return self.home / "bronze"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def truth(self) -> Path:
        return self.home / "truth"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def duckdb_temp_dir(self) -> Path:
        """Where the warehouse spills beyond its memory_limit (as the dbt profile configures it).

        DuckDB creates this folder but not its parents, and only on the first spill: a missing
        parent turns the first query that spills into an IO error, so prepare_environment creates it.
        """
        configured = os.environ.get("MARGINLAKE_DUCKDB_TEMP_DIR")
        return Path(configured).expanduser().resolve() if configured else self.home / "tmp" / "duckdb"

    def landing_day(self, source: str, business_date: str) -> Path:
        return self.landing / source / business_date

    def bronze_partition(self, source: str, table: str, business_date: str) -> Path:
        return self.bronze / source / table / f"business_date={business_date}"

    def quarantine_partition(self, source: str, table: str, business_date: str) -> Path:
        return self.quarantine / source / table / f"business_date={business_date}"
