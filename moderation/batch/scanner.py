"""The batch scan: read → chunk → engine → commit per chunk → final output. Resumable when writing to a file."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Callable, Iterator

from ..pipeline import Moderator
from .dispatch import ChunkResult, WorkerConfig
from .readers import Record, count_records, detect_format, read_records
from .state import ScanState
from .writers import concat_jsonl, output_format, write_output


@dataclass(slots=True)
class BatchOptions:
    """How to run a scan; the same options (and input) resume the same state."""

    fmt: str | None = None
    engine: str = "local"
    workers: int = 1
    chunk_size: int = 500
    state_dir: str | None = None
    errors_path: str | None = None
    policy: str | None = None
    pack_dir: str | None = None
    max_chars: int = 20_000
    ray_address: str | None = None
    progress: bool = False


@dataclass(slots=True)
class BatchStats:
    """Totals of a scan (over all runs of a resumed scan) and what this run did."""

    items: int = 0
    errors: int = 0
    decisions: dict[str, int] = field(default_factory=lambda: {"pass": 0, "review": 0, "block": 0})
    resumed: int = 0
    processed: int = 0
    elapsed: float = 0.0

    def add(self, res: ChunkResult) -> None:
        self.items += res.n
        self.processed += res.n
        self.errors += res.n_errors
        for k, v in res.decisions.items():
            self.decisions[k] = self.decisions.get(k, 0) + v

    def summary(self) -> str:
        """The final throughput line."""
        rate = self.processed / self.elapsed if self.elapsed else 0.0
        d = self.decisions
        line = (f"scanned {self.items} items in {self.elapsed:.1f}s ({rate:,.0f}/s): {d.get('block', 0)} block, "
                f"{d.get('review', 0)} review, {d.get('pass', 0)} pass, {self.errors} errors")
        return line + (f" ({self.resumed} resumed from saved progress)" if self.resumed else "")


def make_engine(opts: BatchOptions, moderator: Moderator | None = None):
    """The local process pool or the Ray engine."""
    config = WorkerConfig(opts.pack_dir, opts.max_chars, opts.policy)
    if opts.engine == "ray":
        from .ray_engine import RayEngine

        return RayEngine(config, workers=opts.workers, address=opts.ray_address)
    from .local import LocalEngine

    return LocalEngine(config, workers=opts.workers, moderator=moderator)


def _chunks(records: Iterator[Record], size: int, skip: set[int], counter: list[int]) -> Iterator[tuple[int, list]]:
    idx = 0
    while True:
        chunk = list(islice(records, size))
        if not chunk:
            break
        if idx not in skip:
            yield idx, chunk
        idx += 1
        counter[0] = idx


def fingerprint(path: str, fmt: str, opts: BatchOptions) -> dict:
    """What must not change between a run and its resumption."""
    st = os.stat(path)
    return {"input": os.path.abspath(path), "size": st.st_size if fmt != "dir" else None,
            "mtime_ns": st.st_mtime_ns if fmt != "dir" else None, "format": fmt, "chunk_size": opts.chunk_size,
            "policy": opts.policy, "pack": opts.pack_dir, "max_chars": opts.max_chars,
            "html": os.environ.get("MODERATION_HTML_EXTRACTOR", "selectolax")}


def _bar(opts: BatchOptions, total: int | None, initial: int):
    if not opts.progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="items", file=sys.stderr, mininterval=0.5, dynamic_ncols=True)


def run_batch(
    input_path: str,
    output: str,
    opts: BatchOptions,
    *,
    moderator: Moderator | None = None,
    on_progress: Callable[[BatchStats], None] | None = None,
    sink: IO[str] | None = None,
) -> BatchStats:
    """Scan ``input_path`` into ``output``; to a file it is resumable (state dir), to '-' it streams to ``sink``."""
    fmt = opts.fmt or detect_format(input_path)
    records = read_records(input_path, fmt)
    started = time.perf_counter()
    stats = BatchStats()
    total = count_records(input_path, fmt) if opts.progress else None
    engine = make_engine(opts, moderator)
    try:
        if output == "-" or input_path == "-":
            _run_streaming(engine, records, opts, stats, sink or sys.stdout, total, on_progress)
        else:
            _run_resumable(engine, records, input_path, output, fmt, opts, stats, total, on_progress)
    finally:
        close = getattr(engine, "close", None)
        if close:
            close()
    stats.elapsed = time.perf_counter() - started
    return stats


def _run_streaming(engine, records, opts, stats, sink, total, on_progress) -> None:
    """No state: results go to ``sink`` in input order (used for stdin/stdout)."""
    errors = open(opts.errors_path, "w", encoding="utf-8") if opts.errors_path else None

    def write(_: int, res) -> None:
        sink.write(res.lines)
        if errors:
            errors.write(res.errors)

    try:
        _consume(engine.map(_chunks(records, opts.chunk_size, set(), [0])), write, stats, _bar(opts, total, 0),
                 on_progress)
    finally:
        sink.flush()
        if errors:
            errors.close()


def _consume(results, handle, stats, bar, on_progress) -> None:
    """Hand each (chunk index, result) to ``handle``, then count it, move the bar and report progress."""
    try:
        for idx, res in results:
            handle(idx, res)
            stats.add(res)
            if bar is not None:
                bar.update(res.n)
            if on_progress:
                on_progress(stats)
    finally:
        if bar is not None:
            bar.close()


def _run_resumable(engine, records, input_path, output, fmt, opts, stats, total, on_progress) -> None:
    """Commit per chunk into the state dir, then write the final output (and errors file) from the parts."""
    auto = opts.state_dir is None
    state = ScanState(opts.state_dir or f"{output}.state", fingerprint(input_path, fmt, opts))
    try:
        done = state.committed()
        stats.items, stats.errors, stats.decisions, _ = state.totals()
        stats.resumed = stats.items
        counter = [0]
        _consume(engine.map(_chunks(records, opts.chunk_size, done, counter)), state.commit, stats,
                 _bar(opts, total, stats.items), on_progress)
        n_chunks = counter[0]
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        write_output(state.iter_parts(n_chunks), output)
        if opts.errors_path:
            concat_jsonl(state.iter_parts(n_chunks, "errors.jsonl"), opts.errors_path)
        state.set_meta("done", output_format(output))
    except BaseException:
        state.close()
        raise
    if auto:
        state.remove()
    else:
        state.close()
