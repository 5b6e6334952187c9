"""Image items in batch scans: `{"id", "image_path"}` (or `path` with an image suffix) → a result."""

from __future__ import annotations

from typing import Any

from ..pipeline import InputError, Moderator

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff")

_image_moderators: dict[int, Any] = {}


def is_image_item(item: dict[str, Any]) -> bool:
    """True for items that name an image: `image_path`, or a `path` ending in an image suffix."""
    if "image_path" in item:
        return True
    path = item.get("path")
    return isinstance(path, str) and path.lower().endswith(IMAGE_SUFFIXES)


def image_moderator_for(moderator: Moderator):
    """One ImageModerator per text Moderator (the OCR engine itself is shared per process)."""
    from .image_pipeline import ImageModerator

    im = _image_moderators.get(id(moderator))
    if im is None or im.moderator is not moderator:
        im = _image_moderators[id(moderator)] = ImageModerator(moderator)
    return im


def moderate_image_item(item: dict[str, Any], moderator: Moderator, policy: str | None = None) -> dict[str, Any]:
    """Score one image item; raises InputError (bad path, bad image, unknown policy) like text items do."""
    path = item.get("image_path") if "image_path" in item else item.get("path")
    if not isinstance(path, str) or not path:
        raise InputError("invalid_item", "image_path must be a non-empty string")
    try:
        im = image_moderator_for(moderator)
    except ImportError as exc:
        raise InputError("ocr_unavailable", f"image items need the 'ocr' extra: {exc}") from None
    return im.moderate_file(path, id=item.get("id", None), policy=item.get("policy") or policy,
                            channel=item.get("channel"))
