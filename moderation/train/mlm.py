"""Plain text for masked-LM pretraining, from *ship*-licensed data only (see ../shared/data/README.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

_SENTENCE_END = re.compile(r"(?<=[。！？；\n])")
SHIP_SOURCES = ("gaokao_bench", "ape210k", "cmath/distractor.jsonl", "chalkbase_bnu_primary_math/exercises.jsonl")


def _chunks(text: str, size: int = 90) -> Iterator[str]:
    """Sentence-aligned pieces of at most ``size`` characters."""
    buf = ""
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        if len(buf) + len(sentence) > size and buf:
            yield buf
            buf = ""
        buf += sentence[:size]
    if buf:
        yield buf


def _strings(obj) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def mlm_texts(data_dir: str | Path) -> list[str]:
    """Chunks of 高考 questions and analyses, primary math problems and exercises (all *ship* data)."""
    data_dir = Path(data_dir)
    out: list[str] = []
    for path in sorted((data_dir / "gaokao_bench").glob("*.json")):
        for ex in json.loads(path.read_text(encoding="utf-8")).get("example", []):
            for field in ("question", "analysis"):
                out.extend(_chunks(str(ex.get(field) or "")))
    for path in sorted((data_dir / "ape210k").glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            out.extend(json.loads(line)["original_text"] for line in fh if line.strip())
    for rel in ("cmath/distractor.jsonl", "chalkbase_bnu_primary_math/exercises.jsonl"):
        path = data_dir / rel
        if path.is_file():
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        for s in _strings(json.loads(line)):
                            if len(s) >= 8 and not s.isascii():
                                out.extend(_chunks(s))
    return out
