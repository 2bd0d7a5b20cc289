"""The anomaly model as Dagster assets: frame → candidate → scorecard → champion → daily alerts."""

import datetime as dt
from typing import Any

import dagster as dg
import pandas as pd

from ml.anomaly.checks import ROLES
from ml.anomaly.config import MODEL_NAME, AnomalyConfig
from ml.anomaly.evaluate import load_typologies
from ml.anomaly.features import (
    DESCRIPTIONS,
    EXPOSURE,
    FEATURES,
    FILLS,
    FUND_FLOWS,
    IDENTIFIER_USES,
    activity_days,
    build_features,
)
from ml.anomaly.pipeline import (
    AnomalyContext,
    metadata,
    production_detector,
    save_run,
    train_and_evaluate,
)
from ml.anomaly.scorecard import build_document
from ml.common import versioning
from ml.common.binary_run import gate_rows
from ml.common.gates import run_frame_gate
from ml.common.report import write
from ml.common.warehouse import connect_read_only, relation_fingerprint
from orchestration.dbt import WAREHOUSE_POOL
from orchestration.partitions import trading_day_partitions
from orchestration.resources import LakeSettings

PREFIX = ["ml", "anomaly"]
GROUP = "ml"
SOURCE_KEYS = [
    dg.AssetKey(["intermediate", "int_aml_fund_flows"]),
    dg.AssetKey(["intermediate", "int_aml_identifier_uses"]),
    dg.AssetKey(["intermediate", "int_aml_rule_parameters"]),
    dg.AssetKey(["staging", "stg_platform__fills"]),
    dg.AssetKey(["marts", "fct_account_exposure_daily"]),
]
TRUTH_FILE = "aml_typologies.csv"


@dg.asset(
    key=[*PREFIX, "training_frame"],
    group_name=GROUP,
    deps=SOURCE_KEYS,
    pool=WAREHOUSE_POOL,
    description="Account-day features of fund flows and trading over the whole history, each from data on or "
    "before its day.",
)
def anomaly_training_frame(
    context: dg.AssetExecutionContext, config: AnomalyConfig, settings: LakeSettings
) -> dg.Output[pd.DataFrame]:
    with connect_read_only(settings.paths.warehouse) as con:
        window = activity_days(con)
        frame = build_features(con, *window) if window else pd.DataFrame(columns=ROLES.columns)
        lineage = {
            rel: relation_fingerprint(con, rel) for rel in (FUND_FLOWS, FILLS, IDENTIFIER_USES, EXPOSURE)
        }
    frame.attrs["lineage"] = lineage
    frame.attrs["gate"] = config.gate()
    return dg.Output(
        frame, metadata={"rows": len(frame), "window": str(window), "lineage": dg.MetadataValue.json(lineage)}
    )


def _context(lineage: dict[str, Any], truth: str) -> AnomalyContext:
    return AnomalyContext(
        model_name=MODEL_NAME,
        title="Abnormal trading and fund flows (isolation forest)",
        purpose="Rank each day's account-days by how unusual their fund flows and trading are, so compliance "
        "analysts review the most abnormal ones first, with the features that made each one stand out.",
        sources=[FUND_FLOWS, FILLS, IDENTIFIER_USES, EXPOSURE],
        feature_descriptions=DESCRIPTIONS,
        limitations=[
            "Unsupervised: it finds the unusual, not the illicit; ordinary large but legitimate moves "
            "also rank high.",
            "Judged in-sample against the planted typologies of the sample platform (the detector never sees "
            "labels); a handful of typologies makes recall coarse.",
            "Typologies spread over many small moves across accounts (cycles) leave little trace on one "
            "account-day.",
        ],
        lineage=lineage,
        truth_source=truth,
    )


@dg.asset(
    key=[*PREFIX, "candidate"],
    group_name=GROUP,
    ins={"training_frame": dg.AssetIn(key=[*PREFIX, "training_frame"])},
    description=(
        "A fitted isolation forest and its baseline, judged under the daily alert budget "
        "(against the "
        "simulator's planted typologies when truth/ holds them) and compared with the champion on the "
        "same days."
    ),
)
def anomaly_candidate(
    context: dg.AssetExecutionContext,
    config: AnomalyConfig,
    settings: LakeSettings,
    training_frame: pd.DataFrame,
) -> dg.Output[dict[str, Any]]:
    home = settings.paths.home
    truth_path = settings.paths.truth / TRUTH_FILE
    typologies = load_typologies(truth_path) if truth_path.is_file() else None
    cfg = config.training()
    run = train_and_evaluate(
        training_frame, list(FEATURES), cfg, typologies, production_detector(home, MODEL_NAME)
    )
    version = versioning.new_version(
        versioning.frame_fingerprint(training_frame[["activity_date", *FEATURES]])
    )
    folder = versioning.model_root(home, MODEL_NAME) / version
    save_run(folder, run)
    versioning.save_artifact(folder, "run.joblib", run)
    ev = run.evaluation.summary()
    return dg.Output(
        {
            "version": version,
            "folder": str(folder),
            "truth": str(truth_path) if typologies is not None else "",
        },
        metadata={
            "version": version,
            "precision_at_budget": ev["precision_at_budget"],
            "typology_recall": ev["typology_recall"],
            "alerts": ev["alerts"],
            "recall_per_typology": dg.MetadataValue.json(ev["recall_per_typology"]),
        },
    )


@dg.asset(
    key=[*PREFIX, "scorecard"],
    group_name=GROUP,
    ins={
        "candidate": dg.AssetIn(key=[*PREFIX, "candidate"]),
        "training_frame": dg.AssetIn(key=[*PREFIX, "training_frame"]),
    },
    description=(
        "The anomaly model's scorecard (HTML): precision at the daily budget, recall per planted "
        "typology, "
        "explanations, stability, and the promotion decision."
    ),
)
def anomaly_scorecard(
    context: dg.AssetExecutionContext,
    config: AnomalyConfig,
    settings: LakeSettings,
    candidate: dict[str, Any],
    training_frame: pd.DataFrame,
) -> dg.Output[dict[str, Any]]:
    folder = versioning.model_root(settings.paths.home, MODEL_NAME) / candidate["version"]
    run = versioning.load_artifact(folder / "run.joblib")
    cfg = config.training()
    ctx = _context(training_frame.attrs.get("lineage", {}), candidate["truth"] or "none")
    ctx.data_quality = gate_rows(run_frame_gate(training_frame[ROLES.columns], ROLES, config.gate()))
    meta = metadata(candidate["version"], training_frame, list(FEATURES), cfg, ctx, run, "activity_date")
    meta["dagster_run_id"] = context.run_id
    path = write(
        folder / "scorecard.html",
        build_document(ctx, cfg, run, meta, training_frame, list(FEATURES), "activity_date"),
    )
    meta["scorecard_sha256"] = versioning.file_sha256(path)
    versioning.write_json_atomic(folder / versioning.METADATA_FILE, meta)
    decision = {
        "promote": run.promote,
        "reasons": run.reasons,
        "version": candidate["version"],
        "champion_version": run.production_version,
    }
    versioning.log_decision(settings.paths.home, MODEL_NAME, decision)
    return dg.Output(
        {"version": candidate["version"], "scorecard": str(path), "decision": decision},
        metadata={"scorecard": dg.MetadataValue.path(str(path)), "decision": " ".join(run.reasons)},
    )


@dg.asset(
    key=[*PREFIX, "champion"],
    group_name=GROUP,
    ins={"scorecard": dg.AssetIn(key=[*PREFIX, "scorecard"])},
    description="The anomaly champion pointer; moves only when the promotion gate passed.",
)
def anomaly_champion(
    context: dg.AssetExecutionContext, settings: LakeSettings, scorecard: dict[str, Any]
) -> dg.Output[dict[str, Any]]:
    decision = scorecard["decision"]
    if not decision.get("promote"):
        raise dg.Failure(f"Version {scorecard['version']} was not promoted: {' '.join(decision['reasons'])}")
    versioning.set_champion(settings.paths.home, MODEL_NAME, decision)
    return dg.Output(decision, metadata={"champion_version": scorecard["version"]})


@dg.asset(
    key=[*PREFIX, "daily_alerts"],
    group_name=GROUP,
    deps=[[*PREFIX, "champion"], *SOURCE_KEYS],
    partitions_def=trading_day_partitions(),
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
    description=(
        "The day's anomaly alerts under the daily budget, with SHAP reasons and evidence, as "
        "Parquet under "
        "<home>/ml/alerts/anomaly/alert_date=YYYY-MM-DD/ (read into compliance.fct_aml_alerts). "
        "Always written."
    ),
)
def anomaly_daily_alerts(context: dg.AssetExecutionContext, settings: LakeSettings) -> dg.MaterializeResult:
    from ml.anomaly.score import alert_day

    rows = 0
    for key in context.partition_keys:
        with connect_read_only(settings.paths.warehouse) as con:
            _, alerts = alert_day(con, settings.paths.home, dt.date.fromisoformat(key))
        rows += len(alerts)
    return dg.MaterializeResult(metadata={"alerts": rows, "days": len(context.partition_keys)})
