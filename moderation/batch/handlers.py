"""Handlers for non-text item kinds, registered into dispatch.HANDLERS when their packages are importable."""

from __future__ import annotations

import os
from typing import Any

from .dispatch import HANDLERS, WorkerContext


def _material_analyzer(ctx: WorkerContext):
    from ..curriculum.analyzer import MaterialAnalyzer

    return MaterialAnalyzer(ctx.moderator)


def analyze_document(ctx: WorkerContext, item: dict[str, Any], item_id: Any, policy: str | None) -> dict[str, Any]:
    """A document item ({'path', 'grade'?, 'subject'?}) → the material report (contract), with the id."""
    from ..documents import extract_file

    analyzer = ctx.resource("materials", lambda: _material_analyzer(ctx))
    extraction = extract_file(item["path"])
    report = analyzer.analyze(extraction, grade=item.get("grade"), subject=item.get("subject"),
                              filename=os.path.basename(item["path"]))
    return {"id": item_id, **report}


def moderate_image(ctx: WorkerContext, item: dict[str, Any], item_id: Any, policy: str | None) -> dict[str, Any]:
    """An image item ({'image_path'} or {'path': '*.png'}, or bytes from a WARC record) → OCR + text result."""
    from ..vision.items import image_moderator_for, moderate_image_item

    if "image_bytes" in item:
        return image_moderator_for(ctx.moderator).moderate_bytes(
            item["image_bytes"], id=item_id, policy=item.get("policy") or policy, channel=item.get("channel"))
    return moderate_image_item({**item, "id": item_id}, ctx.moderator, policy)


def register_available() -> None:
    """Register the document and image handlers when their packages (and extras) import."""
    try:
        import moderation.curriculum.analyzer  # noqa: F401
        import moderation.documents  # noqa: F401
    except ImportError:
        pass
    else:
        if "document" not in HANDLERS.names():
            HANDLERS.register("document")(analyze_document)
    try:
        import moderation.vision.image_pipeline  # noqa: F401
    except ImportError:
        return
    if "image" not in HANDLERS.names():
        HANDLERS.register("image")(moderate_image)
