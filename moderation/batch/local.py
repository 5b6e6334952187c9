"""Local engine: a process pool (models loaded once per worker by the initializer), bounded in-flight chunks."""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections import deque
from typing import Iterator

from ..pipeline import Moderator
from .dispatch import ChunkResult, WorkerConfig, WorkerContext, process_chunk
from .readers import Record

_CTX: WorkerContext | None = None


def _init_worker(config: WorkerConfig) -> None:
    global _CTX
    _CTX = WorkerContext(config)


def _run_chunk(task: tuple[int, list[Record]]) -> tuple[int, ChunkResult]:
    idx, records = task
    assert _CTX is not None, "worker not initialised"
    return idx, process_chunk(_CTX, records)


class LocalEngine:
    """``workers`` processes (1 = in this process); at most 2 chunks per worker in flight, so memory stays bounded."""

    name = "local"

    def __init__(self, config: WorkerConfig, workers: int = 1, moderator: Moderator | None = None) -> None:
        self.config = config
        self.workers = max(1, workers)
        self._moderator = moderator

    def map(self, chunks: Iterator[tuple[int, list[Record]]]) -> Iterator[tuple[int, ChunkResult]]:
        """Results for each chunk, in input order."""
        if self.workers == 1:
            ctx = WorkerContext(self.config, self._moderator)
            for idx, records in chunks:
                yield idx, process_chunk(ctx, records)
            return
        # fork is fastest; with other threads alive (the jobs API) fork is unsafe, so use forkserver there.
        method = "fork" if threading.active_count() == 1 else "forkserver"
        pool = mp.get_context(method).Pool(self.workers, initializer=_init_worker, initargs=(self.config,))
        try:
            pending: deque = deque()
            for task in chunks:
                pending.append(pool.apply_async(_run_chunk, (task,)))
                while len(pending) >= 2 * self.workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
            pool.close()
        finally:
            pool.terminate()
            pool.join()
