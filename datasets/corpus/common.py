"""Record schema, label codes, normalisation and language/subject inference shared by the corpus builders."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from moderation.categories import AD_CATEGORIES

LABEL_KEYS: tuple[str, ...] = AD_CATEGORIES
# Short codes used in seeds/*.jsonl ("y") and templates.yaml (" #y=").
CODES: dict[str, str] = {
    "subject": "subject_training_ad",
    "nonsubject": "non_subject_training_ad",
    "anxiety": "anxiety_marketing",
    "pricing": "misleading_pricing",
    "schedule": "prohibited_schedule",
    "service": "prohibited_service",
    "disguised": "disguised_training",
}
STAGES: tuple[str, ...] = ("preschool", "primary", "junior", "senior", "k12", "adult", "none")
SUBJECT_KEYS: tuple[str, ...] = (
    "chinese", "math", "english", "physics", "chemistry", "biology", "history", "geography", "politics",
    "japanese", "russian",
)

# Surface forms → subject keys, for filling `subjects` where a seed does not say.
_SUBJECT_FORMS: list[tuple[str, tuple[str, ...]]] = [
    ("语数外", ("chinese", "math", "english")), ("语数英", ("chinese", "math", "english")),
    ("数理化", ("math", "physics", "chemistry")), ("理化生", ("physics", "chemistry", "biology")),
    ("史地政", ("history", "geography", "politics")), ("政史地", ("history", "geography", "politics")),
    ("語文", ("chinese",)), ("數學", ("math",)), ("英語", ("english",)), ("物理", ("physics",)),
    ("化學", ("chemistry",)), ("語數英", ("chinese", "math", "english")),
    ("语文", ("chinese",)), ("作文", ("chinese",)), ("阅读", ("chinese",)), ("拼音", ("chinese",)),
    ("识字", ("chinese",)), ("文言文", ("chinese",)), ("古诗", ("chinese",)), ("写作", ("chinese",)),
    ("数学", ("math",)), ("奥数", ("math",)), ("口算", ("math",)), ("几何", ("math",)), ("计算", ("math",)),
    ("英语", ("english",)), ("外语", ("english",)), ("新概念", ("english",)), ("单词", ("english",)),
    ("口语", ("english",)), ("自然拼读", ("english",)), ("剑桥", ("english",)),
    ("物理", ("physics",)), ("化学", ("chemistry",)), ("生物", ("biology",)), ("历史", ("history",)),
    ("地理", ("geography",)), ("政治", ("politics",)), ("道法", ("politics",)), ("道德与法治", ("politics",)),
    ("日语", ("japanese",)), ("俄语", ("russian",)),
]
_EN_SUBJECT = re.compile(
    r"\b(math|maths|mathematics|calculus|algebra|english|phonics|reading|writing|essay|physics|chemistry|"
    r"biology|history|geography|chinese)\b", re.I)
_EN_MAP = {"math": "math", "maths": "math", "mathematics": "math", "calculus": "math", "algebra": "math",
           "english": "english", "phonics": "english", "reading": "english", "writing": "english",
           "essay": "english", "physics": "physics", "chemistry": "chemistry", "biology": "biology",
           "history": "history", "geography": "geography", "chinese": "chinese"}
_CODE_SUBJ = re.compile(r"(?<![a-z])(sx|yw|yy|wl|hx|sw|ls|dl|zz|zw)(?![a-z])", re.I)
_CODE_MAP = {"sx": "math", "yw": "chinese", "yy": "english", "wl": "physics", "hx": "chemistry",
             "sw": "biology", "ls": "history", "dl": "geography", "zz": "politics", "zw": "chinese"}


def infer_subjects(text: str) -> list[str]:
    """Subject keys named in ``text`` (Chinese names, English names, pinyin initials), in canonical order."""
    found: set[str] = set()
    for form, keys in _SUBJECT_FORMS:
        if form in text:
            found.update(keys)
    for m in _EN_SUBJECT.finditer(text):
        found.add(_EN_MAP[m.group(1).lower()])
    for m in _CODE_SUBJ.finditer(text):
        found.add(_CODE_MAP[m.group(1).lower()])
    return [k for k in SUBJECT_KEYS if k in found]


_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_lang(text: str) -> str:
    """zh, en or mixed, from the share of CJK characters and Latin letters."""
    cjk = len(_CJK.findall(text))
    lat = len(_LATIN.findall(text))
    if cjk < 2:
        return "en"
    if lat >= 8 and lat >= 0.15 * (cjk + lat):
        return "mixed"
    return "zh"


_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """Dedup key: NFKC, lower case, letters/CJK only, digit runs → 0."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = _DIGITS.sub("0", t)
    return "".join(ch for ch in t if ch.isalnum())


def labels_from_codes(codes: Iterable[str]) -> dict[str, int]:
    """{label_key: 0|1} from short codes or full keys; unknown codes raise ValueError."""
    out = {k: 0 for k in LABEL_KEYS}
    for c in codes:
        c = c.strip()
        if not c:
            continue
        key = CODES.get(c, c)
        if key not in out:
            raise ValueError(f"unknown label code {c!r}")
        out[key] = 1
    return out


def split_codes(value: str | list[str] | None) -> list[str]:
    """Accept "a,b", "a+b" or a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v]
    return [v for v in re.split(r"[,+ ]+", value) if v]


def consistent(labels: dict[str, int], stage: str, edu: int) -> dict[str, int]:
    """Apply the labelling guide's structural rules to generated labels (see LABELLING.md, corpus section)."""
    y = dict(labels)
    if y["disguised_training"]:
        y["subject_training_ad"] = 1
    if stage == "adult" or not edu:
        for k in ("subject_training_ad", "prohibited_schedule", "disguised_training"):
            y[k] = 0
    if not edu:
        for k in LABEL_KEYS:
            if k != "prohibited_service":
                y[k] = 0
    if not y["subject_training_ad"]:
        y["prohibited_schedule"] = 0
    if y["subject_training_ad"] and stage == "preschool":
        y["prohibited_service"] = 1
    return y


def is_education_ad(labels: dict[str, int], stage: str) -> int:
    """Default for the LABELLING.md `is_education_ad` flag: any ad label, or an audience stage."""
    return int(any(labels.values()) or stage != "none")


def make_record(*, rid: str, text: str, labels: dict[str, int], stage: str, subjects: list[str],
                channel: str | None, lang: str | None, source: str, group: str, edu: int | None = None,
                **extra: object) -> dict:
    """A corpus record in the schema of datasets/CORPUS.md (split filled in later)."""
    if stage not in STAGES:
        raise ValueError(f"{rid}: bad stage {stage!r}")
    rec = {
        "id": rid,
        "text": text,
        "labels": {k: int(labels[k]) for k in LABEL_KEYS},
        "stage": stage,
        "subjects": subjects,
        "channel": channel,
        "lang": lang or detect_lang(text),
        "is_education_ad": int(edu) if edu is not None else is_education_ad(labels, stage),
        "source": source,
        "group": group,
        "split": None,
    }
    rec.update(extra)
    return rec
