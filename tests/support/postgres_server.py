"""A throwaway PostgreSQL server on 127.0.0.1 for tests, started from the machine's binaries.

initdb refuses to run as root, so as root the cluster is created and run as the `postgres`
system user. The server listens on loopback only, with durability off (it is thrown away).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailableError(RuntimeError):
    """The machine has no PostgreSQL server binaries; .ci/run installs them."""


def _binary(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise PostgresUnavailableError(
            f"PostgreSQL's `{name}` was not found on PATH or in /usr/lib/postgresql/*/bin."
        )
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalPostgres:
    """One throwaway cluster; `start()` returns its URI, `stop()` ends the server and removes the cluster."""

    root: Path | None = None
    user: str = "marginlake"
    database: str = "platform"
    port: int = 0

    def _run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120)

    @property
    def data_dir(self) -> Path:
        assert self.root is not None, "start() first"
        return self.root / "data"

    @property
    def uri(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def start(self) -> str:
        # Its own folder directly under the temp dir: the postgres user must be able to reach it.
        self.root = Path(tempfile.mkdtemp(prefix="marginlake-pg-"))
        os.chmod(self.root, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres", group="postgres")
        self.port = self.port or _free_port()
        self._run(
            [
                _binary("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                self.user,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            [
                _binary("pg_ctl"),
                "-D",
                str(self.data_dir),
                "-o",
                options,
                "-l",
                str(self.root / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        self._run(
            [_binary("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, self.database]
        )
        return self.uri

    def stop(self) -> None:
        if self.root is None:
            return
        try:
            if self.data_dir.exists():
                self._run([_binary("pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def wait_ready(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise TimeoutError(f"PostgreSQL did not accept connections on 127.0.0.1:{self.port}")
