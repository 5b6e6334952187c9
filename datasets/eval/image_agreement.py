"""Image evaluation on rendered posters: OCR character accuracy by difficulty bucket, and whether the image
decision agrees with the text decision of the same copy.

    .venv/bin/python datasets/eval/image_agreement.py --n 200                 # 5 legible-poster buckets
    .venv/bin/python datasets/eval/image_agreement.py --set stress --n 75     # 3 stress buckets

The posters are rendered from datasets/eval/poster_copy.py (copy written for this project) — the OCR models never
saw them; the rule pack is the one the text pipeline uses.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from poster_copy import poster_copies  # noqa: E402

from moderation.pipeline import Moderator  # noqa: E402
from moderation.vision.image_pipeline import ImageModerator  # noqa: E402
from moderation.vision.ocr import OcrEngine  # noqa: E402
from moderation.vision.render import render_poster  # noqa: E402

# Difficulty buckets: how each poster is rendered.
BUCKETS = {
    "clean": lambda i: {"background": "plain"},
    "photo": lambda i: {"background": "photo"},
    "rotated": lambda i: {"background": "colour", "rotate": (3 + i % 4) * (1 if i % 2 else -1)},
    "blurred": lambda i: {"background": "plain", "blur": 1.2 + (i % 4) * 0.3},
    "low_contrast": lambda i: {"background": "photo", "contrast": 0.3 + (i % 3) * 0.08},
}
# Stress buckets, beyond what a legible poster looks like: where the OCR starts to lose characters.
STRESS = {
    "tilted_20_30": lambda i: {"background": "colour", "rotate": (20 + (i % 3) * 5) * (1 if i % 2 else -1)},
    "faint": lambda i: {"background": "photo", "contrast": 0.06 + (i % 3) * 0.02},
    "tiny_jpeg": lambda i: {"background": "photo", "text_scale": 0.2 + (i % 3) * 0.03, "jpeg_quality": 8 + i % 5,
                            "blur": 1.0},
}


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (characters)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def squash(text: str) -> str:
    """Compare characters only: OCR drops spaces between words, and line breaks are layout."""
    return "".join(text.split())


def poster_set(n: int, seed: int = 7, buckets: dict | None = None) -> list[dict]:
    """`n` copies spread evenly over the buckets, each with its render options."""
    buckets = buckets or BUCKETS
    names = list(buckets)
    out = []
    for i, copy in enumerate(poster_copies(n, seed)):
        bucket = names[i % len(names)]
        out.append({**copy, "bucket": bucket, "render": {**buckets[bucket](i // len(names)), "seed": i}})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--set", choices=["main", "stress"], default="main", help="main buckets or the stress buckets")
    ap.add_argument("--threads", type=int, default=None, help="onnxruntime intra-op threads (default: all cores)")
    ap.add_argument("--out", default=None, help="default: bench/results/image_agreement_<set>.json")
    args = ap.parse_args(argv)

    moderator = Moderator()
    images = ImageModerator(moderator, OcrEngine(threads=args.threads))
    rows = []
    t0 = time.perf_counter()
    buckets = BUCKETS if args.set == "main" else STRESS
    for p in poster_set(args.n, args.seed, buckets):
        poster = render_poster(p["lines"], **p["render"])
        r = images.moderate_bytes(poster.png())
        text_decision = moderator.moderate("\n".join(p["lines"]))["decision"]
        truth, read = squash("".join(p["lines"])), squash("".join(b["text"] for b in r["ocr"]))
        rows.append({"id": p["id"], "bucket": p["bucket"], "kind": p["kind"], "truth": truth, "read": read,
                     "errors": edit_distance(truth, read), "chars": len(truth), "text_decision": text_decision,
                     "image_decision": r["decision"], "ocr_ms": r["timings_ms"]["ocr"]})
    elapsed = time.perf_counter() - t0

    report: dict = {"set": args.set, "n": len(rows), "seconds": round(elapsed, 1), "buckets": {}}
    for bucket in [*buckets, "all"]:
        sel = [x for x in rows if bucket == "all" or x["bucket"] == bucket]
        chars = sum(x["chars"] for x in sel)
        report["buckets"][bucket] = {
            "posters": len(sel),
            "char_accuracy": round(1 - sum(x["errors"] for x in sel) / chars, 4),
            "exact_posters": sum(x["errors"] == 0 for x in sel),
            "decision_agreement": round(sum(x["text_decision"] == x["image_decision"] for x in sel) / len(sel), 4),
            "ocr_ms_p50": round(statistics.median(x["ocr_ms"] for x in sel), 1),
        }
    report["text_decisions"] = {d: sum(x["text_decision"] == d for x in rows) for d in ("block", "review", "pass")}
    report["disagreements"] = [{k: x[k] for k in ("id", "bucket", "truth", "read", "text_decision", "image_decision")}
                               for x in rows if x["text_decision"] != x["image_decision"]]
    args.out = args.out or str(ROOT / "bench" / "results" / f"image_agreement_{args.set}.json")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"report": report, "rows": rows}, ensure_ascii=False, indent=1),
                              encoding="utf-8")

    print(f"{'bucket':14s} {'n':>4s} {'1-CER':>7s} {'exact':>6s} {'agree':>7s} {'ocr p50 ms':>10s}")
    for bucket, b in report["buckets"].items():
        print(f"{bucket:14s} {b['posters']:4d} {b['char_accuracy']:7.2%} {b['exact_posters']:6d} "
              f"{b['decision_agreement']:7.2%} {b['ocr_ms_p50']:10.0f}")
    print(f"text decisions: {report['text_decisions']}; {len(report['disagreements'])} disagreements; "
          f"{elapsed:.0f}s; details in {args.out}")
    for d in report["disagreements"][:10]:
        print("  ", json.dumps(d, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
