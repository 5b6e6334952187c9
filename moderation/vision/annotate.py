"""Reviewer copy of an image: flagged regions boxed and labelled with their category."""

from __future__ import annotations

from typing import Any

from PIL import Image, ImageDraw

_COLOURS = {"subject_training_ad": (220, 20, 60), "anxiety_marketing": (255, 140, 0),
            "misleading_pricing": (148, 0, 211), "prohibited_schedule": (30, 144, 255),
            "prohibited_service": (0, 128, 0), "disguised_training": (139, 69, 19),
            "non_subject_training_ad": (255, 20, 147)}


def write_annotated(image: Image.Image, evidence: list[dict[str, Any]], path: str) -> None:
    """Draw one rectangle per located evidence item (colour by category) and save to `path`."""
    out = image.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    width = max(2, round(max(out.size) / 400))
    drawn: dict[tuple[int, ...], list[str]] = {}
    for e in evidence:
        bbox = e.get("location", {}).get("bbox")
        if not bbox:
            continue
        cats = drawn.setdefault(tuple(bbox), [])
        if e["category"] in cats:
            continue
        pad = width * (1 + 2 * len(cats))  # a second category on the same region gets a box just outside
        cats.append(e["category"])
        colour = _COLOURS.get(e["category"], (255, 0, 0))
        x0, y0, x1, y1 = bbox
        draw.rectangle([x0 - pad, y0 - pad, x1 + pad, y1 + pad], outline=colour, width=width)
        draw.text((x0 + 90 * (len(cats) - 1), max(0, y0 - 12 - pad)), e["category"], fill=colour)
    try:
        out.save(path)
    except (OSError, ValueError) as exc:
        from ..pipeline import InputError

        raise InputError("unwritable_output", f"cannot write annotated image {path}: {exc}") from None
