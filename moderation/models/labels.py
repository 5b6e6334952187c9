"""The outputs of the learned tiers: the seven ad categories, then stage and subject indicators."""

from __future__ import annotations

from typing import Any, Mapping

from ..categories import AD_CATEGORIES, STAGES

SUBJECTS: tuple[str, ...] = (
    "math", "chinese", "english", "physics", "chemistry", "biology", "history", "geography", "politics",
)
LABELS: tuple[str, ...] = (
    AD_CATEGORIES + tuple(f"stage:{s}" for s in STAGES) + tuple(f"subject:{s}" for s in SUBJECTS)
)


def label_vector(record: Mapping[str, Any]) -> list[int]:
    """0/1 targets in ``LABELS`` order for a corpus record ({'labels', 'stage', 'subjects'})."""
    labels = record.get("labels") or {}
    stage = record.get("stage") or "none"
    subjects = set(record.get("subjects") or ())
    out = [int(bool(labels.get(c, 0))) for c in AD_CATEGORIES]
    out += [int(stage == s) for s in STAGES]
    out += [int(s in subjects) for s in SUBJECTS]
    return out
