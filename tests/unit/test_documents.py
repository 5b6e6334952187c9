"""Document ingestion: passages and locations, and a precise error for every bad document."""

from __future__ import annotations

import io
import zipfile

import pytest

from moderation.documents import DocumentLimits, extract
from moderation.documents.text import join_lines
from moderation.pipeline import InputError


@pytest.mark.parametrize(
    "data, name, texts, lines",
    [
        (b"first para\nwraps here\n\nsecond", "a.txt", ["first para wraps here", "second"], [1, 4]),
        ("标题\n\n第一段\n接着\n\n\n第二段".encode(), "a.txt", ["标题", "第一段接着", "第二段"], [1, 3, 7]),
        (b"# Title\n\n- item one\n- item two\n\n```\ncode\n```", "a.md", ["Title", "item one item two", "code"], [1, 3, 7]),
        ("带BOM的文本".encode("utf-8-sig"), "a.txt", ["带BOM的文本"], [1]),
    ],
)
def test_text_paragraphs(data, name, texts, lines):
    out = extract(data, name)
    assert [p.text for p in out.passages] == texts
    assert [p.location["line"] for p in out.passages] == lines
    assert [p.location["paragraph"] for p in out.passages] == list(range(1, len(texts) + 1))


@pytest.mark.parametrize("raw, joined", [("一元\n二次", "一元二次"), ("two\nwords", "two words"), ("x\n方程", "x方程")])
def test_join_lines(raw, joined):
    assert join_lines(raw) == joined


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    "data, name, code",
    [
        (b"", "a.txt", "empty_document"),
        (b"\xff\xfe\x00bad", "a.txt", "malformed_document"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "a.exe", "unsupported_document_type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.doc", "unsupported_document_type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.docx", "encrypted_document"),
        (b"%PDF-1.7\n garbage that is no pdf", "a.pdf", "malformed_document"),
        (b"not a pdf at all", "a.pdf", "malformed_document"),
        (b"PK\x03\x04 truncated zip", "a.docx", "malformed_document"),
        (_zip({"hello.txt": b"x"}), "a.zip", "unsupported_document_type"),
        (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<broken"}), "a.docx", "malformed_document"),
        (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\x00" * (3 * 1024 * 1024)}), "bomb.docx",
         "document_too_large"),
        ("x".encode() * 5000, "big.txt", "document_too_large"),
    ],
)
def test_bad_documents(data, name, code):
    limits = DocumentLimits(max_unzipped_bytes=1024 * 1024, max_chars=4000)
    with pytest.raises(InputError) as exc:
        extract(data, name, limits)
    assert exc.value.code == code
    assert exc.value.message


def test_zip_ratio_bomb():
    data = _zip({"[Content_Types].xml": b"<x/>", "ppt/presentation.xml": b"\x00" * (12 * 1024 * 1024)})
    with pytest.raises(InputError) as exc:
        extract(data, "deck.pptx")
    assert exc.value.code == "document_too_large" and "zip bomb" in exc.value.message


def test_too_many_bytes():
    with pytest.raises(InputError) as exc:
        extract(b"a" * 2000, "a.txt", DocumentLimits(max_bytes=1000))
    assert exc.value.code == "document_too_large"


def test_long_paragraph_is_split_at_sentence_ends():
    text = ("这是一个很长的句子。" * 1000).encode()
    out = extract(text, "long.txt")
    assert len(out.passages) >= 2
    assert all(len(p.text) <= 4000 for p in out.passages)
    assert [p.location["part"] for p in out.passages] == list(range(1, len(out.passages) + 1))
    assert "".join(p.text for p in out.passages) == "这是一个很长的句子。" * 1000
