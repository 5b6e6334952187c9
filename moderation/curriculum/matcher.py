"""Find knowledge points in a passage and tell teaching from a passing mention."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import ahocorasick

from .kb import KnowledgePoint

# "初中会学到", "以后会学", "高中才讲", "不作要求": the point is named, not taught.
_MENTION = re.compile(
    r"(?:以后|将来|今后|日后|后面|后续|下学期|升入|等到|到了?)\s*(?:初中|高中|大学|中学|[一二三四五六七八九]年级|初[一二三]|高[一二三])?"
    r"[^。！？!?；;\n]{0,6}?(?:还|才|就|再|也|会)?\s*(?:会|将|要|可以|能)?\s*(?:学到|学习|学|讲到|讲解|讲|接触到?|研究)"
    r"|(?:初中|高中|大学|中学|初[一二三]|高[一二三])(?:阶段|时|的时候|里|数学|物理|化学|生物)?\s*(?:还|才|就|再|也)?\s*"
    r"(?:会|将)\s*(?:学到|学习|学|讲到|讲|接触)"
    r"|(?:超出|超过)(?:本|了)?(?:课|年级|学段)?(?:的)?(?:范围|要求)|不作要求|不做要求|不要求掌握|暂不学习|不必掌握|不需要掌握|不需掌握"
)
_CLAUSE_END = re.compile(r"[。！？!?；;\n]")


@dataclass(frozen=True, slots=True)
class Match:
    """A knowledge point found at [start, end) of the passage; `taught` is False for a passing mention."""

    entry: KnowledgePoint
    start: int
    end: int
    text: str
    taught: bool


def _clause(text: str, start: int, end: int) -> str:
    a = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    b = _CLAUSE_END.search(text, end)
    return text[a : b.start() if b else len(text)]


class Matcher:
    """Literal terms via one Aho-Corasick automaton (leftmost-longest), notation via per-entry regexes."""

    def __init__(self, entries: Iterable[KnowledgePoint]) -> None:
        self.entries = tuple(entries)
        self._auto = ahocorasick.Automaton()
        by_term: dict[str, list[int]] = {}
        for i, e in enumerate(self.entries):
            for t in e.terms:
                by_term.setdefault(t.lower(), []).append(i)
        for term, idx in by_term.items():
            # The curriculum first teaches a term in its lowest grade; ties go to the better-sourced entry.
            best = min(idx, key=lambda i: (self.entries[i].grade, -self.entries[i].weight))
            self._auto.add_word(term, (len(term), best))
        self._has_terms = bool(by_term)
        if self._has_terms:
            self._auto.make_automaton()
        self._patterned = [(i, e) for i, e in enumerate(self.entries) if e.patterns]

    def find(self, text: str, subject: str | None = None) -> list[Match]:
        """All knowledge points in ``text`` (of ``subject`` if given), with teaching vs mention decided."""
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters change length when lowered; keep offsets exact
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        spans: list[tuple[int, int, int]] = []
        if self._has_terms:
            for end, (length, i) in self._auto.iter(lowered):
                if subject and self.entries[i].subject != subject:
                    continue
                spans.append((end + 1 - length, end + 1, i))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        kept: list[tuple[int, int, int]] = []
        for s in spans:  # leftmost-longest: drop terms inside a longer matched term
            if kept and s[0] < kept[-1][1]:
                if s[1] <= kept[-1][1]:
                    continue
            kept.append(s)
        for i, e in self._patterned:
            if subject and e.subject != subject:
                continue
            for p in e.patterns:
                m = p.search(text)
                if m:
                    kept.append((m.start(), m.end(), i))
                    break
        out = []
        for a, b, i in sorted(kept):
            taught = _MENTION.search(_clause(text, a, b)) is None
            out.append(Match(self.entries[i], a, b, text[a:b], taught))
        return out

    def taught(self, text: str, subject: str | None = None) -> list[Match]:
        """Only the points the passage teaches."""
        return [m for m in self.find(text, subject) if m.taught]
