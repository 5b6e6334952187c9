"""The learned tiers together: T1 on every text, T2 where T1 is unsure (or always), fused with the rule scores."""

from __future__ import annotations

import copy
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from ..categories import AD_CATEGORIES, STAGES
from ..normalize import NormalizedText
from .charbert import KIND as CHARBERT_KIND, CharBertModel
from .labels import LABELS, SUBJECTS
from .linear import KIND as LINEAR_KIND, LinearModel

log = logging.getLogger("moderation.models")
DEFAULT_MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
T2_MODES = ("auto", "always", "never")
_AD = [LABELS.index(c) for c in AD_CATEGORIES]


@dataclass(frozen=True, slots=True)
class CascadeConfig:
    """When T2 runs (``auto``: some ad category's T1 probability in ``[low, high]``), how sure the models must be
    to block on their own, and to fill in stage/subjects the rules did not find."""

    low: float = 0.15
    high: float = 0.85
    model_only_block: float = 0.9
    attribute_min: float = 0.6


@dataclass(frozen=True, slots=True)
class ModelOutput:
    """Per-label probabilities for one text and the tiers that produced them."""

    probs: Mapping[str, float]
    tiers: tuple[str, ...]

    def stage(self, minimum: float) -> str | None:
        best = max(STAGES, key=lambda s: self.probs[f"stage:{s}"])
        return best if self.probs[f"stage:{best}"] >= minimum else None

    def subjects(self, minimum: float) -> list[str]:
        return [s for s in SUBJECTS if self.probs[f"subject:{s}"] >= minimum]


class TextModels:
    """Loads the shipped model artifacts once; scores batches of normalised texts."""

    def __init__(self, models_dir: str | Path, config: CascadeConfig | None = None,
                 t2_variant: str = "int8") -> None:
        models_dir = Path(models_dir)
        self.config = config or CascadeConfig()
        self.linear = LinearModel.load(models_dir / LINEAR_KIND)
        t2_dir = models_dir / CHARBERT_KIND
        self.charbert = CharBertModel.load(t2_dir, t2_variant) if (t2_dir / "manifest.json").is_file() else None
        for model in (self.linear, self.charbert):
            if model is not None and list(model.labels) != list(LABELS):
                raise ValueError(f"{model.version}: labels differ from this code's {len(LABELS)} labels")

    @classmethod
    def from_default(cls) -> "TextModels | None":
        """Models from $MODERATION_MODELS_DIR or the repository's ``models/``; None when none are there."""
        configured = os.environ.get("MODERATION_MODELS_DIR")
        if configured == "":
            return None
        folder = Path(configured) if configured else DEFAULT_MODELS_DIR
        if not (folder / LINEAR_KIND / "manifest.json").is_file():
            if configured:
                raise FileNotFoundError(f"MODERATION_MODELS_DIR={configured}: no {LINEAR_KIND} model there")
            log.warning("no trained models under %s: rules only", folder)
            return None
        return cls(folder)

    def without_t2(self) -> "TextModels":
        """The same models with the transformer tier switched off."""
        view = copy.copy(self)
        view.charbert = None
        return view

    @property
    def versions(self) -> dict[str, str]:
        out = {"t1": self.linear.version}
        if self.charbert is not None:
            out["t2"] = self.charbert.version
        return out

    def needs_t2(self, p1: np.ndarray) -> np.ndarray:
        """Rows whose ad-category T1 probabilities are inside the uncertainty band."""
        ad = p1[:, _AD]
        return ((ad >= self.config.low) & (ad <= self.config.high)).any(axis=1)

    def score(self, nts: Sequence[NormalizedText], t2: str = "auto") -> list[ModelOutput]:
        """T1 for all; T2 (averaged with T1) for the uncertain rows, all rows, or none."""
        p = self.linear.predict(nts)
        tiers = [("t1",)] * len(nts)
        if self.charbert is not None and t2 != "never" and len(nts):
            rows = np.arange(len(nts)) if t2 == "always" else np.flatnonzero(self.needs_t2(p))
            if len(rows):
                p2 = self.charbert.predict([nts[i] for i in rows])
                p[rows] = (p[rows] + p2) / 2.0
                for i in rows:
                    tiers[i] = ("t1", "t2")
        return [ModelOutput(dict(zip(LABELS, map(float, row))), tiers[i]) for i, row in enumerate(p)]

    def spans(self, nt: NormalizedText, category: str, top: int = 3) -> list[tuple[int, int, str]]:
        """Original-text spans of the T1 features that pushed ``category`` up most (for model-only evidence)."""
        out: list[tuple[int, int, str]] = []
        compact = nt.compact
        for token, _ in self.linear.explain(nt, category, top=top * 2):
            needle = token[2:] if token[:2] in ("w:", "e:") else token
            if "0" in needle or len(needle) < 2:
                continue
            pos = compact.find(needle)
            if pos < 0:
                continue
            start, end = nt.span_from_compact(pos, pos + len(needle))
            if all(end <= s or start >= e for s, e, _ in out):
                out.append((start, end, nt.original[start:end]))
            if len(out) == top:
                break
        return sorted(out)
