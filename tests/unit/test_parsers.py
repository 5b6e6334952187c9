"""Parsers: grades, ages, price pairs, prepayment, lesson length, late end times, numbers."""

from __future__ import annotations

import pytest

from moderation.detectors.parsers import PARSERS, parse_number
from moderation.normalize import normalize


def run(parser: str, text: str):
    return PARSERS.get(parser)(normalize(text))


@pytest.mark.parametrize("token, value", [("45", 45), ("3.5", 3.5), ("四十五", 45), ("两", 2), ("一百二十", 120), ("十二", 12), ("x", None)])
def test_parse_number(token, value) -> None:
    assert parse_number(token) == value


@pytest.mark.parametrize(
    "text, span, attrs",
    [
        ("三年级英语阅读", "三年级", {"stage": "primary", "grade": "3"}),
        ("Grade 5 math tutoring", "Grade 5", {"stage": "primary"}),
        ("grades 6-8 algebra", "grades 6-8", {"stage": "k12"}),
        ("七年级数学", "七年级", {"stage": "junior", "grade": "7"}),
        ("a 10th grader", "10th grader", {"stage": "senior"}),
    ],
)
def test_grade_number(text, span, attrs) -> None:
    hits = run("grade_number", text)
    assert hits and hits[0].text == span
    for k, v in attrs.items():
        assert hits[0].attr(k) == v


@pytest.mark.parametrize(
    "text, stage",
    [("3-6岁幼儿", "preschool"), ("7-12岁", "primary"), ("kids aged 6-12", "k12"), ("5岁起", "preschool"), ("适合15岁", "junior")],
)
def test_age_range(text, stage) -> None:
    hits = run("age_range", text)
    assert hits and hits[0].attr("stage") == stage


def test_adult_ages_are_not_an_audience() -> None:
    assert run("age_range", "25岁以上的职场人") == []


@pytest.mark.parametrize(
    "text, span",
    [
        ("原价3980现价980", "原价3980现价980"),
        ("原价430元，现价仅12元", "原价430元，现价仅12元"),
        ("价格3280元，参考到手价2580元", "价格3280元，参考到手价2580元"),
        ("¥399 ¥9 抢", "¥399 ¥9"),
        ("￥1899 ￥2399(划线价)", "￥1899 ￥2399"),
        ("was $399, now only $99", "was $399, now only $99"),
    ],
)
def test_price_pair(text, span) -> None:
    hits = run("price_pair", text)
    assert [h.text for h in hits][:1] == [span]


@pytest.mark.parametrize("text", ["价格3980元", "原价980现价980", "电话3980"])
def test_price_pair_negatives(text) -> None:
    assert run("price_pair", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [("一次性购买120课时", True), ("两年课包", True), ("12个月课程", True), ("报3个月课程", False), ("购买40课时", False), ("一次买两年再送半年", True)],
)
def test_prepayment(text, expected) -> None:
    assert bool(run("prepayment", text)) is expected


@pytest.mark.parametrize(
    "text, minutes",
    [("每节课45分钟", 45), ("每次课1.5小时", 90), ("90-minute live class", 90), ("每节课三十分钟", None), ("每节课25分钟", None)],
)
def test_lesson_length(text, minutes) -> None:
    hits = run("lesson_length", text)
    assert (hits[0].attr("minutes") if hits else None) == (str(minutes) if minutes else None)


@pytest.mark.parametrize(
    "text, end",
    [("19:00-21:30上课", "21:30"), ("晚上9点半下课", "21:30"), ("晚上九点半下课", "21:30"), ("until 9:30 pm", "21:30"),
     ("18:00-20:30", None), ("晚上8点下课", None)],
)
def test_late_end(text, end) -> None:
    hits = run("late_end", text)
    assert (hits[0].attr("end") if hits else None) == end


@pytest.mark.parametrize("text, n", [("电话13800138000", 1), ("021-12345678", 1), ("4001234567", 1), ("编号123", 0)])
def test_phone_number(text, n) -> None:
    assert len(run("phone_number", text)) == n
