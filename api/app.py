"""FastAPI app factory: models and packs load once at start-up; bad input gets a precise 4xx."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from moderation import __version__
from moderation.pipeline import InputError, Limits, Moderator

from .metrics import ApiMetrics
from .schemas import BatchRequest, BatchResponse, ErrorResponse, ModerateRequest

log = logging.getLogger("moderation.api")
_STATUS = {"text_too_long": 413, "batch_too_large": 413, "body_too_large": 413, "image_too_large": 413,
           "unsupported_image_format": 415, "unsupported_media_type": 415}


@dataclass(frozen=True)
class Settings:
    """API settings; `from_env` reads MODERATION_* variables."""

    pack_dir: str | None = None
    max_chars: int = 20_000
    max_batch: int = 512
    max_body_bytes: int = 8 * 1024 * 1024

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        return cls(
            pack_dir=env.get("MODERATION_PACK_DIR") or None,
            max_chars=int(env.get("MODERATION_MAX_CHARS", 20_000)),
            max_batch=int(env.get("MODERATION_MAX_BATCH", 512)),
            max_body_bytes=int(env.get("MODERATION_MAX_BODY_BYTES", 8 * 1024 * 1024)),
        )


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message}})


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the Moderator is created once in the lifespan and shared by all requests."""
    settings = settings or Settings.from_env()
    metrics = ApiMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.moderator = Moderator(settings.pack_dir, Limits(settings.max_chars, settings.max_batch))
        yield

    app = FastAPI(
        title="moderation",
        version=__version__,
        description="Compliance scoring for China's 2021 double-reduction (双减) rules on off-campus training ads.",
        lifespan=lifespan,
        responses={400: {"model": ErrorResponse}, 413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    )
    app.state.moderator = None
    app.state.metrics = metrics

    @app.exception_handler(InputError)
    async def input_error(_: Request, exc: InputError) -> JSONResponse:
        return _error(_STATUS.get(exc.code, 400), exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _error(422, "invalid_request", f"{where or 'body'}: {first.get('msg', 'invalid request')}")

    @app.middleware("http")
    async def observe(request: Request, call_next):
        started = time.perf_counter()
        length = request.headers.get("content-length")
        big_ok = request.url.path == "/v1/jobs"  # job uploads have their own limit (MODERATION_JOBS_MAX_UPLOAD_BYTES)
        if length and length.isdigit() and int(length) > settings.max_body_bytes and not big_ok:
            response = _error(413, "body_too_large", f"body has {length} bytes; the limit is {settings.max_body_bytes}")
        else:
            response = await call_next(request)
        elapsed = time.perf_counter() - started
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.requests.labels(path, str(response.status_code)).inc()
        metrics.latency.labels(path).observe(elapsed)
        log.info(json.dumps({"method": request.method, "path": request.url.path, "status": response.status_code,
                             "ms": round(elapsed * 1000, 3)}))
        return response

    def moderator(request: Request) -> Moderator:
        return request.app.state.moderator

    @app.post("/v1/moderate", summary="Score one text")
    def moderate(body: ModerateRequest, request: Request) -> dict:
        result = moderator(request).moderate(body.text, id=body.id, policy=body.policy, channel=body.channel)
        metrics.record_result(result)
        return result

    @app.post("/v1/moderate/batch", summary="Score many texts", response_model=BatchResponse)
    def moderate_batch(body: BatchRequest, request: Request) -> dict:
        results = moderator(request).moderate_batch([item.model_dump() for item in body.items], policy=body.policy)
        for result in results:
            metrics.record_result(result)
        return {"results": results}

    @app.get("/healthz", summary="Ready when the pack and models are loaded")
    def healthz(request: Request):
        mod = moderator(request)
        if mod is None:
            return _error(503, "not_ready", "models are loading")
        return {"status": "ok", "version": __version__, "model_versions": mod.model_versions,
                "profiles": sorted(mod.profiles.profiles)}

    @app.get("/metrics", summary="Prometheus metrics")
    def prometheus() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    from .routes_images import router as images_router
    from .routes_materials import router as materials_router

    app.include_router(images_router)
    app.include_router(materials_router)
    if importlib.util.find_spec("sqlalchemy") is not None:  # jobs need the 'batch' extra
        from .routes_jobs import router as jobs_router

        app.include_router(jobs_router)
    return app
