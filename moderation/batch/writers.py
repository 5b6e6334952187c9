"""Final outputs from committed parts: JSONL (concatenation) or Parquet (flat columns + the full result JSON)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..categories import CATEGORIES

PARQUET_BATCH = 10_000


def output_format(path: str) -> str:
    """'parquet' when the output path ends with .parquet, else 'jsonl'."""
    return "parquet" if path.lower().endswith(".parquet") else "jsonl"


def _replace_durably(tmp: str, dest: str) -> None:
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)


def concat_jsonl(parts: Iterable[Path], dest: str) -> None:
    """Concatenate part files into ``dest`` atomically (temporary file, fsync, rename)."""
    tmp = f"{dest}.tmp"
    with open(tmp, "wb") as out:
        for part in parts:
            with open(part, "rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
    _replace_durably(tmp, dest)


def _lines(parts: Iterable[Path]) -> Iterator[str]:
    for part in parts:
        with open(part, encoding="utf-8") as fh:
            yield from fh


def parquet_schema():
    import pyarrow as pa

    fields = [
        ("id", pa.string()), ("decision", pa.string()), ("risk", pa.float64()), ("policy", pa.string()),
        ("flagged", pa.list_(pa.string())),
        *[(f"score_{c}", pa.float64()) for c in CATEGORIES],
        ("channel", pa.string()), ("url", pa.string()), ("fetched_at", pa.string()), ("location", pa.string()),
        ("error_code", pa.string()), ("error_message", pa.string()), ("evidence", pa.string()), ("result", pa.string()),
    ]
    return pa.schema(fields)


def flat_row(line: str) -> dict[str, Any]:
    """One result line to a flat Parquet row; the full JSON is kept in 'result'."""
    r = json.loads(line)
    cats = r.get("categories") or {}
    source = r.get("source") or {}
    err = r.get("error") or {}
    row: dict[str, Any] = {
        "id": None if r.get("id") is None else str(r["id"]),
        "decision": r.get("decision"),
        "risk": r.get("risk"),
        "policy": (r.get("policy") or {}).get("id"),
        "flagged": [c for c in CATEGORIES if cats.get(c, {}).get("flagged")] if cats else None,
        "channel": (r.get("attributes") or {}).get("channel"),
        "url": source.get("url"),
        "fetched_at": source.get("fetched_at"),
        "location": source.get("location") or r.get("location"),
        "error_code": err.get("code"),
        "error_message": err.get("message"),
        "evidence": json.dumps(r["evidence"], ensure_ascii=False) if "evidence" in r else None,
        "result": line.rstrip("\n"),
    }
    for c in CATEGORIES:
        row[f"score_{c}"] = cats[c]["score"] if c in cats else None
    return row


def write_parquet(parts: Iterable[Path], dest: str) -> None:
    """Stream part lines into a Parquet file in row groups of PARQUET_BATCH (bounded memory)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    tmp = f"{dest}.tmp"
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for line in _lines(parts):
            batch.append(flat_row(line))
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    _replace_durably(tmp, dest)


def write_output(parts: Iterable[Path], dest: str) -> None:
    """JSONL or Parquet by the destination's extension."""
    if output_format(dest) == "parquet":
        write_parquet(parts, dest)
    else:
        concat_jsonl(parts, dest)


def iter_results(path: str) -> Iterator[dict[str, Any]]:
    """Read back results from JSONL or Parquet (the 'result' column)."""
    if output_format(path) == "parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(columns=["result"], batch_size=PARQUET_BATCH):
            for line in batch.column(0).to_pylist():
                yield json.loads(line)
    else:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)
