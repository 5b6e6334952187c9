"""Durable scan progress: exactly-once output under SIGKILL.

Protocol. The input is cut into fixed-size chunks (chunk i = records [i*C, (i+1)*C)). A finished chunk's lines go
to ``parts/<i>.jsonl.tmp``, are fsynced and renamed to ``parts/<i>.jsonl``; only then is row i inserted into the
SQLite progress db (the commit point). On start, every part file without a committed row is deleted, and committed
chunks are skipped. A kill before the commit loses only that chunk's work (redone); a kill after it loses nothing.
The final output is the concatenation of the parts in chunk order, written to a temporary file and renamed.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any, Iterator

from .dispatch import ChunkResult


class StateMismatch(Exception):
    """The state directory belongs to a different input or options."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durable(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class ScanState:
    """A state directory: ``progress.sqlite`` (committed chunks, run fingerprint) and ``parts/``."""

    def __init__(self, directory: str | Path, fingerprint: dict[str, Any]) -> None:
        self.dir = Path(directory)
        self.parts = self.dir / "parts"
        self.parts.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.dir / "progress.sqlite", isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS chunks (idx INTEGER PRIMARY KEY, n INTEGER NOT NULL, "
            "errors INTEGER NOT NULL, decisions TEXT NOT NULL)"
        )
        wanted = json.dumps(fingerprint, sort_keys=True)
        row = self.db.execute("SELECT value FROM meta WHERE key='fingerprint'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (wanted,))
        elif row[0] != wanted:
            raise StateMismatch(
                f"state directory {self.dir} belongs to another input or options; remove it or pass another --state"
            )
        self._discard_uncommitted()

    def _discard_uncommitted(self) -> None:
        done = self.committed()
        for part in self.parts.iterdir():
            stem = part.name.split(".", 1)[0]
            if part.name.endswith(".tmp") or not stem.isdigit() or int(stem) not in done:
                part.unlink()

    def committed(self) -> set[int]:
        """Indices of the chunks whose output is durable."""
        return {r[0] for r in self.db.execute("SELECT idx FROM chunks")}

    def part(self, idx: int, kind: str = "jsonl") -> Path:
        return self.parts / f"{idx:08d}.{kind}"

    def commit(self, idx: int, result: ChunkResult) -> None:
        """Make chunk ``idx`` durable: parts first (fsync + rename), then the db row."""
        _write_durable(self.part(idx), result.lines)
        if result.n_errors:
            _write_durable(self.part(idx, "errors.jsonl"), result.errors)
        _fsync_dir(self.parts)
        self.db.execute(
            "INSERT INTO chunks VALUES (?, ?, ?, ?)", (idx, result.n, result.n_errors, json.dumps(result.decisions))
        )

    def totals(self) -> tuple[int, int, dict[str, int], int]:
        """(items, errors, decisions, chunks) over the committed chunks."""
        items = errors = chunks = 0
        decisions = {"pass": 0, "review": 0, "block": 0}
        for n, e, d in self.db.execute("SELECT n, errors, decisions FROM chunks"):
            items, errors, chunks = items + n, errors + e, chunks + 1
            for k, v in json.loads(d).items():
                decisions[k] = decisions.get(k, 0) + v
        return items, errors, decisions, chunks

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def iter_parts(self, n_chunks: int, kind: str = "jsonl") -> Iterator[Path]:
        """Committed part files in input order (error parts exist only for chunks with errors)."""
        rows = dict(self.db.execute("SELECT idx, errors FROM chunks"))
        missing = [i for i in range(n_chunks) if i not in rows]
        if missing:
            raise RuntimeError(f"chunks not committed: {missing[:5]}")
        for i in range(n_chunks):
            if kind == "jsonl" or rows[i]:
                yield self.part(i, kind)

    def close(self) -> None:
        self.db.close()

    def remove(self) -> None:
        """Delete the whole state directory (after a finished run whose state dir was not asked for)."""
        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)
