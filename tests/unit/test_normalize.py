"""Normaliser: views, evasion folding, and offsets that always map back to the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.normalize import normalize


@pytest.mark.parametrize(
    "raw, compact",
    [
        ("补.习", "补习"),
        ("数*学", "数学"),
        ("补 习", "补习"),
        ("补📚习", "补习"),
        ("補習班", "补习班"),
        ("ＳＸ①班", "sx1班"),
        ("1\ufe0f\u20e3对1", "1对1"),
        ("补\u200b习", "补习"),
        ("期末。【中考", "期末|中考"),  # sentence punctuation is a barrier
        ("Grade 5 Math", "grade5math"),
    ],
)
def test_compact_view(raw: str, compact: str) -> None:
    assert normalize(raw).compact == compact


@pytest.mark.parametrize(
    "raw, start, end, original",
    [("s x 補.習 班", 2, 5, "補.習 班"), ("ＳＸ补习", 0, 2, "ＳＸ"), ("①２数学", 2, 4, "数学")],
)
def test_compact_span_maps_to_original(raw: str, start: int, end: int, original: str) -> None:
    nt = normalize(raw)
    s, e = nt.span_from_compact(start, end)
    assert raw[s:e] == original


def test_evasion_markers() -> None:
    nt = normalize("补.习 1 对1 補習")
    i = nt.compact.index("补习")
    assert nt.compact_has_inserted_symbols(i, i + 2)
    j = nt.compact.index("1对1")
    assert not nt.compact_has_inserted_symbols(j, j + 3)  # a space beside a digit is typography
    k = nt.compact.rindex("补习")
    assert nt.compact_changed_by_t2s(k, k + 2)


_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
        st.sampled_from(list("補習數學，。！【】①②ＡＢ１２\u200b\ufe0f📚 ")),
        st.characters(),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_text)
def test_offsets_always_map_back(raw: str) -> None:
    nt = normalize(raw)
    assert len(nt.clean_start) == len(nt.clean) == len(nt.clean_end)
    assert len(nt.compact_to_clean) == len(nt.compact)
    for i in range(len(nt.clean)):
        s, e = nt.span_from_clean(i, i + 1)
        assert 0 <= s < e <= len(raw)
    for i, ch in enumerate(nt.compact):
        s, e = nt.span_from_compact(i, i + 1)
        assert 0 <= s < e <= len(raw)
        # the original span, normalised on its own, yields the same character (or it is a barrier)
        assert ch == "|" or ch in normalize(raw[s:e]).compact
    starts = nt.clean_start
    assert starts == sorted(starts)
