"""Learned tiers: throughput and latency of rules-only, rules+T1, the cascade and T2 alone (PyTorch vs ONNX fp32
vs ONNX int8), all in one run, interleaved, reported as ratios against the same-run baselines.

    python bench/bench_models.py [--repeats 3] [--cores 1] [--batch 64]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_rules import corpus  # noqa: E402


def run(fn: Callable[[list[str]], object], texts: list[str], batch: int) -> tuple[float, list[float]]:
    """(items/s over the batches, per-item latency in ms from single-item calls on the first 200 texts)."""
    started = time.perf_counter()
    for k in range(0, len(texts), batch):
        fn(texts[k : k + batch])
    rate = len(texts) / (time.perf_counter() - started)
    lat = []
    for t in texts[:200]:
        t0 = time.perf_counter()
        fn([t])
        lat.append((time.perf_counter() - t0) * 1000)
    return rate, lat


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cores", type=int, default=1, help="CPU cores to pin to (default 1)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=4, help="passes over the short-ad set per repeat")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[: args.cores]))
    os.environ.setdefault("MODERATION_ORT_THREADS", str(args.cores))

    import torch

    from moderation.models.cascade import DEFAULT_MODELS_DIR
    from moderation.models.charbert import CharBertModel
    from moderation.normalize import normalize
    from moderation.pipeline import Moderator
    from moderation.train.charbert import load_torch

    torch.set_num_threads(args.cores)
    moderator = Moderator()
    if moderator.models is None or moderator.models.charbert is None:
        raise SystemExit("no trained models under models/: run `make models` first")
    t2_dir = Path(os.environ.get("MODERATION_MODELS_DIR") or DEFAULT_MODELS_DIR) / "text-charbert"
    fp32 = CharBertModel.load(t2_dir, "fp32", threads=args.cores)
    int8 = CharBertModel.load(t2_dir, "int8", threads=args.cores)
    torch_model = load_torch(t2_dir)
    max_len = int8.max_len

    def torch_logits(seqs: list[str]):
        ids, mask = int8.vocab.batch(seqs, max_len)
        with torch.inference_mode():
            return torch_model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits

    views = {name: moderator.tier(name) for name in ("rules", "t1", "cascade", "full")}
    texts = corpus() * args.rounds
    seqs = [normalize(t).compact for t in texts]
    stages: dict[str, tuple[Callable[[list[str]], object], list[str]]] = {
        "rules only": (lambda b: views["rules"].moderate_batch([{"text": t} for t in b]), texts),
        "rules + T1": (lambda b: views["t1"].moderate_batch([{"text": t} for t in b]), texts),
        "cascade (T2 where T1 unsure)": (lambda b: views["cascade"].moderate_batch([{"text": t} for t in b]), texts),
        "rules + T1 + T2 always": (lambda b: views["full"].moderate_batch([{"text": t} for t in b]), texts),
        "T2 PyTorch fp32": (torch_logits, seqs),
        "T2 ONNX fp32": (fp32.logits, seqs),
        "T2 ONNX int8": (int8.logits, seqs),
    }
    for fn, data in stages.values():
        run(fn, data[:64], args.batch)  # warm-up
    rates = {k: [] for k in stages}
    lats = {k: [] for k in stages}
    for _ in range(args.repeats):
        for name, (fn, data) in stages.items():
            rate, lat = run(fn, data, args.batch)
            rates[name].append(rate)
            lats[name].extend(lat)
    rows = {}
    for name in stages:
        lat = sorted(lats[name])
        rows[name] = {"items_per_s": statistics.median(rates[name]), "p50_ms": statistics.median(lat),
                      "p99_ms": lat[max(0, int(len(lat) * 0.99) - 1)]}
    share = sum(1 for t in texts if moderator.models.needs_t2(moderator.models.linear.predict([normalize(t)]))[0])
    print(f"{len(texts)} short ads per repeat ({len(corpus())} distinct, mean {statistics.mean(map(len, texts)):.0f} chars), "
          f"batch {args.batch}, {args.cores} core(s), {args.repeats} interleaved repeats (medians); "
          f"T2 ran on {share / len(texts):.0%} of texts in the cascade")
    print("| stage | items/s (batch) | × rules-only | p50 ms (1 item) | p99 ms (1 item) |\n|---|---|---|---|---|")
    base = rows["rules only"]["items_per_s"]
    for name, r in rows.items():
        print(f"| {name} | {r['items_per_s']:,.0f} | {r['items_per_s'] / base:.2f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} |")
    t = rows["T2 PyTorch fp32"]
    for name in ("T2 ONNX fp32", "T2 ONNX int8"):
        print(f"{name}: {rows[name]['items_per_s'] / t['items_per_s']:.2f}× PyTorch throughput (batch), "
              f"{t['p50_ms'] / rows[name]['p50_ms']:.2f}× at batch 1 (p50)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
