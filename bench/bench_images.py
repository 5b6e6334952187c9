"""Image moderation speed and OCR accuracy on rendered 1080x1920 posters, RapidOCR against Tesseract.

    .venv/bin/python bench/bench_images.py [--n 20] [--sides 720,960,1280] [--qr 20]

Measures, on the same posters in the same run:
  * RapidOCR end to end (decode excluded; OCR + QR + rules) with onnxruntime intra-op threads = 1 and = 2:
    p50/p99 seconds per poster, and posters/s in batch (sequential with 2 threads; 2 worker processes x 1 thread);
  * max-side choice: speed and character accuracy at each resize limit (1 thread), and the baseline of RapidOCR's
    stock detector setting (short side upscaled to >= 736) on a 1280-px picture;
  * Tesseract 5 (`tesseract -l chi_sim`, one process per poster, OMP_THREAD_LIMIT=1/2) speed and accuracy —
    skipped with a message when the `tesseract` binary or its chi_sim data is absent;
  * QR decoding on noisy posters: zxing-cpp against OpenCV's QRCodeDetector (decode rate, ms).
Character accuracy is 1 - CER over squashed text (whitespace removed). The machine is shared: read ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "datasets" / "eval"))

from image_agreement import edit_distance, poster_set, squash  # noqa: E402

from moderation.pipeline import Moderator  # noqa: E402
from moderation.vision.decode import decode_image  # noqa: E402
from moderation.vision.image_pipeline import ImageModerator  # noqa: E402
from moderation.vision.ocr import OcrEngine  # noqa: E402
from moderation.vision.render import render_poster  # noqa: E402


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def accuracy(truths: list[str], reads: list[str]) -> float:
    chars = sum(len(t) for t in truths)
    return 1 - sum(edit_distance(t, r) for t, r in zip(truths, reads)) / chars


def run_rapid(posters: list[dict], threads: int, max_side: int = 960, det_limit_type: str = "max") -> dict:
    images = ImageModerator(Moderator(), OcrEngine(max_side=max_side, threads=threads, det_limit_type=det_limit_type))
    images.ocr.load()
    decoded = [decode_image(p["png"]) for p in posters]
    images.moderate_decoded(decoded[0])  # warm-up
    times, reads = [], []
    t_all = time.perf_counter()
    for d in decoded:
        t0 = time.perf_counter()
        r = images.moderate_decoded(d)
        times.append(time.perf_counter() - t0)
        reads.append(squash("".join(b["text"] for b in r["ocr"])))
    total = time.perf_counter() - t_all
    return {"threads": threads, "max_side": max_side, "det_limit_type": det_limit_type, "p50_s": round(pct(times, 0.5), 3),
            "p99_s": round(pct(times, 0.99), 3), "posters_per_s": round(len(decoded) / total, 2),
            "char_accuracy": round(accuracy([p["truth"] for p in posters], reads), 4)}


_worker = None


def _init_worker() -> None:
    global _worker
    _worker = ImageModerator(Moderator(), OcrEngine(threads=1))
    _worker.ocr.load()


def _work(png: bytes) -> str:
    return _worker.moderate_bytes(png)["decision"]


def run_pool(posters: list[dict], workers: int = 2) -> dict:
    with get_context("spawn").Pool(workers, initializer=_init_worker) as pool:
        pool.map(_work, [posters[0]["png"]] * workers)  # warm-up: models loaded in every worker
        t0 = time.perf_counter()
        pool.map(_work, [p["png"] for p in posters], chunksize=1)
        total = time.perf_counter() - t0
    return {"workers": workers, "threads_each": 1, "posters_per_s": round(len(posters) / total, 2)}


def run_tesseract(posters: list[dict], threads: int) -> dict | str:
    exe = shutil.which("tesseract")
    if exe is None:
        return "skipped: no `tesseract` binary (apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
    langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True).stdout.split()
    if "chi_sim" not in langs:
        return "skipped: tesseract has no chi_sim data (apt-get install tesseract-ocr-chi-sim)"
    env = {**os.environ, "OMP_THREAD_LIMIT": str(threads)}
    times, reads = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i, p in enumerate(posters):
            path = Path(tmp) / f"{i}.png"
            path.write_bytes(p["png"])
            t0 = time.perf_counter()
            out = subprocess.run([exe, str(path), "stdout", "-l", "chi_sim"], capture_output=True, text=True,
                                 env=env).stdout
            times.append(time.perf_counter() - t0)
            reads.append(squash(out))
    return {"threads": threads, "p50_s": round(pct(times, 0.5), 3), "p99_s": round(pct(times, 0.99), 3),
            "posters_per_s": round(len(posters) / sum(times), 2),
            "char_accuracy": round(accuracy([p["truth"] for p in posters], reads), 4)}


def run_qr(n: int) -> dict:
    import cv2
    import numpy as np

    from moderation.vision.qr import read_codes

    hits = {"zxing": 0, "opencv": 0}
    ms = {"zxing": [], "opencv": []}
    detector = cv2.QRCodeDetector()
    for i in range(n):
        payload = f"https://weixin.qq.com/g/bench{i:03d}"
        poster = render_poster(["扫码进群", "领取资料"], background="photo", qr=payload, seed=100 + i,
                               rotate=(i % 7) - 3, blur=0.8 + (i % 4) * 0.5, contrast=0.45 + (i % 3) * 0.15)
        t0 = time.perf_counter()
        codes = read_codes(poster.image)
        ms["zxing"].append((time.perf_counter() - t0) * 1000)
        hits["zxing"] += any(c.text == payload for c in codes)
        bgr = np.ascontiguousarray(np.asarray(poster.image)[:, :, ::-1])
        t0 = time.perf_counter()
        text, _, _ = detector.detectAndDecode(bgr)
        ms["opencv"].append((time.perf_counter() - t0) * 1000)
        hits["opencv"] += text == payload
    return {k: {"decoded": hits[k], "of": n, "p50_ms": round(statistics.median(ms[k]), 1)} for k in hits}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="image moderation benchmark")
    ap.add_argument("--n", type=int, default=20, help="posters (1080x1920), spread over the difficulty buckets")
    ap.add_argument("--sides", default="720,960,1280", help="max-side limits to compare (1 thread)")
    ap.add_argument("--qr", type=int, default=20, help="noisy QR posters for zxing vs OpenCV (0 = skip)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "bench_images.json"))
    args = ap.parse_args(argv)

    posters = []
    for p in poster_set(args.n, seed=11):
        poster = render_poster(p["lines"], **p["render"])
        posters.append({"png": poster.png(), "truth": squash("".join(p["lines"]))})
    report: dict = {"n": len(posters), "size": "1080x1920", "cpus": os.cpu_count()}
    report["rapidocr"] = [run_rapid(posters, 1), run_rapid(posters, 2)]
    report["rapidocr_stock_detector"] = run_rapid(posters, 1, 1280, "min")
    report["rapidocr_pool"] = run_pool(posters, 2)
    report["max_side"] = [run_rapid(posters, 1, int(s)) for s in args.sides.split(",") if s]
    report["tesseract"] = [run_tesseract(posters, 1), run_tesseract(posters, 2)]
    if args.qr:
        report["qr"] = run_qr(args.qr)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1), encoding="utf-8")

    print(f"n={report['n']} posters {report['size']}, {report['cpus']} CPUs (shared machine)")
    print(f"{'engine':28s} {'p50 s':>7s} {'p99 s':>7s} {'posters/s':>9s} {'1-CER':>7s}")
    for r in report["rapidocr"]:
        print(f"{'rapidocr ' + str(r['threads']) + ' thread(s)':28s} {r['p50_s']:7.3f} {r['p99_s']:7.3f} "
              f"{r['posters_per_s']:9.2f} {r['char_accuracy']:7.2%}")
    r = report["rapidocr_stock_detector"]
    print(f"{'rapidocr 1t stock det (baseline)':28s} {r['p50_s']:7.3f} {r['p99_s']:7.3f} {r['posters_per_s']:9.2f} "
          f"{r['char_accuracy']:7.2%}")
    pool = report["rapidocr_pool"]
    print(f"{'rapidocr 2 procs x 1 thread':28s} {'':7s} {'':7s} {pool['posters_per_s']:9.2f}")
    for r in report["tesseract"]:
        if isinstance(r, str):
            print(f"tesseract: {r}")
            break
        print(f"{'tesseract ' + str(r['threads']) + ' thread(s)':28s} {r['p50_s']:7.3f} {r['p99_s']:7.3f} "
              f"{r['posters_per_s']:9.2f} {r['char_accuracy']:7.2%}")
    for r in report["max_side"]:
        print(f"{'rapidocr max side ' + str(r['max_side']):28s} {r['p50_s']:7.3f} {r['p99_s']:7.3f} "
              f"{r['posters_per_s']:9.2f} {r['char_accuracy']:7.2%}")
    for k, v in report.get("qr", {}).items():
        print(f"qr {k:8s} decoded {v['decoded']}/{v['of']}  p50 {v['p50_ms']:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
