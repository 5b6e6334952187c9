"""The curriculum knowledge base: data files under ``kb/`` → validated knowledge points.

Every entry names a knowledge point, its subject, the grade (1–12; 13 = beyond the senior-high standard:
competition or university content) and term in which the national curriculum first teaches it, the literal
forms (`terms`) and notation (`patterns`) that show it is being taught, and the `source` of that grade.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

KB_DIR = Path(__file__).parent / "kb"
SUBJECTS: tuple[str, ...] = ("math", "chinese", "english", "physics", "chemistry", "biology", "history",
                             "geography", "politics")
BEYOND_SENIOR = 13


class KBError(ValueError):
    """A knowledge-base file is malformed."""


@dataclass(frozen=True, slots=True)
class KnowledgePoint:
    """One curriculum fact: this point is first taught in this grade, according to this source."""

    id: str
    name: str
    subject: str
    grade: int
    term: str
    terms: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    source: str
    weight: float = 1.0

    def to_dict(self) -> dict:
        d = {"name": self.name, "subject": self.subject, "grade": self.grade, "source": self.source}
        if self.term:
            d["term"] = self.term
        if self.grade >= BEYOND_SENIOR:
            d["beyond_senior_standard"] = True
        return d


def _entry(raw: dict, defaults: dict, where: str) -> KnowledgePoint:
    spec = {**defaults, **raw}
    for key in ("name", "subject", "grade", "source"):
        if spec.get(key) in (None, ""):
            raise KBError(f"{where}: entry {raw.get('name', raw)!r} lacks {key!r}")
    if spec["subject"] not in SUBJECTS:
        raise KBError(f"{where}: {spec['name']!r}: unknown subject {spec['subject']!r}")
    grade = int(spec["grade"])
    if not 0 <= grade <= BEYOND_SENIOR:
        raise KBError(f"{where}: {spec['name']!r}: grade {grade} outside 0..{BEYOND_SENIOR}")
    terms = tuple(str(t) for t in spec.get("terms") or ())
    try:
        patterns = tuple(re.compile(p, re.IGNORECASE) for p in spec.get("patterns") or ())
    except re.error as exc:
        raise KBError(f"{where}: {spec['name']!r}: bad pattern: {exc}") from None
    if not terms and not patterns:
        raise KBError(f"{where}: {spec['name']!r} has neither terms nor patterns")
    return KnowledgePoint(
        id=str(spec.get("id") or f"{spec['subject']}.{spec['name']}"),
        name=str(spec["name"]), subject=spec["subject"], grade=grade, term=str(spec.get("term") or ""),
        terms=terms, patterns=patterns, source=str(spec["source"]), weight=float(spec.get("weight", 1.0)),
    )


def _load_file(path: Path) -> list[KnowledgePoint]:
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [_entry(r, {}, f"{path.name}:{i + 1}") for i, r in enumerate(rows)]
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    defaults = {k: data[k] for k in ("subject", "source", "term") if k in data}
    return [_entry(r, defaults, path.name) for r in data.get("entries") or ()]


@lru_cache(maxsize=4)
def load_kb(directory: str | None = None) -> tuple[KnowledgePoint, ...]:
    """All knowledge points in a KB directory (default: the embedded one), in file order."""
    root = Path(directory) if directory else KB_DIR
    entries: list[KnowledgePoint] = []
    for path in sorted(root.glob("*.jsonl")) + sorted(root.glob("*.yaml")):
        entries.extend(_load_file(path))
    ids = [e.id for e in entries]
    dupes = {i for i in ids if ids.count(i) > 1} if len(ids) != len(set(ids)) else set()
    if dupes:
        raise KBError(f"duplicate knowledge-point ids: {sorted(dupes)[:5]}")
    return tuple(entries)


@lru_cache(maxsize=4)
def load_vocab(directory: str | None = None) -> dict[str, int]:
    """English word → first PEP grade it appears in (10 = senior-high word lists)."""
    path = (Path(directory) if directory else KB_DIR) / "english_vocab.tsv"
    vocab: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        word, grade, *_ = line.split("\t")
        vocab[word] = min(int(grade), vocab.get(word, 99))
    return vocab
