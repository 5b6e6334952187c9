"""Declared audience: the grade, term and subject a material says it is for (三年级上册, 初二, 小升初, Grade 5…)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..detectors.parsers import parse_number, stage_of_grade

_NUM = r"(1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])"
# (pattern, how to read the grade). Order matters only for reporting; the earliest match in the text wins.
_GRADE_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(_NUM + r"\s*年级\s*(?:第?([一二12])学期|([上下])\s*(?:册|学期)?)?"), "grade"),
    (re.compile(r"(?<![最当起年月])(?:初|初中)\s*([一二三123])(?![年个倍点些级分度米])\s*(?:([上下])\s*(?:册|学期)?)?"), "junior"),
    (re.compile(r"(?<![新提升最增抬拔崇])高\s*([一二三123])(?![年个中倍点些级分度米])\s*(?:([上下])\s*(?:册|学期)?)?"), "senior"),
    (re.compile(r"新高一|初升高"), "g9"),
    (re.compile(r"小升初|六升七"), "g6"),
    (re.compile(r"幼小衔接|学前班|幼儿园|大班|幼升小"), "g0"),
    (re.compile(r"\bgrades?\s*(1[0-2]|[1-9])\b", re.I), "grade"),
    (re.compile(r"\b(1[0-2]|[1-9])(?:st|nd|rd|th)[\s-]*grade(?:rs?)?\b", re.I), "grade"),
    (re.compile(r"\b(?:year|yr)\s*(1[0-2]|[1-9])\b", re.I), "grade"),
]
_STAGE_RULES: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"小学|primary school", re.I), 6),
    (re.compile(r"初中|中考|junior high|middle school", re.I), 9),
    (re.compile(r"高中|高考|senior high|high school", re.I), 12),
]
_SCHEDULE = re.compile(r"寒假|暑假|周末|国庆|五一|假期|winter break|summer (?:camp|holiday|break)", re.I)
SUBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "math": ("数学", "奥数", "算术", "计算", "math"),
    "chinese": ("语文", "作文", "阅读理解", "古诗", "文言文", "拼音", "识字", "chinese"),
    "english": ("英语", "english", "phonics"),
    "physics": ("物理", "physics"),
    "chemistry": ("化学", "chemistry"),
    "biology": ("生物", "biology"),
    "history": ("历史", "history"),
    "geography": ("地理", "geography"),
    "politics": ("道德与法治", "思想政治", "政治", "politics"),
}


@dataclass(slots=True)
class Audience:
    """What the material declares: grade (0 = preschool), term (上/下), subject, and the text that said so."""

    grade: int | None = None
    term: str | None = None
    subject: str | None = None
    grade_text: str | None = None
    subject_text: str | None = None
    schedule: list[str] = field(default_factory=list)

    @property
    def stage(self) -> str | None:
        return None if self.grade is None else stage_of_grade(self.grade)


def _read_grade(m: re.Match[str], how: str) -> tuple[int | None, str | None]:
    if how.startswith("g") and how[1:].isdigit():
        return int(how[1:]), None
    token = m.group(1)
    n = parse_number(token) if not token.isdigit() else float(token)
    if n is None:
        return None, None
    grade = int(n) + {"grade": 0, "junior": 6, "senior": 9}[how]
    term = None
    for g in m.groups()[1:]:
        if g in ("上", "一", "1"):
            term = "上"
        elif g in ("下", "二", "2"):
            term = "下"
    return grade, term


def detect_grade(text: str) -> tuple[int | None, str | None, str | None]:
    """(grade, term, matched text) of the earliest grade statement; a stage alone gives its last grade."""
    best: tuple[int, int, str | None, str] | None = None
    for pat, how in _GRADE_RULES:
        m = pat.search(text)
        if m and (best is None or m.start() < best[0]):
            grade, term = _read_grade(m, how)
            if grade is not None and 0 <= grade <= 12:
                best = (m.start(), grade, term, m.group(0).strip())
    if best:
        return best[1], best[2], best[3]
    for pat, grade in _STAGE_RULES:
        m = pat.search(text)
        if m:
            return grade, None, m.group(0)
    return None, None, None


def detect_subject(text: str) -> tuple[str | None, str | None]:
    """The subject named earliest in the text, with the word that named it."""
    low = text.lower()
    best: tuple[int, str, str] | None = None
    for subject, words in SUBJECT_WORDS.items():
        for w in words:
            i = low.find(w)
            if i >= 0 and (best is None or i < best[0]):
                best = (i, subject, text[i : i + len(w)])
    return (best[1], best[2]) if best else (None, None)


def detect_audience(head: str, filename: str = "") -> Audience:
    """Read the declared audience from a document's opening text (title, header), then its file name."""
    aud = Audience()
    for source in (head, filename):
        if aud.grade is None:
            aud.grade, aud.term, aud.grade_text = detect_grade(source)
        if aud.subject is None:
            aud.subject, aud.subject_text = detect_subject(source)
    aud.schedule = sorted({m.group(0) for m in _SCHEDULE.finditer(head)})
    return aud
