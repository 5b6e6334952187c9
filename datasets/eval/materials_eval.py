"""Evaluate the 超前/超标 analyzer on data it was not built from.

1. C-Eval K-12 (ceval_k12_devval.csv, eval/dev only): every question (stem + options) is analysed as a grade-9
   material of its own subject. A senior-high question should be flagged ahead_of_grade or beyond_curriculum
   (recall), a junior-high one should not (false-flag rate). The KB was written without reading the val split;
   the 40 dev questions were looked at while writing entries, so dev and val are reported separately.
2. CMATH (cmath_dev_half.jsonl, grades 1-6): each problem declared for its own grade should not be flagged; a
   grade-g problem declared for grade g-3 should be (only g >= 4 can be declared g-3: grades 1-3 are skipped).
   The KB is not built from CMATH; entries were adjusted after looking at the *even* rows only, so even ("tune")
   and odd ("held-out") rows are reported separately.

    python datasets/eval/materials_eval.py [--data ../shared/data] [--json out.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from moderation.curriculum import MaterialAnalyzer  # noqa: E402
from moderation.documents import Extraction, Passage  # noqa: E402

_SUBJECT = {"mathematics": "math"}


def default_data_dir() -> Path:
    """$MODERATION_DATA_DIR, else ../shared/data beside the checkout (or beside its worktree folder)."""
    if os.environ.get("MODERATION_DATA_DIR"):
        return Path(os.environ["MODERATION_DATA_DIR"])
    for candidate in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"):
        if (candidate / "ceval").is_dir():
            return candidate
    return ROOT.parent / "shared" / "data"


def flagged(analyzer: MaterialAnalyzer, text: str, grade: int, subject: str | None) -> bool:
    """Is a one-passage material flagged ahead_of_grade or beyond_curriculum at this declared grade?"""
    ex = Extraction(kind="text", pages=1, passages=[Passage(text, {"kind": "document", "paragraph": 1})])
    report = analyzer.analyze(ex, grade=grade, subject=subject)
    cats = report["categories"]
    return cats["ahead_of_grade"]["flagged"] or cats["beyond_curriculum"]["flagged"]


def eval_ceval(analyzer: MaterialAnalyzer, data: Path) -> dict:
    rows = list(csv.DictReader((data / "ceval" / "ceval_k12_devval.csv").open(encoding="utf-8")))
    counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        subject = _SUBJECT.get(row["subject"], row["subject"])
        text = row["question"] + "\n" + "\n".join(f"{k}. {row[k]}" for k in "ABCD" if row.get(k))
        hit = flagged(analyzer, text, 9, subject)
        for split in (row["split"], "all"):
            for subj in (subject, "ALL"):
                c = counts[(split, subj, row["level"])]
                c[0] += hit
                c[1] += 1
    out: dict = {}
    for (split, subj, level), (hit, n) in sorted(counts.items()):
        key = "senior_recall" if level == "senior_high" else "junior_flagged"
        out.setdefault(split, {}).setdefault(subj, {})[key] = round(hit / n, 3)
        out[split][subj][key.split("_")[0] + "_n"] = n
    return out


def eval_cmath(analyzer: MaterialAnalyzer, data: Path) -> dict:
    rows = [json.loads(line) for line in (data / "cmath" / "cmath_dev_half.jsonl").open(encoding="utf-8")]
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for i, row in enumerate(rows):
        part = "tune_even" if i % 2 == 0 else "heldout_odd"
        g = int(row["grade"])
        own = flagged(analyzer, row["input"], g, "math")
        for p in (part, "all"):
            for key in (f"own_grade_flagged.g{g}", "own_grade_flagged"):
                counts[(p, key)][0] += own
                counts[(p, key)][1] += 1
        if g >= 4:
            low = flagged(analyzer, row["input"], g - 3, "math")
            for p in (part, "all"):
                for key in (f"minus3_flagged.g{g}", "minus3_flagged"):
                    counts[(p, key)][0] += low
                    counts[(p, key)][1] += 1
    out: dict = {}
    for (part, key), (hit, n) in sorted(counts.items()):
        out.setdefault(part, {})[key] = round(hit / n, 3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=None, help="the shared data directory (default: ../shared/data)")
    ap.add_argument("--json", help="also write the figures as JSON here")
    args = ap.parse_args()
    data = Path(args.data) if args.data else default_data_dir()
    if not (data / "ceval").is_dir():
        print(f"materials_eval: error: no data at {data}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    analyzer = MaterialAnalyzer()
    result = {"ceval_grade9": eval_ceval(analyzer, data), "cmath": eval_cmath(analyzer, data)}
    result["seconds"] = round(time.perf_counter() - t0, 1)
    print("C-Eval as grade-9 material: senior recall (want >= 0.85) / junior flagged (want <= 0.10)")
    for split in ("dev", "val", "all"):
        for subj, v in sorted(result["ceval_grade9"][split].items()):
            print(f"  {split:4s} {subj:10s} senior {v.get('senior_recall', float('nan')):.3f} (n={v.get('senior_n', 0):3d})"
                  f"  junior {v.get('junior_flagged', float('nan')):.3f} (n={v.get('junior_n', 0):3d})")
    print("CMATH: own grade flagged (want <= 0.05) / declared g-3 flagged (want >= 0.7)")
    for part in ("tune_even", "heldout_odd", "all"):
        v = result["cmath"][part]
        per = " ".join(f"g{g}:{v.get(f'own_grade_flagged.g{g}', 0):.2f}" for g in range(1, 7))
        low = " ".join(f"g{g}:{v.get(f'minus3_flagged.g{g}', 0):.2f}" for g in range(4, 7))
        print(f"  {part:11s} own {v['own_grade_flagged']:.3f} [{per}]  g-3 {v['minus3_flagged']:.3f} [{low}]")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
