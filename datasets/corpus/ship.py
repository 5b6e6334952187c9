"""Hard negatives and MLM text from *ship*-licensed real data in ../shared/data (see its README.md).

Only these sources are read: gaokao_bench, ape210k, cmath/distractor.jsonl, chalkbase_bnu_primary_math,
pep_math_toc. Eval/dev-only sets (SMS, headlines, C-Eval, CMMLU, k12_level_questions.csv) are never opened here.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[2]
SHIP_SOURCES: tuple[str, ...] = ("gaokao_bench", "ape210k", "cmath_distractor", "chalkbase", "pep_math_toc")


def data_dir(explicit: str | Path | None = None) -> Path | None:
    """The shared data folder: ``explicit``, $MODERATION_DATA_DIR, ../shared/data or ../../shared/data."""
    cands = [explicit, os.environ.get("MODERATION_DATA_DIR"), ROOT.parent / "shared" / "data",
             ROOT.parent.parent / "shared" / "data"]
    for c in cands:
        if c and Path(c).is_dir():
            return Path(c)
    return None


def _bucket(key: str, n: int) -> int:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % n


_WS = re.compile(r"\s+")


def _clip(text: str, limit: int) -> str:
    """Collapse whitespace; cut at the last sentence end before ``limit`` characters."""
    t = _WS.sub(" ", text).strip()
    if len(t) <= limit:
        return t
    cut = t[:limit]
    ends = [cut.rfind(c) for c in "。？！；?!"]
    end = max(ends)
    return cut[: end + 1] if end >= limit // 3 else cut


def gaokao(d: Path, full: bool = False) -> Iterator[tuple[str, str, str]]:
    """(text, group, dataset) per question (and analysis when ``full``)."""
    for f in sorted((d / "gaokao_bench").glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        for ex in doc.get("example", []):
            q = str(ex.get("question", ""))
            if full:
                yield _WS.sub(" ", q).strip(), f.stem, "gaokao_bench"
                a = str(ex.get("analysis", ""))
                if a.strip():
                    yield _WS.sub(" ", a).strip(), f.stem, "gaokao_bench"
            else:
                yield _clip(q, 160), f"gaokao_bench:{f.stem}", "gaokao_bench"


def ape210k(d: Path) -> Iterator[tuple[str, str, str]]:
    for f in sorted((d / "ape210k").glob("*.jsonl")):
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                ex = json.loads(line)
                yield ex["original_text"], f"ape210k:{_bucket(ex['id'], 40)}", "ape210k"


def cmath_distractor(d: Path) -> Iterator[tuple[str, str, str]]:
    with (d / "cmath" / "distractor.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            ex = json.loads(line)
            # variants of one problem share a group so they never straddle splits
            yield ex["input"], f"cmath_distractor:{_bucket(ex['original'], 20)}", "cmath_distractor"


def chalkbase(d: Path) -> Iterator[tuple[str, str, str]]:
    base = d / "chalkbase_bnu_primary_math"
    with (base / "lessons.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            yield row["summary"], f"chalkbase:g{row['grade']}{row['semester']}", "chalkbase"
    with (base / "knowledge_points_first_grade.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            yield f"{row['name']}：{row['description']}", f"chalkbase:kp{row['first_grade']}", "chalkbase"
    with (base / "exercises.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            ex = json.loads(line)
            yield ex["text"], f"chalkbase:{ex['lesson_id']}", "chalkbase"


def pep_toc(d: Path) -> Iterator[tuple[str, str, str]]:
    with (d / "pep_math_toc" / "pep_math_toc.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            title = row["title"].split(":", 1)[-1].strip()
            yield f"{row['stage']}{row['grade']}{row['volume']} {title}", f"pep_math_toc:{row['book_key']}", "pep_math_toc"


READERS = {"gaokao_bench": gaokao, "ape210k": ape210k, "cmath_distractor": cmath_distractor,
           "chalkbase": chalkbase, "pep_math_toc": pep_toc}
