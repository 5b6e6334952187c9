"""Compositional generation from templates.yaml: slots with tagged values, channel wrappers, derived labels.

Slot value syntax: ``"text #stage=junior #subj=math+physics #y=schedule"``; values may reference other slots
(``{grade}``); ``{slot?}`` is optional (empty half the time). A template's labels are its own ``y`` plus the
``y`` tags of every slot value it used, passed through ``common.consistent``; ``neg: true`` forces all zeros.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import yaml

from .common import LABEL_KEYS, consistent, infer_subjects, labels_from_codes, make_record, split_codes

TEMPLATES_PATH = Path(__file__).with_name("templates.yaml")
_SLOT = re.compile(r"\{(\w+)(\?)?\}")
_SCHOOL = frozenset({"primary", "junior", "senior", "k12"})
_TAG = re.compile(r" #(?=(?:stage|subj|y|edu)=)")
_DYN = re.compile(r"^D(\d)$")  # {D4}: four random digits (first one non-zero)


@dataclass
class Value:
    """One slot value with its tags."""

    text: str
    stage: str | None = None
    subj: tuple[str, ...] = ()
    y: tuple[str, ...] = ()
    edu: int | None = None


@dataclass
class Template:
    """One template: patterns, base labels, family (for stratified splitting)."""

    id: str
    family: str
    patterns: list[Value]
    y: tuple[str, ...] = ()
    stage: str | None = None
    lang: str | None = None
    channels: tuple[str, ...] = ()
    neg: bool = False
    edu: int | None = None
    weight: float = 1.0
    subj: tuple[str, ...] = ()
    sig: str = "inst"


@dataclass
class _State:
    stage: str | None = None
    subj: set[str] = field(default_factory=set)
    y: set[str] = field(default_factory=set)
    edu: int | None = None


def _parse_value(raw: object) -> Value:
    s = str(raw)
    parts = _TAG.split(s)
    v = Value(text="" if parts[0] == "∅" else parts[0])
    for tag in parts[1:]:
        k, _, val = tag.partition("=")
        if k == "stage":
            v.stage = val
        elif k == "subj":
            v.subj = tuple(split_codes(val))
        elif k == "y":
            v.y = tuple(split_codes(val))
        elif k == "edu":
            v.edu = int(val)
        else:
            raise ValueError(f"bad tag {tag!r} in slot value {s!r}")
    return v


def _lines(vals: object) -> list[str]:
    """A block string (one item a line, ``//`` comments) or a list."""
    if isinstance(vals, str):
        return [ln.strip() for ln in vals.splitlines() if ln.strip() and not ln.strip().startswith("//")]
    return [str(v) for v in vals]


def family_shares(path: Path = TEMPLATES_PATH) -> dict[str, float]:
    """Budget share per template family (``family_share`` in templates.yaml)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {k: float(v) for k, v in (doc.get("family_share") or {}).items()}


def load_templates(path: Path = TEMPLATES_PATH) -> tuple[dict[str, list[Value]], list[Template]]:
    """Parse templates.yaml into slot tables and templates."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    slots = {name: [_parse_value(v) for v in _lines(vals)] for name, vals in doc["slots"].items()}
    temps: list[Template] = []
    seen: set[str] = set()
    for fam, items in doc["templates"].items():
        for t in items:
            tid = t["id"]
            if tid in seen:
                raise ValueError(f"duplicate template id {tid}")
            seen.add(tid)
            pats = [_parse_value(p) for p in _lines(t["t"])]
            for p in pats:
                for m in _SLOT.finditer(p.text):
                    if m.group(1) not in slots and not _DYN.match(m.group(1)):
                        raise ValueError(f"template {tid}: unknown slot {m.group(1)}")
            temps.append(Template(
                id=tid, family=fam, patterns=pats, y=tuple(split_codes(t.get("y"))), stage=t.get("stage"),
                lang=t.get("lang"), channels=tuple(split_codes(t.get("ch"))), neg=bool(t.get("neg", False)),
                edu=t.get("edu"), weight=float(t.get("w", 1.0)), subj=tuple(split_codes(t.get("subj"))),
                sig=t.get("sig", "inst")))
    for name, vals in slots.items():
        for v in vals:
            for m in _SLOT.finditer(v.text):
                if m.group(1) not in slots and not _DYN.match(m.group(1)) and m.group(1) != "SIG":
                    raise ValueError(f"slot {name}: unknown slot {m.group(1)}")
    return slots, temps


def _expand(pattern: str, slots: dict[str, list[Value]], rng: random.Random, st: _State, depth: int = 0) -> str:
    if depth > 6:
        raise ValueError(f"slot recursion too deep in {pattern!r}")

    def sub(m: re.Match) -> str:
        name, optional = m.group(1), m.group(2)
        if optional and rng.random() < 0.5:
            return ""
        dm = _DYN.match(name)
        if dm:
            n = int(dm.group(1))
            return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))
        v = rng.choice(slots[name])
        if v.stage:
            # two different school stages in one text (初二/高三) → k12
            if st.stage in _SCHOOL and v.stage in _SCHOOL and st.stage != v.stage:
                st.stage = "k12"
            else:
                st.stage = v.stage
        st.subj.update(v.subj)
        st.y.update(v.y)
        if v.edu is not None:
            st.edu = v.edu
        return _expand(v.text, slots, rng, st, depth + 1)

    return _SLOT.sub(sub, pattern)


_PUNCT_FIX = [(re.compile(r"([，。！、；：,])\s*[，。、；：,]+"), r"\1"), (re.compile(r"^[，。、；：,\s]+"), ""),
              (re.compile(r"[ \t]{2,}"), " ")]


def _tidy(text: str) -> str:
    for rx, rep in _PUNCT_FIX:
        text = rx.sub(rep, text)
    return text.strip()


def render(t: Template, slots: dict[str, list[Value]], rng: random.Random, idx: int) -> dict:
    """One record from template ``t``; labels derived from the template and the slot values used."""
    st = _State()
    pat = rng.choice(t.patterns)
    st.y.update(pat.y)
    st.subj.update(pat.subj)
    if pat.stage:
        st.stage = pat.stage
    text = _tidy(_expand(pat.text, slots, rng, st))
    channel = rng.choice(t.channels) if t.channels else None
    if channel and f"wrap_{channel}" in slots and rng.random() < 0.7:
        wkey = f"wrap_{channel}_{t.sig}" if f"wrap_{channel}_{t.sig}" in slots else f"wrap_{channel}"
        wrapper = rng.choice(slots[wkey]).text.replace("{SIG}", "{" + t.sig + "}")
        wrapped = _expand(wrapper, slots, rng, _State())
        text = _tidy(wrapped.replace("<AD>", text))
    codes = list(t.y) + list(st.y)
    edu = t.edu if t.edu is not None else st.edu
    if t.neg:
        labels = {k: 0 for k in LABEL_KEYS}
        stage = t.stage or "none"
        edu = 0 if edu is None else edu
    else:
        labels = labels_from_codes(codes)
        stage = st.stage or t.stage or ("k12" if labels["subject_training_ad"] or labels["disguised_training"] else "none")
        if t.stage and t.stage in ("adult", "none"):
            stage = t.stage
        edu = 1 if edu is None else edu
        labels = consistent(labels, stage, edu)
    subj = sorted(set(t.subj) | st.subj) or (infer_subjects(text) if edu else [])
    if not edu or t.neg:
        subj = []
    return make_record(rid=f"tpl-{t.id}-{idx}", text=text, labels=labels, stage=stage, subjects=subj,
                       channel=channel, lang=None, source=f"template:{t.id}", group=f"template:{t.id}",
                       edu=edu, family=t.family)


def generate(t: Template, slots: dict[str, list[Value]], n: int, rng: random.Random) -> Iterator[dict]:
    """Up to ``n`` records from one template (duplicates are removed later by the builder)."""
    for i in range(n):
        yield render(t, slots, rng, i)
