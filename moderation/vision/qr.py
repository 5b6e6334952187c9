"""QR codes with zxing-cpp: decoded payloads and their boxes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PIL import Image

# zxing's 2-D matrix codes that carry contact funnels on posters.
_FORMATS = ("QRCode", "MicroQRCode", "RMQRCode", "DataMatrix", "Aztec")


@dataclass(frozen=True, slots=True)
class QrCode:
    """One decoded code; bbox is [x0, y0, x1, y1] in image pixels."""

    text: str
    format: str
    bbox: tuple[int, int, int, int]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "format": self.format, "bbox": list(self.bbox), "kind": payload_kind(self.text)}


def payload_kind(text: str) -> str:
    """What a payload is: a WeChat/QQ group or contact, a URL, or other text."""
    low = text.lower()
    if "weixin.qq.com" in low or low.startswith("wxp://") or "work.weixin" in low:
        return "wechat"
    if "qm.qq.com" in low or "jq.qq.com" in low or low.startswith("mqqapi:"):
        return "qq"
    if low.startswith(("http://", "https://")) or low.startswith("www."):
        return "url"
    return "text"


def read_codes(image: Image.Image) -> list[QrCode]:
    """Every 2-D code zxing-cpp decodes in the picture (top to bottom)."""
    import zxingcpp

    formats = [f for f in (getattr(zxingcpp.BarcodeFormat, name, None) for name in _FORMATS) if f is not None]
    try:
        found = zxingcpp.read_barcodes(image.convert("L"), formats=formats)
    except TypeError:  # zxing-cpp < 2.3 takes a combined flag, not a list
        combined = formats[0]
        for f in formats[1:]:
            combined = combined | f
        found = zxingcpp.read_barcodes(image.convert("L"), formats=combined)
    codes = []
    for r in found:
        if hasattr(r, "valid") and not r.valid:
            continue
        fmt = str(r.format).split(".")[-1]
        pos = r.position
        pts = [pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left]
        xs, ys = [p.x for p in pts], [p.y for p in pts]
        codes.append(QrCode(text=r.text, format=fmt, bbox=(min(xs), min(ys), max(xs), max(ys))))
    return sorted(codes, key=lambda c: (c.bbox[1], c.bbox[0]))
