"""Streaming input readers: JSONL, CSV, Parquet, WARC(.gz), directories; one Record per input, with a location."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from ..registry import Registry

IMAGE_EXT = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
DOCUMENT_EXT = {".pdf", ".docx", ".pptx", ".txt"}
FORMATS = ("jsonl", "csv", "parquet", "warc", "dir")


class ReaderError(Exception):
    """The input as a whole cannot be read (missing, wrong format): the CLI exits 2."""


@dataclass(slots=True)
class Record:
    """One input: its item (None when malformed), stable id and location, or the reason it is malformed."""

    location: str
    id: Any = None
    item: dict[str, Any] | None = None
    error: tuple[str, str] | None = None
    line: int | None = None


READERS: Registry[Callable[[str], Iterator[Record]]] = Registry("input format")


def detect_format(path: str) -> str:
    """Guess the format from the path: a directory, or the file's extension."""
    if path == "-":
        return "jsonl"
    if os.path.isdir(path):
        return "dir"
    name = path.lower()
    for ext, fmt in ((".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "jsonl"), (".csv", "csv"),
                     (".parquet", "parquet"), (".warc", "warc"), (".warc.gz", "warc"), (".arc.gz", "warc")):
        if name.endswith(ext):
            return fmt
    raise ReaderError(f"cannot tell the format of {path}; pass --format ({', '.join(FORMATS)})")


def read_records(path: str, fmt: str | None = None) -> Iterator[Record]:
    """Stream the records of ``path`` in input order."""
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise ReaderError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if path != "-" and not os.path.exists(path):
        raise ReaderError(f"cannot read {path}: no such file")
    if fmt == "dir" and not os.path.isdir(path):
        raise ReaderError(f"{path} is not a directory")
    return READERS.get(fmt)(path)


def _item_id(item: dict[str, Any], fallback: Any) -> Any:
    given = item.get("id")
    if given is not None:
        return given
    return item.get("url") or fallback


def _base(path: str) -> str:
    return "stdin" if path == "-" else os.path.basename(path)


def parse_jsonl_line(raw_bytes: bytes, line_no: int, where: str) -> Record:
    """One JSONL line to a Record; malformed lines become error records with their location."""
    loc = f"{where}:{line_no}"
    try:
        raw = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Record(loc, None, None, ("invalid_utf8", f"line {line_no}: not UTF-8 (byte {exc.start})"), line_no)
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as exc:
        return Record(loc, None, None, ("invalid_json", f"line {line_no}: {exc.msg} at column {exc.colno}"), line_no)
    if not isinstance(item, dict):
        return Record(loc, None, None, ("invalid_item", f"line {line_no}: expected a JSON object"), line_no)
    return Record(loc, _item_id(item, line_no), item, None, line_no)


@READERS.register("jsonl")
def read_jsonl(path: str) -> Iterator[Record]:
    """One record per line (blank lines too: they are reported, as every line gets one output)."""
    where = _base(path)
    fh: IO[bytes] = sys.stdin.buffer if path == "-" else open(path, "rb")
    try:
        for line_no, raw in enumerate(fh, 1):
            yield parse_jsonl_line(raw, line_no, where)
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


@READERS.register("csv")
def read_csv(path: str) -> Iterator[Record]:
    """CSV with a header row (id, text, channel, policy, url, …); location is the row's first line."""
    where = _base(path)
    with open(path, "rb") as raw:
        try:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.DictReader(text)
            start = 2
            for row in reader:
                item = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
                if None in row:
                    yield Record(f"{where}:{start}", item.get("id"), None,
                                 ("invalid_row", f"line {start}: more fields than the header"), start)
                else:
                    yield Record(f"{where}:{start}", _item_id(item, f"{where}:{start}"), item, None, start)
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            yield Record(f"{where}:{start}", None, None, ("invalid_utf8", f"not UTF-8 from line {start}: {exc.reason}"),
                         start)
        except csv.Error as exc:
            yield Record(f"{where}:{start}", None, None, ("invalid_csv", f"line {start}: {exc}"), start)


@READERS.register("parquet")
def read_parquet(path: str) -> Iterator[Record]:
    """Parquet rows in batches (bounded memory); location is the row number."""
    import pyarrow.parquet as pq

    where = _base(path)
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError for non-Parquet files
        raise ReaderError(f"{path}: not a Parquet file ({exc})") from None
    row = 0
    for batch in pf.iter_batches(batch_size=2048):
        for item in batch.to_pylist():
            item = {k: v for k, v in item.items() if v is not None}
            yield Record(f"{where}#row{row}", _item_id(item, f"{where}#row{row}"), item, None)
            row += 1


def count_records(path: str, fmt: str) -> int | None:
    """Cheap total for the progress bar (lines, rows), or None when unknown."""
    if path == "-":
        return None
    if fmt == "jsonl":
        n = 0
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                n += block.count(b"\n")
        return n
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if fmt == "dir":
        return sum(1 for _ in _walk(path))
    return None


def _walk(root: str) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            yield Path(dirpath) / name


@READERS.register("dir")
def read_dir(path: str) -> Iterator[Record]:
    """Images become {'image_path'} items, documents {'path'} items; other files are reported as unsupported."""
    root = Path(path)
    for file in _walk(path):
        rel = file.relative_to(root).as_posix()
        ext = file.suffix.lower()
        if ext in IMAGE_EXT:
            yield Record(rel, rel, {"id": rel, "image_path": str(file)})
        elif ext in DOCUMENT_EXT:
            yield Record(rel, rel, {"id": rel, "path": str(file)})
        else:
            yield Record(rel, rel, None, ("unsupported_file", f"{rel}: not an image or document ({ext or 'no extension'})"))


@READERS.register("warc")
def read_warc(path: str) -> Iterator[Record]:
    """HTML/plain-text responses → main text with URL and fetch time; images → image items; others skipped."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from .html_text import html_to_text

    where = _base(path)
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        try:
            for rec in it:
                if rec.rec_type not in ("response", "resource"):
                    continue
                if rec.http_headers is not None and not rec.http_headers.get_statuscode().startswith("2"):
                    continue
                headers = rec.http_headers or rec.rec_headers
                ctype = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
                is_page = ctype in ("text/html", "application/xhtml+xml", "text/plain")
                if not is_page and not ctype.startswith("image/"):
                    continue
                body = rec.content_stream().read()  # before get_record_offset(), which reads to the record's end
                loc = f"{where}@{it.get_record_offset()}"
                url = rec.rec_headers.get_header("WARC-Target-URI")
                base = {"id": url or loc, "url": url, "fetched_at": rec.rec_headers.get_header("WARC-Date")}
                if not is_page:
                    yield Record(loc, url or loc, {**base, "image_bytes": body})
                    continue
                try:
                    text = body.decode("utf-8", "replace") if ctype == "text/plain" else html_to_text(body)
                except Exception as exc:  # a broken page must not stop the crawl
                    yield Record(loc, url or loc, None, ("invalid_html", f"{loc}: {exc}"))
                    continue
                yield Record(loc, url or loc, {**base, "text": text})
        except ArchiveLoadFailed as exc:
            yield Record(f"{where}@{it.offset}", None, None, ("invalid_warc", f"{where}: {exc}"))
