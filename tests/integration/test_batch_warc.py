"""A generated WARC of crawled pages scanned end to end; the HTML report rendered and screenshotted in Chromium."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from moderation.batch.warcgen import write_warc

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
N_PAGES = 60


@pytest.fixture(scope="module")
def scanned(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("warc")
    warc = tmp / "crawl.warc.gz"
    pages = write_warc(str(warc), N_PAGES)
    out, errors, report = tmp / "results.jsonl", tmp / "errors.jsonl", tmp / "report.html"
    proc = subprocess.run(
        [sys.executable, "-m", "moderation", "scan", str(warc), "-o", str(out), "--errors", str(errors),
         "--report", str(report), "--workers", "1", "--no-progress"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return {"pages": pages, "results": [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()],
            "errors": [json.loads(x) for x in errors.read_text(encoding="utf-8").splitlines()],
            "report": report, "stderr": proc.stderr}


def test_every_page_scored_once_with_url_and_fetch_time(scanned) -> None:
    results, pages = scanned["results"], scanned["pages"]
    assert [r["id"] for r in results] == [url for _, url in pages]  # 404 and CSS are not pages; the PNG is an item
    ok = [r for r in results if "error" not in r]
    assert len(ok) == N_PAGES
    assert all(r["source"]["url"] == r["id"] and r["source"]["fetched_at"].startswith("2026-09-") for r in ok)
    assert all(r["source"]["location"].startswith("crawl.warc.gz@") for r in ok)


@pytest.mark.parametrize("kind, decisions", [("ad", {"block"}), ("news", {"pass"}), ("other", {"pass"})])
def test_decisions_by_page_kind(scanned, kind, decisions) -> None:
    kinds = dict((url, k) for k, url in scanned["pages"])
    got = {r["decision"] for r in scanned["results"] if "error" not in r and kinds[r["id"]] == kind}
    assert got == decisions


def test_broken_image_response_is_an_error_record_with_location(scanned) -> None:
    """The crawl's PNG is truncated: the image handler refuses it, and the run goes on."""
    [err] = scanned["errors"]
    assert err["error"]["code"] == "undecodable_image" and err["id"].endswith("poster.png")
    assert err["location"].startswith("crawl.warc.gz@")


def test_report_has_charts_domains_and_evidence(scanned) -> None:
    page = scanned["report"].read_text(encoding="utf-8")
    assert page.count("<svg") >= 4 and "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    for needle in ("peixun-a.example.cn", "提高班", "校外培训", "2026-09-0"):
        assert needle in page, needle
    assert "news.example.gov.cn" in page  # listed in the by-domain chart though it has no block/review


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
def test_report_renders_in_headless_chromium(scanned, tmp_path: Path) -> None:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing in CI (.ci/run installs it)")
        pytest.skip("Debian chromium is not installed: apt-get install chromium")
    from PIL import Image, ImageStat
    from playwright.sync_api import sync_playwright

    shot = tmp_path / "report.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(scanned["report"].resolve().as_uri())
        assert page.locator("svg.chart").count() >= 4
        assert page.locator("svg.chart rect").count() > 10
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    data = shot.read_bytes()
    width, height = _png_size(data)
    assert width == 1200 and 900 <= height <= 20000 and len(data) > 20_000
    with Image.open(shot) as img:
        stat = ImageStat.Stat(img.convert("L"))
        colors = img.convert("RGB").getcolors(maxcolors=1 << 16)
    assert stat.stddev[0] > 10  # not a blank page
    assert colors is None or len(colors) > 50
