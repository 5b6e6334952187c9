"""Value types for document ingestion: passages with locations, limits, the extraction result."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..pipeline import InputError


@dataclass(frozen=True, slots=True)
class Passage:
    """One block of text and where it sits in the document (page/slide/paragraph, bbox where known)."""

    text: str
    location: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """Refuse documents over these limits instead of truncating them."""

    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 500
    max_seconds: float = 60.0
    max_chars: int = 2_000_000
    max_zip_members: int = 5_000
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_zip_ratio: float = 200.0
    ocr: bool = True  # OCR scanned PDF pages when the image extra is installed


@dataclass(slots=True)
class Extraction:
    """Passages of a document, its kind and page count, and pages that have no text layer."""

    kind: str
    passages: list[Passage] = field(default_factory=list)
    pages: int = 0
    needs_ocr: list[int] = field(default_factory=list)


class Deadline:
    """Raises ``document_timeout`` once the time limit for one document has passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.until = time.perf_counter() + seconds

    def check(self) -> None:
        if time.perf_counter() > self.until:
            raise InputError("document_timeout", f"document took longer than {self.seconds:g}s to read")


def count_chars(passages: list[Passage], limits: DocumentLimits) -> None:
    """Enforce the total character limit."""
    total = sum(len(p.text) for p in passages)
    if total > limits.max_chars:
        raise InputError("document_too_large", f"document has {total} characters; the limit is {limits.max_chars}")
