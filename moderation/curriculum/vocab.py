"""English vocabulary level: which words of a passage the PEP word lists introduce after the declared grade."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z][a-z]+(?:'[a-z]+)?")
MIN_WORDS = 12  # shorter English snippets say too little about level
MIN_ABOVE = 3  # distinct above-grade words needed before the vocabulary itself counts as ahead
MIN_SHARE = 0.08  # ...and their share of the known distinct words


@dataclass(frozen=True, slots=True)
class VocabFinding:
    """Words above the declared grade, the grade they need, and where the first of them sits."""

    grade: int
    words: tuple[str, ...]
    start: int
    end: int


def _lookup(word: str, vocab: dict[str, int]) -> int | None:
    w = word.lower()
    if w in vocab:
        return vocab[w]
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""),
                         ("ing", ""), ("ing", "e"), ("er", ""), ("est", ""), ("ly", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            stem = w[: -len(suffix)] + repl
            if stem in vocab:
                return vocab[stem]
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in vocab:  # stopped → stop
                return vocab[stem[:-1]]
    return None


def vocab_level(text: str, declared: int, vocab: dict[str, int]) -> VocabFinding | None:
    """A finding when enough distinct known words first appear after ``declared``; None otherwise.

    The content grade is the lowest grade that covers all but the above-grade words' top 10%.
    """
    words = list(_WORD.finditer(text))
    if len(words) < MIN_WORDS:
        return None
    known: dict[str, tuple[int, int, int]] = {}
    for m in words:
        g = _lookup(m.group(0), vocab)
        if g is not None and m.group(0).lower() not in known:
            known[m.group(0).lower()] = (g, m.start(), m.end())
    above = {w: v for w, v in known.items() if v[0] > declared}
    if len(above) < MIN_ABOVE or len(above) / max(1, len(known)) < MIN_SHARE:
        return None
    grades = sorted(v[0] for v in above.values())
    grade = grades[max(0, int(len(grades) * 0.9) - 1)]
    first = min(above.values(), key=lambda v: v[1])
    return VocabFinding(grade, tuple(sorted(above, key=lambda w: above[w][1]))[:12], first[1], first[2])
