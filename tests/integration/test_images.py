"""Image moderation end to end with the real OCR engine (RapidOCR) on posters rendered at test time."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

pytest.importorskip("rapidocr_onnxruntime", reason="the 'ocr' extra (make installs it)")

from moderation.cli import main  # noqa: E402
from moderation.vision.image_pipeline import ImageModerator, shared_engine  # noqa: E402
from moderation.vision.render import cjk_font_path, render_poster  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("MODERATION_DATA_DIR", ROOT.parent / "shared" / "data"))
REAL_POSTER = DATA / "images_ocr_samples" / "rapidocr_ch_en_num_promo_poster.jpg"
DONE_WHEN = ["暑假初二数学冲刺班", "名师押题", "保证提分", "扫码进群"]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(cjk_font_path() is None, reason="no CJK font (.ci/run installs fonts-wqy-zenhei)")]


@pytest.fixture(scope="session")
def images(moderator) -> ImageModerator:
    return ImageModerator(moderator, shared_engine())


@pytest.fixture(scope="session")
def done_when_poster():
    return render_poster(DONE_WHEN, background="photo", qr="https://weixin.qq.com/g/AbC123", seed=4)


@pytest.fixture(scope="session")
def done_when_result(images, done_when_poster) -> dict:
    return images.moderate_bytes(done_when_poster.png(), id="dw")


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


@pytest.mark.parametrize(
    "category, words, line",
    [
        ("subject_training_ad", {"初二", "数学", "冲刺班"}, 0),
        ("anxiety_marketing", {"押题"}, 1),
        ("anxiety_marketing", {"保证提分"}, 2),
        ("prohibited_schedule", {"暑假"}, 0),
    ],
)
def test_done_when_poster_blocks_with_boxes_on_the_right_lines(done_when_result, done_when_poster, category, words,
                                                               line) -> None:
    r = done_when_result
    assert r["decision"] == "block" and r["id"] == "dw"
    hits = [e for e in r["evidence"] if e["category"] == category and e["text"] in words]
    assert hits, r["evidence"]
    for e in hits:
        box = e["location"]["bbox"]
        assert e["location"]["kind"] == "image" and isinstance(e["location"]["block"], int)
        assert _overlap(box, done_when_poster.boxes[line])
        assert all(not _overlap(box, other) for i, other in enumerate(done_when_poster.boxes) if i != line)


@pytest.mark.parametrize("word, line, first, last", [("暑假", 0, 0, 2), ("冲刺班", 0, 6, 9), ("保证提分", 2, 0, 4)])
def test_evidence_box_covers_the_words_not_the_whole_line(done_when_result, done_when_poster, word, line, first,
                                                          last) -> None:
    e = next(e for e in done_when_result["evidence"] if e["text"] == word)
    x0, _, x1, _ = done_when_poster.boxes[line]
    per = (x1 - x0) / len(DONE_WHEN[line])
    bx0, _, bx1, _ = e["location"]["bbox"]
    assert abs(bx0 - (x0 + first * per)) < 0.5 * per and abs(bx1 - (x0 + last * per)) < 0.5 * per


def test_done_when_result_carries_ocr_blocks_and_the_qr_code(done_when_result) -> None:
    r = done_when_result
    assert [b["text"] for b in r["ocr"]] == DONE_WHEN
    assert all(0.5 <= b["confidence"] <= 1 and len(b["bbox"]) == 4 for b in r["ocr"])
    assert r["qr"] and r["qr"][0]["text"] == "https://weixin.qq.com/g/AbC123" and r["qr"][0]["kind"] == "wechat"
    assert r["image"]["width"] == 1080 and r["image"]["height"] == 1920


@pytest.mark.parametrize(
    "lines, kwargs, decision",
    [
        (["雅思成人周末班", "在职白领英语提升", "小班授课 咨询电话 400-820-1234"], {}, "pass"),
        (["初一英语", "期末复习资料"], {"qr": "https://weixin.qq.com/g/Zz9"}, "block"),
        (["初一英语", "期末复习资料"], {}, "pass|review"),  # the learned tier may queue it; only the QR blocks
        (["寒假高一物理培优", "清北名师 一对一", "仅剩5个名额"], {"background": "photo", "rotate": 4, "seed": 2}, "block"),
        (["五年级奥数集训营", "周末班 火热招生"], {"blur": 1.6, "seed": 3}, "block"),
        (["初三化学冲刺", "中考提分30分"], {"contrast": 0.35, "background": "colour", "seed": 5}, "block"),
        ([], {"background": "photo"}, "pass"),
    ],
    ids=["adult-ielts", "qr-funnel", "same-without-qr", "photo-rotated", "blurred", "low-contrast", "no-text"],
)
def test_rendered_posters(images, lines, kwargs, decision) -> None:
    poster = render_poster(lines, **kwargs)
    r = images.moderate_bytes(poster.png())
    assert r["decision"] in decision.split("|"), (r["text"], r["evidence"])
    read = "".join(b["text"] for b in r["ocr"]).replace(" ", "")
    assert read == "".join(lines).replace(" ", "")
    assert [q["kind"] for q in r["qr"]] == (["wechat"] if kwargs.get("qr") else [])


@pytest.mark.skipif(not REAL_POSTER.is_file() and os.environ.get("CI") != "true",
                    reason=f"shared data ({REAL_POSTER}) not present")
def test_real_promo_poster_is_read_and_does_not_block(images) -> None:
    r = images.moderate_file(str(REAL_POSTER))
    assert r["decision"] != "block"
    assert any("假一赔十" in b["text"] for b in r["ocr"]) and any("正品促销" in b["text"] for b in r["ocr"])


def test_cli_score_image_and_annotated_copy(done_when_poster, tmp_path, capsys) -> None:
    src, out = tmp_path / "p.png", tmp_path / "annotated.png"
    done_when_poster.image.save(src)
    assert main(["score", "--image", str(src), "--annotate", str(out), "--compact", "--id", "c1"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["decision"] == "block" and r["id"] == "c1" and out.is_file()
    from PIL import Image

    a = Image.open(out).convert("RGB")
    x0, y0, _, _ = r["evidence"][0]["location"]["bbox"]
    assert a.getpixel((x0 - 1, y0 + 10)) != done_when_poster.image.getpixel((x0 - 1, y0 + 10))


@pytest.mark.parametrize("argv, message", [
    (["score", "--image", "/nonexistent.png"], "cannot read"),
    (["score", "--image", __file__], "not a recognised image"),
])
def test_cli_bad_images_exit_2(argv, message, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("moderation: error:") and message in err and err.count("\n") == 1


def test_scan_scores_image_items(done_when_poster, tmp_path, capsys) -> None:
    src = tmp_path / "p.png"
    done_when_poster.image.save(src)
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"id": "img", "image_path": str(src)}, {"id": "txt", "text": "初二数学 扫码进群"},
        {"id": "missing", "image_path": str(tmp_path / "nope.png")}]) + "\n", encoding="utf-8")
    assert main(["scan", str(inp), "-o", str(out), "--no-progress"]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["img", "txt", "missing"]
    assert rows[0]["decision"] == "block" and rows[0]["evidence"][0]["location"]["kind"] == "image"
    assert rows[2]["error"]["code"] == "unreadable_image"


def test_api_multipart_and_base64(done_when_poster) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    data = done_when_poster.png()
    with TestClient(create_app()) as client:
        assert client.get("/healthz").status_code == 200
        r1 = client.post("/v1/moderate/image", files={"file": ("p.png", data, "image/png")},
                         data={"id": "m1", "channel": "billboard"})
        r2 = client.post("/v1/moderate/image", json={"image_base64": base64.b64encode(data).decode(), "id": "b1"})
        bad = client.post("/v1/moderate/image", json={"image_base64": base64.b64encode(b"GIF89a...").decode()})
    assert r1.status_code == 200 and r1.json()["id"] == "m1" and r1.json()["policy"]["id"] == "public-channel"
    assert r2.status_code == 200 and r2.json()["decision"] == "block" and r2.json()["ocr"]
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "undecodable_image"
