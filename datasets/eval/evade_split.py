"""Write an evasion-augmented copy of a labelled split: every text gets one evasion drawn from those that change it.

    python datasets/eval/evade_split.py build/corpus/test.jsonl -o out/eval/corpus_test_evaded.jsonl [--kind KIND]

Labels are kept as they are (``mark_disguised=False``), so per-category recall on the copy is comparable with the
clean split; compare with ``moderation eval`` on both files.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from datasets.corpus.evasion import KINDS, evade_record  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("split", type=Path)
    ap.add_argument("-o", "--out", type=Path, required=True)
    ap.add_argument("--kind", choices=KINDS, help="one evasion kind for every text (default: a random one each)")
    ap.add_argument("--seed", type=int, default=20261122)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    kinds = Counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.split, encoding="utf-8") as src, open(args.out, "w", encoding="utf-8") as dst:
        for line in src:
            if not line.strip():
                continue
            rec = json.loads(line)
            evaded = evade_record(rec, rng, [args.kind] if args.kind else None, mark_disguised=False)
            kinds.update(evaded.get("evasion") or ["unchanged"])
            dst.write(json.dumps(evaded, ensure_ascii=False) + "\n")
    print(f"{args.out}: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
