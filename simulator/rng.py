"""Named random streams, so one part of the simulation can change without reshuffling the others."""

from __future__ import annotations

import zlib

import numpy as np


def _key(part: int | str) -> int:
    return part if isinstance(part, int) else zlib.crc32(part.encode("utf-8"))


def stream(seed: int, *parts: int | str) -> np.random.Generator:
    """A generator keyed by the run seed and a path such as ("ticks", day_index)."""
    return np.random.default_rng(np.random.SeedSequence([seed, *(_key(p) for p in parts)]))
