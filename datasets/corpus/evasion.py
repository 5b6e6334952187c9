"""Evasion transforms advertisers use to slip past keyword filters; labels do not change (see ``evade_record``).

``evade(text, rng, kinds=None)`` applies one transform (or each of ``kinds`` in order) to the subject and offer
words of ``text``; it returns ``text`` unchanged only if no kind found anything to change.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import Callable, Sequence

# Subject words → pinyin initials / renamed course.
SUBJECTS: dict[str, str] = {
    "数学": "sx", "语文": "yw", "英语": "yy", "物理": "wl", "化学": "hx", "生物": "sw", "历史": "ls",
    "地理": "dl", "政治": "zz", "作文": "zw", "奥数": "as", "道法": "df",
}
RENAMES: dict[str, list[str]] = {
    "数学": ["思维", "数理逻辑", "思维训练", "逻辑课"], "英语": ["口语素养", "英文绘本", "国际素养", "双语表达"],
    "语文": ["阅读素养", "国学", "大语文", "表达力"], "物理": ["科学探究", "科创实验"], "化学": ["科学实验", "物质探秘"],
    "奥数": ["思维拓展", "逻辑思维"], "作文": ["表达力", "创意写作"], "生物": ["自然探索"], "历史": ["人文素养"],
    "地理": ["研学地理", "自然探索"], "补习": ["素养提升", "成长陪伴"], "辅导": ["陪伴", "答疑"],
    "补课": ["充电", "加餐"], "培训": ["成长营", "学习营"],
}
# Offer words (and some subjects) → homophones / half-pinyin used in the wild.
HOMOPHONES: dict[str, list[str]] = {
    "辅导": ["付导", "府导", "fu导", "辅dao"], "补课": ["卜课", "bu课", "补ke", "捕课"], "补习": ["卜习", "bu习", "捕习", "补xi"],
    "数学": ["树学", "数xue", "书学"], "英语": ["鹰语", "英yu", "樱语"], "物理": ["勿理", "物li"], "化学": ["花学", "化xue"],
    "语文": ["雨文", "语wen"], "家教": ["佳教", "家jiao"], "培训": ["陪训", "培xun"], "一对一": ["1v1", "壹对壹", "1对1"],
    "提分": ["题分", "提fen"], "招生": ["招笙", "zhao生"], "上课": ["上ke", "尚课"], "网课": ["往课", "wang课"],
    "奥数": ["奥shu", "澳数"], "作文": ["做文", "zuo文"], "冲刺": ["充刺", "chong刺"], "中考": ["中kao", "钟考"],
    "高考": ["高kao", "膏考"], "暑假": ["鼠假", "shu假"], "寒假": ["韩假", "han假"],
}
OFFERS: tuple[str, ...] = (
    "补习", "补课", "辅导", "培训", "家教", "一对一", "提分", "冲刺", "网课", "上课", "招生", "提高班", "培优",
    "小班", "试听", "报名", "课程",
)
EMOJI: tuple[str, ...] = ("📚", "✏️", "📖", "🔥", "⭐", "✨", "👉", "💯", "📐", "🎯", "❤️", "🌟", "✅", "➕")
SYMBOLS: tuple[str, ...] = (".", "*", "·", "-", "_", "/", "|", "~", "、", "丶", "^", "+")
KINDS: tuple[str, ...] = ("initials", "pinyin", "homophone", "symbols", "spaces", "traditional", "emoji", "rename")
# Kinds that turn plain subject training into coded (disguised) text under LABELLING.md.
CODE_KINDS: frozenset[str] = frozenset({"initials", "pinyin", "homophone", "symbols", "rename"})

_TARGETS = sorted(set(SUBJECTS) | set(OFFERS) | set(HOMOPHONES), key=len, reverse=True)
_TARGET_RX = re.compile("|".join(map(re.escape, _TARGETS)))


def _targets(text: str, pool: Sequence[str] | None = None) -> list[re.Match]:
    rx = _TARGET_RX if pool is None else re.compile("|".join(map(re.escape, sorted(pool, key=len, reverse=True))))
    return list(rx.finditer(text))


def _replace_some(text: str, matches: list[re.Match], rng: random.Random, fn: Callable[[str], str]) -> str:
    """Replace a random non-empty subset of ``matches`` (at least one) with ``fn(word)``."""
    if not matches:
        return text
    chosen = [m for m in matches if rng.random() < 0.6] or [rng.choice(matches)]
    out, pos = [], 0
    for m in chosen:
        out.append(text[pos:m.start()])
        out.append(fn(m.group(0)))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


@lru_cache(maxsize=4096)
def _pinyin(word: str) -> list[str]:
    from pypinyin import lazy_pinyin

    return lazy_pinyin(word)


def _initials(text: str, rng: random.Random) -> str:
    def fn(w: str) -> str:
        code = SUBJECTS.get(w) or "".join(p[0] for p in _pinyin(w) if p)
        return code.upper() if rng.random() < 0.2 else code
    return _replace_some(text, _targets(text, list(SUBJECTS)) or _targets(text, OFFERS), rng, fn)


def _full_pinyin(text: str, rng: random.Random) -> str:
    def fn(w: str) -> str:
        sep = rng.choice(["", "", " "])
        return sep.join(_pinyin(w))
    return _replace_some(text, _targets(text, OFFERS) or _targets(text, list(SUBJECTS)), rng, fn)


def _homophone(text: str, rng: random.Random) -> str:
    return _replace_some(text, _targets(text, list(HOMOPHONES)), rng, lambda w: rng.choice(HOMOPHONES[w]))


def _symbols(text: str, rng: random.Random) -> str:
    def fn(w: str) -> str:
        sym = rng.choice(SYMBOLS)
        return sym.join(w)
    return _replace_some(text, _targets(text), rng, fn)


def _spaces(text: str, rng: random.Random) -> str:
    def fn(w: str) -> str:
        return rng.choice([" ", "  ", "\u3000"]).join(w)
    return _replace_some(text, _targets(text), rng, fn)


def _emoji(text: str, rng: random.Random) -> str:
    def fn(w: str) -> str:
        return rng.choice(EMOJI).join(w) if len(w) > 1 else w + rng.choice(EMOJI)
    out = _replace_some(text, _targets(text), rng, fn)
    if out == text and text:
        pos = rng.randrange(len(text) + 1)
        out = text[:pos] + rng.choice(EMOJI) + text[pos:]
    return out


@lru_cache(maxsize=1)
def _s2t() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("s2t").convert


def _traditional(text: str, rng: random.Random) -> str:
    return _s2t()(text)


def _rename(text: str, rng: random.Random) -> str:
    return _replace_some(text, _targets(text, list(RENAMES)), rng, lambda w: rng.choice(RENAMES[w]))


_FUNCS: dict[str, Callable[[str, random.Random], str]] = {
    "initials": _initials, "pinyin": _full_pinyin, "homophone": _homophone, "symbols": _symbols,
    "spaces": _spaces, "traditional": _traditional, "emoji": _emoji, "rename": _rename,
}


def evade(text: str, rng: random.Random, kinds: Sequence[str] | None = None) -> str:
    """Apply ``kinds`` in order (default: one kind drawn from those that change ``text``)."""
    return evade_kinds(text, rng, kinds)[0]


def evade_kinds(text: str, rng: random.Random, kinds: Sequence[str] | None = None) -> tuple[str, list[str]]:
    """Like ``evade`` but also returns the kinds that actually changed the text."""
    if kinds is not None:
        applied = []
        for k in kinds:
            if k not in _FUNCS:
                raise ValueError(f"unknown evasion kind {k!r}; expected one of {KINDS}")
            new = _FUNCS[k](text, rng)
            if new != text:
                applied.append(k)
            text = new
        return text, applied
    order = list(KINDS)
    rng.shuffle(order)
    for k in order:
        new = _FUNCS[k](text, rng)
        if new != text:
            return new, [k]
    return text, []


def evade_record(rec: dict, rng: random.Random, kinds: Sequence[str] | None = None,
                 mark_disguised: bool = True) -> dict:
    """A copy of corpus record ``rec`` with evaded text; labels kept, except that a code-word kind
    (initials, pinyin, homophone, symbols, rename) applied to a subject-training ad sets
    ``disguised_training`` = 1 when ``mark_disguised`` (LABELLING.md: coded text is disguised training)."""
    text, applied = evade_kinds(rec["text"], rng, kinds)
    out = dict(rec)
    out["labels"] = dict(rec["labels"])
    out["text"] = text
    out["evasion"] = applied
    if mark_disguised and out["labels"]["subject_training_ad"] and CODE_KINDS.intersection(applied):
        out["labels"]["disguised_training"] = 1
    return out
