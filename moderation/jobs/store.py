"""Durable job records with SQLAlchemy Core: SQLite by default, PostgreSQL when a postgresql+psycopg:// URL is set."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, or_, select, update
from sqlalchemy.engine import Engine

STATUSES = ("queued", "running", "done", "failed")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL and a busy timeout so the API and the runner thread can share it."""
    if url.startswith("sqlite"):
        from sqlalchemy import event

        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record) -> None:  # pragma: no cover - trivial
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")

        return engine
    return create_engine(url, pool_pre_ping=True)


class JobStore:
    """The jobs table (name ``<prefix>jobs``, so parallel deployments or test runs can share one database)."""

    def __init__(self, url: str, prefix: str = "moderation_") -> None:
        self.url = url
        self.engine = make_engine(url)
        self.meta = MetaData()
        self.table = Table(
            f"{prefix}jobs", self.meta,
            Column("id", String(32), primary_key=True),
            Column("status", String(16), nullable=False, index=True),
            Column("input_path", Text, nullable=False),
            Column("input_format", String(16), nullable=False),
            Column("output_path", Text, nullable=False),
            Column("state_dir", Text, nullable=False),
            Column("policy", String(64)),
            Column("total", Integer),
            Column("items", Integer, nullable=False, default=0),
            Column("errors", Integer, nullable=False, default=0),
            Column("decisions", Text, nullable=False, default="{}"),
            Column("message", Text),
            Column("attempts", Integer, nullable=False, default=0),
            Column("created_at", Float, nullable=False),
            Column("updated_at", Float, nullable=False),
            Column("heartbeat", Float),
        )
        self.meta.create_all(self.engine)

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def create(self, job_id: str, *, input_path: str, input_format: str, output_path: str, state_dir: str,
               policy: str | None, total: int | None) -> dict[str, Any]:
        """Insert a queued job and return it."""
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(self.table.insert().values(
                id=job_id, status="queued", input_path=input_path, input_format=input_format,
                output_path=output_path, state_dir=state_dir, policy=policy, total=total, items=0, errors=0,
                decisions="{}", attempts=0, created_at=now, updated_at=now))
        return self.get(job_id)  # type: ignore[return-value]

    def get(self, job_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(self.table).where(self.table.c.id == job_id)).mappings().first()
        if row is None:
            return None
        job = dict(row)
        job["decisions"] = json.loads(job["decisions"] or "{}")
        return job

    def update(self, job_id: str, **fields: Any) -> None:
        if "decisions" in fields:
            fields["decisions"] = json.dumps(fields["decisions"])
        fields["updated_at"] = time.time()
        with self.engine.begin() as conn:
            conn.execute(update(self.table).where(self.table.c.id == job_id).values(**fields))

    def claimable(self, lease_s: float) -> list[str]:
        """Queued jobs, and running jobs whose worker stopped heart-beating (a crashed server), oldest first."""
        stale = time.time() - lease_s
        t = self.table
        cond = or_(t.c.status == "queued", (t.c.status == "running") & (t.c.heartbeat < stale))
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(select(t.c.id).where(cond).order_by(t.c.created_at))]

    def claim(self, job_id: str, lease_s: float) -> bool:
        """Atomically take a job (compare-and-set on status/heartbeat); False if another worker has it."""
        now = time.time()
        t = self.table
        cond = or_(t.c.status == "queued", (t.c.status == "running") & (t.c.heartbeat < now - lease_s))
        with self.engine.begin() as conn:
            res = conn.execute(update(t).where((t.c.id == job_id) & cond).values(
                status="running", heartbeat=now, updated_at=now, attempts=t.c.attempts + 1))
        return res.rowcount == 1

    def drop(self) -> None:
        """Drop the table (tests) and dispose of the engine."""
        self.table.drop(self.engine, checkfirst=True)
        self.engine.dispose()
