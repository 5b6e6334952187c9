"""Train T1: TF-IDF over character n-grams + jieba words, one logistic regression per label, Platt-calibrated on dev."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from ..models.artifact import write_manifest
from ..models.features import linear_tokens
from ..models.labels import LABELS
from ..models.linear import KIND
from ..normalize import normalize
from .data import file_sha256, split
from .metrics import label_metrics

DEFAULTS = {"max_n": 3, "min_df": 2, "max_features": 80_000, "C": 4.0}


def _tokens(texts: list[str], max_n: int, desc: str) -> list[list[str]]:
    return [linear_tokens(normalize(t), max_n) for t in tqdm(texts, desc=desc, unit="text", leave=False)]


def _platt(margins: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit p = sigmoid(a*z + b) on held-out margins; identity-ish fallback when a class is missing."""
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():
        return 1.0, 0.0
    lr = LogisticRegression(C=1e4, max_iter=1000).fit(margins.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def train_linear(corpus: str | Path, out: str | Path, seed: int = 20261122, **overrides: Any) -> dict[str, Any]:
    """Fit, calibrate, measure on the test split and write the artifact folder; returns the manifest."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    cfg = {**DEFAULTS, **overrides}
    corpus, out = Path(corpus), Path(out)
    started = time.perf_counter()
    tr_texts, y_tr, _ = split(corpus, "train")
    dv_texts, y_dv, _ = split(corpus, "dev")
    te_texts, y_te, _ = split(corpus, "test")
    vec = TfidfVectorizer(analyzer=lambda toks: toks, min_df=cfg["min_df"], max_features=cfg["max_features"],
                          sublinear_tf=True, dtype=np.float32)
    x_tr = vec.fit_transform(_tokens(tr_texts, cfg["max_n"], "tokenise train"))
    x_dv = vec.transform(_tokens(dv_texts, cfg["max_n"], "tokenise dev"))
    x_te = vec.transform(_tokens(te_texts, cfg["max_n"], "tokenise test"))
    n_feat = x_tr.shape[1]
    coef = np.zeros((n_feat, len(LABELS)), np.float32)
    intercept = np.zeros(len(LABELS), np.float32)
    calib = np.zeros((2, len(LABELS)), np.float32)
    for j, label in enumerate(tqdm(LABELS, desc="fit labels", unit="label")):
        y = y_tr[:, j]
        if y.min() == y.max():
            intercept[j] = 8.0 if y[0] else -8.0
            calib[:, j] = (1.0, 0.0)
            continue
        lr = LogisticRegression(C=cfg["C"], solver="liblinear", class_weight="balanced", random_state=seed)
        lr.fit(x_tr, y)
        coef[:, j] = lr.coef_[0]
        intercept[j] = lr.intercept_[0]
        calib[:, j] = _platt(x_dv @ coef[:, j] + intercept[j], y_dv[:, j])
    probs_te = 1 / (1 + np.exp(-(calib[0] * (x_te @ coef + intercept) + calib[1])))
    metrics = {"test": label_metrics(y_te, probs_te), "sizes": {"train": len(tr_texts), "dev": len(dv_texts),
                                                                 "test": len(te_texts)}}
    out.mkdir(parents=True, exist_ok=True)
    vocab = {tok: int(i) for tok, i in vec.vocabulary_.items()}
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    np.savez_compressed(out / "weights.npz", idf=vec.idf_.astype(np.float32), coef=coef.astype(np.float16),
                        intercept=intercept, calib_a=calib[0], calib_b=calib[1])
    manifest = {
        "name": "text-linear", "kind": KIND, "version": f"{date.today():%Y.%m.%d}",
        "labels": list(LABELS), "config": {**cfg, "seed": seed},
        "training_data": {"corpus": str(corpus), "sha256": file_sha256(*(corpus / f"{s}.jsonl" for s in
                                                                        ("train", "dev", "test")))},
        "metrics": metrics, "train_seconds": round(time.perf_counter() - started, 1),
    }
    return write_manifest(out, manifest, {"vocab": "vocab.json", "weights": "weights.npz"})
