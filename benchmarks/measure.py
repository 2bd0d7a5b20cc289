"""Run one stage in a child process and measure it alone: wall time and peak memory.

Each stage gets its own process, so its peak is its own and not the harness's. Two readings
are kept: the largest single process of the stage's tree (exact, from the kernel's rusage
returned by wait4 for that child) and the sum over the tree (sampled from /proc every 100 ms),
because a Dagster run and the dbt process it starts are alive at the same time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
SAMPLE_SECONDS = 0.1


@dataclass
class Measurement:
    """What one child run cost, and what the stage reported about its own work."""

    wall_s: float
    peak_process_mib: float
    peak_tree_mib: float
    returncode: int
    result: dict[str, Any] = field(default_factory=dict)
    stderr_tail: str = ""

    @property
    def peak_mib(self) -> float:
        return max(self.peak_process_mib, self.peak_tree_mib)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for task in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        except OSError:
            continue
        out.extend(int(p) for p in text.split())
    return out


def _rss_kib(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * PAGE_KIB


def tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (0 once it is gone)."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_kib(pid)
        stack.extend(_children(pid))
    return total


def run_child(
    args: list[str], *, cwd: Path, env: dict[str, str], log: Path, result_file: Path
) -> Measurement:
    """Run `python args...` to completion; its stdout and stderr go to `log`."""
    result_file.unlink(missing_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    peak = [0]
    done = threading.Event()
    with log.open("ab") as out:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, stdout=out, stderr=out)

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss_kib(proc.pid))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    result = json.loads(result_file.read_text()) if result_file.is_file() else {}
    tail = ""
    if proc.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
    return Measurement(
        wall_s=wall,
        # ru_maxrss is in KiB on Linux: the largest process of the tree that was waited for.
        peak_process_mib=usage.ru_maxrss / 1024,
        peak_tree_mib=peak[0] / 1024,
        returncode=proc.returncode,
        result=result,
        stderr_tail=tail,
    )
