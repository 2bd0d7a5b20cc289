"""One whole anomaly model run in a single call: gate, train, evaluate, document, decide."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ml.anomaly.pipeline import (
    AnomalyContext,
    AnomalyRun,
    AnomalyTrainingConfig,
    metadata,
    production_detector,
    save_run,
    train_and_evaluate,
)
from ml.anomaly.scorecard import build_document
from ml.common import versioning
from ml.common.binary_run import TrainingGateError, gate_rows
from ml.common.gates import FrameGateConfig, FrameRoles, run_frame_gate
from ml.common.report import write


@dataclass
class AnomalyRunResult:
    version: str
    folder: Path
    scorecard: Path
    run: AnomalyRun


def run_anomaly(
    home: Path,
    frame: pd.DataFrame,
    roles: FrameRoles,
    cfg: AnomalyTrainingConfig,
    context: AnomalyContext,
    typologies: pd.DataFrame | None,
    day: str,
    gate: FrameGateConfig | None = None,
) -> AnomalyRunResult:
    outcome = run_frame_gate(frame[roles.columns], roles, gate or FrameGateConfig(min_rows=100))
    if not outcome.passed:
        raise TrainingGateError(outcome)
    context.data_quality = gate_rows(outcome)
    features = list(roles.features)
    run = train_and_evaluate(
        frame, features, cfg, typologies, production_detector(home, context.model_name), day
    )
    version = versioning.new_version(versioning.frame_fingerprint(frame[[day, *features]]))
    folder = versioning.model_root(home, context.model_name) / version
    save_run(folder, run)
    meta = metadata(version, frame, features, cfg, context, run, day)
    scorecard = write(
        folder / "scorecard.html", build_document(context, cfg, run, meta, frame, features, day)
    )
    meta["scorecard_sha256"] = versioning.file_sha256(scorecard)
    versioning.write_json_atomic(folder / versioning.METADATA_FILE, meta)
    versioning.record_decision(
        home, context.model_name, {"promote": run.promote, "reasons": run.reasons, "version": version}
    )
    return AnomalyRunResult(version, folder, scorecard, run)
