"""Benchmarks of the marginlake pipeline: stage by stage, against baselines, at several scales."""
