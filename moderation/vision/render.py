"""Synthetic posters for tests, evaluation and benchmarks: Pillow + a system CJK font, known line boxes."""

from __future__ import annotations

import io
import random
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """A font file that renders simplified Chinese, or None when none is installed."""
    for p in _FONT_CANDIDATES:
        if Path(p).is_file():
            return p
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())
    return files[0] if files else None


@dataclass(frozen=True)
class Poster:
    """A rendered poster and the box of each text line (before any rotation)."""

    image: Image.Image
    lines: tuple[str, ...]
    boxes: tuple[tuple[int, int, int, int], ...]

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.image.save(buf, format="PNG")
        return buf.getvalue()


def _background(size: tuple[int, int], kind: str, rng: random.Random) -> Image.Image:
    w, h = size
    if kind == "plain":
        return Image.new("RGB", size, (255, 255, 255))
    if kind == "colour":
        return Image.new("RGB", size, tuple(rng.randint(200, 255) for _ in range(3)))
    # "photo": a smooth colour gradient, blobs and grain, like a photographed billboard
    small = Image.new("RGB", (8, 14))
    small.putdata([tuple(rng.randint(120, 250) for _ in range(3)) for _ in range(8 * 14)])
    im = small.resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(im)
    for _ in range(12):
        x, y, r = rng.randint(0, w), rng.randint(0, h), rng.randint(w // 20, w // 5)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randint(130, 255) for _ in range(3)))
    im = im.filter(ImageFilter.GaussianBlur(radius=max(2, w // 60)))
    noise = Image.effect_noise((w, h), 28).convert("RGB")
    return Image.blend(im, noise, 0.18)


def render_poster(lines: list[str], *, size: tuple[int, int] = (1080, 1920), background: str = "plain",
                  rotate: float = 0.0, blur: float = 0.0, contrast: float = 1.0, qr: str | None = None,
                  seed: int = 0, colour: tuple[int, int, int] | None = None, font_path: str | None = None,
                  text_scale: float = 1.0, jpeg_quality: int | None = None) -> Poster:
    """Render centred lines top to bottom; optional QR code (segno) at the bottom, rotation, blur, low contrast."""
    rng = random.Random(seed)
    font_path = font_path or cjk_font_path()
    if font_path is None:
        raise RuntimeError("no CJK font installed (apt-get install fonts-noto-cjk)")
    w, h = size
    im = _background(size, background, rng)
    draw = ImageDraw.Draw(im)
    colour = colour or (rng.randint(0, 60), rng.randint(0, 60), rng.randint(0, 90))
    usable = h * (0.62 if qr else 0.86)
    longest = max(len(x) for x in lines) if lines else 1
    fsize = int(min(w * 0.86 / max(longest, 1), usable / max(len(lines), 1) / 1.6, w / 8) * text_scale)
    font = ImageFont.truetype(font_path, max(fsize, 10))
    y = int(h * 0.06)
    boxes = []
    for text in lines:
        x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=font)
        x = (w - (x1 - x0)) // 2 - x0
        draw.text((x, y), text, font=font, fill=colour)
        boxes.append((x + x0, y + y0, x + x1, y + y1))
        y += int(fsize * 1.6)
    if qr:
        import segno

        buf = io.BytesIO()
        segno.make_qr(qr, error="m").save(buf, kind="png", scale=10, border=2)
        code = Image.open(buf).convert("RGB")
        side = int(min(w, h) * 0.32)
        code = code.resize((side, side), Image.Resampling.NEAREST)
        im.paste(code, ((w - side) // 2, int(h * 0.7)))
    if contrast != 1.0:
        im = ImageEnhance.Contrast(im).enhance(contrast)
    if blur:
        im = im.filter(ImageFilter.GaussianBlur(radius=blur))
    if rotate:
        im = im.rotate(rotate, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    if jpeg_quality:
        buf = io.BytesIO()
        im.save(buf, format="JPEG", quality=jpeg_quality)
        im = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return Poster(image=im, lines=tuple(lines), boxes=tuple(boxes))
