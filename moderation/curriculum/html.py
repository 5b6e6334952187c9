"""A readable, self-contained HTML view of a material report: flagged passages highlighted."""

from __future__ import annotations

from html import escape
from typing import Any

_STYLE = """body{font:15px/1.6 system-ui,'Noto Sans CJK SC',sans-serif;margin:2em auto;max-width:60em;color:#222}
.p{border-left:4px solid #ddd;padding:.4em .8em;margin:.6em 0}.p.flag{border-color:#c62828;background:#fff5f5}
.loc{color:#666;font-size:.85em}mark.ahead_of_grade{background:#ffcc80}mark.beyond_curriculum{background:#ef9a9a}
mark.ad{background:#b3e5fc}.kp{font-size:.85em;color:#444}.block{color:#c62828}.review{color:#ef6c00}.pass{color:#2e7d32}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left}"""


def _loc(loc: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in loc.items() if k not in ("kind", "bbox"))


def _highlight(text: str, evidence: list[dict[str, Any]]) -> str:
    spans = sorted({(e["start"], e["end"], e["category"]) for e in evidence if 0 <= e["start"] < e["end"] <= len(text)})
    out, pos = [], 0
    for a, b, cat in spans:
        if a < pos:
            continue
        cls = cat if cat in ("ahead_of_grade", "beyond_curriculum") else "ad"
        out.append(escape(text[pos:a]))
        out.append(f'<mark class="{cls}" title="{escape(cat)}">{escape(text[a:b])}</mark>')
        pos = b
    out.append(escape(text[pos:]))
    return "".join(out)


def render_html(report: dict[str, Any], title: str = "Course material report") -> str:
    """The report as one HTML page (no external assets)."""
    d, s = report["declared"], report["summary"]
    rows = "".join(f"<tr><td>{escape(c)}</td><td>{v['score']:.2f}</td><td>{'yes' if v['flagged'] else ''}</td></tr>"
                   for c, v in report["categories"].items())
    parts = [f"<!doctype html><meta charset=utf-8><title>{escape(title)}</title><style>{_STYLE}</style>",
             f"<h1>{escape(title)}: {escape(report['document'].get('name') or '')}</h1>",
             f"<p>Decision: <b class={report['decision']}>{report['decision']}</b> (policy {report['policy']['id']}) · "
             f"declared grade {d['grade']} ({escape(str(d['source']))}), subject {escape(str(d['subject']))} · "
             f"{s['passages']} passages, {s['flagged']} flagged, max content grade {s['max_content_grade']}</p>"]
    for note in report.get("notes", []):
        parts.append(f"<p class=review>Note: {escape(note)}</p>")
    parts.append(f"<table><tr><th>category</th><th>score</th><th>flagged</th></tr>{rows}</table>")
    parts.append("<h2>Passages</h2>")
    for p in report["passages"]:
        cls = "p flag" if p["flags"] else "p"
        kps = "; ".join(f"{escape(k['name'])} (grade {k['grade']}, {escape(k['source'])})" for k in p["knowledge_points"])
        cites = sorted({e.get("citation", "") for e in p["evidence"] if e.get("citation")})
        parts.append(
            f'<div class="{cls}"><div class=loc>{escape(_loc(p["location"]))}'
            f'{" · flags: " + escape(", ".join(p["flags"])) if p["flags"] else ""}'
            f'{" · content grade " + str(p["content_grade"]) if p["content_grade"] is not None else ""}</div>'
            f'<div>{_highlight(p["text"], p["evidence"])}</div>'
            + (f"<div class=kp>Knowledge points: {kps}</div>" if kps else "")
            + "".join(f"<div class=kp>Citation: {escape(c)}</div>" for c in cites)
            + "</div>")
    return "\n".join(parts) + "\n"
