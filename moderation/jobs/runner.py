"""Background job runner: claims jobs from the store and runs them with the resumable batch scanner."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..batch.readers import ReaderError
from ..batch.scanner import BatchOptions, BatchStats, run_batch
from ..batch.state import StateMismatch
from ..pipeline import Moderator
from .store import JobStore

log = logging.getLogger("moderation.jobs")


def _default_data_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "moderation")


@dataclass(frozen=True)
class JobSettings:
    """MODERATION_JOBS_* settings (see README)."""

    data_dir: str = field(default_factory=_default_data_dir)
    db_url: str | None = None
    table_prefix: str = "moderation_"
    allowed_dirs: tuple[str, ...] = ()
    lease_s: float = 60.0
    workers: int = 1
    chunk_size: int = 500
    max_upload_bytes: int = 2 * 1024**3

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{os.path.join(self.data_dir, 'jobs.sqlite')}"

    @classmethod
    def from_env(cls) -> "JobSettings":
        env = os.environ
        dirs = tuple(os.path.realpath(d) for d in env.get("MODERATION_JOBS_ALLOWED_DIRS", "").split(os.pathsep) if d)
        return cls(
            data_dir=env.get("MODERATION_JOBS_DIR") or _default_data_dir(),
            db_url=env.get("MODERATION_JOBS_DB") or None,
            table_prefix=env.get("MODERATION_JOBS_TABLE_PREFIX", "moderation_"),
            allowed_dirs=dirs,
            lease_s=float(env.get("MODERATION_JOBS_LEASE_S", 60)),
            workers=int(env.get("MODERATION_JOBS_WORKERS", 1)),
            chunk_size=int(env.get("MODERATION_JOBS_CHUNK_SIZE", 500)),
            max_upload_bytes=int(env.get("MODERATION_JOBS_MAX_UPLOAD_BYTES", 2 * 1024**3)),
        )


class _Stopped(Exception):
    """Raised from the progress callback when the server shuts down: the job goes back to the queue."""


class JobRunner:
    """One daemon thread; runs claimed jobs one at a time, heart-beating per committed chunk."""

    def __init__(self, store: JobStore, settings: JobSettings, moderator: Moderator | None = None,
                 pack_dir: str | None = None, max_chars: int = 20_000, poll_s: float = 1.0) -> None:
        self.store, self.settings, self.moderator = store, settings, moderator
        self.pack_dir, self.max_chars, self.poll_s = pack_dir, max_chars, poll_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="moderation-jobs", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look for work now (after a POST)."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current chunk; an interrupted job is requeued and resumes on the next start."""
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                ran = self.run_pending()
            except Exception:  # the database may be briefly unreachable; keep the thread alive
                log.exception("job loop")
                ran = False
            if not ran:
                self._wake.wait(self.poll_s)
                self._wake.clear()

    def run_pending(self) -> bool:
        """Claim and run the oldest claimable job; True if one ran."""
        for job_id in self.store.claimable(self.settings.lease_s):
            if self._stop.is_set():
                return False
            if self.store.claim(job_id, self.settings.lease_s):
                self.run_job(self.store.get(job_id))  # type: ignore[arg-type]
                return True
        return False

    def run_job(self, job: dict[str, Any]) -> None:
        """Run (or resume) one claimed job to done/failed; requeue it if the server is stopping."""
        job_id = job["id"]
        opts = BatchOptions(fmt=job["input_format"], workers=self.settings.workers, chunk_size=self.settings.chunk_size,
                            state_dir=job["state_dir"], policy=job["policy"], pack_dir=self.pack_dir,
                            max_chars=self.max_chars)

        def progress(stats: BatchStats) -> None:
            self.store.update(job_id, items=stats.items, errors=stats.errors, decisions=stats.decisions,
                              heartbeat=time.time())
            if self._stop.is_set():
                raise _Stopped

        try:
            Path(job["output_path"]).parent.mkdir(parents=True, exist_ok=True)
            stats = run_batch(job["input_path"], job["output_path"], opts,
                              moderator=self.moderator if opts.workers == 1 else None, on_progress=progress)
        except _Stopped:
            self.store.update(job_id, status="queued", heartbeat=None)
            return
        except (ReaderError, StateMismatch, OSError) as exc:
            self.store.update(job_id, status="failed", message=str(exc))
            return
        except Exception as exc:
            log.exception("job %s failed", job_id)
            self.store.update(job_id, status="failed", message=f"{type(exc).__name__}: {exc}")
            return
        self.store.update(job_id, status="done", items=stats.items, errors=stats.errors, decisions=stats.decisions,
                          total=stats.items, heartbeat=time.time())
        shutil.rmtree(job["state_dir"], ignore_errors=True)
