"""Model versions under <home>/ml/<model>/<version>/, the champion pointer, and data lineage.

A version folder holds everything needed to re-read a decision: the fitted artifacts (joblib),
metadata.json (data window, row counts, features, input fingerprints, metrics, decision, code
revision) and the scorecard HTML. champion.json names the version in production; promotions.jsonl
keeps every decision, promoted or not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import joblib

CHAMPION_FILE = "champion.json"
DECISIONS_FILE = "promotions.jsonl"
METADATA_FILE = "metadata.json"


def ml_root(home: Path) -> Path:
    return Path(home) / "ml"


def model_root(home: Path, model: str) -> Path:
    return ml_root(home) / model


def new_version(seed_text: str = "", now: dt.datetime | None = None) -> str:
    """A sortable, unique version id: UTC time plus a short digest of what was trained on."""
    now = now or dt.datetime.now(dt.UTC)
    digest = hashlib.sha256(f"{now.isoformat()}|{seed_text}".encode()).hexdigest()[:6]
    return f"v{now:%Y%m%dT%H%M%S}Z-{digest}"


def write_json_atomic(path: Path, doc: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2, sort_keys=True, default=_json_default)
    os.chmod(tmp, 0o644)  # mkstemp makes owner-only files; the lake's readers are analysts too
    os.replace(tmp, path)
    return path


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return str(value)


def save_artifact(folder: Path, name: str, obj: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
    os.close(fd)
    joblib.dump(obj, tmp)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path


def load_artifact(path: Path) -> Any:
    return joblib.load(path)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_metadata(folder: Path) -> dict[str, Any]:
    return json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))


def champion(home: Path, model: str) -> dict[str, Any] | None:
    """The pointer to the version in production, or None before the first promotion."""
    path = model_root(home, model) / CHAMPION_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def champion_folder(home: Path, model: str) -> Path | None:
    pointer = champion(home, model)
    return model_root(home, model) / pointer["version"] if pointer else None


def log_decision(home: Path, model: str, decision: dict[str, Any]) -> None:
    """Append a promotion decision, promoted or not, to the model's log."""
    root = model_root(home, model)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / DECISIONS_FILE, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(decision, sort_keys=True, default=_json_default) + "\n")


def set_champion(home: Path, model: str, decision: dict[str, Any]) -> None:
    """Move the champion pointer to the decision's version."""
    write_json_atomic(model_root(home, model) / CHAMPION_FILE, decision)


def record_decision(home: Path, model: str, decision: dict[str, Any]) -> None:
    """Log the decision; on a promotion, move the champion pointer."""
    log_decision(home, model, decision)
    if decision.get("promote"):
        set_champion(home, model, decision)


def code_revision(root: Path | None = None) -> str:
    """The git commit of the code that trained the model ('unknown' outside a checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root or Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def frame_fingerprint(frame: Any) -> str:
    """A content digest of a pandas frame, independent of row order."""
    import numpy as np
    import pandas as pd

    hashed = np.sort(pd.util.hash_pandas_object(frame, index=False).to_numpy())
    return hashlib.sha256(hashed.tobytes()).hexdigest()[:16]
