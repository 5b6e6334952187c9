"""POST /v1/materials: a course material (multipart upload) → material report."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from moderation.curriculum.kb import SUBJECTS
from moderation.pipeline import InputError

router = APIRouter()
_STATUS = {"document_too_large": 413, "unsupported_document_type": 415, "invalid_grade": 422,
           "invalid_subject": 422, "document_timeout": 422}


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message}})


def _analyzer(request: Request):
    """One MaterialAnalyzer per app, built on first use around the app's Moderator."""
    analyzer = getattr(request.app.state, "materials", None)
    if analyzer is None:
        from moderation.curriculum.analyzer import MaterialAnalyzer

        analyzer = MaterialAnalyzer(request.app.state.moderator)
        request.app.state.materials = analyzer
    return analyzer


def _parse_grade(grade: str | None) -> int | None:
    if grade is None or grade.strip() == "":
        return None
    try:
        g = int(grade)
    except ValueError:
        raise InputError("invalid_grade", f"grade must be an integer 1-12, got {grade!r}") from None
    if not 1 <= g <= 12:
        raise InputError("invalid_grade", f"grade must be between 1 and 12, got {g}")
    return g


@router.post("/v1/materials", summary="Check a course material for 超前/超标 content and embedded ads")
async def materials(
    request: Request,
    file: UploadFile = File(..., description="PDF, DOCX, PPTX, TXT (UTF-8) or Markdown"),
    grade: str | None = Form(None, description="declared grade 1-12 (overrides detection)"),
    subject: str | None = Form(None, description=", ".join(SUBJECTS)),
):
    from moderation.documents import extract

    try:
        g = _parse_grade(grade)
        if subject is not None and subject.strip() and subject not in SUBJECTS:
            raise InputError("invalid_subject", f"unknown subject {subject!r} (known: {', '.join(SUBJECTS)})")
        data = await file.read()
        name = file.filename or ""

        def work() -> dict:
            t0 = time.perf_counter()
            extraction = extract(data, name)
            parse_ms = (time.perf_counter() - t0) * 1000
            return _analyzer(request).analyze(extraction, grade=g, subject=subject or None, filename=name,
                                              parse_ms=parse_ms)

        return await asyncio.to_thread(work)
    except InputError as exc:
        return _error(_STATUS.get(exc.code, 400), exc.code, exc.message)
