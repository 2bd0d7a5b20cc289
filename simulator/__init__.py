"""A seeded sample margin-lending platform: landing files for every source, plus the planted ground truth."""

from simulator.clock import simulated_days
from simulator.config import DEFAULTS, SimulationConfig, SimulationSummary
from simulator.engine import generate

__all__ = ["DEFAULTS", "SimulationConfig", "SimulationSummary", "generate", "simulated_days"]
