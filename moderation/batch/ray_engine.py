"""Ray engine: Ray Data ``map_batches`` over chunks with an actor pool that holds the models.

The driver reads the input (so a remote cluster needs no shared filesystem) and submits it in windows of chunks;
each actor builds a WorkerContext once per window and runs the same ``process_chunk`` as the local engine, so
both engines give identical results. Progress is committed by the driver per chunk, exactly as for local runs.
"""

from __future__ import annotations

import os
import pickle
import shutil
import socket
import tempfile
from itertools import islice
from typing import Any, Iterator

from .dispatch import ChunkResult, WorkerConfig, WorkerContext, process_chunk
from .readers import Record


class _ChunkActor:
    """Ray Data callable class: one per actor; models load in __init__ (CONFIG is bound by a subclass)."""

    CONFIG = WorkerConfig()

    def __init__(self) -> None:
        self.ctx = WorkerContext(self.CONFIG)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        # Payloads are chunks this scan's own driver pickled a moment ago (in memory, never a file a user brings).
        out = [pickle.dumps(process_chunk(self.ctx, pickle.loads(p)), protocol=5) for p in batch["payload"]]
        return {"idx": np.asarray(batch["idx"]), "result": np.array(out, dtype=object)}


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast (ConnectionError) when a HOST:PORT cluster address does not answer: ray.init would retry for minutes."""
    if address == "auto" or "://" in address or ":" not in address:
        return
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except (OSError, ValueError) as exc:
        raise ConnectionError(f"no Ray cluster answers at {address} ({exc})") from None


class RayEngine:
    """Runs on a local Ray (``address=None``: ``workers`` CPUs) or joins an existing cluster at ``address``."""

    name = "ray"

    def __init__(self, config: WorkerConfig, workers: int = 2, address: str | None = None,
                 window_chunks: int = 400, actor_cpus: float = 0.5) -> None:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")  # no per-dataset INFO/WARNING chatter on stderr
        os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")  # failures still surface as Python exceptions
        import ray

        self.config = config
        self.workers = max(1, workers)
        self.window = max(window_chunks, 2 * self.workers)
        # On a 2-CPU machine actors that claim a whole CPU each leave none for Ray Data's own tasks: deadlock.
        self.actor_cpus = actor_cpus
        self._tmp = None
        self._owns = not ray.is_initialized()
        if self._owns:
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                      "logging_level": "ERROR", "configure_logging": True}
            if address:
                check_reachable(address)
                kwargs["address"] = address
            else:
                self._tmp = tempfile.mkdtemp(prefix="mray-", dir="/tmp")
                kwargs.update(num_cpus=self.workers, _temp_dir=self._tmp)
            ray.init(**kwargs)
        # Bind the config as a class attribute: no actor constructor arguments to keep alive in the object store.
        self._actor = type("ChunkActor", (_ChunkActor,), {"CONFIG": config})
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False

    def map(self, chunks: Iterator[tuple[int, list[Record]]]) -> Iterator[tuple[int, ChunkResult]]:
        """Results for each chunk, in input order, one Ray Data pipeline per window of chunks."""
        import ray

        while True:
            window = list(islice(chunks, self.window))
            if not window:
                return
            ds = ray.data.from_items(
                [{"idx": idx, "payload": pickle.dumps(recs, protocol=5)} for idx, recs in window],
                override_num_blocks=min(len(window), 4 * self.workers),
            )
            del window
            ds = ds.map_batches(
                self._actor, batch_size=1, batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=self.workers), num_cpus=self.actor_cpus,
            )
            for row in ds.iter_rows():
                yield int(row["idx"]), pickle.loads(row["result"])

    def close(self) -> None:
        """Shut down the local Ray this engine started and remove its temp dir."""
        import ray

        if self._owns and ray.is_initialized():
            ray.shutdown()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
