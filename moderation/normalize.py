"""Text normalisation that keeps an exact offset map back to the original text.

Two views are built from the raw input:

* ``clean``   – NFKC (full/half width, circled digits), lower case, traditional → simplified,
  zero-width and variation selectors removed. Punctuation and spaces are kept, so parsers
  (prices, times) and word-bounded English patterns run here.
* ``compact`` – ``clean`` with everything but letters, digits and CJK removed, so
  '补.习', '数*学', '补 习' and '补📚习' all read '补习'; sentence punctuation (，。【】…) and a space
  between two multi-character CJK words leave a ``|`` barrier so words never join across them.
  Chinese lexicons match here.

Every character of both views knows the original ``[start, end)`` it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_DROP = frozenset(
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\ufeff\ufe0e\ufe0f\u20e3"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_COMPACT_RUN = re.compile(r"[^\W_]+")
_BARRIER = re.compile(r"[。！？!?；;，,、：:【】\[\]()（）《》<>“”\"‘’\n\r\t…|]")


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """The original text, its two normalised views and their offset maps."""

    original: str
    clean: str
    clean_start: list[int]
    clean_end: list[int]
    compact: str
    compact_to_clean: list[int]
    t2s_changed: frozenset[int]

    def span_from_clean(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the clean-view span ``[start, end)`` (end > start)."""
        return self.clean_start[start], self.clean_end[end - 1]

    def span_from_compact(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the compact-view span ``[start, end)`` (end > start)."""
        c2c = self.compact_to_clean
        return self.clean_start[c2c[start]], self.clean_end[c2c[end - 1]]

    def compact_is_contiguous(self, start: int, end: int) -> bool:
        """True when the compact span had nothing removed from inside it in the clean view."""
        c2c = self.compact_to_clean
        return c2c[end - 1] - c2c[start] == end - start - 1

    def compact_has_inserted_symbols(self, start: int, end: int) -> bool:
        """True when symbols, or spaces between two CJK characters, were removed inside the span ('补.习', '补 习').

        A space next to a digit or Latin letter ('1 对1', 'AP 课程') is ordinary typography, not an evasion.
        """
        c2c, clean = self.compact_to_clean, self.clean
        for i in range(start, end - 1):
            a, b = c2c[i], c2c[i + 1]
            if b - a > 1:
                gap = clean[a + 1 : b]
                if not gap.isspace() or (_is_cjk(clean[a]) and _is_cjk(clean[b])):
                    return True
        return False

    def compact_changed_by_t2s(self, start: int, end: int) -> bool:
        """True when some character of the compact span was traditional in the input."""
        if not self.t2s_changed:
            return False
        c2c = self.compact_to_clean
        return any(c2c[i] in self.t2s_changed for i in range(start, end))


def _fold_chars(text: str) -> tuple[str, list[int], list[int]]:
    """NFKC + lower case + drop invisible characters, tracking offsets per output character."""
    if unicodedata.is_normalized("NFKC", text) and _DROP.isdisjoint(text) and not _SURROGATE.search(text):
        lowered = text.lower()
        if len(lowered) == len(text):
            n = len(text)
            return lowered, list(range(n)), list(range(1, n + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    fold = _fold_one
    for i, ch in enumerate(text):
        piece = fold(ch)
        if len(piece) == 1:
            out.append(piece)
            starts.append(i)
            ends.append(i + 1)
        else:
            for p in piece:
                out.append(p)
                starts.append(i)
                ends.append(i + 1)
    return "".join(out), starts, ends


@lru_cache(maxsize=1 << 16)
def _fold_one(ch: str) -> str:
    """NFKC + lower case of one character, invisible characters removed ('' for those)."""
    if ch in _DROP:
        return ""
    if "\ud800" <= ch <= "\udfff":  # a lone surrogate (e.g. from a JSON escape) cannot be encoded
        return "\ufffd"
    return "".join(p for p in unicodedata.normalize("NFKC", ch).lower() if p not in _DROP)


def _to_simplified(text: str) -> tuple[str, frozenset[int]]:
    """Traditional → simplified, length-preserving; returns the indices OpenCC changed."""
    if not text or text.isascii():
        return text, frozenset()
    converter = _t2s()
    converted = converter.convert(text)
    if converted == text:
        return text, frozenset()
    if len(converted) != len(text):
        converted = "".join(
            c if len(c := converter.convert(ch)) == 1 else ch for ch in text
        )
    changed = frozenset(i for i, (a, b) in enumerate(zip(text, converted)) if a != b)
    return converted, changed


def normalize(text: str) -> NormalizedText:
    """Build the clean and compact views of ``text`` with their offset maps."""
    folded, starts, ends = _fold_chars(text)
    clean, changed = _to_simplified(folded)
    pieces: list[str] = []
    compact_to_clean: list[int] = []
    last = 0
    for m in _COMPACT_RUN.finditer(clean):
        run = m.group()
        if pieces:
            gap_start = last
            if b := _BARRIER.search(clean, gap_start, m.start()):
                pieces.append("|")  # sentence punctuation stays a barrier: '期。【中' must not read 期中
                compact_to_clean.append(b.start())
            elif (len(pieces[-1]) > 1 and len(run) > 1 and _is_cjk(pieces[-1][-1]) and _is_cjk(run[0])
                  and clean[gap_start : m.start()].isspace()):
                pieces.append("|")  # a space between two words is a clause break ('消化 学生'); '补 习' still joins,
                # and so do words split by an inserted symbol or emoji ('奥-数提~分班', '地📖理')
                compact_to_clean.append(gap_start)
        pieces.append(run)
        compact_to_clean.extend(range(m.start(), m.end()))
        last = m.end()
    return NormalizedText(
        original=text,
        clean=clean,
        clean_start=starts,
        clean_end=ends,
        compact="".join(pieces),
        compact_to_clean=compact_to_clean,
        t2s_changed=changed,
    )
