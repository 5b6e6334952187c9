"""T1: per-label calibrated linear models over TF-IDF character n-grams and jieba words (numpy only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np

from ..normalize import NormalizedText
from .artifact import Artifact, load_artifact
from .features import _jieba, linear_tokens

KIND = "text-linear"


class LinearModel:
    """Loads vocabulary, idf and weights from an artifact; scores normalised texts."""

    def __init__(self, artifact: Artifact) -> None:
        self.artifact = artifact
        self.version = f"{artifact.name}@{artifact.version}"
        self.labels: list[str] = list(artifact.manifest["labels"])
        self.max_n = int(artifact.manifest["config"]["max_n"])
        self.vocab: dict[str, int] = json.loads(artifact.file("vocab").read_text(encoding="utf-8"))
        weights = np.load(artifact.file("weights"), allow_pickle=False)
        self.idf = weights["idf"].astype(np.float32)
        self.coef = np.ascontiguousarray(weights["coef"], dtype=np.float32)  # (features, labels)
        self.intercept = weights["intercept"].astype(np.float32)
        self.calib_a = weights["calib_a"].astype(np.float32)
        self.calib_b = weights["calib_b"].astype(np.float32)
        _jieba()  # load the word dictionary now, not on the first request
        if self.coef.shape != (len(self.vocab), len(self.labels)):
            raise ValueError(f"{artifact.path}: weights shape {self.coef.shape} does not match vocabulary/labels")

    @classmethod
    def load(cls, folder: str | Path) -> "LinearModel":
        return cls(load_artifact(folder, KIND))

    def _vector(self, nt: NormalizedText) -> tuple[np.ndarray, np.ndarray]:
        """Sparse TF-IDF vector (indices, l2-normalised values) with sublinear tf."""
        counts: dict[int, int] = {}
        vocab = self.vocab
        for tok in linear_tokens(nt, self.max_n):
            j = vocab.get(tok)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        idx = np.fromiter(counts.keys(), np.int64, len(counts))
        tf = np.fromiter(counts.values(), np.float32, len(counts))
        values = (1.0 + np.log(tf)) * self.idf[idx]
        values /= max(float(np.linalg.norm(values)), 1e-12)
        return idx, values

    def margins(self, nt: NormalizedText) -> np.ndarray:
        """Raw decision values per label."""
        idx, values = self._vector(nt)
        return values @ self.coef[idx] + self.intercept

    def predict(self, nts: Sequence[NormalizedText]) -> np.ndarray:
        """Calibrated probabilities, shape (texts, labels)."""
        z = np.stack([self.margins(nt) for nt in nts]) if nts else np.zeros((0, len(self.labels)), np.float32)
        return sigmoid(self.calib_a * z + self.calib_b)

    def explain(self, nt: NormalizedText, label: str, top: int = 3) -> list[tuple[str, float]]:
        """The features that pushed ``label`` up the most, as (token, contribution)."""
        idx, values = self._vector(nt)
        if not len(idx):
            return []
        contrib = values * self.coef[idx, self.labels.index(label)]
        order = np.argsort(-contrib)[:top]
        inverse = self._inverse()
        return [(inverse[int(idx[i])], float(contrib[i])) for i in order if contrib[i] > 0]

    def _inverse(self) -> list[str]:
        if not hasattr(self, "_inv"):
            inv = [""] * len(self.vocab)
            for tok, j in self.vocab.items():
                inv[j] = tok
            self._inv = inv
        return self._inv


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, overflow-safe."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
