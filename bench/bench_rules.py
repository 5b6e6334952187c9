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


def measure(fn: Callable[[str], object], texts: list[str], rounds: int) -> tuple[float, list[float]]:
    """(items/s, per-item µs) for one repeat of ``rounds`` passes over ``texts``."""
    per_item: list[float] = []
    started = time.perf_counter()
    for _ in range(rounds):
        for t in texts:
            t0 = time.perf_counter_ns()
            fn(t)
            per_item.append((time.perf_counter_ns() - t0) / 1000)
    return len(per_item) / (time.perf_counter() - started), per_item


def summarise(rates: list[float], per_item: list[float]) -> dict[str, float]:
    per_item = sorted(per_item)
    return {
        "items_per_s_median": statistics.median(rates),
        "items_per_s_min": min(rates),
        "items_per_s_max": max(rates),
        "p50_us": statistics.median(per_item),
        "p99_us": per_item[int(len(per_item) * 0.99) - 1],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
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
    stages = {
        "keyword scan (baseline)": keyword_baseline,
        "normalize only": normalize,
        "rule tier (normalize + rules)": rule_tier,
        "moderate() full result": moderator.moderate,
    }
    for fn in stages.values():  # warm-up
        for t in texts:
            fn(t)
    rates: dict[str, list[float]] = {name: [] for name in stages}
    times: dict[str, list[float]] = {name: [] for name in stages}
    for _ in range(args.repeats):  # interleaved, so machine noise hits every stage alike
        for name, fn in stages.items():
            rate, per_item = measure(fn, texts, args.rounds)
            rates[name].append(rate)
            times[name].extend(per_item)
    rows = {name: summarise(rates[name], times[name]) for name in stages}
    base = rows["keyword scan (baseline)"]["items_per_s_median"]
    mean_chars = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} short ads (mean {mean_chars:.0f} chars), {args.repeats} interleaved repeats x {args.rounds} rounds, "
          f"{args.cores} core(s), {len(terms)} lexicon terms\n")
    print("| stage | items/s median (min–max) | p50 µs | p99 µs | vs keyword scan |")
    print("|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['items_per_s_median']:,.0f} ({r['items_per_s_min']:,.0f}–{r['items_per_s_max']:,.0f}) | "
              f"{r['p50_us']:.0f} | {r['p99_us']:.0f} | {r['items_per_s_median'] / base:.2f}x |")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "rules.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
