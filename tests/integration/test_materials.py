"""Course materials end to end: generated 30-page PDF, 20-slide PPTX and a DOCX through the real parsers,
the analyzer, the CLI and the HTTP API."""

from __future__ import annotations

import json

import pytest

from moderation.cli import main
from moderation.curriculum import MaterialAnalyzer
from moderation.curriculum.html import render_html
from moderation.documents import extract_file
from tests.material_fixtures import cjk_font, make_docx, make_pdf, make_pptx

needs_font = pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed (.ci/run installs one)")


@pytest.fixture(scope="module")
def analyzer(moderator) -> MaterialAnalyzer:
    return MaterialAnalyzer(moderator)


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory):
    if cjk_font() is None:
        pytest.skip("no CJK font installed")
    return make_pdf(tmp_path_factory.mktemp("pdf") / "worksheet.pdf", pages=30, scanned_page=30)


@pytest.fixture(scope="module")
def pptx_path(tmp_path_factory):
    return make_pptx(tmp_path_factory.mktemp("pptx") / "deck.pptx", slides=20)


@needs_font
def test_pdf_30_pages_end_to_end(analyzer, pdf_path):
    ex = extract_file(pdf_path)
    assert ex.kind == "pdf" and ex.pages == 30 and ex.needs_ocr == []  # page 30 has no text layer: OCR read it
    assert sorted({p.location["page"] for p in ex.passages}) == list(range(1, 31))
    assert all(len(p.location["bbox"]) == 4 for p in ex.passages)
    scanned = [p for p in ex.passages if p.location.get("source") == "ocr"]
    assert [p.location["page"] for p in scanned] == [30] and "导数" in scanned[0].text
    report = analyzer.analyze(ex, filename="worksheet.pdf")
    assert report["declared"] == {"grade": 7, "stage": "junior", "term": "上", "subject": "math",
                                  "source": "detected", "text": "七年级上册", "schedule": []}
    flagged_pages = sorted({p["location"]["page"] for p in report["passages"] if p["flags"]})
    assert flagged_pages == [7, 17, 27, 30]  # the pages that teach 导数 (senior, 选择性必修第二册), 30 scanned
    for p in report["passages"]:
        if p["flags"]:
            assert set(p["flags"]) == {"ahead_of_grade", "beyond_curriculum"}
            assert any(k["name"].startswith("导数") and k["grade"] == 11 for k in p["knowledge_points"])
            assert all(e["location"]["page"] == p["location"]["page"] for e in p["evidence"])
    assert report["decision"] == "block"
    assert report["summary"]["needs_ocr_pages"] == []
    assert report["summary"]["max_content_grade"] == 11


def test_pptx_20_slides_end_to_end(analyzer, pptx_path):
    ex = extract_file(pptx_path)
    assert ex.kind == "pptx" and ex.pages == 20
    assert {p.location["slide"] for p in ex.passages} == set(range(1, 21))
    report = analyzer.analyze(ex)
    assert (report["declared"]["grade"], report["declared"]["subject"]) == (8, "physics")
    by_slide: dict[int, set[str]] = {}
    for p in report["passages"]:
        by_slide.setdefault(p["location"]["slide"], set()).update(p["flags"])
    assert {"ahead_of_grade", "beyond_curriculum"} <= by_slide[12]
    assert {"anxiety_marketing", "misleading_pricing"} <= by_slide[15]
    assert not any(by_slide[s] for s in by_slide if s not in (12, 15))
    assert report["decision"] == "block"


def test_docx_with_table(analyzer, tmp_path):
    ex = extract_file(make_docx(tmp_path / "english.docx"))
    assert [p.location.get("table") for p in ex.passages] == [None, None, None, 1, 1]
    report = analyzer.analyze(ex)
    assert (report["declared"]["grade"], report["declared"]["subject"]) == (3, "english")
    flagged = [p for p in report["passages"] if p["flags"]]
    assert [p["location"]["paragraph"] for p in flagged] == [3]
    names = {k["name"] for k in flagged[0]["knowledge_points"]}
    assert {"过去完成时", "被动语态"} <= names


def test_cli_material_json_and_html(pptx_path, tmp_path, capsys):
    html = tmp_path / "report.html"
    assert main(["material", str(pptx_path), "--grade", "9", "--subject", "physics", "--html", str(html)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["declared"]["source"] == "argument" and report["declared"]["grade"] == 9
    page = html.read_text(encoding="utf-8")
    assert "<mark class=\"ahead_of_grade\"" in page and "slide 12" in page


@pytest.mark.parametrize(
    "argv, message",
    [
        (["material", "/nonexistent/file.pdf"], "cannot read"),
        (["material", "README.md", "--grade", "0"], None),
        (["material", "README.md", "--subject", "art"], None),
    ],
)
def test_cli_errors(argv, message, capsys):
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse rejects bad option values with exit code 2
        rc = exc.code
    assert rc == 2
    err = capsys.readouterr().err
    assert "error" in err and (message is None or message in err)


def test_html_escapes_text():
    report = {"declared": {"grade": 3, "source": "argument", "subject": "math"}, "decision": "pass",
              "policy": {"id": "materials"}, "document": {"name": "<x>"}, "categories": {},
              "summary": {"passages": 1, "flagged": 0, "max_content_grade": None}, "notes": [],
              "passages": [{"location": {"kind": "document", "paragraph": 1}, "text": "<script>alert(1)</script>",
                            "flags": [], "evidence": [], "knowledge_points": [], "content_grade": None}]}
    page = render_html(report)
    assert "<script>" not in page and "&lt;script&gt;" in page


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app()) as c:
        yield c


def test_api_materials(client, pptx_path):
    with open(pptx_path, "rb") as f:
        r = client.post("/v1/materials", files={"file": ("deck.pptx", f.read())}, data={"grade": "8"})
    assert r.status_code == 200
    body = r.json()
    assert body["decision"] == "block" and body["summary"]["passages"] > 20
    assert set(body["categories"]) >= {"ahead_of_grade", "beyond_curriculum", "subject_training_ad"}


@pytest.mark.parametrize(
    "files, data, status, code",
    [
        ({"file": ("a.txt", "初二 数学".encode())}, {"grade": "13"}, 422, "invalid_grade"),
        ({"file": ("a.txt", "初二 数学".encode())}, {"grade": "two"}, 422, "invalid_grade"),
        ({"file": ("a.txt", "初二 数学".encode())}, {"subject": "art"}, 422, "invalid_subject"),
        ({"file": ("a.exe", b"MZ\x00\x00\x00")}, {}, 415, "unsupported_document_type"),
        ({"file": ("a.pdf", b"%PDF-1.4 broken")}, {}, 400, "malformed_document"),
        ({"file": ("a.txt", b"")}, {}, 400, "empty_document"),
        ({"file": ("a.txt", b"\xff\xfe")}, {}, 400, "malformed_document"),
        ({}, {"grade": "3"}, 422, "invalid_request"),
    ],
)
def test_api_materials_errors(client, files, data, status, code):
    r = client.post("/v1/materials", files=files or None, data=data)
    assert r.status_code == status
    assert r.json()["error"]["code"] == code
