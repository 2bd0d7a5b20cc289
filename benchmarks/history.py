"""A lake holding only the first N days of another, by hard links, for the history-growth stage.

The incremental stage needs a lake whose bronze holds exactly N days, then N+1, and so on. Copying
bronze would cost as much as the ingest being measured, so files are hard-linked: a new directory
tree whose files share their bytes with the source lake. Ingest replaces a file by writing a new
one and renaming it over the link, so the source lake is never changed through a link.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from assets.common.paths import LakePaths

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _dates_in(relative: Path) -> set[str]:
    return set(_DATE.findall(relative.as_posix()))


def link_tree(src: Path, dst: Path, days: Iterable[str]) -> int:
    """Hard-link every file under `src` whose path names only dates among `days` (or none) into `dst`.

    Files `dst` already has are kept (a partition the history lake ingested itself stays its own).
    Returns how many files were linked.
    """
    wanted = set(days)
    linked = 0
    if not src.is_dir():
        return 0
    for folder, _, files in os.walk(src):
        for name in files:
            source = Path(folder) / name
            relative = source.relative_to(src)
            if name.startswith(".") or not _dates_in(relative) <= wanted:
                continue
            target = dst / relative
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, target)
            linked += 1
    return linked


def link_landing(src: LakePaths, dst: LakePaths, days: Iterable[str]) -> int:
    """The landing files of `days`: ingest reads them and the unchanged-day rule hashes them."""
    return link_tree(src.landing, dst.landing, days)


def link_history(src: LakePaths, dst: LakePaths, days: Iterable[str]) -> int:
    """Bronze, quarantine and manifests of `days`, as the source lake's ingest wrote them."""
    days = list(days)
    return link_tree(src.bronze, dst.bronze, days) + link_tree(src.quarantine, dst.quarantine, days)
