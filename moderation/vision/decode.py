"""Decode untrusted image bytes into one RGB picture, with size and pixel limits (decompression bombs)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from ..pipeline import InputError

# Formats we decode. Anything else Pillow can identify (EPS, PSD, ICO, ...) is refused by name.
SUPPORTED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """Limits on an input image; over them it is refused, never truncated or downscaled silently."""

    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_side: int = 16_384
    min_side: int = 16


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """An RGB picture plus what decoding did to it."""

    image: Image.Image
    format: str
    frames: int
    exif_rotated: bool

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size

    def info(self) -> dict:
        w, h = self.image.size
        return {"width": w, "height": h, "format": self.format.lower(), "frames": self.frames,
                "frame_used": 0, "exif_rotated": self.exif_rotated}


def _open(data: bytes) -> Image.Image:
    """Open (header only) restricted to the supported formats; name the format when it is known but refused."""
    try:
        return Image.open(io.BytesIO(data), formats=SUPPORTED_FORMATS)
    except UnidentifiedImageError:
        pass
    except Image.DecompressionBombError as exc:
        raise InputError("image_too_large", f"image refused as a decompression bomb: {exc}") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise InputError("undecodable_image", f"image header cannot be read: {exc}") from None
    try:
        other = Image.open(io.BytesIO(data))
        fmt = other.format or "unknown"
    except Exception:  # noqa: BLE001 - any failure to identify means the bytes are not an image we know
        raise InputError("undecodable_image", "the bytes are not a recognised image") from None
    raise InputError("unsupported_image_format",
                     f"image format {fmt} is not supported; use one of {', '.join(SUPPORTED_FORMATS)}")


def _check_size(w: int, h: int, limits: ImageLimits) -> None:
    if w * h > limits.max_pixels or max(w, h) > limits.max_side:
        raise InputError("image_too_large", f"image is {w}x{h} pixels; the limits are {limits.max_pixels} pixels "
                                            f"and {limits.max_side} per side")
    if min(w, h) < limits.min_side:
        raise InputError("image_too_small", f"image is {w}x{h} pixels; each side must be at least {limits.min_side}")


def _to_rgb(im: Image.Image) -> Image.Image:
    """Any mode to RGB; transparency is composited onto white (posters are read as displayed on a page)."""
    if im.mode == "RGB":
        return im
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "RGBa"):
        rgba = im.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        im = im.point(lambda v: v / 256).convert("L")
    return im.convert("RGB")


def decode_image(data: bytes, limits: ImageLimits | None = None) -> DecodedImage:
    """Validate and decode image bytes; raises InputError with a precise code on any bad input.

    Animated images (GIF, APNG, WebP) are scored on their first frame; `frames` reports how many there are.
    """
    limits = limits or ImageLimits()
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise InputError("empty_image", "image is empty")
    if len(data) > limits.max_bytes:
        raise InputError("image_too_large", f"image has {len(data)} bytes; the limit is {limits.max_bytes}")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = _open(bytes(data))
        except Image.DecompressionBombWarning as exc:
            raise InputError("image_too_large", f"image refused as a decompression bomb: {exc}") from None
        _check_size(*im.size, limits)
        fmt = im.format or "unknown"
        frames = int(getattr(im, "n_frames", 1) or 1)
        try:
            im.seek(0)
            im.load()
            rotated = ImageOps.exif_transpose(im)
        except Image.DecompressionBombWarning as exc:
            raise InputError("image_too_large", f"image refused as a decompression bomb: {exc}") from None
        except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
            raise InputError("undecodable_image", f"image data is truncated or corrupt: {exc}") from None
    exif_rotated = _orientation(im) not in (None, 1)
    out = _to_rgb(rotated if rotated is not None else im)
    return DecodedImage(image=out, format=fmt, frames=frames, exif_rotated=bool(exif_rotated))


def _orientation(im: Image.Image) -> int | None:
    try:
        return im.getexif().get(0x0112)
    except Exception:  # noqa: BLE001 - a broken EXIF block only means no rotation is known
        return None


def read_image_file(path: str, limits: ImageLimits | None = None) -> DecodedImage:
    """Read and decode an image file; unreadable paths raise InputError('unreadable_image')."""
    limits = limits or ImageLimits()
    try:
        with open(path, "rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        raise InputError("unreadable_image", f"cannot read {path}: {exc.strerror or exc}") from None
    return decode_image(data, limits)
