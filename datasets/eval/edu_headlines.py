"""False decisions on real education news headlines (THUCNews `education`, TNEWS `news_edu`): all should pass.

Headlines are *eval/dev only*; they are read from ../shared/data and never copied into the repo.

    python datasets/eval/edu_headlines.py [--data-dir ../shared/data] [--show 20]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import Counter
from pathlib import Path

from moderation.pipeline import Moderator


def headlines(data_dir: Path) -> dict[str, list[str]]:
    """Deduplicated education headlines per source."""
    out: dict[str, set[str]] = {"thucnews_education": set(), "tnews_news_edu": set()}
    with open(data_dir / "thucnews_titles" / "thucnews_titles.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["category"] == "education" and row["title"].strip():
                out["thucnews_education"].add(row["title"].strip())
    with open(data_dir / "tnews" / "tnews_labeled.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["label_desc"] == "news_edu" and row["sentence"].strip():
                out["tnews_news_edu"].add(row["sentence"].strip())
    return {k: sorted(v) for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path(os.environ.get("MODERATION_DATA_DIR", "../shared/data")))
    ap.add_argument("--policy", default="platform")
    ap.add_argument("--show", type=int, default=0, help="print this many blocked headlines per source")
    args = ap.parse_args(argv)
    if not (args.data_dir / "thucnews_titles").is_dir():
        print(f"error: no thucnews_titles under {args.data_dir}", file=sys.stderr)
        return 2
    moderator = Moderator()
    print("| source | headlines | block | review | false-block rate |\n|---|---|---|---|---|")
    for source, titles in headlines(args.data_dir).items():
        decisions = Counter()
        blocked = []
        for title in titles:
            d = moderator.moderate(title, policy=args.policy)["decision"]
            decisions[d] += 1
            if d == "block":
                blocked.append(title)
        print(f"| {source} | {len(titles)} | {decisions['block']} | {decisions['review']} | {decisions['block'] / len(titles):.2%} |")
        for title in blocked[: args.show]:
            print("   ", title, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
