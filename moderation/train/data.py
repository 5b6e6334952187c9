"""Reading a labelled corpus split (JSONL) into texts and a label matrix."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from ..models.labels import LABELS, label_vector


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """All records of a JSONL file (blank lines skipped)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def split(corpus: str | Path, name: str) -> tuple[list[str], np.ndarray, list[dict[str, Any]]]:
    """(texts, Y of shape (n, len(LABELS)), records) for ``<corpus>/<name>.jsonl``."""
    records = read_jsonl(Path(corpus) / f"{name}.jsonl")
    texts = [r["text"] for r in records]
    y = np.array([label_vector(r) for r in records], dtype=np.int8).reshape(len(records), len(LABELS))
    return texts, y, records


def file_sha256(*paths: str | Path) -> str:
    """One sha256 over the given files' bytes, in order (the training-data hash in manifests)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes())
    return h.hexdigest()
