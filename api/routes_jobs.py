"""Jobs over HTTP: POST /v1/jobs (upload or allow-listed server path), GET status, GET results (JSONL stream)."""

from __future__ import annotations

import os
import shutil
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from moderation.batch.readers import count_records
from moderation.jobs.runner import JobRunner, JobSettings
from moderation.jobs.store import JobStore
from moderation.pipeline import InputError

UPLOAD_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
PATH_FORMATS = {**UPLOAD_FORMATS, ".csv": "csv", ".warc": "warc", ".gz": "warc"}


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message}})


class JobError(Exception):
    """A refused job request: HTTP status, code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Open the job store and start the runner (which resumes unfinished jobs); stop it on shutdown."""
    settings = JobSettings.from_env()
    Path(settings.data_dir, "jobs").mkdir(parents=True, exist_ok=True)
    store = JobStore(settings.database_url, settings.table_prefix)
    mod = app.state.moderator
    runner = JobRunner(store, settings, mod, pack_dir=os.environ.get("MODERATION_PACK_DIR") or None,
                       max_chars=mod.limits.max_chars if mod else 20_000)
    app.state.jobs = (store, runner, settings)
    runner.start()
    try:
        yield
    finally:
        runner.stop()
        store.engine.dispose()


router = APIRouter(lifespan=lifespan, tags=["jobs"])


def _public(job: dict[str, Any]) -> dict[str, Any]:
    total = job["total"]
    out = {"id": job["id"], "status": job["status"],
           "progress": {"items": job["items"], "total": total, "errors": job["errors"],
                        "fraction": round(job["items"] / total, 4) if total else None},
           "decisions": job["decisions"], "policy": job["policy"], "format": job["input_format"],
           "created_at": job["created_at"], "updated_at": job["updated_at"],
           "results": f"/v1/jobs/{job['id']}/results"}
    if job["message"]:
        out["message"] = job["message"]
    return out


def _allowed_path(raw: Any, settings: JobSettings) -> tuple[str, str]:
    if not isinstance(raw, str) or not raw:
        raise JobError(400, "invalid_request", "give 'path' (a server-side file) or upload a file as multipart 'file'")
    if not settings.allowed_dirs:
        raise JobError(403, "path_not_allowed", "server-side paths are disabled (MODERATION_JOBS_ALLOWED_DIRS is unset)")
    real = os.path.realpath(raw)
    if not any(os.path.commonpath([real, d]) == d for d in settings.allowed_dirs):
        raise JobError(403, "path_not_allowed", f"{raw} is outside the allowed directories")
    if not os.path.isfile(real):
        raise JobError(400, "input_not_found", f"{raw}: no such file")
    return real, _format(real, PATH_FORMATS)


def _format(name: str, table: dict[str, str], given: Any = None) -> str:
    if given:
        if given not in set(table.values()):
            raise JobError(400, "unsupported_format", f"format {given!r} is not one of {sorted(set(table.values()))}")
        return given
    for ext, fmt in table.items():
        if name.lower().endswith(ext):
            return fmt
    raise JobError(400, "unsupported_format", f"{os.path.basename(name) or 'file'}: expected one of {sorted(table)}")


def _save_upload(upload: UploadFile, dest: Path, limit: int) -> None:
    size = 0
    with open(dest, "wb") as out:
        while block := upload.file.read(1 << 20):
            size += len(block)
            if size > limit:
                raise JobError(413, "upload_too_large", f"upload is over the limit of {limit} bytes")
            out.write(block)


@router.post("/v1/jobs", status_code=202, summary="Start a batch job (upload JSONL/Parquet, or an allow-listed path)")
async def create_job(request: Request) -> JSONResponse:
    store, runner, settings = request.app.state.jobs
    ctype = request.headers.get("content-type", "")
    job_id = store.new_id()
    job_dir = Path(settings.data_dir, "jobs", job_id)
    try:
        if ctype.startswith("multipart/form-data"):
            form = await request.form()
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise JobError(400, "invalid_request", "multipart body needs a 'file' part")
            fmt = _format(upload.filename or "", UPLOAD_FORMATS, form.get("format"))
            policy = form.get("policy") or None
            job_dir.mkdir(parents=True)
            input_path = str(job_dir / f"input.{fmt}")
            await run_in_threadpool(_save_upload, upload, Path(input_path), settings.max_upload_bytes)
        elif ctype.startswith("application/json"):
            try:
                body = await request.json()
            except ValueError:
                raise JobError(400, "invalid_json", "body is not valid JSON") from None
            if not isinstance(body, dict):
                raise JobError(400, "invalid_request", "body must be a JSON object")
            input_path, fmt = _allowed_path(body.get("path"), settings)
            if body.get("format"):
                fmt = _format(input_path, PATH_FORMATS, body["format"])
            policy = body.get("policy") or None
            job_dir.mkdir(parents=True)
        else:
            raise JobError(415, "unsupported_media_type", "send multipart/form-data with 'file', or JSON with 'path'")
        if policy is not None:
            if not isinstance(policy, str):
                raise JobError(400, "invalid_request", "policy must be a string")
            request.app.state.moderator.profile(policy)
        try:
            total = await run_in_threadpool(count_records, input_path, fmt)
        except Exception as exc:  # e.g. an upload named .parquet that is not Parquet
            raise JobError(400, "invalid_input", f"cannot read the input as {fmt}: {exc}") from None
    except JobError as exc:
        shutil.rmtree(job_dir, ignore_errors=True)
        return _error(exc.status, exc.code, exc.message)
    except InputError as exc:
        shutil.rmtree(job_dir, ignore_errors=True)
        return _error(400, exc.code, exc.message)
    job = store.create(job_id, input_path=input_path, input_format=fmt, output_path=str(job_dir / "results.jsonl"),
                       state_dir=str(job_dir / "state"), policy=policy, total=total)
    runner.wake()
    return JSONResponse(status_code=202, content=_public(job))


def _job(job_id: str, request: Request) -> tuple[dict | None, JSONResponse | None]:
    """The stored job, or a 404 response naming the id."""
    job = request.app.state.jobs[0].get(job_id)
    return (job, None) if job is not None else (None, _error(404, "job_not_found", f"no job {job_id}"))


@router.get("/v1/jobs/{job_id}", summary="Job status and progress")
def get_job(job_id: str, request: Request):
    job, missing = _job(job_id, request)
    return missing or _public(job)


@router.get("/v1/jobs/{job_id}/results", summary="Results as JSONL (one line per input), once the job is done")
def get_results(job_id: str, request: Request):
    job, missing = _job(job_id, request)
    if missing:
        return missing
    if job["status"] == "failed":
        return _error(409, "job_failed", f"job {job_id} failed: {job['message']}")
    if job["status"] != "done":
        return _error(409, "job_not_finished", f"job {job_id} is {job['status']} ({job['items']} items so far)")

    def stream():
        with open(job["output_path"], "rb") as fh:
            while block := fh.read(1 << 16):
                yield block

    return StreamingResponse(stream(), media_type="application/x-ndjson")
