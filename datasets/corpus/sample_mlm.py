"""Plain Chinese text for masked-LM pretraining: ship data (full text) plus the corpus train split.

    python -m datasets.corpus.sample_mlm --train build/corpus/train.jsonl --out build/corpus/mlm.txt

Never reads eval/dev-only data (see ship.py) nor the dev/test splits.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterator

from .ship import READERS, data_dir, gaokao


def mlm_texts(ddir: Path | None = None, train_path: Path | None = None, min_chars: int = 4) -> Iterator[str]:
    """Yield texts: gaokao questions and analyses, ape210k, cmath distractor, chalkbase, pep TOC, train split."""
    d = data_dir(ddir)
    if d is not None:
        for text, _, _ in gaokao(d, full=True):
            if len(text) >= min_chars:
                yield text
        for name in ("ape210k", "cmath_distractor", "chalkbase", "pep_math_toc"):
            for text, _, _ in READERS[name](d):
                if len(text) >= min_chars:
                    yield text
    if train_path is not None:
        with Path(train_path).open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec.get("split", "train") != "train":
                    raise ValueError(f"{train_path}: record {rec.get('id')} is not from the train split")
                yield rec["text"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m datasets.corpus.sample_mlm", description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=Path, default=None, help="train.jsonl from datasets.corpus.build")
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    if a.train is not None and not a.train.is_file():
        print(f"moderation: error: {a.train} not found", file=sys.stderr)
        return 2
    n = chars = 0
    a.out.parent.mkdir(parents=True, exist_ok=True)
    with a.out.open("w", encoding="utf-8") as fh:
        for t in mlm_texts(a.data_dir, a.train):
            t = t.replace("\n", " ")
            fh.write(t + "\n")
            n += 1
            chars += len(t)
    print(f"wrote {n} lines, {chars} characters to {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
