"""Drift monitoring: PSI of the live scores against the champion's training distribution.

The latest day's credit scores are binned on the training score's deciles (score_reference.json of
the champion version); the anomaly scores of the latest alert day's account-days on the training
anomaly scores. A PSI from 0.10 is a warning, from 0.25 an error: the check is the alert.
"""

import json
from pathlib import Path
from typing import Any

import dagster as dg
import numpy as np
import pandas as pd

from ml.common import lake_output, versioning
from ml.common.psi import MAJOR_SHIFT, MINOR_SHIFT, bin_shares, psi_from_shares, stability_band
from orchestration.resources import LakeSettings

KEY = dg.AssetKey(["ml", "score_drift"])
LOG = "drift.jsonl"


def latest_day_file(root: Path) -> Path | None:
    files = sorted(p for p in root.glob("*=*/part-0.parquet"))
    return files[-1] if files else None


def credit_drift(home: Path) -> dict[str, Any]:
    folder = versioning.champion_folder(home, "credit_score")
    latest = latest_day_file(lake_output.credit_scores_dir(home))
    if folder is None or latest is None:
        return {"status": "no champion or no scores yet"}
    ref = json.loads((folder / "score_reference.json").read_text())
    live = pd.read_parquet(latest)
    if live.empty:
        return {"status": f"no scores in {latest.parent.name}"}
    edges = np.asarray(ref["edges"])
    value = psi_from_shares(np.asarray(ref["shares"]), bin_shares(live["score"].to_numpy(dtype=float), edges))
    return {
        "status": "ok",
        "day": latest.parent.name,
        "psi": value,
        "band": stability_band(value),
        "rows": len(live),
        "version": folder.name,
    }


def band_severity(value: float) -> tuple[bool, dg.AssetCheckSeverity]:
    if value >= MAJOR_SHIFT:
        return False, dg.AssetCheckSeverity.ERROR
    if value >= MINOR_SHIFT:
        return False, dg.AssetCheckSeverity.WARN
    return True, dg.AssetCheckSeverity.WARN


@dg.asset(
    key=KEY,
    group_name="ml",
    deps=[["ml", "credit_score", "daily_scores"]],
    description="PSI of the latest daily credit scores against the champion's training score distribution, "
    "appended to <home>/ml/monitoring/drift.jsonl.",
)
def score_drift(context: dg.AssetExecutionContext, settings: LakeSettings) -> dg.Output[dict[str, Any]]:
    home = settings.paths.home
    record = {"credit_score": credit_drift(home), "checked_at": pd.Timestamp.now(tz="UTC").isoformat()}
    log = versioning.ml_root(home) / "monitoring" / LOG
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=str) + "\n")
    credit = record["credit_score"]
    if "psi" in credit and credit["psi"] >= MINOR_SHIFT:
        context.log.warning(
            f"Credit score drift: PSI {credit['psi']:.3f} ({credit['band']}) on {credit['day']}"
        )
    return dg.Output(
        record,
        metadata={
            "credit_psi": float(credit.get("psi", float("nan"))),
            "credit_band": str(credit.get("band", credit.get("status"))),
        },
    )


@dg.asset_check(
    asset=KEY,
    name="credit_score_psi_within_band",
    description=(
        "Alert: the live credit-score PSI against training is below 0.10 (passes), 0.10–0.25 "
        "(warning), "
        "or from 0.25 (error: review or redevelop)."
    ),
)
def credit_score_psi_within_band(score_drift: dict[str, Any]) -> dg.AssetCheckResult:
    credit = score_drift["credit_score"]
    if "psi" not in credit:
        return dg.AssetCheckResult(passed=True, description=f"Nothing to compare: {credit['status']}.")
    passed, severity = band_severity(credit["psi"])
    return dg.AssetCheckResult(
        passed=passed,
        severity=severity,
        description=f"PSI {credit['psi']:.4f} on {credit['day']} against training: {credit['band']}.",
        metadata={"psi": credit["psi"], "day": credit["day"], "champion": credit["version"]},
    )
