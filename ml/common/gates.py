"""Data-quality gates on a training frame, run with great-expectations before any model is fitted.

What a model must never be trained on: too few rows or bads, a label rate no default definition
could produce, features gone empty or out of their plausible range, a column the model must not
see (an outcome, an id, anything from after the observation date), or a row whose features read
data dated after its observation date. A failed gate is a list of sentences saying which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd

from assets.common.quality_gates import GateOutcome

# Names that smell of the outcome or of the future: never a feature.
LEAKAGE_PATTERN = re.compile(r"(default|outcome|label|target|future|resolved|deficit_after|next_)", re.I)


@dataclass(frozen=True)
class FrameGateConfig:
    """Thresholds of the training-frame gate."""

    min_rows: int = 500
    min_events: int = 10
    label_rate: tuple[float, float] = (0.001, 0.5)
    max_null_share: float = 0.5
    feature_ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    range_mostly: float = 0.999
    # Features whose null has a meaning (no financing, no history yet): their null rate is not gated.
    nullable: tuple[str, ...] = ()


@dataclass(frozen=True)
class FrameRoles:
    """What each column of the frame is: the gate checks the frame holds these and nothing else."""

    target: str | None
    features: tuple[str, ...]
    keys: tuple[str, ...] = ()
    observation_date: str | None = None
    source_max_date: str | None = None  # latest date any feature of the row read
    extra: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        cols = [*self.keys, *self.features, *([self.target] if self.target else []), *self.extra]
        cols += [c for c in (self.observation_date, self.source_max_date) if c]
        return list(dict.fromkeys(cols))


def leakage_suspects(features: tuple[str, ...] | list[str]) -> list[str]:
    return [f for f in features if LEAKAGE_PATTERN.search(f)]


def frame_expectations(frame: pd.DataFrame, roles: FrameRoles, cfg: FrameGateConfig) -> list[Any]:
    import great_expectations.expectations as gxe

    exps: list[Any] = [
        gxe.ExpectTableRowCountToBeBetween(min_value=cfg.min_rows),
        gxe.ExpectTableColumnsToMatchSet(column_set=roles.columns, exact_match=True),
    ]
    if roles.target:
        exps += _label_expectations(roles.target, cfg)
    for key in roles.keys:
        exps.append(gxe.ExpectColumnValuesToNotBeNull(column=key))
    if len(roles.keys) == 1:
        exps.append(gxe.ExpectColumnValuesToBeUnique(column=roles.keys[0]))
    elif roles.keys:
        exps.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(roles.keys)))
    for col in roles.features:
        if col in frame.columns and col not in cfg.nullable:
            exps.append(gxe.ExpectColumnValuesToNotBeNull(column=col, mostly=1.0 - cfg.max_null_share))
        low, high = cfg.feature_ranges.get(col, (None, None))
        if low is not None or high is not None:
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=col, min_value=low, max_value=high, mostly=cfg.range_mostly
                )
            )
    if roles.observation_date and roles.source_max_date:
        exps.append(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=roles.observation_date, column_B=roles.source_max_date, or_equal=True
            )
        )
    return exps


def _label_expectations(target: str, cfg: FrameGateConfig) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToNotBeNull(column=target),
        gxe.ExpectColumnValuesToBeInSet(column=target, value_set=[0, 1]),
        gxe.ExpectColumnMeanToBeBetween(
            column=target, min_value=cfg.label_rate[0], max_value=cfg.label_rate[1]
        ),
        gxe.ExpectColumnSumToBeBetween(column=target, min_value=cfg.min_events),
    ]


@cache
def _batch_definition() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return (
        context.data_sources.add_pandas(name="ml")
        .add_dataframe_asset(name="training_frame")
        .add_batch_definition_whole_dataframe("whole_frame")
    )


def _describe(result: Any) -> str:
    cfg = result.expectation_config
    kw = {k: v for k, v in cfg.kwargs.items() if k not in ("batch_id",) and v is not None}
    detail = result.result or {}
    observed = detail.get("observed_value", detail.get("unexpected_count"))
    what = cfg.type.replace("expect_", "").replace("_", " ")
    extra = ""
    if "details" in detail and isinstance(detail["details"], dict):
        mismatched = detail["details"].get("mismatched")
        if mismatched:
            extra = f"; mismatched columns {mismatched}"
    return f"{what} {kw}: observed {observed}{extra}"


def run_frame_gate(
    frame: pd.DataFrame, roles: FrameRoles, cfg: FrameGateConfig = FrameGateConfig()
) -> GateOutcome:
    """Validate the frame; the outcome lists each failed expectation as a sentence."""
    import great_expectations as gx

    outcome = GateOutcome(passed=True)
    suspects = leakage_suspects(roles.features)
    if suspects:
        outcome.passed = False
        outcome.failures.append(f"leakage: feature name(s) {suspects} look like outcomes or future data")
    # GX compares the label with 0/1; booleans and nullable ints are made plain first.
    data = frame.copy()
    if roles.target:
        data[roles.target] = pd.to_numeric(data[roles.target], errors="coerce")
    suite = gx.ExpectationSuite(name="training_frame_gate", expectations=frame_expectations(data, roles, cfg))
    report = (
        _batch_definition()
        .get_batch(batch_parameters={"dataframe": data})
        .validate(suite, result_format="SUMMARY")
    )
    for r in report.results:
        kwargs = r.expectation_config.kwargs
        detail = r.result or {}
        observed = detail.get("observed_value", detail.get("unexpected_count", ""))
        outcome.results.append(
            {
                "expectation": r.expectation_config.type,
                "column": kwargs.get("column") or ",".join(kwargs.get("column_list") or []),
                "success": bool(r.success),
                "observed": round(observed, 6) if isinstance(observed, float) else str(observed)[:80],
            }
        )
        if not r.success:
            outcome.passed = False
            outcome.failures.append(_describe(r))
    return outcome
