"""Self-contained HTML summary of scan results: inline SVG charts, top domains and phrases, samples with evidence."""

from __future__ import annotations

import heapq
import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable
from urllib.parse import urlsplit

from ..categories import CATEGORIES
from .writers import iter_results

DECISIONS = ("block", "review", "pass")
COLORS = {"block": "#c62828", "review": "#f9a825", "pass": "#2e7d32", "error": "#757575"}
N_TOP = 15
N_SAMPLES = 25


@dataclass
class Summary:
    """Counters over a results stream (memory grows with distinct domains/phrases, not with items)."""

    total: int = 0
    decisions: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    categories: Counter = field(default_factory=Counter)
    by_day: dict = field(default_factory=lambda: defaultdict(Counter))
    by_domain: dict = field(default_factory=lambda: defaultdict(Counter))
    by_channel: dict = field(default_factory=lambda: defaultdict(Counter))
    cat_by_domain: dict = field(default_factory=lambda: defaultdict(Counter))
    phrases: Counter = field(default_factory=Counter)
    phrase_cat: dict = field(default_factory=dict)
    samples: list = field(default_factory=list)
    _seq: int = 0

    def add(self, r: dict[str, Any]) -> None:
        self.total += 1
        if "error" in r:
            self.errors[r["error"].get("code", "error")] += 1
            return
        decision = r.get("decision", "pass")
        self.decisions[decision] += 1
        source = r.get("source") or {}
        domain = (urlsplit(source["url"]).hostname or "(none)") if source.get("url") else "(no URL)"
        channel = (r.get("attributes") or {}).get("channel") or "(none)"
        day = _day(source.get("fetched_at"))
        self.by_domain[domain][decision] += 1
        self.by_channel[channel][decision] += 1
        if day:
            self.by_day[day][decision] += 1
        flagged = [c for c, v in (r.get("categories") or {}).items() if v.get("flagged")]
        self.categories.update(flagged)
        self.cat_by_domain[domain].update(flagged)
        for ev in r.get("evidence") or []:
            phrase = (ev.get("text") or "").strip()
            if phrase and decision != "pass":
                self.phrases[phrase] += 1
                self.phrase_cat.setdefault(phrase, ev.get("category", ""))
        if decision != "pass":
            self._seq += 1
            entry = (r.get("risk", 0.0), -self._seq, _sample(r, domain, flagged))
            if len(self.samples) < N_SAMPLES:
                heapq.heappush(self.samples, entry)
            else:
                heapq.heappushpop(self.samples, entry)


def _day(stamp: str | None) -> str | None:
    if not stamp:
        return None
    try:
        dt = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (dt.astimezone(timezone.utc) if dt.tzinfo else dt).date().isoformat()


def _sample(r: dict[str, Any], domain: str, flagged: list[str]) -> dict[str, Any]:
    return {"id": r.get("id"), "url": (r.get("source") or {}).get("url"), "domain": domain,
            "decision": r.get("decision"), "risk": r.get("risk", 0.0), "flagged": flagged,
            "evidence": [{k: e.get(k) for k in ("category", "text", "citation", "source")}
                         for e in (r.get("evidence") or [])[:8]]}


def summarize(results: Iterable[dict[str, Any]]) -> Summary:
    """One pass over the results."""
    s = Summary()
    for r in results:
        s.add(r)
    return s


# --- SVG charts -------------------------------------------------------------------------------------------------

def _esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def svg_stacked_rows(rows: list[tuple[str, Counter]], keys: Iterable[str] = DECISIONS, width: int = 720) -> str:
    """Horizontal stacked bars, one row per label."""
    keys = list(keys)
    if not rows:
        return "<p class=muted>no data</p>"
    label_w, bar_h, gap = 220, 18, 6
    top = max(sum(c[k] for k in keys) for _, c in rows) or 1
    scale = (width - label_w - 60) / top
    parts = []
    for i, (label, counts) in enumerate(rows):
        y = i * (bar_h + gap)
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{_esc(label[:32])}</text>')
        x = label_w
        for k in keys:
            w = counts[k] * scale
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLORS.get(k, "#1565c0")}">'
                             f'<title>{_esc(label)}: {counts[k]} {k}</title></rect>')
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 13}">{sum(counts[k] for k in keys)}</text>')
    h = len(rows) * (bar_h + gap)
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" class=chart>{"".join(parts)}</svg>'


def svg_columns(days: list[tuple[str, Counter]], width: int = 720, height: int = 220) -> str:
    """Stacked columns of decisions per day."""
    if not days:
        return "<p class=muted>no fetch times in these results</p>"
    top = max(sum(c.values()) for _, c in days) or 1
    plot_h = height - 40
    col_w = max(4.0, min(40.0, (width - 40) / len(days) - 4))
    parts = [f'<line x1="30" y1="{plot_h}" x2="{width}" y2="{plot_h}" stroke="#999"/>',
             f'<text x="26" y="12" text-anchor="end">{top}</text>']
    for i, (day, counts) in enumerate(days):
        x, y = 34 + i * (col_w + 4), float(plot_h)
        for k in reversed(DECISIONS):
            h = counts[k] / top * (plot_h - 10)
            if h > 0:
                y -= h
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" fill="{COLORS[k]}">'
                             f'<title>{day}: {counts[k]} {k}</title></rect>')
        if len(days) <= 16 or i % max(1, len(days) // 8) == 0:
            parts.append(f'<text x="{x:.1f}" y="{plot_h + 16}" font-size="10">{day[5:]}</text>')
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" class=chart>{"".join(parts)}</svg>'


def _legend() -> str:
    return "".join(f'<span class=key style="background:{COLORS[k]}"></span>{k} ' for k in DECISIONS)


def _top(counter_map: dict, n: int = N_TOP) -> list[tuple[str, Counter]]:
    return sorted(counter_map.items(), key=lambda kv: (-(kv[1]["block"] + kv[1]["review"]), kv[0]))[:n]


# --- HTML -------------------------------------------------------------------------------------------------------

_CSS = """body{font-family:'Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif;margin:24px;color:#212121;max-width:1100px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}.chart text{font-size:12px}
.cards{display:flex;gap:12px}.card{padding:10px 16px;border-radius:6px;background:#f5f5f5;min-width:110px}
.card b{display:block;font-size:22px}.key{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #eee;padding:4px 8px;text-align:left;
vertical-align:top}mark{background:#ffe082}.muted{color:#888}.block{color:#c62828}.review{color:#b26a00}"""


def render_html(s: Summary, title: str) -> str:
    """The report page (no external resources)."""
    d = s.decisions
    cards = "".join(f'<div class=card>{k}<b class={k}>{d[k]:,}</b></div>' for k in DECISIONS)
    cards = f'<div class=card>items<b>{s.total:,}</b></div>{cards}<div class=card>errors<b>{sum(s.errors.values()):,}</b></div>'
    cat_rows = [(c, Counter({"flagged": s.categories[c]})) for c in CATEGORIES if s.categories[c]]
    domains = _top(s.by_domain)
    dom_table = "".join(
        f"<tr><td>{_esc(dom)}</td><td class=block>{c['block']}</td><td class=review>{c['review']}</td><td>{c['pass']}</td>"
        f"<td>{_esc(', '.join(k for k, _ in s.cat_by_domain[dom].most_common(3)))}</td></tr>"
        for dom, c in domains if c["block"] + c["review"]
    )
    phrases = "".join(f"<tr><td><mark>{_esc(p)}</mark></td><td>{n}</td><td>{_esc(s.phrase_cat.get(p, ''))}</td></tr>"
                      for p, n in s.phrases.most_common(N_TOP * 2))
    samples = "".join(
        f"<tr><td>{_esc(x['id'])}<br><span class=muted>{_esc(x['url'] or '')}</span></td>"
        f"<td class={x['decision']}>{x['decision']} {x['risk']:.2f}</td><td>{_esc(', '.join(x['flagged']))}</td><td>"
        + "<br>".join(f"<mark>{_esc(e['text'])}</mark> {_esc(e['category'])} — {_esc(e['citation'] or '')}"
                      for e in x["evidence"]) + "</td></tr>"
        for _, _, x in sorted(s.samples, reverse=True)
    )
    errors = ", ".join(f"{_esc(k)}: {v}" for k, v in s.errors.most_common()) or "none"
    return f"""<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{_esc(title)}</title>
<style>{_CSS}</style></head><body><h1>{_esc(title)}</h1><div class=cards>{cards}</div>
<p class=muted>errors by code: {errors}</p>
<h2>Decisions over time (fetch date)</h2><div>{_legend()}</div>{svg_columns(sorted(s.by_day.items()))}
<h2>Flagged categories</h2>{svg_stacked_rows(cat_rows, ["flagged"])}
<h2>Decisions by domain (top {N_TOP} by block + review)</h2>{svg_stacked_rows(domains)}
<h2>Decisions by channel</h2>{svg_stacked_rows(_top(s.by_channel))}
<h2>Top offending domains</h2><table><tr><th>domain</th><th>block</th><th>review</th><th>pass</th><th>top categories</th></tr>{dom_table}</table>
<h2>Top phrases in flagged items</h2><table><tr><th>phrase</th><th>count</th><th>category</th></tr>{phrases}</table>
<h2>Highest-risk samples with evidence</h2><table><tr><th>id / URL</th><th>decision</th><th>flagged</th><th>evidence</th></tr>{samples}</table>
</body></html>"""


def write_report(results_path: str, out_path: str, title: str = "Double-reduction (双减) scan report") -> Summary:
    """Summarise a results file (JSONL or Parquet) into a self-contained HTML page."""
    try:
        s = summarize(iter_results(results_path))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"not a results file ({exc})") from None
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write(render_html(s, title))
    return s
