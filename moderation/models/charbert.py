"""T2: a compact character-level BERT served through onnxruntime (int8 by default)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from ..normalize import NormalizedText
from .artifact import Artifact, load_artifact
from .features import char_sequence
from .linear import sigmoid

KIND = "text-charbert"
SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD, UNK, CLS, SEP, MASK = range(5)


class CharVocab:
    """Character → id, with the five BERT special tokens first."""

    def __init__(self, tokens: Sequence[str]) -> None:
        if tuple(tokens[: len(SPECIALS)]) != SPECIALS:
            raise ValueError("vocabulary must start with " + " ".join(SPECIALS))
        self.tokens = list(tokens)
        self.index = {t: i for i, t in enumerate(self.tokens)}

    @classmethod
    def load(cls, path: str | Path) -> "CharVocab":
        return cls(Path(path).read_text(encoding="utf-8").split("\n")[:-1])

    def save(self, path: str | Path) -> None:
        Path(path).write_text("".join(t + "\n" for t in self.tokens), encoding="utf-8")

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, chars: str, max_len: int) -> list[int]:
        """[CLS] chars… [SEP], truncated to ``max_len`` ids."""
        get = self.index.get
        return [CLS] + [get(c, UNK) for c in chars[: max_len - 2]] + [SEP]

    def batch(self, sequences: Sequence[str], max_len: int) -> tuple[np.ndarray, np.ndarray]:
        """Padded (input_ids, attention_mask) int64 arrays, padded to the longest in the batch."""
        encoded = [self.encode(s, max_len) for s in sequences]
        width = max((len(e) for e in encoded), default=2)
        ids = np.full((len(encoded), width), PAD, np.int64)
        mask = np.zeros((len(encoded), width), np.int64)
        for i, e in enumerate(encoded):
            ids[i, : len(e)] = e
            mask[i, : len(e)] = 1
        return ids, mask


class CharBertModel:
    """Runs the exported encoder + multi-label head; returns calibrated probabilities."""

    def __init__(self, artifact: Artifact, variant: str = "int8", threads: int | None = None) -> None:
        import onnxruntime as ort

        self.artifact = artifact
        self.variant = variant
        self.version = f"{artifact.name}@{artifact.version}:{variant}"
        m = artifact.manifest
        self.labels: list[str] = list(m["labels"])
        self.max_len = int(m["config"]["max_len"])
        self.vocab = CharVocab.load(artifact.file("vocab"))
        calib = m["calibration"]
        self.calib_a = np.asarray(calib["a"], np.float32)
        self.calib_b = np.asarray(calib["b"], np.float32)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or int(os.environ.get("MODERATION_ORT_THREADS", "1"))
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(artifact.file(f"onnx_{variant}")), opts,
                                            providers=["CPUExecutionProvider"])

    @classmethod
    def load(cls, folder: str | Path, variant: str = "int8", threads: int | None = None) -> "CharBertModel":
        return cls(load_artifact(folder, KIND), variant, threads)

    def logits(self, sequences: Sequence[str]) -> np.ndarray:
        """Raw logits for character sequences, shape (n, labels)."""
        if not sequences:
            return np.zeros((0, len(self.labels)), np.float32)
        ids, mask = self.vocab.batch(sequences, self.max_len)
        return self.session.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]

    def predict(self, nts: Sequence[NormalizedText], batch_size: int = 64) -> np.ndarray:
        """Calibrated probabilities, shape (texts, labels); batches sorted by length to limit padding."""
        seqs = [char_sequence(nt) for nt in nts]
        out = np.zeros((len(seqs), len(self.labels)), np.float32)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        for k in range(0, len(order), batch_size):
            chunk = order[k : k + batch_size]
            out[chunk] = self.logits([seqs[i] for i in chunk])
        return sigmoid(self.calib_a * out + self.calib_b)
