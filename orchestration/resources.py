"""Settings shared by every asset, with embedded defaults so the demo needs no configuration."""

from __future__ import annotations

import dagster as dg

from assets.common.paths import LakePaths, resolve_home


class LakeSettings(dg.ConfigurableResource):
    """Where the lake lives; empty means MARGINLAKE_HOME or ./.marginlake."""

    home: str = ""

    @property
    def paths(self) -> LakePaths:
        return LakePaths(resolve_home(self.home or None))
