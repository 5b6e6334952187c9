"""Document type from magic bytes and name; zip packages are checked for bombs before parsing."""

from __future__ import annotations

import io
import zipfile

from ..pipeline import InputError
from .types import DocumentLimits

_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: legacy .doc/.ppt, or an encrypted OOXML file
_TEXT_EXT = (".txt", ".text", ".md", ".markdown")
_REFUSED_EXT = {".doc": "legacy Word .doc", ".ppt": "legacy PowerPoint .ppt", ".xls": "Excel", ".xlsx": "Excel",
                ".rtf": "RTF", ".epub": "EPUB", ".odt": "OpenDocument"}


def check_zip(data: bytes, limits: DocumentLimits) -> zipfile.ZipFile:
    """Open a zip package after checking member count, declared sizes and compression ratio."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InputError("malformed_document", f"the package is not a valid zip file: {exc}") from None
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise InputError("document_too_large", f"package has {len(infos)} members; the limit is {limits.max_zip_members}")
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > limits.max_unzipped_bytes:
        raise InputError("document_too_large",
                         f"package unpacks to {total} bytes; the limit is {limits.max_unzipped_bytes} (zip bomb?)")
    if total > 10 * 1024 * 1024 and total / packed > limits.max_zip_ratio:
        raise InputError("document_too_large", f"package compression ratio {total / packed:.0f}:1 looks like a zip bomb")
    if any(i.flag_bits & 0x1 for i in infos):
        raise InputError("encrypted_document", "the package has encrypted members")
    return zf


def sniff(data: bytes, filename: str, limits: DocumentLimits) -> str:
    """'pdf' | 'docx' | 'pptx' | 'text' | 'markdown', or InputError for anything else."""
    name = (filename or "").lower()
    ext = name[name.rfind("."):] if "." in name else ""
    if not data:
        raise InputError("empty_document", "the document is empty")
    if len(data) > limits.max_bytes:
        raise InputError("document_too_large", f"document has {len(data)} bytes; the limit is {limits.max_bytes}")
    if data.startswith(b"%PDF-") or (ext == ".pdf" and b"%PDF-" in data[:1024]):
        return "pdf"
    if ext == ".pdf":
        raise InputError("malformed_document", "file is named .pdf but has no PDF header")
    if data.startswith(_CFB):
        if ext in (".docx", ".pptx"):
            raise InputError("encrypted_document", f"the {ext} file is password-protected (encrypted OOXML)")
        raise InputError("unsupported_document_type", "legacy binary Office documents (.doc/.ppt) are not supported; "
                         "save as .docx/.pptx or PDF")
    if data.startswith(b"PK\x03\x04") or ext in (".docx", ".pptx"):
        names = set(check_zip(data, limits).namelist())
        if "word/document.xml" in names:
            return "docx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        raise InputError("unsupported_document_type", "zip package is neither DOCX nor PPTX")
    if ext in _REFUSED_EXT:
        raise InputError("unsupported_document_type", f"{_REFUSED_EXT[ext]} documents are not supported")
    if ext in (".md", ".markdown"):
        return "markdown"
    if ext in _TEXT_EXT or not ext:
        return "text"
    head = data[:4096]
    if b"\x00" in head:
        raise InputError("unsupported_document_type", f"unsupported document type {ext or '(no extension)'}")
    return "text"
