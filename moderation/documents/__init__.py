"""Document ingestion: PDF / DOCX / PPTX / TXT / Markdown → passages with locations."""

from __future__ import annotations

from pathlib import Path

from .types import Deadline, DocumentLimits, Extraction, Passage, count_chars
from .sniff import sniff

__all__ = ["DocumentLimits", "Extraction", "Passage", "extract", "extract_file"]


def extract(data: bytes, filename: str = "", limits: DocumentLimits | None = None) -> Extraction:
    """Read a document from bytes; raises InputError (unsupported/malformed/encrypted/too large)."""
    limits = limits or DocumentLimits()
    kind = sniff(data, filename, limits)
    deadline = Deadline(limits.max_seconds)
    if kind == "pdf":
        from .pdf import extract_pdf

        out = extract_pdf(data, limits, deadline)
        if out.needs_ocr and limits.ocr:
            from .ocr_pages import ocr_scanned_pages

            ocr_scanned_pages(data, out, deadline)
    elif kind == "docx":
        from .office import extract_docx

        out = extract_docx(data, limits, deadline)
    elif kind == "pptx":
        from .office import extract_pptx

        out = extract_pptx(data, limits, deadline)
    else:
        from .text import extract_text

        out = extract_text(data, markdown=kind == "markdown")
    count_chars(out.passages, limits)
    out.passages = [piece for p in out.passages for piece in split_long(p)]
    return out


_MAX_PASSAGE = 4000


def split_long(p: Passage) -> list[Passage]:
    """Cut a passage longer than 4,000 characters at sentence ends; pieces get a `part` number."""
    if len(p.text) <= _MAX_PASSAGE:
        return [p]
    pieces, start = [], 0
    while start < len(p.text):
        end = min(len(p.text), start + _MAX_PASSAGE)
        if end < len(p.text):
            cut = max(p.text.rfind(c, start + _MAX_PASSAGE // 2, end) for c in "。！？.!?\n；;")
            end = cut + 1 if cut > start else end
        pieces.append(Passage(p.text[start:end], {**p.location, "part": len(pieces) + 1}))
        start = end
    return pieces


def extract_file(path: str | Path, limits: DocumentLimits | None = None) -> Extraction:
    """Read a document from disk (size checked before reading it all)."""
    from ..pipeline import InputError

    limits = limits or DocumentLimits()
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limits.max_bytes:
            raise InputError("document_too_large", f"document has {size} bytes; the limit is {limits.max_bytes}")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError("unreadable_document", f"cannot read {path}: {exc.strerror}") from None
    return extract(data, p.name, limits)
