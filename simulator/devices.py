"""Device and network fingerprints of client sessions: logins, orders and cash requests."""

from __future__ import annotations

import numpy as np

from simulator.clients import Client
from simulator.clock import Clock

DEVICE_EVENT_COLUMNS = (
    "event_id",
    "client_id",
    "event_type",
    "device_id",
    "ip_address",
    "occurred_at",
    "recorded_at",
)


class DeviceLog:
    def __init__(self) -> None:
        self.count = 0
        self.rows: list[tuple] = []
        self.clock: Clock | None = None
        self.rng: np.random.Generator | None = None
        self.watched: dict[str, list[str]] = {}  # device id -> evidence list of a planted typology

    def begin_day(self, clock: Clock, rng: np.random.Generator) -> None:
        self.clock, self.rng, self.rows = clock, rng, []

    def event(self, c: Client, event_type: str, local_us: int, device: str | None = None) -> str:
        assert self.clock is not None and self.rng is not None
        self.count += 1
        event_id = f"EV{self.count:010d}"
        if device is None:
            device = (
                c.devices[0] if len(c.devices) == 1 else c.devices[int(self.rng.integers(len(c.devices)))]
            )
        if device in self.watched:
            self.watched[device].append(event_id)
        ip = c.ips[int(self.rng.integers(len(c.ips)))]
        self.rows.append(
            (
                event_id,
                c.client_id,
                event_type,
                device,
                ip,
                self.clock.utc(local_us),
                self.clock.utc(local_us + 120_000),
            )
        )
        return event_id

    def day_rows(self) -> list[tuple]:
        return sorted(self.rows, key=lambda r: (r[6], r[0]))
