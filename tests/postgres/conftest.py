"""Fixtures for the database path: one throwaway PostgreSQL server for the package, a fresh database per
use, and a small simulated platform whose exports both paths ingest."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

from assets.common.calendar import trading_days
from assets.platform.postgres_connection import connect
from simulator import SimulationConfig, SimulationSummary, generate
from tests.postgres.helpers import SAMPLE, TEST_PII_KEY
from tests.support.postgres_server import LocalPostgres, PostgresUnavailableError


@pytest.fixture(scope="package", autouse=True)
def _environment() -> Iterator[None]:
    """A fixed PII key, and no database configured from the outside: each test says which source it reads."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MARGINLAKE_PII_KEY", TEST_PII_KEY)
        mp.delenv("MARGINLAKE_PLATFORM_DB_URI", raising=False)
        yield


@pytest.fixture(scope="package")
def postgres_server() -> Iterator[str]:
    """The URI of a throwaway server on 127.0.0.1, stopped and removed after these tests."""
    server = LocalPostgres()
    try:
        uri = server.start()
    except PostgresUnavailableError as exc:
        server.stop()
        if os.environ.get("CI"):
            raise  # CI installs the binaries (.ci/run); their absence there is a failure, not a skip
        pytest.skip(str(exc))
    except BaseException:
        server.stop()
        raise
    try:
        yield uri
    finally:
        server.stop()


@pytest.fixture(scope="package")
def new_database(postgres_server: str) -> Callable[[str], str]:
    """Creates an empty database on the package's server and returns its URI."""
    counter = itertools.count()

    def create(label: str) -> str:
        name = f"{label}_{next(counter)}"
        with connect(postgres_server, autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        return urlunsplit(urlsplit(postgres_server)._replace(path=f"/{name}"))

    return create


@pytest.fixture(scope="package")
def sample(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    """A small simulated platform: landing/platform/<date>/<table>.csv for a few trading days."""
    return generate(SimulationConfig(home=tmp_path_factory.mktemp("sample"), **SAMPLE))


@pytest.fixture(scope="package")
def sample_days(sample: SimulationSummary) -> list[str]:
    """The business dates the sample exported, oldest first."""
    return [d.isoformat() for d in trading_days(sample.first_day, sample.last_day)]
