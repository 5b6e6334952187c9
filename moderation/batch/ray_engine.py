"""Ray engine: Ray Data ``map_batches`` over chunks with an actor pool that holds the models.

The driver reads the input (so a remote cluster needs no shared filesystem) and submits it in windows of chunks;
each actor builds a WorkerContext once per window and runs the same ``process_chunk`` as the local engine, so
both engines give identical results. Progress is committed by the driver per chunk, exactly as for local runs.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import decimal
import json
import os
import shutil
import socket
import tempfile
from itertools import islice
from typing import Any, Iterator

from .dispatch import ChunkResult, WorkerConfig, WorkerContext, process_chunk
from .readers import Record


def _jsonable(value: Any) -> Any:
    """JSON for what readers can yield beyond JSON types: bytes (WARC bodies), dates, decimals (Parquet)."""
    if isinstance(value, (bytes, bytearray)):
        return {"__b64__": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"cannot send a {type(value).__name__} to a Ray actor")


def _unbytes(obj: dict[str, Any]) -> Any:
    return base64.b64decode(obj["__b64__"]) if obj.keys() == {"__b64__"} else obj


def encode_chunk(records: list[Record]) -> str:
    """A chunk of records as JSON text (no pickles cross the driver/actor boundary)."""
    rows = [[r.location, r.id, r.item, r.error, r.line] for r in records]
    return json.dumps(rows, ensure_ascii=False, default=_jsonable)


def decode_chunk(payload: str) -> list[Record]:
    return [Record(loc, id_, item, tuple(err) if err else None, line)
            for loc, id_, item, err, line in json.loads(payload, object_hook=_unbytes)]


def encode_result(result: ChunkResult) -> str:
    return json.dumps(dataclasses.asdict(result), ensure_ascii=False)


def decode_result(payload: str) -> ChunkResult:
    return ChunkResult(**json.loads(payload))


class _ChunkActor:
    """Ray Data callable class: one per actor; models load in __init__ (CONFIG is bound by a subclass)."""

    CONFIG = WorkerConfig()

    def __init__(self) -> None:
        self.ctx = WorkerContext(self.CONFIG)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        out = [encode_result(process_chunk(self.ctx, decode_chunk(p))) for p in batch["payload"]]
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
                [{"idx": idx, "payload": encode_chunk(recs)} for idx, recs in window],
                override_num_blocks=min(len(window), 4 * self.workers),
            )
            del window
            ds = ds.map_batches(
                self._actor, batch_size=1, batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=self.workers), num_cpus=self.actor_cpus,
            )
            for row in ds.iter_rows():
                yield int(row["idx"]), decode_result(row["result"])

    def close(self) -> None:
        """Shut down the local Ray this engine started and remove its temp dir."""
        import ray

        if self._owns and ray.is_initialized():
            ray.shutdown()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
