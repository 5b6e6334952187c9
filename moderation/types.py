"""Frozen value types that flow through the pipeline: hits, evidence, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Hit:
    """A span of the original text that a lexicon, pattern or parser matched."""

    start: int
    end: int
    text: str
    attrs: tuple[tuple[str, str], ...] = ()
    via: str = "literal"  # literal | symbols | traditional | pinyin | homophone | abbreviation | pattern | parser

    def attr(self, key: str) -> str | None:
        for k, v in self.attrs:
            if k == key:
                return v
        return None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason for a category score: where, what matched, which rule, which law."""

    category: str
    start: int
    end: int
    text: str
    source: str
    citation: str
    location: dict[str, Any] = field(default_factory=lambda: {"kind": "text"})
    via: str = "literal"

    def to_dict(self) -> dict[str, Any]:
        d = {
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "source": self.source,
            "citation": self.citation,
            "location": dict(self.location),
        }
        if self.via != "literal":
            d["via"] = self.via
        return d


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the detectors found in one text, before a policy profile decides."""

    scores: dict[str, float]
    evidence: tuple[Evidence, ...]
    attributes: dict[str, Any]
    fired_rules: tuple[str, ...]
    suppressed_by: tuple[str, ...] = ()  # hard-negative features that held (news, notices…): not an ad
