"""Parsers for signals that words alone cannot express: grades, price pairs, prepayment
spans, lesson lengths, late end times and contact numbers.

Each parser reads the clean view and returns hits in original-text offsets. They are
registered by name and referenced from the policy pack (``parsers: [price_pair]``).
"""

from __future__ import annotations

import re
from typing import Callable

from ..normalize import NormalizedText
from ..registry import Registry
from ..types import Hit

Parser = Callable[[NormalizedText], list[Hit]]
PARSERS: Registry[Parser] = Registry("parser")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"


def parse_number(token: str) -> float | None:
    """'45' → 45, '3.5' → 3.5, '四十五' → 45, '两' → 2, '一百二十' → 120."""
    token = token.strip()
    if not token:
        return None
    try:
        return float(token)
    except ValueError:
        pass
    total, section, digit = 0, 0, None
    for ch in token:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
        else:
            return None
    return float(total + section + (digit or 0))


def _hit(nt: NormalizedText, a: int, b: int, /, **attrs: object) -> Hit:
    s, e = nt.span_from_clean(a, b)
    return Hit(s, e, nt.original[s:e], tuple((k, str(v)) for k, v in attrs.items()), "parser")


def _has_any(text: str, needles: tuple[str, ...]) -> bool:
    """Cheap literal guard before running a parser's regexes."""
    return any(n in text for n in needles)


def stage_of_grade(grade: int) -> str:
    """Grade 0 or below is preschool; 1–6 primary, 7–9 junior, 10–12 senior; beyond, adult."""
    if grade <= 0:
        return "preschool"
    if grade <= 6:
        return "primary"
    if grade <= 9:
        return "junior"
    return "senior" if grade <= 12 else "adult"


_GRADE_PATTERNS = [
    re.compile(r"(?<![\d.])(1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])\s*年级"),
    re.compile(r"\bgrades?\s*(1[0-2]|[1-9])(?:\s*(?:-|to|–|and|&)\s*(1[0-2]|[1-9]))?\b"),
    re.compile(r"\b(1[0-2]|[1-9])(?:st|nd|rd|th)[\s-]*grade(?:rs?)?\b"),
    re.compile(r"\bg(1[0-2]|[1-9])\b"),
]


@PARSERS.register("grade_number")
def grade_number(nt: NormalizedText) -> list[Hit]:
    """'三年级', 'Grade 5', 'grades 3-6', '7th grader', 'G8' → stage and grade."""
    if not _has_any(nt.clean, ("年级", "grade", "g")):
        return []
    hits = []
    for pat in _GRADE_PATTERNS:
        for m in pat.finditer(nt.clean):
            grade = parse_number(m.group(1))
            if grade is None:
                continue
            g = int(grade)
            upper = m.group(2) if pat.groups >= 2 else None
            g2 = int(upper) if upper else g
            stage = stage_of_grade(g) if stage_of_grade(g) == stage_of_grade(g2) else "k12"
            hits.append(_hit(nt, m.start(), m.end(), stage=stage, grade=g))
    return hits


_AGE_RANGE = re.compile(r"(?<![\d.])(\d{1,2})\s*(?:-|~|—|–|至|到|to)\s*(\d{1,2})\s*(?:岁|周岁|years?\s*old|yrs?)")
_AGE_EN = re.compile(r"\b(?:aged?|ages)\s*(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})\b")
_AGE_FROM = re.compile(r"(?<![\d.])(\d{1,2})\s*(?:岁|周岁)\s*(?:起|以上|\+|及以上)?")


def stage_of_age(age: int) -> str:
    """Pupils start grade 1 at six: ages up to 6 preschool, 7–12 primary, 13–15 junior, 16–18 senior."""
    return stage_of_grade(age - 6)


@PARSERS.register("age_range")
def age_range(nt: NormalizedText) -> list[Hit]:
    """'3-6岁', 'aged 6-12', '5岁起' → the stage of those ages (adults excluded)."""
    if not _has_any(nt.clean, ("岁", "age", "year", "yr")):
        return []
    hits = []
    covered: list[tuple[int, int]] = []
    for pat in (_AGE_RANGE, _AGE_EN):
        for m in pat.finditer(nt.clean):
            low, high = int(m.group(1)), int(m.group(2))
            if low > high or high > 18:
                continue
            a, b = stage_of_age(low), stage_of_age(high)
            hits.append(_hit(nt, m.start(), m.end(), stage=a if a == b else "k12", age=f"{low}-{high}"))
            covered.append((m.start(), m.end()))
    for m in _AGE_FROM.finditer(nt.clean):
        if any(s <= m.start() < e for s, e in covered):
            continue
        age = int(m.group(1))
        if 2 <= age <= 18:
            hits.append(_hit(nt, m.start(), m.end(), stage=stage_of_age(age), age=str(age)))
    return hits


_REF_PRICE = r"(?:原价|原售价|划线价|市场价|门市价|专柜价|参考价|定价|价格|标价|价值|售价|日常价|官方价)"
_SALE_PRICE = r"(?:现价|现售价|到手价|参考到手价|活动价|特价|仅需|只需|只要|仅售|仅|秒杀价|优惠价|抢购价|限时价|折后价?|团购价|体验价|拼团价|券后价?|now|only)"
_AMOUNT = r"[¥$]?\s*(\d+(?:\.\d+)?)\s*(?:元|块)?"
_PRICE_PAIR_PATTERNS = [
    re.compile(_REF_PRICE + r"\s*[:：]?\s*" + _AMOUNT + r"[^\d¥$]{0,12}?" + _SALE_PRICE + r"\s*[:：]?\s*" + _AMOUNT),
    re.compile(r"[¥$]\s*(\d+(?:\.\d+)?)\s*(?:\(?划线价\)?)?\s*[¥$]\s*(\d+(?:\.\d+)?)"),
    re.compile(r"(?:was|regular(?:ly)?|list price)\s*[¥$]?\s*(\d+(?:\.\d+)?)[^\d]{0,12}?(?:now|only)\s*[¥$]?\s*(\d+(?:\.\d+)?)"),
]


@PARSERS.register("price_pair")
def price_pair(nt: NormalizedText) -> list[Hit]:
    """A reference price next to a different sale price: '原价3980现价980', '¥399 ¥9'."""
    if not _has_any(nt.clean, ("¥", "$", "价", "was", "regular", "list price")):
        return []
    hits = []
    for pat in _PRICE_PAIR_PATTERNS:
        for m in pat.finditer(nt.clean):
            a, b = float(m.group(1)), float(m.group(2))
            if a != b and min(a, b) > 0:
                hits.append(_hit(nt, m.start(), m.end(), reference=max(a, b), sale=min(a, b)))
    return hits


_HOURS = re.compile(r"(" + NUM + r")\s*(?:个)?(?:课时|节课|次课|堂课|学时)")
_SPAN_MONTHS = re.compile(r"(?<![\d.])(" + NUM + r")\s*(?:个)?(月|年|学期)(?:的)?\s*(?:课包|课程|学费|套餐|卡|班|会员|vip)")
_BUY_SPAN = re.compile(r"(?:一次性?|一口气)?(?:买|购|报|交|缴|付|充)\s*(" + NUM + r")\s*(?:个)?(月|年|学期)")
_PREPAY_VERB = re.compile(r"一次性|预付|预交|预存|缴清|付清|交清|打包|课包|充值|买|购|报|送")


@PARSERS.register("prepayment")
def prepayment(nt: NormalizedText) -> list[Hit]:
    """Prepayment beyond the cap of 3 months or 60 class hours: '120课时', '两年课包'."""
    if not _has_any(nt.clean, ("课时", "节课", "次课", "堂课", "学时", "月", "年", "学期")):
        return []
    hits = []
    text = nt.clean
    for m in _HOURS.finditer(text):
        n = parse_number(m.group(1))
        window = text[max(0, m.start() - 12) : m.end() + 12]
        if n is not None and n > 60 and _PREPAY_VERB.search(window):
            hits.append(_hit(nt, m.start(), m.end(), hours=int(n)))
    for m in list(_SPAN_MONTHS.finditer(text)) + list(_BUY_SPAN.finditer(text)):
        n = parse_number(m.group(1))
        if n is None:
            continue
        unit = m.group(2)
        if n > {"月": 36, "年": 5, "学期": 10}[unit]:  # '2008年学费' is a year, not a span
            continue
        months = n * {"月": 1, "年": 12, "学期": 5}[unit]
        if months > 3:
            hits.append(_hit(nt, m.start(), m.end(), months=int(months)))
    return hits


_LESSON = re.compile(
    r"(?:每节课?|每课时?|每次课?|每堂课?|单节课?|一节课|一堂课|一次课|课时长?|时长|每讲)\s*(?:约|长|为|时长|是)?\s*[:：]?\s*"
    r"(" + NUM + r")\s*(分钟|min|小时|个小时|h)"
)
_LESSON_EN = re.compile(r"(\d+)[\s-]*(?:min|mins|minute|minutes)[\s-]*(?:long\s*)?(?:live\s*|online\s*)?(?:lesson|class|session)s?")
_LESSON_SUFFIX = re.compile(r"(" + NUM + r")\s*(分钟|min)\s*(?:/|每)\s*(?:节|课|堂|次|讲)")


@PARSERS.register("lesson_length")
def lesson_length(nt: NormalizedText) -> list[Hit]:
    """A lesson longer than 30 minutes: '每节课45分钟', '90-minute live class'."""
    if not _has_any(nt.clean, ("分钟", "min", "小时", "h")):
        return []
    hits = []
    for pat in (_LESSON, _LESSON_SUFFIX, _LESSON_EN):
        for m in pat.finditer(nt.clean):
            n = parse_number(m.group(1))
            if n is None:
                continue
            unit = m.group(2) if pat.groups >= 2 else "min"
            minutes = n * 60 if unit in ("小时", "个小时", "h") else n
            if minutes > 30:
                hits.append(_hit(nt, m.start(), m.end(), minutes=int(minutes)))
    return hits


_CLOCK = r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:[:：点]\s*(\d{2}|半|一刻|三刻)?)"
_END_RANGE = re.compile(
    r"(?<!\d)(\d{1,2})\s*[:：点](?:\s*\d{2}|半)?\s*(?:-|~|—|–|至|到)\s*(晚上?)?\s*" + _CLOCK
)
_END_WORD = re.compile(r"(晚上?|夜里|夜间|pm\s*)?\s*" + _CLOCK + r"\s*(?:才)?(?:下课|结束|收课|放学)")
_END_EN = re.compile(r"(?:until|till|ends? at)\s*(\d{1,2})(?::(\d{2}))?\s*(pm)?")


def _minutes_of_day(hour_token: str, minute_token: str | None, evening: bool) -> float | None:
    hour = parse_number(hour_token)
    if hour is None or hour > 24:
        return None
    if evening and hour < 12:
        hour += 12
    minutes = {"半": 30, "一刻": 15, "三刻": 45, None: 0, "": 0}.get(minute_token)
    if minutes is None:
        minutes = int(minute_token)  # type: ignore[arg-type]
    return hour * 60 + minutes


@PARSERS.register("late_end")
def late_end(nt: NormalizedText) -> list[Hit]:
    """Classes that end after 21:00: '19:00-21:30', '晚上9点半下课', 'until 9:30 pm'."""
    if not _has_any(nt.clean, ("下课", "结束", "收课", "放学", "-", "~", "—", "–", "至", "到", "until", "till", "end")):
        return []
    hits = []
    text = nt.clean
    for m in _END_RANGE.finditer(text):
        start_h = int(m.group(1))
        end_h = parse_number(m.group(3))
        if end_h is None:
            continue
        evening = bool(m.group(2)) or (end_h < start_h and end_h < 12) or start_h >= 12
        end = _minutes_of_day(m.group(3), m.group(4), evening)
        if end is not None and end > 21 * 60:
            hits.append(_hit(nt, m.start(), m.end(), end=f"{int(end // 60)}:{int(end % 60):02d}"))
    for m in _END_WORD.finditer(text):
        end = _minutes_of_day(m.group(2), m.group(3), bool(m.group(1)))
        if end is not None and end > 21 * 60:
            hits.append(_hit(nt, m.start(), m.end(), end=f"{int(end // 60)}:{int(end % 60):02d}"))
    for m in _END_EN.finditer(text):
        end = _minutes_of_day(m.group(1), m.group(2), bool(m.group(3)))
        if end is not None and end > 21 * 60:
            hits.append(_hit(nt, m.start(), m.end(), end=f"{int(end // 60)}:{int(end % 60):02d}"))
    return hits


_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|400-?\d{3}-?\d{4}|\d{8})(?!\d)")


@PARSERS.register("phone_number")
def phone_number(nt: NormalizedText) -> list[Hit]:
    """Mobile, landline and 400 numbers (a contact funnel)."""
    return [_hit(nt, m.start(), m.end()) for m in _PHONE.finditer(nt.clean)]
