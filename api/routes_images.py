"""POST /v1/moderate/image: multipart upload (`file`) or JSON with `image_base64`; OCR loads on first use."""

from __future__ import annotations

import base64
import binascii
import json
import threading
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from moderation.pipeline import InputError

router = APIRouter()
_lock = threading.Lock()

_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary", "description": "JPEG, PNG, WebP, GIF (first frame), BMP, TIFF"},
                "id": {"type": "string"}, "channel": {"type": "string"}, "policy": {"type": "string"}}}},
            "application/json": {"schema": {"type": "object", "required": ["image_base64"], "properties": {
                "image_base64": {"type": "string", "description": "the image bytes, base64 (a data: URL prefix is accepted)"},
                "id": {"type": "string"}, "channel": {"type": "string"}, "policy": {"type": "string"}}}},
        },
    }
}
_FIELDS = ("id", "channel", "policy")


def _image_moderator(request: Request):
    """The app's ImageModerator, created (and the OCR models loaded) on the first image request."""
    state = request.app.state
    im = getattr(state, "image_moderator", None)
    if im is None or im.moderator is not state.moderator:
        with _lock:
            im = getattr(state, "image_moderator", None)
            if im is None or im.moderator is not state.moderator:
                from moderation.vision.image_pipeline import ImageModerator

                im = ImageModerator(state.moderator)
                im.ocr.load()
                state.image_moderator = im
    return im


def _optional_str(value: Any, name: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError("invalid_request", f"{name} must be a string")
    return value


async def _read_body(request: Request) -> tuple[bytes, dict[str, str | None]]:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InputError("missing_image", "multipart body needs a 'file' part with the image")
        data = await upload.read()
        return data, {k: _optional_str(form.get(k), k) for k in _FIELDS}
    if ctype in ("application/json", ""):
        try:
            body = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError("invalid_json", f"body is not JSON: {exc}") from None
        if not isinstance(body, dict) or not isinstance(body.get("image_base64"), str):
            raise InputError("missing_image", "JSON body needs 'image_base64' (a base64 string)")
        raw = body["image_base64"]
        if raw.startswith("data:") and "," in raw:
            raw = raw.split(",", 1)[1]
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise InputError("invalid_base64", "image_base64 is not valid base64") from None
        return data, {k: _optional_str(body.get(k), k) for k in _FIELDS}
    raise InputError("unsupported_media_type", f"send multipart/form-data or application/json, not {ctype}")


@router.post("/v1/moderate/image", summary="Score an image (OCR + QR codes), evidence located by bbox",
             openapi_extra=_BODY_DOC)
async def moderate_image(request: Request) -> dict:
    data, fields = await _read_body(request)
    mod = request.app.state.moderator
    mod.profile(fields["policy"], fields["channel"])  # unknown policy → 400 before OCR
    im = await run_in_threadpool(_image_moderator, request)
    result = await run_in_threadpool(im.moderate_bytes, data, id=fields["id"], policy=fields["policy"],
                                     channel=fields["channel"])
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.record_result(result)
    return result
