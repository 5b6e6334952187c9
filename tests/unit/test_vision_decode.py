"""Image decoding: limits, bad bytes, colour modes, animation and EXIF rotation (no OCR here)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from moderation.pipeline import InputError
from moderation.vision.decode import ImageLimits, decode_image
from moderation.vision.ocr import OcrBlock, join_blocks, reading_order


def _save(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _png(size=(64, 48), colour=(10, 20, 30)) -> bytes:
    return _save(Image.new("RGB", size, colour), "PNG")


def _truncated_jpeg() -> bytes:
    data = _save(Image.effect_noise((256, 256), 60).convert("RGB"), "JPEG", quality=90)
    return data[: len(data) // 2]


def _bomb() -> bytes:
    return _save(Image.new("1", (30_000, 30_000)), "PNG")  # 900 Mpx that compress to a few kB


def _exif_rotated() -> bytes:
    im = Image.new("RGB", (80, 40), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    return _save(im, "JPEG", exif=exif)


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (32, 32), c) for c in ((255, 0, 0), (0, 0, 255))]
    return _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def _palette_transparent() -> bytes:
    im = Image.new("P", (32, 32), 0)
    im.putpalette([0, 0, 0] * 256)
    return _save(im, "PNG", transparency=0)


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty_image"),
        (b"not an image at all", "undecodable_image"),
        (_png()[:40], "undecodable_image"),
        (_truncated_jpeg(), "undecodable_image"),
        (_bomb(), "image_too_large"),
        (_save(Image.new("RGB", (17_000, 20)), "PNG"), "image_too_large"),
        (_png(size=(8, 8)), "image_too_small"),
        (_save(Image.new("RGB", (32, 32)), "ICO"), "unsupported_image_format"),
        (_save(Image.new("RGB", (32, 32)), "PDF"), "undecodable_image"),
    ],
    ids=["empty", "garbage", "cut-header", "truncated-jpeg", "decompression-bomb", "side-too-long", "tiny",
         "ico", "pdf"],
)
def test_bad_images_are_refused_with_a_code(data: bytes, code: str) -> None:
    with pytest.raises(InputError) as info:
        decode_image(data)
    assert info.value.code == code


def test_byte_limit() -> None:
    with pytest.raises(InputError) as info:
        decode_image(_png(), ImageLimits(max_bytes=50))
    assert info.value.code == "image_too_large"


@pytest.mark.parametrize(
    "data, size, pixel",
    [
        (_save(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG", quality=100), (40, 30), (255, 0, 0)),
        (_save(Image.new("RGBA", (40, 30), (0, 0, 0, 0)), "PNG"), (40, 30), (255, 255, 255)),
        (_save(Image.new("LA", (40, 30), (0, 255)), "PNG"), (40, 30), (0, 0, 0)),
        (_palette_transparent(), (32, 32), (255, 255, 255)),
        (_save(Image.new("I;16", (40, 30), 65535), "PNG"), (40, 30), (255, 255, 255)),
        (_save(Image.new("L", (40, 30), 128), "WEBP", lossless=True), (40, 30), (128, 128, 128)),
        (_save(Image.new("RGB", (40, 30), (0, 255, 0)), "BMP"), (40, 30), (0, 255, 0)),
        (_save(Image.new("RGB", (40, 30), (0, 255, 0)), "TIFF"), (40, 30), (0, 255, 0)),
        (_animated_gif(), (32, 32), (255, 0, 0)),
        (_exif_rotated(), (40, 80), None),
    ],
    ids=["cmyk", "rgba-transparent", "la", "palette-transparent", "16-bit", "webp", "bmp", "tiff", "gif-first-frame",
         "exif-rotated"],
)
def test_modes_decode_to_rgb(data: bytes, size: tuple[int, int], pixel) -> None:
    img = decode_image(data)
    assert img.image.mode == "RGB" and img.size == size
    if pixel is not None:
        got = img.image.getpixel((5, 5))
        assert all(abs(a - b) <= 12 for a, b in zip(got, pixel)), got


def test_animation_and_rotation_are_reported() -> None:
    assert decode_image(_animated_gif()).info()["frames"] == 2
    assert decode_image(_exif_rotated()).info()["exif_rotated"] is True
    assert decode_image(_png()).info()["exif_rotated"] is False


def _b(text: str, x0: int, y0: int, x1: int, y1: int) -> OcrBlock:
    return OcrBlock(text=text, bbox=(x0, y0, x1, y1), confidence=0.9)


@pytest.mark.parametrize(
    "blocks, text",
    [
        ([_b("下", 0, 100, 50, 140), _b("右", 200, 0, 260, 40), _b("左", 0, 5, 60, 45)], "左 右\n下"),
        ([_b("二", 0, 60, 10, 90), _b("一", 0, 0, 10, 30)], "一\n二"),
        ([], ""),
    ],
    ids=["row-then-line", "top-down", "none"],
)
def test_reading_order_and_join(blocks: list[OcrBlock], text: str) -> None:
    joined = join_blocks(reading_order(blocks))
    assert joined.text == text
    ordered = reading_order(blocks)
    for i, (a, b) in enumerate(joined.spans):
        assert joined.text[a:b] == ordered[i].text
        assert joined.blocks_in(a, b) == [i]


def test_extra_lines_follow_blocks() -> None:
    joined = join_blocks([_b("初一英语", 0, 0, 100, 30)], ["二维码"])
    assert joined.text == "初一英语\n二维码"
    assert joined.blocks_in(5, 8) == [1] and joined.blocks_in(0, 8) == [0, 1]


@pytest.mark.parametrize(
    "box, span, start, end, expected",
    [
        ((100, 0, 190, 30), (10, 19), 10, 12, [100, 0, 120, 30]),
        ((100, 0, 190, 30), (10, 19), 16, 19, [160, 0, 190, 30]),
        ((0, 0, 30, 300), (0, 10), 2, 4, [0, 0, 30, 300]),  # vertical text keeps the whole box
    ],
)
def test_evidence_sub_box(box, span, start, end, expected) -> None:
    from moderation.vision.image_pipeline import _sub_box

    assert _sub_box(box, span, start, end) == expected
