"""Curriculum KB and analyzer: taught vs mentioned, content grade, flags, declared audience."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.curriculum import MaterialAnalyzer
from moderation.curriculum.audience import detect_audience
from moderation.curriculum.kb import BEYOND_SENIOR, KB_DIR, SUBJECTS, load_kb
from moderation.documents import Passage


@pytest.fixture(scope="module")
def analyzer(moderator) -> MaterialAnalyzer:
    return MaterialAnalyzer(moderator)


def test_kb_entries_are_sourced_and_small():
    kb = load_kb()
    assert len(kb) > 500
    for e in kb:
        assert e.source.strip() and e.subject in SUBJECTS and 0 <= e.grade <= BEYOND_SENIOR
        assert e.terms or e.patterns
    assert {e.subject for e in kb} == set(SUBJECTS)
    assert sum(p.stat().st_size for p in Path(KB_DIR).iterdir()) < 3 * 1024 * 1024


@pytest.mark.parametrize(
    "text, subject, grade, flags, point",
    [
        ("例题：解一元二次方程 x²-5x+6=0。", "math", 7, ["ahead_of_grade"], "一元二次方程"),
        ("例题：解一元二次方程 x²-5x+6=0。", "math", 9, [], "一元二次方程"),
        ("复习：一元一次方程 3x+5=11 的解法。", "math", 9, [], "一元一次方程"),  # review of an earlier grade
        ("求函数 f(x)=x³-3x 的导数 f'(x)。", "math", 9, ["ahead_of_grade", "beyond_curriculum"], "导数"),
        ("求函数 f(x)=x³-3x 的导数 f'(x)。", "math", 11, [], "导数"),
        ("导数这个概念高中才会学到，今天不讲。", "math", 7, [], None),  # mention, not teaching
        ("这些内容以后会学，现在了解名字即可：二次函数。", "math", 7, [], None),
        ("计算定积分 ∫x dx。", "math", 12, ["ahead_of_grade", "beyond_curriculum"], "积分"),
        ("已知集合 A={x|x>2}，求 A∩B。", "math", 6, ["ahead_of_grade", "beyond_curriculum"], "集合"),
        ("一件衣服打八折后是240元，原价多少元？", "math", 3, ["ahead_of_grade"], "折扣"),
        ("小明有35元，买了一本12元的书，还剩多少元？", "math", 2, [], None),
        ("物体的加速度 a=F/m，根据牛顿第二定律计算。", "physics", 8, ["ahead_of_grade", "beyond_curriculum"], "牛顿"),
        ("用弹簧测力计测量重力，读数为3N。", "physics", 8, [], "重力"),
        ("1 mol 水中含有 N_A 个水分子。", "chemistry", 9, ["ahead_of_grade", "beyond_curriculum"], "物质的量"),
        ("减数分裂过程中同源染色体联会形成四分体。", "biology", 8, ["ahead_of_grade", "beyond_curriculum"], "减数分裂"),
        ("The book was written by Lu Xun, who had lived in Beijing.", "english", 6, ["ahead_of_grade"], "被动语态"),
        ("If I were you, I would have told him.", "english", 9, ["ahead_of_grade", "beyond_curriculum"], "虚拟语气"),
    ],
)
def test_passage_flags(analyzer, text, subject, grade, flags, point):
    r = analyzer.passage_report(Passage(text, {"kind": "document", "paragraph": 1}), grade, subject)
    assert sorted(r["flags"]) == sorted(flags)
    if point:
        assert any(point in k["name"] for k in r["knowledge_points"]), r["knowledge_points"]
    for ev in r["evidence"]:
        assert text[ev["start"] : ev["end"]] == ev["text"]
        assert ev["citation"] and ev["grade"] > grade


def test_mentioned_points_are_listed_not_taught(analyzer):
    r = analyzer.passage_report(Passage("导数在高中会学到。", {}), 7, "math")
    assert r["knowledge_points"] == [] and r["mentioned"] and r["content_grade"] is None


@pytest.mark.parametrize(
    "head, grade, term, subject",
    [
        ("三年级上册 数学 同步讲义", 3, "上", "math"),
        ("初二物理暑假讲义", 8, None, "physics"),
        ("七年级下册语文", 7, "下", "chinese"),
        ("小升初数学衔接", 6, None, "math"),
        ("高一 化学 必修第一册", 10, None, "chemistry"),
        ("幼小衔接 拼音与数学", 0, None, "chinese"),
        ("Grade 5 English reading", 5, None, "english"),
        ("寒假拓展 初中历史", 9, None, "history"),
        ("数学思维提高一倍", None, None, "math"),
    ],
)
def test_declared_audience(head, grade, term, subject):
    aud = detect_audience(head)
    assert (aud.grade, aud.term, aud.subject) == (grade, term, subject)


def test_explicit_grade_overrides_and_schedule(analyzer):
    from moderation.documents import Extraction

    ex = Extraction("text", [Passage("初二 数学 寒假班讲义", {}), Passage("解一元二次方程 x²=4。", {})], 1)
    detected = analyzer.analyze(ex)
    assert detected["declared"]["grade"] == 8 and detected["declared"]["source"] == "detected"
    assert detected["declared"]["schedule"] == ["寒假"]
    assert detected["categories"]["ahead_of_grade"]["flagged"]
    explicit = analyzer.analyze(ex, grade=9)
    assert explicit["declared"]["source"] == "argument" and not explicit["categories"]["ahead_of_grade"]["flagged"]


def test_no_declared_grade_is_never_a_silent_pass(analyzer):
    report = analyzer.analyze_text("解一元二次方程 x²=4。")
    assert report["declared"]["grade"] is None
    assert report["decision"] == "review" and report["notes"]


def test_embedded_ad_is_flagged_with_location(analyzer):
    report = analyzer.analyze_text("五年级 数学\n\n计算 3.5×2。\n\n暑假数学冲刺班火热招生，保证提分30分，原价3980现价980！", grade=5)
    assert report["decision"] == "block"
    assert report["categories"]["anxiety_marketing"]["flagged"]
    ad = [p for p in report["passages"] if "anxiety_marketing" in p["flags"]]
    assert len(ad) == 1 and ad[0]["location"]["paragraph"] == 3
    assert all(e["location"] == ad[0]["location"] for e in ad[0]["evidence"])


@pytest.mark.parametrize("grade, subject, code", [(13, None, "invalid_grade"), (None, "art", "invalid_subject")])
def test_bad_arguments(analyzer, grade, subject, code):
    from moderation.pipeline import InputError

    with pytest.raises(InputError) as exc:
        analyzer.analyze_text("x", grade=grade, subject=subject)
    assert exc.value.code == code
