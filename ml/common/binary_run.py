"""One whole binary model run in a single call: gate, train, evaluate, document, decide.

The Dagster assets run the same steps one asset at a time; the command line runs them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assets.common.quality_gates import GateOutcome
from ml.common import versioning
from ml.common.binary_pipeline import (
    SCORECARD_HTML,
    BinaryTrainingConfig,
    EvaluationResult,
    ModelContext,
    evaluate_models,
    load_models,
    metadata,
    save_models,
    train_models,
    write_evaluation,
)
from ml.common.binary_scorecard import build_document
from ml.common.gates import FrameRoles, run_frame_gate
from ml.common.report import write


class TrainingGateError(RuntimeError):
    """The training frame failed its data-quality gate: nothing was trained."""

    def __init__(self, outcome: GateOutcome) -> None:
        self.outcome = outcome
        super().__init__("Training blocked by the data-quality gate: " + "; ".join(outcome.failures))


@dataclass
class BinaryRunResult:
    version: str
    folder: Path
    scorecard: Path
    result: EvaluationResult


def gate_rows(outcome: GateOutcome) -> list[dict[str, object]]:
    return [{k: r.get(k) for k in ("expectation", "column", "success", "observed")} for r in outcome.results]


def production_model(home: Path, model_name: str) -> tuple[str, object] | None:
    """The version in production and its fitted champion, if any."""
    folder = versioning.champion_folder(home, model_name)
    if folder is None or not folder.is_dir():
        return None
    return folder.name, load_models(folder).champion


def run_binary(
    home: Path,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    roles: FrameRoles,
    cfg: BinaryTrainingConfig,
    context: ModelContext,
) -> BinaryRunResult:
    """Gate the frame, fit both models, evaluate on the holdout, write the version and its scorecard."""
    frame = pd.concat([train, holdout], ignore_index=True)
    outcome = run_frame_gate(frame[roles.columns], roles, cfg.gate)
    if not outcome.passed:
        raise TrainingGateError(outcome)
    context.data_quality = gate_rows(outcome)
    version = versioning.new_version(versioning.frame_fingerprint(frame))
    folder = versioning.model_root(home, context.model_name) / version
    models = train_models(train, roles, cfg, context.reason_codes)
    save_models(folder, models)
    result = evaluate_models(
        models, train, holdout, roles, cfg, version, production_model(home, context.model_name)
    )
    write_evaluation(folder, result, models, train, roles)
    meta = metadata(version, roles, train, holdout, cfg, context, models, result)
    html = build_document(context, cfg, models, result, meta, train, holdout, roles)
    scorecard = write(folder / SCORECARD_HTML, html)
    meta["scorecard_sha256"] = versioning.file_sha256(scorecard)
    versioning.write_json_atomic(folder / versioning.METADATA_FILE, meta)
    versioning.record_decision(home, context.model_name, {**result.decision.as_dict(), "version": version})
    return BinaryRunResult(version, folder, scorecard, result)
