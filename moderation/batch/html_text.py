"""HTML page → main text. Two extractors; EXTRACTOR picks the default (see bench/bench_batch.py --html)."""

from __future__ import annotations

import os
import re

_SKIP = "script, style, noscript, template, svg, nav, header, footer, aside, form, iframe"
_BLOCK_WS = re.compile(r"[ \t\r\f\v]+")
_BLANKS = re.compile(r"\n\s*\n+")


def selectolax_text(html: bytes | str) -> str:
    """Visible text minus boilerplate elements (nav, header, footer, scripts) with selectolax's lexbor parser."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html if isinstance(html, str) else html.decode("utf-8", "replace"))
    for node in tree.css(_SKIP):
        node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body or tree.root
    if root is None:
        return ""
    title = tree.css_first("title")
    text = root.text(separator="\n", strip=True)
    text = _BLANKS.sub("\n", _BLOCK_WS.sub(" ", text)).strip()
    head = title.text(strip=True) if title is not None else ""
    return f"{head}\n{text}".strip() if head and head not in text else text


def trafilatura_text(html: bytes | str) -> str:
    """Main text by trafilatura (boilerplate removal by content heuristics); falls back to selectolax when empty."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True)
    return text or selectolax_text(html)


EXTRACTORS = {"selectolax": selectolax_text, "trafilatura": trafilatura_text}


def html_to_text(html: bytes | str) -> str:
    """Extract with MODERATION_HTML_EXTRACTOR (default selectolax)."""
    return EXTRACTORS[os.environ.get("MODERATION_HTML_EXTRACTOR", "selectolax")](html)
