"""ImageModerator: decode → OCR + QR → the text pipeline → evidence located by bbox in the image."""

from __future__ import annotations

import threading
import time
from typing import Any

from PIL import Image

from ..pipeline import Moderator
from .decode import DecodedImage, ImageLimits, decode_image, read_image_file
from .ocr import OcrBlock, OcrEngine, OcrText, join_blocks
from .qr import QrCode, read_codes

# Each decoded QR code adds this line to the scored text (a lexicon entry of `contact_funnels.txt`), located at the
# code's box: a code on a K-12 subject poster is a contact funnel even when the printed text says nothing more.
QR_LINE = "二维码"

_shared_engine: OcrEngine | None = None
_shared_lock = threading.Lock()


def shared_engine() -> OcrEngine:
    """One OCR engine per process (the models load once, lazily on first use)."""
    global _shared_engine
    with _shared_lock:
        if _shared_engine is None:
            _shared_engine = OcrEngine()
        return _shared_engine


class ImageModerator:
    """Scores images with a text `Moderator`; OCR and QR backends are shared and loaded lazily."""

    def __init__(self, moderator: Moderator, ocr: OcrEngine | None = None, limits: ImageLimits | None = None,
                 read_qr: bool = True) -> None:
        self.moderator = moderator
        self.ocr = ocr or shared_engine()
        self.limits = limits or ImageLimits()
        self.read_qr = read_qr

    def moderate_bytes(self, data: bytes, **kwargs: Any) -> dict[str, Any]:
        """Decode then moderate; see `moderate_decoded` for keyword arguments."""
        t0 = time.perf_counter()
        decoded = decode_image(data, self.limits)
        return self.moderate_decoded(decoded, _t0=t0, **kwargs)

    def moderate_file(self, path: str, **kwargs: Any) -> dict[str, Any]:
        """Read, decode and moderate an image file."""
        t0 = time.perf_counter()
        decoded = read_image_file(path, self.limits)
        return self.moderate_decoded(decoded, _t0=t0, **kwargs)

    def moderate_decoded(self, decoded: DecodedImage, *, id: str | None = None, policy: str | None = None,
                         channel: str | None = None, annotate: str | None = None, _t0: float | None = None
                         ) -> dict[str, Any]:
        """The contract result plus `ocr` blocks, `qr` codes and `image` facts; evidence carries bboxes."""
        t0 = _t0 if _t0 is not None else time.perf_counter()
        self.moderator.profile(policy, channel)  # an unknown policy fails before any OCR work
        t1 = time.perf_counter()
        blocks = self.ocr.read(decoded.image)
        t2 = time.perf_counter()
        codes = read_codes(decoded.image) if self.read_qr else []
        t3 = time.perf_counter()
        joined = join_blocks(blocks, [QR_LINE] * len(codes))
        result = self._score(joined, id=id, policy=policy, channel=channel)
        located = _locate(result["evidence"], joined, blocks, codes)
        result["evidence"] = located
        result["text"] = joined.text
        result["ocr"] = [b.to_dict(i) for i, b in enumerate(blocks)]
        result["qr"] = [c.to_dict() for c in codes]
        result["image"] = decoded.info()
        result["model_versions"]["ocr"] = self.ocr.name
        if annotate:
            from .annotate import write_annotated

            write_annotated(decoded.image, located, annotate)
            result["annotated_path"] = annotate
        t4 = time.perf_counter()
        timings = result.get("timings_ms", {})
        result["timings_ms"] = {"decode": round((t1 - t0) * 1000, 3), "ocr": round((t2 - t1) * 1000, 3),
                                "qr": round((t3 - t2) * 1000, 3), "text": timings.get("total", 0.0),
                                "total": round((t4 - t0) * 1000, 3)}
        return result

    def _score(self, joined: OcrText, **kwargs: Any) -> dict[str, Any]:
        """Score the OCR text; an image with no readable text passes, with its empty `ocr` list showing why."""
        if not joined.text.strip():
            return _empty_result(self.moderator, **kwargs)
        return self.moderator.moderate(joined.text, **kwargs)


def _empty_result(moderator: Moderator, *, id: str | None, policy: str | None, channel: str | None
                  ) -> dict[str, Any]:
    """A pass result for an image with no readable text (the text pipeline refuses empty text)."""
    from ..categories import CATEGORIES

    profile = moderator.profile(policy, channel)
    attributes: dict[str, Any] = {"stage": "none", "subjects": [], "language": "none"}
    if channel:
        attributes["channel"] = channel
    return {"id": id, "decision": "pass", "risk": 0.0, "policy": {"id": profile.id, "version": profile.version},
            "categories": {c: {"score": 0.0, "flagged": False} for c in CATEGORIES}, "attributes": attributes,
            "evidence": [], "model_versions": dict(moderator.model_versions), "timings_ms": {"total": 0.0}}


def _union(boxes: list[tuple[int, int, int, int]]) -> list[int]:
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def _sub_box(box: tuple[int, int, int, int], span: tuple[int, int], start: int, end: int) -> list[int]:
    """The part of a horizontal line's box that characters [start, end) occupy (glyphs taken as equal width)."""
    x0, y0, x1, y1 = box
    a, b = span
    if x1 - x0 <= y1 - y0 or b <= a:  # vertical or one-glyph text: keep the whole box
        return list(box)
    per = (x1 - x0) / (b - a)
    lo, hi = max(start, a) - a, min(end, b) - a
    return [int(x0 + lo * per), y0, int(round(x0 + hi * per)), y1]


def _locate(evidence: list[dict[str, Any]], joined: OcrText, blocks: list[OcrBlock], codes: list[QrCode]
            ) -> list[dict[str, Any]]:
    """Give every evidence span the box of the OCR block(s) (or QR code) its text offsets fall in."""
    boxes = [b.bbox for b in blocks] + [c.bbox for c in codes]
    out = []
    for e in evidence:
        e = dict(e)
        idx = joined.blocks_in(e["start"], e["end"])
        if idx:
            loc: dict[str, Any] = {"kind": "image", "bbox": _union([boxes[i] for i in idx]), "block": idx[0]}
            if len(idx) == 1 and idx[0] < len(blocks):
                loc["block_bbox"] = loc["bbox"]
                loc["bbox"] = _sub_box(boxes[idx[0]], joined.spans[idx[0]], e["start"], e["end"])
            if len(idx) > 1:
                loc["blocks"] = idx
            if idx[0] >= len(blocks):
                loc = {"kind": "image", "bbox": loc["bbox"], "qr": idx[0] - len(blocks)}
            e["location"] = loc
        else:
            e["location"] = {"kind": "image"}
        out.append(e)
    return out


def open_rgb(path: str) -> Image.Image:
    """Convenience for scripts: decode a file under the default limits and return the RGB picture."""
    return read_image_file(path).image
