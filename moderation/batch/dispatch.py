"""Worker side of a scan: the per-worker context, the item-kind handler registry, and chunk processing.

Image and document handlers plug in with ``@HANDLERS.register("image")`` / ``("document")``; until one is
registered, such items become ``unsupported_item`` error records that never stop the run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from ..pipeline import InputError, Limits, Moderator
from ..registry import Registry
from ..vision.items import IMAGE_SUFFIXES
from .readers import Record


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """What a worker needs to build its models: picklable, sent once per worker."""

    pack_dir: str | None = None
    max_chars: int = 20_000
    policy: str | None = None


class WorkerContext:
    """Models loaded once per worker process (or Ray actor); extra backends load lazily by name."""

    def __init__(self, config: WorkerConfig, moderator: Moderator | None = None) -> None:
        self.config = config
        self.moderator = moderator or Moderator(config.pack_dir, Limits(max_chars=config.max_chars))
        self._resources: dict[str, Any] = {}

    def resource(self, name: str, factory: Callable[[], Any]) -> Any:
        """A lazily built, cached backend (e.g. an OCR engine) for handlers other than text."""
        if name not in self._resources:
            self._resources[name] = factory()
        return self._resources[name]


Handler = Callable[[WorkerContext, dict[str, Any], Any, "str | None"], dict[str, Any]]
HANDLERS: Registry[Handler] = Registry("item kind")


def item_kind(item: dict[str, Any]) -> str | None:
    """text | image | document, or None when the item names no content."""
    if "text" in item:
        return "text"
    if "image_path" in item or "image_bytes" in item:
        return "image"
    if "path" in item:
        path = str(item["path"]).lower()
        return "image" if path.endswith(IMAGE_SUFFIXES) else "document"
    return None


@HANDLERS.register("text")
def moderate_text(ctx: WorkerContext, item: dict[str, Any], item_id: Any, policy: str | None) -> dict[str, Any]:
    """A text item through Moderator.moderate."""
    return ctx.moderator.moderate(
        item["text"], id=item_id, policy=item.get("policy") or policy, channel=item.get("channel")
    )


def error_record(rec: Record, code: str, message: str) -> dict[str, Any]:
    """The output line for an input that could not be scored (also written to the errors file)."""
    out: dict[str, Any] = {"id": rec.id}
    if rec.line is not None:
        out["line"] = rec.line
    out["location"] = rec.location
    out["error"] = {"code": code, "message": message}
    return out


def moderate_record(ctx: WorkerContext, rec: Record) -> dict[str, Any]:
    """Exactly one output dict per record: a result with its source, or an error record."""
    if rec.item is None:
        code, message = rec.error or ("invalid_item", "malformed record")
        return error_record(rec, code, message)
    item = rec.item
    kind = item_kind(item)
    if kind is None:
        return error_record(rec, "missing_text", f"{rec.location}: no 'text' field")
    try:
        handler = HANDLERS.get(kind)
    except KeyError:
        return error_record(rec, "unsupported_item", f"{kind} items are not supported yet")
    try:
        result = handler(ctx, item, rec.id, ctx.config.policy)
    except InputError as exc:
        return error_record(rec, exc.code, exc.message)
    except Exception as exc:  # one broken item must never stop a million-item run
        return error_record(rec, "internal_error", f"{type(exc).__name__}: {exc}")
    source = {"location": rec.location}
    for key in ("url", "fetched_at"):
        if item.get(key):
            source[key] = item[key]
    result["source"] = source
    return result


@dataclass(slots=True)
class ChunkResult:
    """One chunk's output, already serialised: result lines and error lines (JSONL text) plus counts."""

    lines: str
    errors: str
    n: int
    n_errors: int
    decisions: dict[str, int] = field(default_factory=dict)


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def process_chunk(ctx: WorkerContext, records: list[Record]) -> ChunkResult:
    """Moderate a chunk in order and serialise it in the worker, so the parent only writes bytes."""
    lines, errors, decisions = [], [], {"pass": 0, "review": 0, "block": 0}
    for rec in records:
        out = moderate_record(ctx, rec)
        line = _dumps(out)
        lines.append(line)
        if "error" in out:
            errors.append(line)
        else:
            decisions[out["decision"]] = decisions.get(out["decision"], 0) + 1
    return ChunkResult(
        "".join(f"{ln}\n" for ln in lines), "".join(f"{ln}\n" for ln in errors), len(records), len(errors), decisions
    )


from .handlers import register_available  # noqa: E402  (after HANDLERS exists; handlers import it)

register_available()
