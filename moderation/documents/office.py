"""DOCX (python-docx) and PPTX (python-pptx): paragraphs, table cells and slide shapes, in order."""

from __future__ import annotations

import io

from ..pipeline import InputError
from .types import Deadline, DocumentLimits, Extraction, Passage


def extract_docx(data: bytes, limits: DocumentLimits, deadline: Deadline) -> Extraction:
    """Body paragraphs and table rows in document order; paragraph numbers count non-empty blocks."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError/ValueError/BadZipFile on broken packages
        raise InputError("malformed_document", f"the DOCX cannot be read: {type(exc).__name__}") from None
    out = Extraction(kind="docx", pages=0)
    para = 0
    table_no = 0
    for block in document.iter_inner_content():
        deadline.check()
        if hasattr(block, "rows"):
            table_no += 1
            for r, row in enumerate(block.rows, start=1):
                cells = []
                for cell in row.cells:
                    t = cell.text.strip()
                    if t and (not cells or cells[-1] != t):  # merged cells repeat their text
                        cells.append(t)
                if cells:
                    para += 1
                    out.passages.append(Passage(" | ".join(cells), {"kind": "document", "paragraph": para,
                                                                      "table": table_no, "row": r}))
            continue
        text = block.text.strip()
        if text:
            para += 1
            out.passages.append(Passage(text, {"kind": "document", "paragraph": para}))
    return out


def _shape_texts(shape) -> list[str]:
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        return [p.text.strip() for p in shape.text_frame.paragraphs if p.text.strip()]
    if getattr(shape, "has_table", False) and shape.has_table:
        rows = []
        for row in shape.table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                rows.append(" | ".join(cells))
        return rows
    if hasattr(shape, "shapes"):  # group shape
        return [t for child in shape.shapes for t in _shape_texts(child)]
    return []


def extract_pptx(data: bytes, limits: DocumentLimits, deadline: Deadline) -> Extraction:
    """One passage per text-bearing shape (paragraphs joined), located by slide and shape number."""
    import pptx

    try:
        deck = pptx.Presentation(io.BytesIO(data))
    except Exception as exc:
        raise InputError("malformed_document", f"the PPTX cannot be read: {type(exc).__name__}") from None
    slides = list(deck.slides)
    if len(slides) > limits.max_pages:
        raise InputError("document_too_large", f"PPTX has {len(slides)} slides; the limit is {limits.max_pages}")
    out = Extraction(kind="pptx", pages=len(slides))
    for s, slide in enumerate(slides, start=1):
        deadline.check()
        for k, shape in enumerate(slide.shapes, start=1):
            texts = _shape_texts(shape)
            if texts:
                out.passages.append(Passage("\n".join(texts), {"kind": "document", "slide": s, "shape": k}))
    return out
