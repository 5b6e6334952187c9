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


def register_available() -> None:
    """Register the document handler when the documents + curriculum packages (and their extras) import."""
    try:
        import moderation.curriculum.analyzer  # noqa: F401
        import moderation.documents  # noqa: F401
    except ImportError:
        return
    if "document" not in HANDLERS.names():
        HANDLERS.register("document")(analyze_document)
