"""OCR fallback for scanned PDF pages (no text layer), through the image pipeline's engine when installed."""

from __future__ import annotations

from .types import Deadline, Extraction, Passage

RENDER_SCALE = 2.0  # 144 dpi: PDF points × 2 = pixels
MAX_OCR_PAGES = 50


def ocr_scanned_pages(data: bytes, extraction: Extraction, deadline: Deadline, engine=None) -> None:
    """Replace `needs_ocr` pages by OCR line passages (`"source": "ocr"`, bbox in PDF points, origin bottom-left).

    Pages stay in `needs_ocr` when the OCR extra is absent, when OCR finds no text, or beyond the first 50.
    """
    if extraction.kind != "pdf" or not extraction.needs_ocr:
        return
    if engine is None:
        try:
            from ..vision.image_pipeline import shared_engine
        except ImportError:
            return
        engine = shared_engine()
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        still: list[int] = []
        for n in extraction.needs_ocr:
            if len(extraction.needs_ocr) - len(still) > MAX_OCR_PAGES and n > extraction.needs_ocr[MAX_OCR_PAGES - 1]:
                still.append(n)
                continue
            deadline.check()
            page = pdf[n - 1]
            height = page.get_height()
            blocks = engine.read(page.render(scale=RENDER_SCALE).to_pil())
            if not blocks:
                still.append(n)
                continue
            for line, block in enumerate(blocks, start=1):
                x0, y0, x1, y1 = (v / RENDER_SCALE for v in block.bbox)
                location = {"kind": "document", "page": n, "paragraph": line, "source": "ocr",
                            "confidence": round(block.confidence, 3),
                            "bbox": [round(x0, 1), round(height - y1, 1), round(x1, 1), round(height - y0, 1)]}
                extraction.passages.append(Passage(block.text, location))
        extraction.needs_ocr = still
        extraction.passages.sort(key=lambda p: (p.location.get("page", 0), p.location.get("paragraph", 0)))
    finally:
        pdf.close()
