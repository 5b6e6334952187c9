"""The rule tier (T0): lexicons, patterns and parsers from the policy pack → category scores with evidence."""

from __future__ import annotations

import re
from collections import defaultdict

import ahocorasick

from ..categories import AD_CATEGORIES
from ..normalize import NormalizedText, normalize
from ..phonetic import PhoneticIndex, syllable_stream
from ..policy.pack import LexiconEntry, Pack, is_latin_term, load_pack
from ..types import Analysis, Evidence, Hit
from .parsers import PARSERS

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z]")
_WORD_GAP = re.compile(r"[\s\-]+")


def _latin_key(term: str) -> str:
    """'1-on-1', '1 on 1' and '1on1' share one key."""
    return _WORD_GAP.sub("", term)


class _Candidate:
    """A lexicon match in original offsets, before longest-match resolution."""

    __slots__ = ("start", "end", "entries", "via")

    def __init__(self, start: int, end: int, entries: list[LexiconEntry], via: str) -> None:
        self.start, self.end, self.entries, self.via = start, end, entries, via


class RuleDetector:
    """Evaluates a compiled policy pack against normalised text."""

    name = "rules"

    def __init__(self, pack: Pack | None = None) -> None:
        self.pack = pack or load_pack()
        self._build_matchers()

    @property
    def version(self) -> str:
        return f"{self.pack.id}@{self.pack.version}"

    def _build_matchers(self) -> None:
        automaton = ahocorasick.Automaton()
        by_key: dict[str, list[LexiconEntry]] = defaultdict(list)
        latin: dict[str, list[LexiconEntry]] = defaultdict(list)
        abbrev: dict[str, list[LexiconEntry]] = defaultdict(list)
        phonetic_terms = []
        for name, entries in self.pack.lexicons.items():
            for entry in entries:
                if name in self.pack.abbreviation_lexicons:
                    abbrev[entry.term].append(entry)
                elif is_latin_term(entry.term):
                    latin[_latin_key(entry.term)].append(entry)
                else:
                    key = normalize(entry.term).compact
                    if key:
                        by_key[key].append(entry)
                        if name in self.pack.phonetic_lexicons and _CJK.search(key):
                            phonetic_terms.append(key)
        for key, entries in by_key.items():
            automaton.add_word(key, (key, entries))
        automaton.make_automaton()
        self._automaton = automaton if by_key else None
        self._latin = latin
        self._latin_re = self._word_regex(latin)
        self._abbrev = abbrev
        codes = "|".join(sorted(map(re.escape, abbrev), key=len, reverse=True))
        self._abbrev_re = re.compile(r"(?<![a-z])(?:" + codes + r")+(?![a-z])") if abbrev else None
        self._abbrev_piece = re.compile(codes or "(?!)")  # one code inside a run such as 'sxwl'
        self._phonetic = PhoneticIndex(phonetic_terms)
        self._phonetic_entries = {k: by_key[k] for k in phonetic_terms}
        self._compile_features()

    @staticmethod
    def _word_regex(latin: dict[str, list[LexiconEntry]]) -> re.Pattern[str] | None:
        if not latin:
            return None
        alternatives = set()
        for entries in latin.values():
            for e in entries:
                alternatives.add(r"[\s\-]*".join(re.escape(w) for w in _WORD_GAP.split(e.term)))
        ordered = sorted(alternatives, key=len, reverse=True)
        return re.compile(r"(?<![a-z0-9])(?:" + "|".join(ordered) + r")(?![a-z0-9])")

    def _lexicon_hits(self, nt: NormalizedText) -> dict[str, list[Hit]]:
        """All lexicon matches, longest match first: a term inside a longer term is dropped."""
        cands: list[_Candidate] = []
        compact = nt.compact
        if self._automaton is not None and compact:
            for end_idx, (key, entries) in self._automaton.iter(compact):
                start = end_idx - len(key) + 1
                if not nt.compact_is_contiguous(start, end_idx + 1) and nt.compact_has_inserted_symbols(start, end_idx + 1):
                    via = "symbols"
                elif nt.compact_changed_by_t2s(start, end_idx + 1):
                    via = "traditional"
                else:
                    via = "literal"
                s, e = nt.span_from_compact(start, end_idx + 1)
                cands.append(_Candidate(s, e, entries, via))
        has_latin = _LATIN.search(compact) is not None
        if has_latin and self._abbrev_re is not None:
            for run in self._abbrev_re.finditer(compact):  # 'sxwl' is two codes
                for m in self._abbrev_piece.finditer(compact, run.start(), run.end()):
                    s, e = nt.span_from_compact(m.start(), m.end())
                    cands.append(_Candidate(s, e, self._abbrev[m.group()], "abbreviation"))
        if has_latin and self._latin_re is not None:
            for m in self._latin_re.finditer(nt.clean):
                s, e = nt.span_from_clean(m.start(), m.end())
                cands.append(_Candidate(s, e, self._latin[_latin_key(m.group())], "literal"))
        if has_latin and _CJK.search(compact):
            for pm in self._phonetic.find(compact, syllable_stream(compact)):
                s, e = nt.span_from_compact(pm.start, pm.end)
                cands.append(_Candidate(s, e, self._phonetic_entries[pm.term], pm.kind))
        # Longest match wins: drop candidates strictly inside a longer one (学生 in 大学生, 高一 in 提高一).
        cands.sort(key=lambda c: (c.start, -c.end))
        kept: list[_Candidate] = []
        reach_start, reach_end = -1, -1  # the kept span reaching furthest right (earliest start on ties)
        for c in cands:
            if c.end <= reach_end and (reach_start, reach_end) != (c.start, c.end):
                continue  # strictly inside a longer kept span
            kept.append(c)
            if c.end > reach_end:
                reach_start, reach_end = c.start, c.end
        hits: dict[str, list[Hit]] = defaultdict(list)
        original = nt.original
        for c in kept:
            text = original[c.start : c.end]
            for entry in c.entries:
                hits[entry.lexicon].append(Hit(c.start, c.end, text, entry.attrs, c.via))
        return hits

    def _compile_features(self) -> None:
        """Flatten feature specs into tuples; parsers resolved once (the hot loop avoids attribute lookups)."""
        self._steps = tuple(
            (
                f.name,
                f.lexicons,
                f.patterns,
                tuple(PARSERS.get(p) for p in f.parsers),
                f.any + ((f.source,) if f.source is not None else ()),
                f.where,
                f.via,
                f.all,
                f.none,
                f.min_distinct,
            )
            for f in self.pack.features
        )

    def features(self, nt: NormalizedText) -> dict[str, list[Hit]]:
        """Evaluate every feature of the pack, in order."""
        lex = self._lexicon_hits(nt)
        values: dict[str, list[Hit]] = {}
        original, clean = nt.original, nt.clean
        for name, lexicons, patterns, parsers, unions, where, via, all_, none, min_distinct in self._steps:
            hits: list[Hit] = []
            for lexicon in lexicons:
                found = lex.get(lexicon)
                if found:
                    hits.extend(found)
            if patterns is not None:
                for m in patterns.finditer(clean):
                    if m.end() > m.start():
                        s, e = nt.span_from_clean(m.start(), m.end())
                        hits.append(Hit(s, e, original[s:e], (), "pattern"))
            for parser in parsers:
                hits.extend(parser(nt))
            for ref in unions:
                found = values[ref]
                if found:
                    hits.extend(found)
            if hits:
                if where:
                    hits = [h for h in hits if all(h.attr(k) in allowed for k, allowed in where)]
                if via is not None:
                    hits = [h for h in hits if h.via in via]
                if all_ and not all(values[ref] for ref in all_):
                    hits = []
                elif none and any(values[ref] for ref in none):
                    hits = []
                elif min_distinct > 1 and len({h.text for h in hits}) < min_distinct:
                    hits = []
            values[name] = hits
        return values

    def analyze(self, nt: NormalizedText) -> Analysis:
        """Fire the pack's rules and fuse them into per-category scores (noisy-OR)."""
        values = self.features(nt)
        remaining = dict.fromkeys(AD_CATEGORIES, 1.0)
        evidence: list[Evidence] = []
        fired: list[str] = []
        for rule in self.pack.rules:
            if not _holds(rule.all, rule.any, rule.none, values):
                continue
            fired.append(rule.id)
            remaining[rule.category] *= 1.0 - rule.score
            source = f"rule:{rule.id}"
            seen = set()
            for ref in rule.evidence:
                for h in values[ref]:
                    if (h.start, h.end) in seen:
                        continue
                    seen.add((h.start, h.end))
                    evidence.append(Evidence(rule.category, h.start, h.end, h.text, source, rule.citation, via=h.via))
        scores = {c: round(1.0 - r, 4) for c, r in remaining.items()}
        suppressed = tuple(f for f in self.pack.suppress if values.get(f))
        return Analysis(scores, tuple(evidence), self._attributes(nt, values), tuple(fired), suppressed)

    def _attributes(self, nt: NormalizedText, values: dict[str, list[Hit]]) -> dict[str, object]:
        conf = self.pack.attributes
        stages = {h.attr("stage") for h in values.get(conf.get("stage_feature", ""), ())} - {None}
        if len(stages) == 1:
            stage = stages.pop()
        elif stages:
            stage = "k12"
        elif values.get(conf.get("adult_feature", "")):
            stage = "adult"
        elif values.get(conf.get("minor_feature", "")):
            stage = "k12"
        else:
            stage = "none"
        subjects = sorted({h.attr("subject") for h in values.get(conf.get("subject_feature", ""), ())} - {None})
        return {"stage": stage, "subjects": subjects, "language": detect_language(nt.clean)}


def _holds(all_: tuple[str, ...], any_: tuple[str, ...], none: tuple[str, ...], values: dict[str, list[Hit]]) -> bool:
    """A rule's condition: every `all` feature present, one `any` present, no `none` present."""
    for ref in all_:
        if not values[ref]:
            return False
    if any_:
        for ref in any_:
            if values[ref]:
                break
        else:
            return False
    for ref in none:
        if values[ref]:
            return False
    return True


def detect_language(text: str) -> str:
    """'zh', 'en', 'mixed' or 'none' from the share of CJK and Latin letters."""
    cjk = len(_CJK.findall(text))
    latin = len(re.findall(r"[a-z]", text))
    if not cjk and not latin:
        return "none"
    if cjk and latin and min(cjk, latin / 4) / max(cjk, latin / 4) > 0.2:
        return "mixed"
    return "zh" if cjk >= latin / 4 else "en"
