"""Per-label metrics shared by training manifests and `moderation eval`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models.labels import LABELS


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall, F1 (NaN where undefined)."""
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if tp and p + r else 0.0
    return p, r, f


def pr_auc(y: np.ndarray, scores: np.ndarray) -> float:
    """Average precision (area under the precision-recall curve, step-wise)."""
    pos = int(y.sum())
    if pos == 0:
        return float("nan")
    order = np.argsort(-scores, kind="stable")
    hits = y[order].astype(np.float64)
    tp = np.cumsum(hits)
    precision = tp / np.arange(1, len(y) + 1)
    return float((precision * hits).sum() / pos)


def ece(y: np.ndarray, probs: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error with equal-width bins."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum() * abs(probs[m].mean() - y[m].mean())
    return float(total / max(len(y), 1))


def label_metrics(y: np.ndarray, probs: np.ndarray, threshold: float = 0.5,
                  labels: tuple[str, ...] = LABELS) -> dict[str, Any]:
    """{label: {support, precision, recall, f1, pr_auc, ece}} at a threshold."""
    out: dict[str, Any] = {}
    for j, label in enumerate(labels):
        yj, pj = y[:, j].astype(bool), probs[:, j]
        pred = pj >= threshold
        p, r, f = prf(float((pred & yj).sum()), float((pred & ~yj).sum()), float((~pred & yj).sum()))
        out[label] = {"support": int(yj.sum()), "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                      "pr_auc": round(pr_auc(yj, pj), 4), "ece": round(ece(yj, pj), 4)}
    return out
