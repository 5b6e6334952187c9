"""`moderation scan` end to end on N generated lines: throughput, peak RSS, one result per input id."""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_input(path: Path, n: int) -> None:
    texts = [json.loads(line)["text"] for line in (ROOT / "tests/golden/ads.jsonl").read_text("utf-8").splitlines() if line]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"item-{i}", "text": f"{texts[i % len(texts)]} #{i}"}, ensure_ascii=False) + "\n")


def run(n: int, workdir: Path) -> dict[str, float]:
    src, dst = workdir / f"in-{n}.jsonl", workdir / f"out-{n}.jsonl"
    make_input(src, n)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "moderation", "scan", str(src), "-o", str(dst), "--no-progress"],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(proc.stderr)
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # max over children so far
    ids = [json.loads(line)["id"] for line in dst.open(encoding="utf-8")]
    assert ids == [f"item-{i}" for i in range(n)], "output is not exactly one result per input, in order"
    return {"lines": n, "seconds": elapsed, "items_per_s": n / elapsed, "peak_rss_mb": rss_mb}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = run(args.lines // 10, Path(tmp))
        large = run(args.lines, Path(tmp))
    print("| lines | seconds | items/s | peak RSS MB |")
    print("|---|---|---|---|")
    for r in (small, large):
        print(f"| {r['lines']:,} | {r['seconds']:.1f} | {r['items_per_s']:,.0f} | {r['peak_rss_mb']:.0f} |")
    print(f"\nRSS ratio {args.lines:,} vs {args.lines // 10:,} lines: {large['peak_rss_mb'] / small['peak_rss_mb']:.2f}x "
          "(bounded memory: ~1x); every output id matched its input line.")


if __name__ == "__main__":
    main()
