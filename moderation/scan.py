"""Streaming JSONL scan: one result line per input line, bounded memory, optional progress bar."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import IO, Any, Iterator

from .pipeline import InputError, Moderator
from .vision.items import is_image_item, moderate_image_item


@dataclass(slots=True)
class ScanStats:
    """Counts of a finished scan."""

    lines: int = 0
    errors: int = 0
    decisions: dict[str, int] = field(default_factory=lambda: {"pass": 0, "review": 0, "block": 0})


def _error(line_no: int, item_id: Any, code: str, message: str) -> dict[str, Any]:
    return {"id": item_id, "line": line_no, "error": {"code": code, "message": message}}


def scan_lines(lines: Iterator[bytes], moderator: Moderator, policy: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield exactly one result (or error record) per input line, in order."""
    for line_no, raw_bytes in enumerate(lines, 1):
        try:
            raw = raw_bytes.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield _error(line_no, None, "invalid_utf8", f"line {line_no}: not UTF-8 (byte {exc.start})")
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield _error(line_no, None, "invalid_json", f"line {line_no}: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(item, dict):
            yield _error(line_no, None, "invalid_item", f"line {line_no}: expected a JSON object")
            continue
        item_id = item.get("id", line_no)
        if "text" not in item:
            if is_image_item(item):
                try:
                    yield moderate_image_item(item, moderator, policy)
                except InputError as exc:
                    yield _error(line_no, item_id, exc.code, exc.message)
            elif "image_path" in item or "path" in item:
                yield _error(line_no, item_id, "unsupported_item", "document items are not supported yet")
            else:
                yield _error(line_no, item_id, "missing_text", f"line {line_no}: no 'text' field")
            continue
        try:
            yield moderator.moderate(
                item["text"], id=item_id, policy=item.get("policy") or policy, channel=item.get("channel")
            )
        except InputError as exc:
            yield _error(line_no, item_id, exc.code, exc.message)


def count_lines(path: str) -> int | None:
    """Number of lines in a file (for the progress bar), or None for stdin."""
    if path == "-":
        return None
    n = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            n += block.count(b"\n")
    return n


def run_scan(
    source: IO[bytes],
    sink: IO[str],
    moderator: Moderator,
    *,
    policy: str | None = None,
    total: int | None = None,
    progress: bool = False,
) -> ScanStats:
    """Moderate every line of the binary ``source`` and write one JSON line per input to ``sink``."""
    stats = ScanStats()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="items", file=sys.stderr, mininterval=0.5, dynamic_ncols=True)
    try:
        for result in scan_lines(iter(source), moderator, policy):
            stats.lines += 1
            if "error" in result:
                stats.errors += 1
            else:
                stats.decisions[result["decision"]] += 1
            sink.write(json.dumps(result, ensure_ascii=False, separators=(",", ":")))
            sink.write("\n")
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        sink.flush()
    return stats
