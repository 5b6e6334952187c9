"""Evaluate the decision engine on real SMS (mudou spam set, 2013–14) against the team's labels.

The texts are *eval/dev only* and stay in ``../shared/data``; this repo keeps only their sha1 and
labels (``mudou_sms_labels.jsonl``, guide in ``datasets/LABELLING.md``).

Sample design (stratified, reproducible with ``build_sample``): the 7,489 unique non-empty texts are
split by a broad education net (regex ``NET`` below). The net stratum (704 texts) is labelled in full;
400 texts are drawn at random (seed 20261122) from the 6,785 outside it. Population estimates weight the
rest stratum by 6,785 / 400.

    python datasets/eval/mudou_sms.py [--data-dir ../shared/data] [--policy platform] [--split heldout|dev|all]

While the rules were written, only errors on the ``dev`` half (sha1 ending 0–7) were looked at;
the ``heldout`` half (8–f) was never inspected, so its figures are the honest ones.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
import sys
from collections import Counter
from pathlib import Path

from moderation.categories import AD_CATEGORIES
from moderation.pipeline import Moderator

HERE = Path(__file__).parent
NET = re.compile(
    "课|班|教|考|培训|辅导|老师|孩子|家长|学生|英语|数学|语文|作文|补习|升学|年级|初中|高中|小学|幼儿|早教|名师|托管"
    "|夏令营|冬令营|留学|雅思|托福|学校|学习|成绩|提分|奥数"
)
SEED, REST_SAMPLE = 20261122, 400


def unique_texts(data_dir: Path) -> dict[str, str]:
    """sha1 → text for the deduplicated, stripped, non-empty SMS."""
    texts: dict[str, str] = {}
    for name in ("train.csv", "test.csv"):
        with open(data_dir / "mudou_spam_sms" / name, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                text = row["text"].strip()
                if text:
                    texts.setdefault(hashlib.sha1(text.encode()).hexdigest(), text)
    return texts


def build_sample(texts: dict[str, str]) -> tuple[list[str], list[str], int]:
    """(net sha1s, sampled rest sha1s, size of the rest population) — the labelled sample."""
    ordered = sorted(texts)
    net = [h for h in ordered if NET.search(texts[h])]
    rest = [h for h in ordered if not NET.search(texts[h])]
    rng = random.Random(SEED)
    return net, rng.sample(rest, REST_SAMPLE), len(rest)


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if tp and p + r else 0.0
    return p, r, f


def in_split(sha1: str, split: str) -> bool:
    """'dev' = sha1 ending 0-7 (errors inspected while writing rules); 'heldout' = 8-f (never inspected)."""
    if split == "all":
        return True
    return (sha1[-1] in "01234567") == (split == "dev")


def measure(data_dir: Path, policy: str, split: str = "all") -> dict:
    """Weighted precision/recall per category (and 'block'), per-rule precision, and the Markdown report."""
    texts = unique_texts(data_dir)
    labels = [json.loads(line) for line in (HERE / "mudou_sms_labels.jsonl").read_text().splitlines() if line]
    labels = [lab for lab in labels if in_split(lab["sha1"], split)]
    missing = [lab["sha1"] for lab in labels if lab["sha1"] not in texts]
    if missing:
        raise SystemExit(f"{len(missing)} labelled texts not found under {data_dir}")
    net_n = sum(1 for lab in labels if lab["stratum"] == "net")
    rest_pop = sum(1 for h in texts if not NET.search(texts[h]) and in_split(h, split))
    rest_n = len(labels) - net_n
    weight = {"net": 1.0, "rest": rest_pop / rest_n if rest_n else 0.0}
    moderator = Moderator()
    counts: dict[str, Counter] = {c: Counter() for c in AD_CATEGORIES + ("block",)}
    raw: dict[str, Counter] = {c: Counter() for c in AD_CATEGORIES + ("block",)}
    errors = []
    by_rule: dict[str, Counter] = {}
    for lab in labels:
        result = moderator.moderate(texts[lab["sha1"]], id=lab["sha1"], policy="regulator-scan")
        for rule_id in result["fired_rules"]:
            category = moderator.pack_rule(rule_id).category
            by_rule.setdefault(rule_id, Counter())["correct" if lab[category] else "wrong"] += 1
        result = moderator.moderate(texts[lab["sha1"]], id=lab["sha1"], policy=policy)
        w = weight[lab["stratum"]]
        gold_block = lab["subject_training_ad"] or (
            lab["is_education_ad"] and any(lab[c] for c in AD_CATEGORIES[2:])
        )
        pairs = [(c, bool(lab[c]), result["categories"][c]["flagged"]) for c in AD_CATEGORIES]
        pairs.append(("block", bool(gold_block), result["decision"] == "block"))
        for cat, gold, pred in pairs:
            key = "tp" if gold and pred else "fp" if pred else "fn" if gold else "tn"
            counts[cat][key] += w
            raw[cat][key] += 1
            if key in ("fp", "fn") and cat != "block":
                errors.append((cat, key, lab["sha1"][:10]))
    lines = [
        f"# Rule tier on real SMS (mudou, deduplicated) — policy `{policy}`, split `{split}`",
        "",
        f"Labelled sample: {len(labels)} texts ({net_n} = the whole education net stratum, {rest_n} random of "
        f"{rest_pop} outside it). Estimates weight the random stratum by {weight['rest']:.2f}.",
        "",
        "| category | gold + (sample) | flagged (sample) | TP | FP | FN | precision | recall | F1 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for cat in AD_CATEGORIES + ("block",):
        c, r = counts[cat], raw[cat]
        p, rec, f = _prf(c["tp"], c["fp"], c["fn"])
        lines.append(
            f"| {cat} | {r['tp'] + r['fn']} | {r['tp'] + r['fp']} | {r['tp']} | {r['fp']} | {r['fn']} | "
            f"{p:.3f} | {rec:.3f} | {f:.3f} |"
        )
    lines += ["", "`block` = decision-level: gold block = K-12 subject ad, or any category 3–7 in an education ad.", ""]
    lines += ["Rule calibration (unweighted sample): a rule's `score` is meant as its precision.", "",
              "| rule | score | fired | correct | precision |", "|---|---|---|---|---|"]
    for rule_id, c in sorted(by_rule.items()):
        fired = c["correct"] + c["wrong"]
        lines.append(f"| {rule_id} | {moderator.pack_rule(rule_id).score:.2f} | {fired} | {c['correct']} | {c['correct'] / fired:.2f} |")
    lines.append("")
    lines.append("Errors (category, kind, sha1 prefix): " + ", ".join(f"{c}/{k}/{h}" for c, k, h in errors[:60]))
    scores = {cat: dict(zip(("precision", "recall", "f1"), _prf(c["tp"], c["fp"], c["fn"]))) for cat, c in counts.items()}
    return {"report": "\n".join(lines), "scores": scores, "raw": {k: dict(v) for k, v in raw.items()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path(os.environ.get("MODERATION_DATA_DIR", "../shared/data")))
    ap.add_argument("--policy", default="platform")
    ap.add_argument("--split", choices=["all", "dev", "heldout"], default="heldout")
    ap.add_argument("--errors", action="store_true", help="list misclassified sha1 prefixes")
    args = ap.parse_args(argv)
    if not (args.data_dir / "mudou_spam_sms").is_dir():
        print(f"error: no mudou_spam_sms under {args.data_dir}", file=sys.stderr)
        return 2
    report = measure(args.data_dir, args.policy, args.split)["report"]
    print(report if args.errors else report.rsplit("\nErrors", 1)[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
