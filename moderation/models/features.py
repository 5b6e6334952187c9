"""Tokens the learned tiers read, built from the normalised views so evasions fold the same way."""

from __future__ import annotations

import re
from functools import lru_cache

from ..normalize import NormalizedText

_DIGITS = re.compile(r"\d")
_LATIN_WORD = re.compile(r"[a-z]{2,}")


@lru_cache(maxsize=1)
def _jieba():
    """jieba, initialised once, its cache kept out of the system temp directory."""
    import os
    import tempfile

    import jieba

    jieba.setLogLevel(60)
    cache = os.environ.get("MODERATION_CACHE_DIR") or os.path.join(tempfile.gettempdir(), f"moderation-{os.getuid()}")
    os.makedirs(cache, exist_ok=True)
    jieba.dt.tmp_dir = cache
    jieba.initialize()
    return jieba


def linear_tokens(nt: NormalizedText, max_n: int = 3) -> list[str]:
    """Character 1..max_n-grams of the compact view (digits folded to 0) plus jieba words (``w:``) and Latin words (``e:``)."""
    cut = _jieba().lcut
    tokens: list[str] = []
    compact = _DIGITS.sub("0", nt.compact)
    for segment in compact.split("|"):
        n = len(segment)
        for size in range(1, max_n + 1):
            tokens.extend(segment[i : i + size] for i in range(n - size + 1))
        if n > 1:
            tokens.extend("w:" + w for w in cut(segment, HMM=False) if len(w) > 1 and "0" not in w)
    tokens.extend("e:" + w for w in _LATIN_WORD.findall(nt.clean))
    return tokens


def char_sequence(nt: NormalizedText) -> str:
    """The character stream the transformer reads: the compact view, barriers as '|'."""
    return nt.compact
