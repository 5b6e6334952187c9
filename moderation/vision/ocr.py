"""OCR with RapidOCR (PP-OCRv4 ONNX models inside the wheel): located text blocks in reading order."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

# Longest side the picture is resized to before OCR, and the detector's own limit. RapidOCR's default detector
# setting (limit_type "min", 736) UPSCALES so the short side is >= 736 px whatever we pass in; with limit_type "max"
# the detector runs at our size. Measured on rendered 1080x1920 posters, 1 thread, same run: default at 1280 px
# 0.94 s, "max" at 1280 px 0.84 s, "max" at 960 px 0.56 s, all with every character right (bench/bench_images.py).
DEFAULT_MAX_SIDE = 960
MAX_UPSCALE = 2.0  # real poster 323x430: headline read at <= 2x, lost at 2.23x and 2.5x


@dataclass(frozen=True, slots=True)
class OcrBlock:
    """One text line found in the picture; bbox is [x0, y0, x1, y1] in ORIGINAL image pixels."""

    text: str
    bbox: tuple[int, int, int, int]
    confidence: float

    def to_dict(self, index: int) -> dict[str, Any]:
        return {"block": index, "text": self.text, "bbox": list(self.bbox), "confidence": round(self.confidence, 4)}


@dataclass(frozen=True, slots=True)
class OcrText:
    """Blocks joined into one text: blocks on a row are joined by a space, rows by a newline.

    `spans[i]` is the [start, end) of block i in `text`, so a span of the text maps back to boxes.
    """

    text: str
    spans: tuple[tuple[int, int], ...]

    def blocks_in(self, start: int, end: int) -> list[int]:
        """Indices of the blocks that a text span [start, end) touches."""
        return [i for i, (a, b) in enumerate(self.spans) if a < end and start < b]


class OcrEngine:
    """RapidOCR loaded lazily and once (thread-safe); `read` returns blocks in reading order."""

    name = "rapidocr-onnxruntime-1.4.4/PP-OCRv4"

    def __init__(self, max_side: int = DEFAULT_MAX_SIDE, threads: int | None = None,
                 min_confidence: float = 0.5, det_limit_type: str = "max") -> None:
        self.max_side = max_side
        self.det_limit_type = det_limit_type  # "min" = RapidOCR's own default (short side upscaled to >= 736)
        self.threads = threads
        self.min_confidence = min_confidence
        self._engine = None
        self._lock = threading.Lock()
        self.load_seconds: float | None = None

    def load(self) -> "OcrEngine":
        """Load the ONNX models (idempotent)."""
        with self._lock:
            if self._engine is None:
                t0 = time.perf_counter()
                try:
                    from rapidocr_onnxruntime import RapidOCR
                except ImportError as exc:  # pragma: no cover - depends on the install
                    raise RuntimeError("OCR needs the 'ocr' extra and rapidocr_onnxruntime "
                                       "(make install does both)") from exc
                kwargs: dict[str, Any] = {"text_score": self.min_confidence, "det_limit_type": self.det_limit_type,
                                          "det_limit_side_len": self.max_side if self.det_limit_type == "max" else 736}
                if self.threads:
                    kwargs.update(intra_op_num_threads=self.threads, inter_op_num_threads=1)
                self._engine = RapidOCR(**kwargs)
                self.load_seconds = time.perf_counter() - t0
        return self

    def read(self, image: Image.Image) -> list[OcrBlock]:
        """OCR an RGB picture; boxes are scaled back to its own coordinates."""
        self.load()
        w, h = image.size
        scale = min(MAX_UPSCALE, self.max_side / max(w, h))  # small pictures are enlarged (small text), large shrunk
        small = image if scale == 1.0 else image.resize((max(1, round(w * scale)), max(1, round(h * scale))),
                                                         Image.Resampling.BILINEAR)
        bgr = np.ascontiguousarray(np.asarray(small.convert("RGB"))[:, :, ::-1])
        result, _ = self._engine(bgr)
        blocks = []
        for poly, text, conf in result or ():
            text = str(text).strip()
            if not text or float(conf) < self.min_confidence:
                continue
            xs = [p[0] / scale for p in poly]
            ys = [p[1] / scale for p in poly]
            bbox = (max(0, int(min(xs))), max(0, int(min(ys))), min(w, int(round(max(xs)))), min(h, int(round(max(ys)))))
            blocks.append(OcrBlock(text=text, bbox=bbox, confidence=float(conf)))
        return reading_order(blocks)


def reading_order(blocks: list[OcrBlock]) -> list[OcrBlock]:
    """Sort blocks into rows (vertical overlap ≥ half the shorter height), rows top to bottom, left to right."""
    rows: list[list[OcrBlock]] = []
    for b in sorted(blocks, key=lambda b: (b.bbox[1] + b.bbox[3]) / 2):
        placed = False
        for row in rows:
            r0 = min(x.bbox[1] for x in row)
            r1 = max(x.bbox[3] for x in row)
            overlap = min(r1, b.bbox[3]) - max(r0, b.bbox[1])
            if overlap >= 0.5 * min(r1 - r0, b.bbox[3] - b.bbox[1]):
                row.append(b)
                placed = True
                break
        if not placed:
            rows.append([b])
    rows.sort(key=lambda row: min(x.bbox[1] for x in row))
    return [b for row in rows for b in sorted(row, key=lambda x: x.bbox[0])]


def join_blocks(blocks: list[OcrBlock], extra_lines: list[str] = ()) -> OcrText:
    """Join blocks (already in reading order) into text; `extra_lines` (one per pseudo-block) follow as lines."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    prev: OcrBlock | None = None
    for b in blocks:
        if prev is not None:
            same_row = min(prev.bbox[3], b.bbox[3]) - max(prev.bbox[1], b.bbox[1]) > 0 and b.bbox[0] >= prev.bbox[0]
            sep = " " if same_row else "\n"
            parts.append(sep)
            pos += 1
        spans.append((pos, pos + len(b.text)))
        parts.append(b.text)
        pos += len(b.text)
        prev = b
    for line in extra_lines:
        if parts:
            parts.append("\n")
            pos += 1
        spans.append((pos, pos + len(line)))
        parts.append(line)
        pos += len(line)
    return OcrText(text="".join(parts), spans=tuple(spans))
