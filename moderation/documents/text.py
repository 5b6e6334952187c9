"""Plain text and Markdown: paragraphs (blank-line separated) with their line numbers."""

from __future__ import annotations

import re

from ..pipeline import InputError
from .types import Extraction, Passage

_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_MD_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|>\s?|\d+[.)]\s+)")


def join_lines(text: str) -> str:
    """Join wrapped lines: no space between CJK characters, one space between Latin words."""

    def glue(m: re.Match[str]) -> str:
        a = text[m.start() - 1] if m.start() else ""
        b = text[m.end()] if m.end() < len(text) else ""
        return "" if _CJK.match(a) or _CJK.match(b) else " "

    return _LINE_BREAK.sub(glue, text.strip())


def decode_text(data: bytes) -> str:
    """Strict UTF-8 (a BOM is allowed); anything else is refused with the byte offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("malformed_document", f"text file is not UTF-8 (byte {exc.start})") from None


def extract_text(data: bytes, markdown: bool = False) -> Extraction:
    """One passage per paragraph; Markdown headings/list markers are dropped from the text."""
    text = decode_text(data)
    if "\x00" in text:
        raise InputError("malformed_document", "text file contains NUL bytes (binary data?)")
    out = Extraction(kind="markdown" if markdown else "text", pages=1)
    para, start_line, buf = 0, 0, []

    def flush() -> None:
        nonlocal para, buf
        if buf:
            para += 1
            body = join_lines("\n".join(buf))
            if body:
                out.passages.append(Passage(body, {"kind": "document", "paragraph": para, "line": start_line}))
        buf = []

    for number, line in enumerate(text.splitlines(), start=1):
        if markdown:
            if line.strip().startswith("```"):
                continue
            line = _MD_MARKUP.sub("", line)
        if not line.strip():
            flush()
            continue
        if not buf:
            start_line = number
        buf.append(line)
    flush()
    return out
