"""Pinyin and homophone keys, so lexicon terms also match 'bu课', 'fu导', 'buxi' or '辅岛'.

The compact view is read as a stream of syllables: each CJK character gives its pinyin
(pypinyin's dictionary, first reading), each Latin run is split into pinyin syllables when it
can be. A term matches when its syllables appear in a row and the window is not the literal
term. Windows that mix in Latin pinyin match toneless. All-CJK homophones (辅岛 for 辅导) must match
tones too and are off by default: on real SMS they matched ordinary words (题优 → 提优, 世听 → 试听).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

_LATIN_RUN = re.compile(r"[a-z]+")
_TONE_MARKS = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}


def _split_tone(reading: str) -> tuple[str, str]:
    """'bǔ' → ('bu', 'bu3'); 'lü' → ('lv', 'lv5')."""
    decomposed = unicodedata.normalize("NFD", reading)
    tone = "5"
    base = []
    for ch in decomposed:
        if ch in _TONE_MARKS:
            tone = _TONE_MARKS[ch]
        elif ch == "\u0308":  # ü
            base.append("v") if base and base[-1] == "u" and base.pop() else base.append("v")
        else:
            base.append(ch)
    plain = "".join(base)
    return plain, plain + tone


@lru_cache(maxsize=1)
def _char_readings() -> dict[str, tuple[str, str]]:
    """CJK character → (toneless, toned) pinyin of its first reading."""
    from pypinyin.pinyin_dict import pinyin_dict

    table = {}
    for code, readings in pinyin_dict.items():
        first = readings.split(",", 1)[0]
        table[chr(code)] = _split_tone(first)
    return table


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    return frozenset(plain for plain, _ in _char_readings().values() if plain.isascii() and plain.isalpha())


def split_pinyin(run: str) -> list[str] | None:
    """Split a Latin run into pinyin syllables (fewest syllables), or None if it is not pinyin."""
    sylls = _syllables()
    n = len(run)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(min(n, i + 6), i, -1):
            piece = run[i:j]
            if piece in sylls and (best[j] is None or len(best[j]) > len(best[i]) + 1):
                best[j] = best[i] + [piece]
    return best[n]


@dataclass(frozen=True, slots=True)
class Syllable:
    """One syllable of the compact view: its compact span, toneless and toned keys."""

    start: int
    end: int
    plain: str
    toned: str | None  # None for Latin pinyin (no tone written)


def syllable_stream(compact: str) -> list[Syllable]:
    """Read the compact view as syllables; characters that are neither CJK nor pinyin break the stream."""
    readings = _char_readings()
    stream: list[Syllable] = []
    i, n = 0, len(compact)
    while i < n:
        ch = compact[i]
        if "a" <= ch <= "z":
            m = _LATIN_RUN.match(compact, i)
            run = m.group()
            parts = split_pinyin(run) if len(run) <= 24 else None
            if parts:
                pos = i
                for p in parts:
                    stream.append(Syllable(pos, pos + len(p), p, None))
                    pos += len(p)
            else:
                stream.append(Syllable(i, m.end(), "", None))  # a non-pinyin word: a barrier
            i = m.end()
            continue
        reading = readings.get(ch)
        if reading is None:
            stream.append(Syllable(i, i + 1, "", None))
        else:
            stream.append(Syllable(i, i + 1, reading[0], reading[1]))
        i += 1
    return stream


@dataclass(frozen=True, slots=True)
class PhoneticMatch:
    """A term found by sound: compact span, the term, and how ('pinyin' or 'homophone')."""

    start: int
    end: int
    term: str
    kind: str


class PhoneticIndex:
    """Looks up multi-syllable CJK terms by their pinyin."""

    def __init__(self, terms: Iterable[str], homophones: bool = False) -> None:
        self._homophones = homophones
        readings = _char_readings()
        self._plain: dict[tuple[str, ...], str] = {}
        self._toned: dict[tuple[str, ...], str] = {}
        lengths = set()
        for term in terms:
            if len(term) < 2 or not all(ch in readings for ch in term):
                continue
            keys = [readings[ch] for ch in term]
            self._plain.setdefault(tuple(k[0] for k in keys), term)
            self._toned.setdefault(tuple(k[1] for k in keys), term)
            lengths.add(len(term))
        self._lengths = sorted(lengths)

    def find(self, compact: str, stream: list[Syllable] | None = None) -> list[PhoneticMatch]:
        """Terms spelled by sound in ``compact`` but not written literally."""
        if not self._lengths:
            return []
        stream = syllable_stream(compact) if stream is None else stream
        found: list[PhoneticMatch] = []
        n = len(stream)
        if self._homophones:
            starts_by_size = {size: range(n - size + 1) for size in self._lengths}
        else:  # only windows that contain a Latin syllable can match
            anchors = [i for i, s in enumerate(stream) if s.toned is None and s.plain]
            if not anchors:
                return found
            starts_by_size = {
                size: sorted({j for i in anchors for j in range(max(0, i - size + 1), min(i, n - size) + 1)})
                for size in self._lengths
            }
        for size, starts in starts_by_size.items():
            for i in starts:
                window = stream[i : i + size]
                if not all(s.plain for s in window):
                    continue
                start, end = window[0].start, window[-1].end
                if any(s.toned is None for s in window):
                    term = self._plain.get(tuple(s.plain for s in window))
                    kind = "pinyin"
                elif self._homophones:
                    term = self._toned.get(tuple(s.toned for s in window))  # type: ignore[misc]
                    kind = "homophone"
                else:
                    continue
                if term is not None and compact[start:end] != term:
                    found.append(PhoneticMatch(start, end, term, kind))
        return found
