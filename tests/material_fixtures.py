"""Generate course-material documents at test time (nothing binary is committed)."""

from __future__ import annotations

import glob
import io
from pathlib import Path

_FONT_GLOBS = ("/usr/share/fonts/**/NotoSansCJK-Regular.ttc", "/usr/share/fonts/**/wqy-zenhei.ttc",
               "/usr/share/fonts/**/NotoSerifCJK-Regular.ttc", "/usr/share/fonts/**/*CJK*.tt[cf]",
               "/usr/share/fonts/**/*wqy*.tt[cf]")


def cjk_font() -> str | None:
    """A CJK font file installed on this machine (.ci/run installs fonts-wqy-zenhei when none is)."""
    for pattern in _FONT_GLOBS:
        hits = sorted(glob.glob(pattern, recursive=True))
        if hits:
            return hits[0]
    return None


def page_text(n: int) -> tuple[str, str]:
    """(heading, body) of page n of the generated worksheet: every 10th page teaches a senior topic."""
    if n % 10 == 7:
        return f"第{n}讲 拓展", "例题：求函数 f(x)=x³-3x 的导数 f'(x)，并求极值点。"
    return f"第{n}讲 一元一次方程", f"例{n}：解方程 {n}x+5=2x+{n + 8}，先移项，再合并同类项。"


SCANNED_TEXT = "拓展：用导数求切线的斜率"  # a scanned page: text only in the picture (导数 = senior, grade 11)


def make_pdf(path: Path, pages: int = 30, scanned_page: int | None = None, dense: int = 1) -> Path:
    """A 七年级数学 worksheet PDF with a real text layer; optionally one image-only (scanned) page.

    ``dense`` repeats each page's example paragraph (dense=12 gives ~700 characters, a full worksheet page)."""
    from fpdf import FPDF
    from PIL import Image

    font = cjk_font()
    if font is None:
        raise RuntimeError("no CJK font installed (apt-get install fonts-wqy-zenhei)")
    pdf = FPDF()
    pdf.add_font("cjk", fname=font)
    pdf.set_font("cjk", size=12)
    for n in range(1, pages + 1):
        pdf.add_page()
        if n == scanned_page:
            buf = io.BytesIO()
            scan = Image.new("RGB", (1000, 300), "white")
            from PIL import ImageDraw, ImageFont

            ImageDraw.Draw(scan).text((40, 100), SCANNED_TEXT, fill="black", font=ImageFont.truetype(font, 56))
            scan.save(buf, format="PNG")
            pdf.image(buf, x=20, y=20, w=170)
            continue
        heading, body = page_text(n)
        if n == 1:
            pdf.multi_cell(0, 8, "七年级上册 数学 同步练习")
            pdf.ln(4)
        pdf.multi_cell(0, 8, heading)
        for _ in range(dense):
            pdf.ln(4)
            pdf.multi_cell(0, 8, body)
    pdf.output(str(path))
    return path


def make_pptx(path: Path, slides: int = 20) -> Path:
    """An 八年级 physics deck: slide 12 teaches 动量 (senior), slide 15 carries an embedded ad."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    layout = deck.slide_layouts[1]
    for n in range(1, slides + 1):
        slide = deck.slides.add_slide(layout)
        slide.shapes.title.text = "八年级下册 物理 第七章 力" if n == 1 else f"第{n}页"
        body = slide.placeholders[1].text_frame
        if n == 12:
            body.text = "动量 p=mv，动量守恒定律：碰撞前后系统总动量不变。"
        elif n == 15:
            body.text = "暑假物理冲刺班火热招生，保证提分30分，原价3980现价980，扫码报名！"
        else:
            body.text = f"重力的大小与质量成正比，弹簧测力计的读数为{n}N。"
        if n == 20:
            box = slide.shapes.add_textbox(Inches(1), Inches(6), Inches(6), Inches(1))
            box.text_frame.text = "牛顿第一定律：一切物体在没有受到力的作用时，总保持静止或匀速直线运动状态。"
    deck.save(str(path))
    return path


def make_docx(path: Path) -> Path:
    """A 三年级 English worksheet with a table: one paragraph uses the past perfect and passive voice."""
    import docx

    d = docx.Document()
    d.add_paragraph("三年级上册 英语 Unit 1 Hello")
    d.add_paragraph("Hello! I'm Sarah. This is my friend.")
    d.add_paragraph("By the time we arrived, the film had already started, and the tickets were sold by the shop.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "bag"
    table.cell(0, 1).text = "书包"
    table.cell(1, 0).text = "pen"
    table.cell(1, 1).text = "钢笔"
    d.save(str(path))
    return path
