"""Course-material throughput on a generated text-layer PDF: pages/s for parsing (pypdfium2 → passages with
bboxes), for analysis (KB match + ad pass), and end to end; baseline = raw pypdfium2 page text in the same run."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def raw_text(data: bytes) -> int:
    """Baseline: pypdfium2 page text only (no paragraphs, no bboxes)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    n = sum(len(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf)))
    pdf.close()
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--dense", type=int, default=12, help="example paragraphs per page (12 ≈ 700 characters)")
    ap.add_argument("--cores", type=int, default=1, help="CPU cores to pin to (default 1)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[: args.cores]))

    from moderation.curriculum import MaterialAnalyzer
    from moderation.documents import extract
    from tests.material_fixtures import make_pdf

    with tempfile.TemporaryDirectory() as tmp:
        data = make_pdf(Path(tmp) / "bench.pdf", pages=args.pages, dense=args.dense).read_bytes()
    analyzer = MaterialAnalyzer()
    runs: dict[str, list[float]] = {"baseline_raw_text": [], "parse": [], "analyze": [], "end_to_end": []}
    passages = 0
    for _ in range(args.repeats):  # interleaved so drift hits every stage alike
        t0 = time.perf_counter()
        raw_text(data)
        t1 = time.perf_counter()
        ex = extract(data, "bench.pdf")
        t2 = time.perf_counter()
        report = analyzer.analyze(ex)
        t3 = time.perf_counter()
        runs["baseline_raw_text"].append(t1 - t0)
        runs["parse"].append(t2 - t1)
        runs["analyze"].append(t3 - t2)
        runs["end_to_end"].append(t3 - t1)
        passages = report["summary"]["passages"]
    out = {"pages": args.pages, "chars_per_page": round(sum(len(p.text) for p in ex.passages) / args.pages),
           "passages": passages, "repeats": args.repeats, "cores": args.cores}
    for stage, secs in runs.items():
        med = statistics.median(secs)
        out[stage] = {"pages_per_s_median": round(args.pages / med, 1),
                      "pages_per_s_min": round(args.pages / max(secs), 1),
                      "pages_per_s_max": round(args.pages / min(secs), 1),
                      "ms_per_page_median": round(med / args.pages * 1000, 3),
                      "ms_per_doc_p50": round(med * 1000, 1),
                      "ms_per_doc_p99": round(sorted(secs)[max(0, int(len(secs) * 0.99) - 1)] * 1000, 1)}
    out["parse_vs_baseline"] = round(statistics.median(runs["parse"]) / statistics.median(runs["baseline_raw_text"]), 2)
    out["analyze_share_of_end_to_end"] = round(
        statistics.median(runs["analyze"]) / statistics.median(runs["end_to_end"]), 2)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
