"""Load and validate the hand-written seed files (seeds/*.jsonl).

Line schema: ``{"text", "y": "subject,schedule" (label codes, "" for none), "stage", "subj"?, "ch"?, "lang"?,
"edu"?, "g"?}``; ``g`` ties lines into one split group (default: each line is its own group).
"""

from __future__ import annotations

import json
from pathlib import Path

from .common import STAGES, SUBJECT_KEYS, infer_subjects, is_education_ad, labels_from_codes, make_record, split_codes

SEEDS_DIR = Path(__file__).with_name("seeds")


class SeedError(ValueError):
    """A seed line breaks the schema or the labelling rules."""


def check_labels(y: dict[str, int], stage: str, where: str) -> None:
    """The structural rules of LABELLING.md that every labelled line must satisfy."""
    if y["prohibited_schedule"] and not y["subject_training_ad"]:
        raise SeedError(f"{where}: prohibited_schedule without subject_training_ad")
    if y["disguised_training"] and not y["subject_training_ad"]:
        raise SeedError(f"{where}: disguised_training without subject_training_ad")
    if stage == "adult" and (y["subject_training_ad"] or y["prohibited_schedule"] or y["disguised_training"]):
        raise SeedError(f"{where}: adult stage with K-12 subject labels")
    if y["subject_training_ad"] and stage == "preschool" and not y["prohibited_service"]:
        raise SeedError(f"{where}: preschool subject training must also be prohibited_service")
    if any(y.values()) and stage == "none" and (y["subject_training_ad"] or y["non_subject_training_ad"]):
        raise SeedError(f"{where}: a training ad needs an audience stage")


def load_seed_file(path: Path) -> list[dict]:
    """Records from one seed file (split not yet assigned)."""
    out = []
    stem = path.stem
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            where = f"{path.name}:{n}"
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                raise SeedError(f"{where}: bad JSON: {e}") from None
            text = d.get("text", "").strip()
            if not text:
                raise SeedError(f"{where}: empty text")
            try:
                y = labels_from_codes(split_codes(d.get("y", "")))
            except ValueError as e:
                raise SeedError(f"{where}: {e}") from None
            stage = d.get("stage", "none")
            if stage not in STAGES:
                raise SeedError(f"{where}: bad stage {stage!r}")
            check_labels(y, stage, where)
            edu = int(d["edu"]) if "edu" in d else is_education_ad(y, stage)
            subj = split_codes(d["subj"]) if "subj" in d else (infer_subjects(text) if edu else [])
            bad = [s for s in subj if s not in SUBJECT_KEYS]
            if bad:
                raise SeedError(f"{where}: unknown subjects {bad}")
            group = f"seed:{stem}:{d['g']}" if "g" in d else f"seed:{stem}:{n}"
            out.append(make_record(rid=f"seed-{stem}-{n}", text=text, labels=y, stage=stage, subjects=subj,
                                   channel=d.get("ch"), lang=d.get("lang"), source=f"seed:{stem}",
                                   group=group, edu=edu, family=f"seed:{stem}"))
    return out


def load_seeds(seeds_dir: Path = SEEDS_DIR) -> list[dict]:
    """All seed records, files in name order."""
    recs: list[dict] = []
    for f in sorted(seeds_dir.glob("*.jsonl")):
        recs.extend(load_seed_file(f))
    return recs
