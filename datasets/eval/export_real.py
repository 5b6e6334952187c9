"""Write the real-text evaluation sets as labelled JSONL for `moderation eval` (outside the repo: they are eval-only).

    python datasets/eval/export_real.py [--data-dir ../shared/data] [--out out/eval]

* ``mudou_{heldout,dev,all}.jsonl`` — the team-labelled SMS sample (labels in ``mudou_sms_labels.jsonl``), each text
  with its stratum weight and a ``block`` gold (K-12 subject ad, or categories 3–7 in an education ad).
* ``headlines_{thucnews,tnews}.jsonl`` — deduplicated education news headlines, all labels 0 (hard negatives).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from edu_headlines import headlines  # noqa: E402
from mudou_sms import NET, in_split, unique_texts  # noqa: E402

from moderation.categories import AD_CATEGORIES  # noqa: E402

HERE = Path(__file__).parent


def mudou_records(data_dir: Path, split: str) -> list[dict]:
    """Labelled SMS of one split with weights (the random stratum stands for the texts outside the net)."""
    texts = unique_texts(data_dir)
    labels = [json.loads(x) for x in (HERE / "mudou_sms_labels.jsonl").read_text().splitlines() if x]
    labels = [lab for lab in labels if in_split(lab["sha1"], split)]
    rest_pop = sum(1 for h in texts if not NET.search(texts[h]) and in_split(h, split))
    rest_n = sum(1 for lab in labels if lab["stratum"] == "rest")
    out = []
    for lab in labels:
        block = lab["subject_training_ad"] or (lab["is_education_ad"] and any(lab[c] for c in AD_CATEGORIES[2:]))
        out.append({"id": lab["sha1"], "text": texts[lab["sha1"]], "labels": {c: lab[c] for c in AD_CATEGORIES},
                    "stage": lab["stage"], "block": int(bool(block)),
                    "weight": 1.0 if lab["stratum"] == "net" else rest_pop / rest_n})
    return out


def write(path: Path, records: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{path}: {len(records)} records", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path(os.environ.get("MODERATION_DATA_DIR", "../shared/data")))
    ap.add_argument("--out", type=Path, default=Path("out/eval"))
    args = ap.parse_args(argv)
    if not (args.data_dir / "mudou_spam_sms").is_dir():
        print(f"error: no mudou_spam_sms under {args.data_dir}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for split in ("heldout", "dev", "all"):
        write(args.out / f"mudou_{split}.jsonl", mudou_records(args.data_dir, split))
    zeros = dict.fromkeys(AD_CATEGORIES, 0)
    for source, titles in headlines(args.data_dir).items():
        write(args.out / f"headlines_{source.split('_')[0]}.jsonl",
              [{"id": f"{source}-{i}", "text": t, "labels": zeros, "block": 0} for i, t in enumerate(titles)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
