"""Batch scan engines on one generated input in the same run: local process pool vs Ray Data, and HTML extractors.

Reports per engine: wall seconds of `moderation scan` (start-up included) and items/s end to end at N lines; the
marginal items/s between N/4 and N lines (start-up excluded); and peak RSS of the whole process tree (summed over
the scan process and every descendant, sampled every 0.2 s; for Ray this includes raylet, GCS and the actors).

    .venv/bin/python bench/bench_batch.py --lines 200000                # local vs Ray, ratio
    nice -n 10 .venv/bin/python bench/bench_batch.py --lines 1000000 --engines local --no-marginal   # 1M lines
    .venv/bin/python bench/bench_batch.py --html 300                    # selectolax vs trafilatura on WARC pages
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_input(path: Path, n: int) -> None:
    texts = [json.loads(x)["text"] for x in (ROOT / "tests/golden/ads.jsonl").read_text("utf-8").splitlines() if x]
    channels = ["sms", "app", "billboard", "wechat", "news"]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"item-{i}", "text": f"{texts[i % len(texts)]} #{i}",
                                 "channel": channels[i % 5]}, ensure_ascii=False) + "\n")


def _tree_rss_kb(root: int) -> int:
    """Sum of VmRSS over ``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/status") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        pid, ppid = int(d), int(fields.get("PPid", "0").strip())
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_engine(engine: str, src: Path, workdir: Path, n: int, workers: int, chunk: int) -> dict:
    """One `moderation scan` subprocess: wall time and peak RSS of its process tree."""
    out = workdir / f"out-{engine}.jsonl"
    cmd = [sys.executable, "-m", "moderation", "scan", str(src), "-o", str(out), "--engine", engine,
           "--workers", str(workers), "--chunk-size", str(chunk), "--no-progress"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - started
    err = proc.stderr.read()
    if proc.returncode:
        raise SystemExit(f"{engine} failed: {err}")
    lines = sum(1 for _ in out.open(encoding="utf-8"))
    assert lines == n, f"{engine}: {lines} output lines for {n} inputs"
    out.unlink()
    return {"engine": engine, "lines": n, "wall_s": round(wall, 2), "items_per_s": round(n / wall, 1),
            "peak_rss_mb": round(peak / 1024, 1), "summary": err.strip().splitlines()[-1]}


def _median(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def bench_engines(args: argparse.Namespace) -> None:
    """Each engine at N/4 and N lines (interleaved): end-to-end rate at N, and the marginal rate
    (N - N/4) / (T(N) - T(N/4)), which removes fixed start-up (process spawn, Ray start, actor start)."""
    sizes = [args.lines // 4, args.lines] if args.marginal else [args.lines]
    rows = []
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        work = Path(tmp)
        for n in sizes:
            make_input(work / f"in-{n}.jsonl", n)
        for rep in range(args.repeat):
            for n in sizes:
                order = args.engines if (rep + sizes.index(n)) % 2 == 0 else list(reversed(args.engines))
                for engine in order:
                    r = run_engine(engine, work / f"in-{n}.jsonl", work, n, args.workers, args.chunk_size)
                    rows.append(r)
                    print(json.dumps(r, ensure_ascii=False), flush=True)
    print(f"\n{os.cpu_count()} CPUs, {args.workers} workers, chunk {args.chunk_size}, {args.repeat} repeat(s); medians\n")
    print("| engine | lines | wall s | items/s end to end | peak tree RSS MB |")
    print("|---|---|---|---|---|")
    wall: dict[tuple[str, int], float] = {}
    for engine in args.engines:
        for n in sizes:
            rs = [r for r in rows if r["engine"] == engine and r["lines"] == n]
            wall[engine, n] = _median([r["wall_s"] for r in rs])
            print(f"| {engine} | {n:,} | {wall[engine, n]:.1f} | {n / wall[engine, n]:,.0f} | "
                  f"{max(r['peak_rss_mb'] for r in rs):,.0f} |")
    if len(sizes) == 2:
        lo, hi = sizes
        print("\n| engine | marginal items/s | fixed start-up s |\n|---|---|---|")
        marg = {}
        for engine in args.engines:
            marg[engine] = (hi - lo) / (wall[engine, hi] - wall[engine, lo])
            print(f"| {engine} | {marg[engine]:,.0f} | {wall[engine, hi] - hi / marg[engine]:.1f} |")
    if set(args.engines) == {"local", "ray"}:
        n = args.lines
        print(f"\nRay / local at {n:,} lines: {wall['local', n] / wall['ray', n]:.2f}x end to end", end="")
        print(f", {marg['ray'] / marg['local']:.2f}x marginal" if len(sizes) == 2 else "")


def bench_html(n: int) -> None:
    from moderation.batch.html_text import EXTRACTORS
    from moderation.batch.warcgen import pages

    docs = [(kind, page.encode("utf-8")) for kind, _, _, page in pages(n)]
    print("| extractor | pages/s | ms/page | pages with nav boilerplate (首页/登录) | footer kept |")
    print("|---|---|---|---|---|")
    for name, fn in EXTRACTORS.items():
        fn(docs[0][1])  # warm-up (imports)
        t = time.perf_counter()
        texts = [fn(d) for _, d in docs]
        dt = time.perf_counter() - t
        nav = sum("首页" in x or "登录" in x for x in texts)
        foot = sum("版权所有" in x for x in texts)
        print(f"| {name} | {n / dt:,.0f} | {dt / n * 1000:.2f} | {nav}/{n} | {foot}/{n} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--engines", nargs="+", default=["local", "ray"], choices=["local", "ray"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk-size", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=1, help="interleaved repeats (order alternates)")
    ap.add_argument("--no-marginal", dest="marginal", action="store_false", help="only the N-line run")
    ap.add_argument("--tmp", default=None, help="directory for the generated input and outputs")
    ap.add_argument("--html", type=int, default=0, help="instead: time the HTML extractors on N generated pages")
    args = ap.parse_args()
    if args.html:
        bench_html(args.html)
    else:
        bench_engines(args)


if __name__ == "__main__":
    main()
