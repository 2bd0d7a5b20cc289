"""The credit model as Dagster assets: frame → candidate → evaluation → scorecard → champion → scores.

Each step is an asset so the UI shows the lineage from the marts to the champion's daily scores;
the two gates (data quality on the frame, promotion on the scorecard) are blocking checks.
"""

from typing import Any

import dagster as dg
import pandas as pd

from assets.common.paths import PROJECT_ROOT
from ml.common import versioning
from ml.common.binary_pipeline import (
    EVALUATION_ARTIFACT,
    SCORECARD_HTML,
    ModelContext,
    evaluate_models,
    load_models,
    metadata,
    save_models,
    train_models,
    write_evaluation,
)
from ml.common.binary_run import gate_rows, production_model
from ml.common.binary_scorecard import build_document
from ml.common.gates import run_frame_gate
from ml.common.report import md_table, write
from ml.common.warehouse import connect_read_only
from ml.common.woe_scorecard import NoCharacteristicSelectedError
from ml.credit_score import labels
from ml.credit_score.config import MODEL_NAME, CreditScoreConfig
from ml.credit_score.dataset import TrainingFrame, build_training_frame
from ml.credit_score.features import DESCRIPTIONS, EXPOSURE, MARGIN_CALLS, REASON_CODES, REASON_TEXTS
from orchestration.dbt import WAREHOUSE_POOL
from orchestration.partitions import trading_day_partitions
from orchestration.resources import LakeSettings

PREFIX = ["ml", "credit_score"]
GROUP = "ml"
EXPOSURE_KEY = dg.AssetKey(["marts", "fct_account_exposure_daily"])
MARGIN_CALLS_KEY = dg.AssetKey(["marts", "fct_margin_calls"])
DELINQUENCY_KEY = dg.AssetKey(["marts", "fct_credit_delinquency_daily"])
DELINQUENCY_SQL = (
    PROJECT_ROOT / "dbt_project" / "models" / "marts" / "credit" / "fct_credit_delinquency_daily.sql"
)


def mart_deps() -> list[dg.AssetKey]:
    """The marts the features and labels read; the delinquency mart once the project has it."""
    deps = [EXPOSURE_KEY, MARGIN_CALLS_KEY]
    return [*deps, DELINQUENCY_KEY] if DELINQUENCY_SQL.is_file() else deps


def context_for(cfg: CreditScoreConfig, frame: pd.DataFrame, lineage: dict[str, Any]) -> ModelContext:
    train = frame[frame["sample"] == "train"]["observation_date"]
    holdout = frame[frame["sample"] == "holdout"]["observation_date"]
    return ModelContext(
        model_name=MODEL_NAME,
        title="Margin-account default PD (WoE scorecard)",
        purpose=(
            f"Probability that a margin account defaults within {cfg.horizon_days} trading days, for "
            "limit and "
            "haircut reviews, the ECL PD of the credit marts, and reason codes that explain a client's score."
        ),
        out_of_scope="Pricing, marketing, or any decision on a client without an analyst's review.",
        bad_definition=labels.DEFINITION.format(h=cfg.horizon_days, dpd=cfg.dpd_default_threshold),
        sources=[EXPOSURE, MARGIN_CALLS, "credit.fct_credit_delinquency_daily (when built)"],
        windows={
            "observation dates": "last trading day of each week",
            "train": f"{train.min()} .. {train.max()}" if len(train) else "",
            "out-of-time holdout": f"{holdout.min()} .. {holdout.max()}" if len(holdout) else "",
            "performance window": f"{cfg.horizon_days} trading days after each observation date",
        },
        limitations=[
            "Defaults are rare: the sample platform has a handful of defaulting accounts, most of them "
            "in one market "
            "sell-off, so bins are coarse and the holdout's confidence intervals are wide.",
            "Weekly observations of the same account are correlated; the bootstrap treats rows as "
            "independent, so "
            "the intervals are optimistic.",
            "The holdout shares default events with the last training weeks when a default falls within "
            "the horizon "
            "of both; out of time in observation dates, not fully in outcomes.",
            "Compensating control: haircuts and margin lines apply to every account regardless of the score.",
        ],
        feature_descriptions=DESCRIPTIONS,
        reason_codes=REASON_CODES,
        reason_texts=REASON_TEXTS,
        lineage=lineage,
    )


@dg.asset(
    key=[*PREFIX, "training_frame"],
    group_name=GROUP,
    deps=mart_deps(),
    pool=WAREHOUSE_POOL,
    description="Point-in-time features and default labels of every account at each weekly observation date, "
    "split out of time (train: earlier months, holdout: the last month of mature observations).",
)
def credit_training_frame(
    context: dg.AssetExecutionContext, config: CreditScoreConfig, settings: LakeSettings
) -> dg.Output[TrainingFrame]:
    with connect_read_only(settings.paths.warehouse) as con:
        tf = build_training_frame(
            con,
            config.horizon_days,
            config.holdout_months,
            config.dpd_default_threshold,
            config.holdout_observations,
        )
    tf.gate = config.training().gate
    frame = tf.frame
    by_sample = (
        frame.groupby("sample")["is_default"].agg(rows="size", bads="sum").reset_index()
        if len(frame)
        else None
    )
    return dg.Output(
        tf,
        metadata={
            "rows": len(frame),
            "bads": int(frame["is_default"].sum()) if len(frame) else 0,
            "samples": dg.MetadataValue.md(md_table(by_sample) if by_sample is not None else "empty"),
            "observation_dates": len(tf.observation_dates),
            "lineage": dg.MetadataValue.json(tf.lineage),
        },
    )


@dg.asset(
    key=[*PREFIX, "candidate"],
    group_name=GROUP,
    ins={"training_frame": dg.AssetIn(key=[*PREFIX, "training_frame"])},
    description=(
        "The fitted champion-type scorecard (monotone WoE bins + logistic regression + points) "
        "and the "
        "boosting challenger, saved in a new version folder under <home>/ml/credit_score/."
    ),
)
def credit_candidate(
    context: dg.AssetExecutionContext,
    config: CreditScoreConfig,
    settings: LakeSettings,
    training_frame: TrainingFrame,
) -> dg.Output[dict[str, Any]]:
    cfg = config.training()
    train = training_frame.train
    version = versioning.new_version(versioning.frame_fingerprint(training_frame.frame))
    folder = versioning.model_root(settings.paths.home, MODEL_NAME) / version
    try:
        models = train_models(train, training_frame.roles, cfg, REASON_CODES)
    except NoCharacteristicSelectedError as empty:
        # Not a crash: the data cannot support a scorecard yet. Say so, with each variable's fate.
        bads = int(train[training_frame.roles.target].sum())
        raise dg.Failure(
            description=(
                f"No scorecard was fitted: every characteristic was dropped by the selection funnel "
                f"({len(train)} training rows, {bads} defaults). Usually the sample holds too few "
                "defaults for any characteristic to reach the IV floor; the current champion stays."
            ),
            metadata={
                "training_rows": len(train),
                "training_defaults": bads,
                "funnel": dg.MetadataValue.md(md_table(pd.DataFrame(empty.funnel))),
            },
        ) from empty
    save_models(folder, models)
    training_frame.frame.to_parquet(folder / "training_frame.parquet", index=False)
    return dg.Output(
        {"version": version, "folder": str(folder)},
        metadata={
            "version": version,
            "folder": dg.MetadataValue.path(str(folder)),
            "selected": ", ".join(models.champion.selected),
            "points_table": dg.MetadataValue.md(
                md_table(models.champion.points_table()[["variable", "bin", "bads", "woe", "points"]])
            ),
        },
    )


@dg.asset(
    key=[*PREFIX, "evaluation"],
    group_name=GROUP,
    ins={
        "candidate": dg.AssetIn(key=[*PREFIX, "candidate"]),
        "training_frame": dg.AssetIn(key=[*PREFIX, "training_frame"]),
    },
    description=(
        "Candidate, challenger and current champion on the same out-of-time holdout: AUC/Gini/KS "
        "with "
        "bootstrap intervals, calibration, bands, PSI/CSI, IV, SHAP (additivity asserted), and the promotion "
        "decision."
    ),
)
def credit_evaluation(
    context: dg.AssetExecutionContext,
    config: CreditScoreConfig,
    settings: LakeSettings,
    candidate: dict[str, Any],
    training_frame: TrainingFrame,
) -> dg.Output[dict[str, Any]]:
    cfg = config.training()
    folder = versioning.model_root(settings.paths.home, MODEL_NAME) / candidate["version"]
    models = load_models(folder)
    train, holdout = training_frame.train, training_frame.holdout
    production = production_model(settings.paths.home, MODEL_NAME)
    result = evaluate_models(
        models, train, holdout, training_frame.roles, cfg, candidate["version"], production
    )
    write_evaluation(folder, result, models, train, training_frame.roles)
    metrics = result.metrics()
    return dg.Output(
        {**candidate, "metrics": metrics},
        metadata={
            "champion_auc": metrics["champion"]["auc"],
            "challenger_auc": metrics["challenger"]["auc"],
            "champion_ks": metrics["champion"]["ks"],
            "score_psi": metrics["champion"]["score_psi"],
            "decision": result.decision.summary,
        },
    )


@dg.asset(
    key=[*PREFIX, "scorecard"],
    group_name=GROUP,
    ins={
        "evaluation": dg.AssetIn(key=[*PREFIX, "evaluation"]),
        "training_frame": dg.AssetIn(key=[*PREFIX, "training_frame"]),
    },
    description="The committee's model scorecard: one self-contained HTML document per version, with the "
    "promotion decision and its reasons; metadata.json beside it records lineage and metrics.",
)
def credit_scorecard(
    context: dg.AssetExecutionContext,
    config: CreditScoreConfig,
    settings: LakeSettings,
    evaluation: dict[str, Any],
    training_frame: TrainingFrame,
) -> dg.Output[dict[str, Any]]:
    cfg = config.training()
    home = settings.paths.home
    folder = versioning.model_root(home, MODEL_NAME) / evaluation["version"]
    models = load_models(folder)
    train, holdout = training_frame.train, training_frame.holdout
    result = versioning.load_artifact(folder / EVALUATION_ARTIFACT)
    ctx = context_for(config, training_frame.frame, training_frame.lineage)
    ctx.data_quality = gate_rows(run_frame_gate(training_frame.frame, training_frame.roles, cfg.gate))
    meta = metadata(evaluation["version"], training_frame.roles, train, holdout, cfg, ctx, models, result)
    meta["horizon_days"] = config.horizon_days
    meta["dagster_run_id"] = context.run_id
    path = write(
        folder / SCORECARD_HTML,
        build_document(ctx, cfg, models, result, meta, train, holdout, training_frame.roles),
    )
    meta["scorecard_sha256"] = versioning.file_sha256(path)
    versioning.write_json_atomic(folder / versioning.METADATA_FILE, meta)
    decision = {**result.decision.as_dict(), "version": evaluation["version"]}
    versioning.log_decision(home, MODEL_NAME, decision)  # every decision; the pointer moves in champion
    return dg.Output(
        {"version": evaluation["version"], "scorecard": str(path), "decision": decision},
        metadata={
            "scorecard": dg.MetadataValue.path(str(path)),
            "decision": result.decision.summary,
            "holdout_auc": result.champion.summary["auc"],
        },
    )


@dg.asset(
    key=[*PREFIX, "champion"],
    group_name=GROUP,
    ins={"scorecard": dg.AssetIn(key=[*PREFIX, "scorecard"])},
    description=(
        "The champion pointer (<home>/ml/credit_score/champion.json). Runs only when the "
        "promotion gate "
        "passed; every decision is logged in promotions.jsonl."
    ),
)
def credit_champion(
    context: dg.AssetExecutionContext, settings: LakeSettings, scorecard: dict[str, Any]
) -> dg.Output[dict[str, Any]]:
    decision = scorecard["decision"]
    if not decision.get("promote"):
        raise dg.Failure(f"Version {scorecard['version']} was not promoted: {' '.join(decision['reasons'])}")
    versioning.set_champion(settings.paths.home, MODEL_NAME, decision)
    return dg.Output(decision, metadata={"champion_version": scorecard["version"]})


@dg.asset(
    key=[*PREFIX, "daily_scores"],
    group_name=GROUP,
    deps=[[*PREFIX, "champion"], *mart_deps()],
    partitions_def=trading_day_partitions(),
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
    description="PD, score, band and top-4 reason codes of every account with an exposure row on the trading "
    "day, by the current champion, as Parquet under <home>/ml/scores/credit/score_date=YYYY-MM-DD/ (the "
    "credit "
    "marts read PD from it). Always written, empty before the first champion.",
)
def credit_daily_scores(context: dg.AssetExecutionContext, settings: LakeSettings) -> dg.MaterializeResult:
    import datetime as dt

    from ml.credit_score.score import score_day

    written = []
    for key in context.partition_keys:
        with connect_read_only(settings.paths.warehouse) as con:
            path, scores = score_day(con, settings.paths.home, dt.date.fromisoformat(key))
        written.append((key, len(scores), str(path)))
    rows = sum(n for _, n, _ in written)
    return dg.MaterializeResult(
        metadata={
            "rows": rows,
            "files": dg.MetadataValue.json([w[2] for w in written][-5:]),
            "champion": str((versioning.champion(settings.paths.home, MODEL_NAME) or {}).get("version")),
        }
    )
