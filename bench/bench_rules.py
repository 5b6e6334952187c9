"""Rule-tier throughput and latency on short ads, on one core, with baselines measured in the same run."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]


def corpus() -> list[str]:
    """The golden short ads (10–120 characters): violations, evasions, English and hard negatives."""
    lines = (ROOT / "tests" / "golden" / "ads.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def measure(fn: Callable[[str], object], texts: list[str], rounds: int) -> dict[str, float]:
    for t in texts:  # warm-up
        fn(t)
    per_item: list[float] = []
    started = time.perf_counter()
    for _ in range(rounds):
        for t in texts:
            t0 = time.perf_counter_ns()
            fn(t)
            per_item.append((time.perf_counter_ns() - t0) / 1000)
    elapsed = time.perf_counter() - started
    per_item.sort()
    return {
        "items_per_s": len(per_item) / elapsed,
        "p50_us": statistics.median(per_item),
        "p99_us": per_item[int(len(per_item) * 0.99) - 1],
        "mean_chars": sum(map(len, texts)) / len(texts),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--cores", type=int, default=1, help="CPU cores to pin to (default 1)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[: args.cores]))

    from moderation.normalize import normalize
    from moderation.pipeline import Moderator

    moderator = Moderator()
    terms = sorted({e.term for entries in moderator.pack.lexicons.values() for e in entries})

    def keyword_baseline(text: str) -> list[str]:
        """What a plain keyword filter costs: every lexicon term tested with `in`, no normalisation."""
        return [t for t in terms if t in text]

    def rule_tier(text: str) -> object:
        return moderator.rules.analyze(normalize(text))

    texts = corpus()
    rows = {
        "keyword scan (baseline)": measure(keyword_baseline, texts, args.rounds),
        "normalize only": measure(normalize, texts, args.rounds),
        "rule tier (normalize + rules)": measure(rule_tier, texts, args.rounds),
        "moderate() full result": measure(moderator.moderate, texts, args.rounds),
    }
    base = rows["keyword scan (baseline)"]["items_per_s"]
    print(f"{len(texts)} short ads (mean {rows['normalize only']['mean_chars']:.0f} chars) x {args.rounds} rounds, "
          f"{args.cores} core(s), {len(terms)} lexicon terms\n")
    print("| stage | items/s | p50 µs | p99 µs | throughput vs keyword scan |")
    print("|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['items_per_s']:,.0f} | {r['p50_us']:.0f} | {r['p99_us']:.0f} | {r['items_per_s'] / base:.2f}x |")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "rules.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
