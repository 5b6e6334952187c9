"""Load a policy pack (YAML + lexicon files) and compile it into fast matchers.

A pack directory holds ``pack.yaml`` (citations, features, rules, attributes) and
``lexicons/*.txt`` (one term a line, optional ``key=value`` attributes after a tab).
A new banned phrasing is a line in a lexicon file; a new rule is a YAML entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..categories import CATEGORIES
from ..normalize import normalize

DEFAULT_PACK_DIR = Path(__file__).parent / "packs" / "default"
_LATIN_TERM = re.compile(r"^[a-z0-9 .&'+\-/]+$")
_ABBREV = re.compile(r"^[a-z]{2,4}$")


class PackError(ValueError):
    """The pack is malformed: unknown references, bad regexes, missing files."""


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One lexicon line: the lexicon it belongs to, the term and its attributes."""

    lexicon: str
    term: str
    attrs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """A named signal: lexicon terms, patterns, parsers, or a combination of earlier features."""

    name: str
    lexicons: tuple[str, ...] = ()
    patterns: re.Pattern[str] | None = None
    parsers: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    source: str | None = None
    where: tuple[tuple[str, frozenset[str]], ...] = ()
    via: frozenset[str] | None = None
    min_distinct: int = 1


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule: when its features hold, it scores a category, with evidence and a citation."""

    id: str
    category: str
    score: float
    all: tuple[str, ...]
    any: tuple[str, ...]
    none: tuple[str, ...]
    evidence: tuple[str, ...]
    citation: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Pack:
    """A compiled policy pack."""

    id: str
    version: str
    lexicons: dict[str, tuple[LexiconEntry, ...]]
    features: tuple[FeatureSpec, ...]
    rules: tuple[RuleSpec, ...]
    attributes: dict[str, Any]
    phonetic_lexicons: frozenset[str]
    abbreviation_lexicons: frozenset[str]
    citations: dict[str, str] = field(default_factory=dict)
    suppress: tuple[str, ...] = ()


def _read_lexicon(path: Path) -> tuple[LexiconEntry, ...]:
    entries = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        term, _, rest = line.partition("\t")
        attrs = []
        for pair in rest.split():
            key, sep, value = pair.partition("=")
            if not sep:
                raise PackError(f"{path.name}:{lineno}: attribute {pair!r} is not key=value")
            attrs.append((key, value))
        term = term.strip()
        folded = normalize(term).clean.strip()
        if not folded:
            raise PackError(f"{path.name}:{lineno}: empty term")
        entries.append(LexiconEntry(path.stem, folded, tuple(attrs)))
    return tuple(entries)


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _compile_patterns(name: str, patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error as exc:
        raise PackError(f"feature {name!r}: bad pattern: {exc}") from None


def _feature(name: str, spec: dict[str, Any], known: set[str], lexicons: set[str]) -> FeatureSpec:
    allowed = {"lexicons", "patterns", "parsers", "any", "all", "none", "from", "where", "via", "min_distinct", "phonetic", "doc"}
    unknown_keys = set(spec) - allowed
    if unknown_keys:
        raise PackError(f"feature {name!r}: unknown keys {sorted(unknown_keys)}")
    for lex in _tuple(spec.get("lexicons")):
        if lex not in lexicons:
            raise PackError(f"feature {name!r}: no lexicon file {lex}.txt")
    refs = _tuple(spec.get("any")) + _tuple(spec.get("all")) + _tuple(spec.get("none")) + _tuple(spec.get("from"))
    for ref in refs:
        if ref not in known:
            raise PackError(f"feature {name!r} refers to {ref!r}, which is not defined before it")
    from ..detectors.parsers import PARSERS

    for parser in _tuple(spec.get("parsers")):
        PARSERS.get(parser)  # raises on an unknown parser name
    where = tuple((k, frozenset(_tuple(v))) for k, v in (spec.get("where") or {}).items())
    via = frozenset(_tuple(spec["via"])) if "via" in spec else None
    return FeatureSpec(
        name=name,
        lexicons=_tuple(spec.get("lexicons")),
        patterns=_compile_patterns(name, list(_tuple(spec.get("patterns")))),
        parsers=_tuple(spec.get("parsers")),
        any=_tuple(spec.get("any")),
        all=_tuple(spec.get("all")),
        none=_tuple(spec.get("none")),
        source=spec.get("from"),
        where=where,
        via=via,
        min_distinct=int(spec.get("min_distinct", 1)),
    )


def _rule(spec: dict[str, Any], known: set[str], citations: dict[str, str], suppress: tuple[str, ...]) -> RuleSpec:
    rid = spec.get("id")
    if not rid:
        raise PackError(f"a rule has no id: {spec}")
    category = spec.get("category")
    if category not in CATEGORIES:
        raise PackError(f"rule {rid!r}: unknown category {category!r}")
    score = float(spec.get("score", 0))
    if not 0 < score <= 1:
        raise PackError(f"rule {rid!r}: score must be in (0, 1]")
    all_ = _tuple(spec.get("all"))
    any_ = _tuple(spec.get("any"))
    none = _tuple(spec.get("none")) + (() if spec.get("suppressible", True) is False else suppress)
    for ref in all_ + any_ + none + _tuple(spec.get("evidence")):
        if ref not in known:
            raise PackError(f"rule {rid!r} refers to unknown feature {ref!r}")
    if not all_ and not any_:
        raise PackError(f"rule {rid!r} has neither all nor any")
    cite = spec.get("citation", "")
    citation = "; ".join(citations.get(c, c) for c in _tuple(cite))
    if not citation:
        raise PackError(f"rule {rid!r} has no citation")
    evidence = _tuple(spec.get("evidence")) or (all_ + any_)
    return RuleSpec(rid, category, score, all_, any_, none, evidence, citation, spec.get("description", ""))


def load_pack(directory: str | Path | None = None) -> Pack:
    """Read and validate a pack directory (default: the embedded ``default`` pack)."""
    root = Path(directory) if directory else DEFAULT_PACK_DIR
    manifest = root / "pack.yaml"
    if not manifest.is_file():
        raise PackError(f"no pack.yaml in {root}")
    data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    lexicons = {p.stem: _read_lexicon(p) for p in sorted((root / "lexicons").glob("*.txt"))}
    citations = {str(k): str(v) for k, v in (data.get("citations") or {}).items()}
    known: set[str] = set()
    features = []
    phonetic = set()
    for name, spec in (data.get("features") or {}).items():
        if name in known:
            raise PackError(f"feature {name!r} defined twice")
        feature = _feature(name, spec or {}, known, set(lexicons))
        if (spec or {}).get("phonetic"):
            phonetic.update(feature.lexicons)
        features.append(feature)
        known.add(name)
    suppress = _tuple(data.get("suppress"))
    for ref in suppress:
        if ref not in known:
            raise PackError(f"suppress refers to unknown feature {ref!r}")
    abbreviations = frozenset(_tuple(data.get("abbreviations")))
    for lex in abbreviations:
        if lex not in lexicons or not all(_ABBREV.match(e.term) for e in lexicons[lex]):
            raise PackError(f"abbreviation lexicon {lex!r} is missing or has terms that are not 2-4 latin letters")
    rules = [_rule(r, known, citations, suppress) for r in data.get("rules") or []]
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise PackError("duplicate rule ids")
    return Pack(
        id=str(data.get("id", root.name)),
        version=str(data.get("version", "0")),
        lexicons=lexicons,
        features=tuple(features),
        rules=tuple(rules),
        attributes=dict(data.get("attributes") or {}),
        phonetic_lexicons=frozenset(phonetic),
        abbreviation_lexicons=abbreviations,
        citations=citations,
        suppress=suppress,
    )


def is_latin_term(term: str) -> bool:
    """Terms written in Latin script match on word boundaries in the clean view."""
    return bool(_LATIN_TERM.match(term)) and any(c.isalpha() for c in term)

