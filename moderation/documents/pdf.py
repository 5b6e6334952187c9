"""PDF text layer via pypdfium2 (Apache/BSD): paragraphs per page with bounding boxes."""

from __future__ import annotations

import re

from ..pipeline import InputError
from .text import join_lines
from .types import Deadline, DocumentLimits, Extraction, Passage

_MIN_TEXT = 3  # fewer visible characters than this on a page with images → needs OCR
_PARA_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = ("。", "！", "？", "：", ".", "!", "?", ":", "；", ";")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of paragraphs: blank lines split; so do lines ending a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    pos = 0
    for line in text.splitlines(keepends=True):
        end = pos + len(line)
        stripped = line.strip()
        if not stripped:
            if pos > start:
                spans.append((start, pos))
            start = end
        elif stripped.endswith(_SENTENCE_END) or len(stripped) < 25:
            spans.append((start, end))
            start = end
        pos = end
    if pos > start:
        spans.append((start, pos))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _bbox(textpage, start: int, count: int) -> list[float] | None:
    """Union of the text rectangles of a character range (PDF points, origin bottom-left)."""
    try:
        n = textpage.count_rects(start, count)
        boxes = [textpage.get_rect(i) for i in range(n)]
    except Exception:  # pdfium refuses odd ranges on some generated characters
        return None
    if not boxes:
        return None
    return [round(min(b[0] for b in boxes), 1), round(min(b[1] for b in boxes), 1),
            round(max(b[2] for b in boxes), 1), round(max(b[3] for b in boxes), 1)]


def _has_images(page) -> bool:
    import pypdfium2.raw as raw

    return any(obj.type == raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))


def extract_pdf(data: bytes, limits: DocumentLimits, deadline: Deadline) -> Extraction:
    """Paragraph passages per page; pages without a text layer but with images are listed as needing OCR."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg or "security" in msg:
            raise InputError("encrypted_document", "the PDF is encrypted (password required)") from None
        raise InputError("malformed_document", f"the PDF cannot be read: {exc}") from None
    try:
        n_pages = len(pdf)
        if n_pages > limits.max_pages:
            raise InputError("document_too_large", f"PDF has {n_pages} pages; the limit is {limits.max_pages}")
        out = Extraction(kind="pdf", pages=n_pages)
        for index in range(n_pages):
            deadline.check()
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            if len(text.strip()) < _MIN_TEXT:
                if _has_images(page):
                    out.needs_ocr.append(index + 1)
                continue
            for para, (a, b) in enumerate(_paragraphs(text), start=1):
                raw_text = text[a:b]
                lead = len(raw_text) - len(raw_text.lstrip())
                body = raw_text.strip()
                location = {"kind": "document", "page": index + 1, "paragraph": para}
                box = _bbox(textpage, a + lead, len(body))
                if box:
                    location["bbox"] = box
                out.passages.append(Passage(join_lines(body), location))
        return out
    finally:
        pdf.close()
