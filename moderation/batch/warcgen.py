"""Generate a WARC of synthetic crawled pages (training ads and 双减 news) for tests, demos and benchmarks."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from io import BytesIO
from typing import Iterator

ADS = [
    "暑假初二数学提高班，名师押题，保证提分30分！原价3980现价980，仅剩3个名额",
    "小学奥数周末培训班，清北名师授课，签约保过，不提分全额退款",
    "高三物理冲刺班，出题专家亲授押题，周六周日全天上课，报名立减500元",
    "一对一英语辅导，外教在线一对一，每晚21:30开课，每节课60分钟",
    "s x 补.習 班，懂的私聊，寒假初中数学提前学",
    "初一语文阅读写作提高班，寒假集训，学完直接提高20分，家长都在抢",
]
NEWS = [
    "记者从市教育局获悉，落实双减政策以来，全市学科类校外培训机构压减九成，学生作业负担明显减轻。",
    "教育部：坚决防止学科类校外培训隐形变异，严肃查处违规开展培训的行为，保障学生休息权利。",
    "双减实施一周年，本市中小学课后服务实现全覆盖，学生参与率超过九成，家长满意度明显提升。",
    "市场监管部门提醒家长，警惕校外培训机构以素质教育名义违规开展学科类培训，发现问题及时举报。",
]
SHOPS = ["小区门口新开了一家奶茶店，开业期间买一送一，欢迎品尝。", "本周末公园举行花展，市民可免费入园参观。"]
DOMAINS = {"ad": ["peixun-a.example.cn", "xueba-b.example.com", "tifen-c.example.net"],
           "news": ["news.example.gov.cn", "edu-daily.example.cn"], "other": ["life.example.org"]}


def page_html(title: str, body: str) -> str:
    """A page with boilerplate (nav, footer, script) around the main text."""
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<script>var tracker = '首页 导航 登录';</script><style>.x{{color:red}}</style></head><body>"
            f"<nav><a href='/'>首页</a> <a href='/about'>关于我们</a> <a href='/login'>登录</a></nav>"
            f"<main><article><h1>{title}</h1><p>{body}</p><p>更多内容请关注本站。</p></article></main>"
            f"<footer>版权所有 © 2026 联系电话 010-00000000</footer></body></html>")


def pages(n: int, seed: int = 6) -> Iterator[tuple[str, str, str, str]]:
    """(kind, url, fetch time, html) for n pages: about 40% ads, 40% news, 20% other."""
    rng = random.Random(seed)
    start = datetime(2026, 9, 1, tzinfo=timezone.utc)
    for i in range(n):
        kind = rng.choices(["ad", "news", "other"], [4, 4, 2])[0]
        text = rng.choice({"ad": ADS, "news": NEWS, "other": SHOPS}[kind])
        url = f"https://{rng.choice(DOMAINS[kind])}/p/{i}.html"
        when = (start + timedelta(days=rng.randrange(10), seconds=rng.randrange(86400))).strftime("%Y-%m-%dT%H:%M:%SZ")
        yield kind, url, when, page_html(text[:12], text)


def write_warc(path: str, n: int, *, gzip: bool = True, extras: bool = True, seed: int = 6) -> list[tuple[str, str]]:
    """Write n HTML responses (plus, with ``extras``, a 404, a CSS file and a PNG); return (kind, url) per page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out: list[tuple[str, str]] = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)

        def response(url: str, when: str, status: str, ctype: str, body: bytes) -> None:
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                            warc_headers_dict={"WARC-Date": when})
            writer.write_record(rec)

        for kind, url, when, page in pages(n, seed):
            req = writer.create_warc_record(url, "request", payload=BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
            writer.write_record(req)
            response(url, when, "200 OK", "text/html; charset=utf-8", page.encode("utf-8"))
            out.append((kind, url))
        if extras:
            response("https://peixun-a.example.cn/missing", "2026-09-02T00:00:00Z", "404 Not Found", "text/html",
                     b"<html>not found</html>")
            response("https://peixun-a.example.cn/site.css", "2026-09-02T00:00:00Z", "200 OK", "text/css", b"p{}")
            response("https://peixun-a.example.cn/poster.png", "2026-09-02T00:00:00Z", "200 OK", "image/png",
                     b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
            out.append(("image", "https://peixun-a.example.cn/poster.png"))
    return out
