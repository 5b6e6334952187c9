"""The 超前/超标 analyzer: passages in, a contract-shaped material report out.

Definitions (also in README "Course materials"):
- a passage *teaches* a knowledge point when the KB matches it and the clause does not defer it
  ("初中会学到", "以后会学", "不作要求" are mentions, not teaching);
- content grade = the highest grade among the points it teaches;
- ``ahead_of_grade`` (超前): content grade > declared grade;
- ``beyond_curriculum`` (超标): a taught point lies beyond the standard of the declared stage — senior-high
  points (grade 10–12) in compulsory-stage (grade 0–9) material, or points beyond the senior-high standard
  (KB grade 13: competition / university content) in any K-12 material.
Reviewing earlier grades is never flagged: only points above the declared grade count.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from ..categories import AD_CATEGORIES, CATEGORIES, MATERIAL_CATEGORIES
from ..documents import Extraction, Passage
from ..pipeline import InputError, Moderator
from .audience import Audience, detect_audience
from .kb import BEYOND_SENIOR, KB_DIR, SUBJECTS, KnowledgePoint, load_kb, load_vocab
from .matcher import Match, Matcher
from .vocab import vocab_level

POLICY = "materials"
AHEAD_CITATION = ("《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》第十四条（严禁超标超前培训）；"
                  "《中小学生校外培训材料管理办法（试行）》（培训材料不得超出相应的国家课程标准、不得提前教学）；"
                  "《校外培训行政处罚暂行办法》（教育部令第53号）")
BEYOND_CITATION = AHEAD_CITATION
_HEAD_CHARS = 600


def _ahead_score(gap: int, weight: float) -> float:
    return round(min(1.0, (0.6 if gap == 1 else 0.75 if gap == 2 else 0.9) * weight), 4)


class MaterialAnalyzer:
    """Loads the KB once; analyses extracted documents or plain passages against a declared grade."""

    def __init__(self, moderator: Moderator | None = None, kb_dir: str | None = None, policy: str = POLICY) -> None:
        self.moderator = moderator or Moderator()
        self.kb: tuple[KnowledgePoint, ...] = load_kb(kb_dir)
        self.vocab = load_vocab(kb_dir)
        self.matcher = Matcher(self.kb)
        self.profile = self.moderator.profile(policy)
        digest = hashlib.sha256()
        for path in sorted((Path(kb_dir) if kb_dir else KB_DIR).iterdir()):
            digest.update(path.read_bytes())
        self.kb_version = f"kb-{len(self.kb)}-{digest.hexdigest()[:10]}"

    # ---- declared audience -------------------------------------------------------------------------
    def audience(self, passages: list[Passage], filename: str = "", grade: int | None = None,
                 subject: str | None = None) -> tuple[Audience, str]:
        """Detected audience, overridden by explicit arguments; returns (audience, 'argument'|'detected'|'none')."""
        if grade is not None and not 0 <= grade <= 12:
            raise InputError("invalid_grade", f"grade must be between 1 and 12, got {grade}")
        if subject is not None and subject not in SUBJECTS:
            raise InputError("invalid_subject", f"unknown subject {subject!r} (known: {', '.join(SUBJECTS)})")
        head, n = [], 0
        for p in passages:
            head.append(p.text)
            n += len(p.text)
            if n > _HEAD_CHARS:
                break
        aud = detect_audience("\n".join(head)[: _HEAD_CHARS * 2], filename)
        source = "detected" if aud.grade is not None else "none"
        if grade is not None:
            aud.grade, aud.term, aud.grade_text, source = grade, None, None, "argument"
        if subject is not None:
            aud.subject, aud.subject_text = subject, None
        if aud.subject is None:
            aud.subject = self._infer_subject(passages)
        return aud, source

    def _infer_subject(self, passages: list[Passage]) -> str | None:
        """The subject with the most KB matches when the material names none (ties → None)."""
        counts: dict[str, int] = {}
        for p in passages[:200]:
            for m in self.matcher.find(p.text):
                counts[m.entry.subject] = counts.get(m.entry.subject, 0) + len(m.text)
        if not counts:
            return None
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
            return None
        return ranked[0][0]

    # ---- per passage -------------------------------------------------------------------------------
    def passage_report(self, passage: Passage, declared: int | None, subject: str | None) -> dict[str, Any]:
        """Knowledge points taught/mentioned, content grade, flags, evidence and scores for one passage."""
        text = passage.text
        matches = self.matcher.find(text, subject)
        taught = [m for m in matches if m.taught]
        points: list[dict[str, Any]] = []
        seen: set[str] = set()
        for m in taught:
            if m.entry.id not in seen:
                seen.add(m.entry.id)
                points.append({**m.entry.to_dict(), "matched": m.text})
        mentioned = []
        for m in matches:
            if not m.taught and m.entry.id not in seen and m.entry.name not in mentioned:
                mentioned.append(m.entry.name)
        vocab = None
        if declared is not None and (subject == "english" or (subject is None and _mostly_latin(text))):
            vocab = vocab_level(text, declared, self.vocab)
            if vocab:
                points.append({"name": "英语词汇（超出年级词表）", "subject": "english", "grade": vocab.grade,
                               "source": "人教版PEP/Go for it!/高中 词汇表 (english_vocab_by_grade)",
                               "matched": ", ".join(vocab.words)})
        grades = [p["grade"] for p in points]
        content_grade = max(grades) if grades else None
        scores = {"ahead_of_grade": 0.0, "beyond_curriculum": 0.0}
        evidence: list[dict[str, Any]] = []
        if declared is not None:
            for m in taught:
                self._judge(m.entry, m.start, m.end, m.text, declared, scores, evidence, passage.location)
            if vocab:
                gap = vocab.grade - declared
                scores["ahead_of_grade"] = max(scores["ahead_of_grade"], _ahead_score(gap, 0.8))
                evidence.append({"category": "ahead_of_grade", "start": vocab.start, "end": vocab.end,
                                 "text": text[vocab.start:vocab.end], "knowledge_point": "英语词汇（超出年级词表）",
                                 "grade": vocab.grade, "source": "kb:english_vocab", "citation": AHEAD_CITATION,
                                 "location": passage.location})
        else:
            for m in taught:  # without a declared grade only content beyond the senior standard can be judged
                if m.entry.grade >= BEYOND_SENIOR:
                    self._judge(m.entry, m.start, m.end, m.text, 12, scores, evidence, passage.location)
        flags = [c for c in MATERIAL_CATEGORIES if scores[c] >= self.profile.flag]
        return {"location": passage.location, "text": text, "knowledge_points": points,
                "mentioned": mentioned, "content_grade": content_grade, "flags": flags, "evidence": evidence,
                "scores": scores}

    @staticmethod
    def _judge(entry: KnowledgePoint, start: int, end: int, matched: str, declared: int,
               scores: dict[str, float], evidence: list[dict[str, Any]], location: dict[str, Any]) -> None:
        if entry.grade <= declared:
            return  # review of earlier grades (or on-grade content) is fine
        ahead = _ahead_score(entry.grade - declared, entry.weight)
        beyond = 0.0
        if entry.grade >= BEYOND_SENIOR or (declared <= 9 and entry.grade >= 10):
            beyond = round(0.9 * entry.weight, 4)
        common = {"start": start, "end": end, "text": matched, "knowledge_point": entry.name, "grade": entry.grade,
                  "source": f"kb:{entry.id}", "curriculum_source": entry.source, "location": location}
        if ahead > scores["ahead_of_grade"]:
            scores["ahead_of_grade"] = ahead
        evidence.append({"category": "ahead_of_grade", **common, "citation": AHEAD_CITATION})
        if beyond:
            scores["beyond_curriculum"] = max(scores["beyond_curriculum"], beyond)
            evidence.append({"category": "beyond_curriculum", **common, "citation": BEYOND_CITATION})

    # ---- embedded ads ------------------------------------------------------------------------------
    def _ads(self, passages: list[Passage]) -> tuple[dict[str, float], list[list[dict[str, Any]]]]:
        """Run the ad moderator over each passage (so evidence stays local); max score per ad category."""
        scores = {c: 0.0 for c in AD_CATEGORIES}
        per_passage: list[list[dict[str, Any]]] = []
        for p in passages:
            result = self.moderator.moderate(p.text, policy=self.profile.id)
            for c in AD_CATEGORIES:
                scores[c] = max(scores[c], result["categories"][c]["score"])
            per_passage.append([{**ev, "location": p.location} for ev in result["evidence"]
                                if ev["category"] in AD_CATEGORIES])
        return scores, per_passage

    # ---- whole document ----------------------------------------------------------------------------
    def analyze(self, extraction: Extraction, *, grade: int | None = None, subject: str | None = None,
                filename: str = "", parse_ms: float | None = None) -> dict[str, Any]:
        """The material report for an extracted document (contract: "A material report")."""
        t0 = time.perf_counter()
        passages = extraction.passages
        aud, source = self.audience(passages, filename, grade, subject)
        reports = [self.passage_report(p, aud.grade, aud.subject) for p in passages]
        ad_scores, ad_evidence = self._ads(passages) if passages else ({c: 0.0 for c in AD_CATEGORIES}, [])
        scores = dict(ad_scores)
        for c in MATERIAL_CATEGORIES:
            scores[c] = max((r["scores"][c] for r in reports), default=0.0)
        decision, risk, flagged = self.profile.decide(scores)
        for r, ads in zip(reports, ad_evidence):
            for ev in ads:
                if flagged.get(ev["category"]):
                    r["evidence"].append(ev)
                    if ev["category"] not in r["flags"]:
                        r["flags"].append(ev["category"])
        notes = []
        if aud.grade is None:
            notes.append("no declared grade found: ahead_of_grade cannot be judged; pass --grade (or the form field "
                         "'grade') to check 超前")
            decision = "review" if decision == "pass" else decision
        if extraction.needs_ocr:
            notes.append(f"pages {extraction.needs_ocr} have no text layer (scanned images) and were not read: "
                         "OCR is needed before they can be checked")
            decision = "review" if decision == "pass" else decision
        if not passages and not extraction.needs_ocr:
            notes.append("the document contains no text")
        flagged_passages = [r for r in reports if r["flags"]]
        content_grades = [r["content_grade"] for r in reports if r["content_grade"] is not None]
        elapsed = (time.perf_counter() - t0) * 1000
        timings = {"analyze": round(elapsed, 3)}
        if parse_ms is not None:
            timings["parse"] = round(parse_ms, 3)
            timings["total"] = round(parse_ms + elapsed, 3)
        return {
            "kind": "material",
            "document": {"name": filename, "type": extraction.kind, "pages": extraction.pages,
                         "needs_ocr": list(extraction.needs_ocr)},
            "declared": {"grade": aud.grade, "stage": aud.stage, "term": aud.term, "subject": aud.subject,
                         "source": source, "text": aud.grade_text, "schedule": aud.schedule},
            "decision": decision,
            "risk": risk,
            "policy": {"id": self.profile.id, "version": self.profile.version},
            "categories": {c: {"score": round(scores.get(c, 0.0), 4), "flagged": flagged[c]} for c in CATEGORIES},
            "passages": [{k: v for k, v in r.items() if k != "scores"} for r in reports],
            "summary": {
                "passages": len(reports),
                "flagged": len(flagged_passages),
                "ahead_of_grade": sum("ahead_of_grade" in r["flags"] for r in reports),
                "beyond_curriculum": sum("beyond_curriculum" in r["flags"] for r in reports),
                "max_content_grade": max(content_grades) if content_grades else None,
                "knowledge_points": len({p["name"] for r in reports for p in r["knowledge_points"]}),
                "needs_ocr_pages": list(extraction.needs_ocr),
            },
            "notes": notes,
            "model_versions": {"curriculum_kb": self.kb_version, **self.moderator.model_versions},
            "timings_ms": timings,
        }

    def analyze_text(self, text: str, *, grade: int | None = None, subject: str | None = None) -> dict[str, Any]:
        """Convenience: a plain text (paragraphs split on blank lines) as a material."""
        from ..documents import extract

        return self.analyze(extract(text.encode("utf-8"), "material.txt"), grade=grade, subject=subject)


def _mostly_latin(text: str) -> bool:
    letters = sum(c.isascii() and c.isalpha() for c in text)
    return letters > 0.6 * max(1, sum(not c.isspace() for c in text))
