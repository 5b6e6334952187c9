"""`moderation eval`: per-category and decision-level quality of each tier on a labelled JSONL, with a report."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
from tqdm import tqdm

from .categories import AD_CATEGORIES
from .train.metrics import ece, pr_auc, prf

TIER_HELP = {"rules": "rule pack only", "t1": "rules + linear tier", "cascade": "rules + T1 + T2 where T1 is unsure",
             "full": "rules + T1 + T2 on every text"}


class EvalInputError(ValueError):
    """The labelled file cannot be evaluated (missing fields, no records)."""


@dataclass
class TierResult:
    """Scores and decisions of one tier over the evaluation records."""

    tier: str
    scores: np.ndarray  # (n, categories)
    flagged: np.ndarray  # (n, categories) bool
    decisions: list[str]
    seconds: float
    metrics: dict[str, Any] = field(default_factory=dict)


def read_labelled(path: str | Path) -> list[dict[str, Any]]:
    """Records with 'text' and labels (a 'labels' object or flat category keys); 'block' and 'weight' optional."""
    records = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalInputError(f"{path}:{lineno}: not JSON ({exc.msg})") from None
            labels = rec.get("labels") if isinstance(rec.get("labels"), dict) else rec
            if not isinstance(rec.get("text"), str) or not any(c in labels for c in AD_CATEGORIES):
                raise EvalInputError(f"{path}:{lineno}: needs 'text' and category labels")
            rec["_y"] = [int(bool(labels.get(c, 0))) for c in AD_CATEGORIES]
            records.append(rec)
    if not records:
        raise EvalInputError(f"{path}: no records")
    return records


def gold_block(rec: dict[str, Any], blocking: Sequence[str]) -> bool:
    """The record's own 'block' field, else: any category the profile blocks is labelled."""
    if "block" in rec:
        return bool(rec["block"])
    return any(y for c, y in zip(AD_CATEGORIES, rec["_y"]) if c in blocking)


def run_tier(moderator, tier: str, records: list[dict[str, Any]], policy: str, batch: int = 256) -> TierResult:
    """Score every record with one tier (batched); returns the raw arrays."""
    view = moderator.tier(tier)
    scores, flagged, decisions = [], [], []
    started = time.perf_counter()
    for k in tqdm(range(0, len(records), batch), desc=f"eval {tier}", unit="batch", leave=False):
        chunk = records[k : k + batch]
        for res in view.moderate_batch([{"text": r["text"], "id": r.get("id")} for r in chunk], policy=policy):
            scores.append([res["categories"][c]["score"] for c in AD_CATEGORIES])
            flagged.append([res["categories"][c]["flagged"] for c in AD_CATEGORIES])
            decisions.append(res["decision"])
    return TierResult(tier, np.array(scores), np.array(flagged, bool), decisions, time.perf_counter() - started)


def measure(result: TierResult, records: list[dict[str, Any]], blocking: Sequence[str]) -> dict[str, Any]:
    """Weighted per-category P/R/F1 (at the flag threshold), PR-AUC, ECE; decision-level block metrics."""
    y = np.array([r["_y"] for r in records], bool)
    w = np.array([float(r.get("weight", 1.0)) for r in records])
    out: dict[str, Any] = {"categories": {}}
    for j, c in enumerate(AD_CATEGORIES):
        yj, fj = y[:, j], result.flagged[:, j]
        p, r, f = prf(w[fj & yj].sum(), w[fj & ~yj].sum(), w[~fj & yj].sum())
        out["categories"][c] = {"support": int(yj.sum()), "precision": p, "recall": r, "f1": f,
                                "pr_auc": pr_auc(yj, result.scores[:, j]), "ece": ece(yj, result.scores[:, j])}
    gold = np.array([gold_block(r, blocking) for r in records], bool)
    blocked = np.array([d == "block" for d in result.decisions], bool)
    p, r, f = prf(w[blocked & gold].sum(), w[blocked & ~gold].sum(), w[~blocked & gold].sum())
    subject = y[:, AD_CATEGORIES.index("subject_training_ad")]
    neg = ~gold
    out["block"] = {
        "gold": int(gold.sum()), "blocked": int(blocked.sum()), "precision": p, "recall": r, "f1": f,
        "subject_ad_recall": float(w[blocked & subject].sum() / w[subject].sum()) if subject.any() else float("nan"),
        "false_block_rate": float(w[blocked & neg].sum() / w[neg].sum()) if neg.any() else float("nan"),
        "negatives": int(neg.sum()),
    }
    out["items_per_s"] = len(records) / result.seconds if result.seconds else float("nan")
    confusion = {(g, d): 0 for g in (False, True) for d in ("pass", "review", "block")}
    for g, d in zip(gold, result.decisions):
        confusion[(bool(g), d)] += 1
    out["confusion"] = {f"{'block' if g else 'not_block'}->{d}": n for (g, d), n in confusion.items()}
    result.metrics = out
    return out


def _fmt(x: float) -> str:
    return "–" if x != x else f"{x:.3f}"


def markdown(name: str, results: list[TierResult], records: list[dict[str, Any]], policy: str,
             plots: Iterable[str] = ()) -> str:
    """The Markdown report: decision table, per-category tables, plots."""
    weighted = any("weight" in r for r in records)
    lines = [f"# Evaluation: `{name}` — policy `{policy}`", "",
             f"{len(records)} labelled texts{' (weighted: stratified sample)' if weighted else ''}.", "",
             "## Decisions", "",
             "| tier | block P | block R | block F1 | subject-ad → block recall | false-block rate (negatives) | items/s |",
             "|---|---|---|---|---|---|---|"]
    for res in results:
        b = res.metrics["block"]
        lines.append(f"| {res.tier} ({TIER_HELP[res.tier]}) | {_fmt(b['precision'])} | {_fmt(b['recall'])} | "
                     f"{_fmt(b['f1'])} | {_fmt(b['subject_ad_recall'])} | {b['false_block_rate']:.2%} of "
                     f"{b['negatives']} | {res.metrics['items_per_s']:,.0f} |")
    for res in results:
        lines += ["", f"## Categories — {res.tier}", "",
                  "| category | support | precision | recall | F1 | PR-AUC | ECE |", "|---|---|---|---|---|---|---|"]
        for c, m in res.metrics["categories"].items():
            lines.append(f"| {c} | {m['support']} | {_fmt(m['precision'])} | {_fmt(m['recall'])} | {_fmt(m['f1'])} | "
                         f"{_fmt(m['pr_auc'])} | {_fmt(m['ece'])} |")
        lines.append("")
        lines.append("Confusion (gold → decision): " + ", ".join(f"{k} {v}" for k, v in res.metrics["confusion"].items()))
    lines += [""] + [f"![{p}]({p})" for p in plots]
    return "\n".join(lines) + "\n"


def plot(results: list[TierResult], records: list[dict[str, Any]], out_dir: Path) -> list[str]:
    """PR curves, decision confusion matrices and a reliability diagram as PNG files; returns their names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    y = np.array([r["_y"] for r in records], bool)
    names = []
    fig, axes = plt.subplots(1, len(results), figsize=(5 * len(results), 4.2), squeeze=False)
    for ax, res in zip(axes[0], results):
        for j, c in enumerate(AD_CATEGORIES):
            if not y[:, j].any():
                continue
            order = np.argsort(-res.scores[:, j], kind="stable")
            hits = y[order, j]
            tp = np.cumsum(hits)
            ax.plot(tp / y[:, j].sum(), tp / np.arange(1, len(hits) + 1), label=c, lw=1.2)
        ax.set(title=f"PR — {res.tier}", xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02))
    axes[0][0].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(out_dir / "pr_curves.png", dpi=110)
    names.append("pr_curves.png")
    plt.close(fig)

    fig, axes = plt.subplots(1, len(results), figsize=(3.6 * len(results), 3.2), squeeze=False)
    for ax, res in zip(axes[0], results):
        conf = res.metrics["confusion"]
        grid = np.array([[conf[f"{g}->{d}"] for d in ("pass", "review", "block")] for g in ("not_block", "block")])
        ax.imshow(grid, cmap="Blues")
        for (i, k), v in np.ndenumerate(grid):
            ax.text(k, i, str(v), ha="center", va="center", color="black")
        ax.set(title=res.tier, xticks=[0, 1, 2], xticklabels=["pass", "review", "block"], yticks=[0, 1],
               yticklabels=["gold: not block", "gold: block"])
    fig.tight_layout()
    fig.savefig(out_dir / "confusion.png", dpi=110)
    names.append("confusion.png")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(4.5, 4.2))
    edges = np.linspace(0, 1, 11)
    for res in results:
        s, yy = res.scores.ravel(), y.ravel()
        idx = np.clip(np.digitize(s, edges[1:-1]), 0, 9)
        xs = [s[idx == b].mean() for b in range(10) if (idx == b).any()]
        ys = [yy[idx == b].mean() for b in range(10) if (idx == b).any()]
        ax.plot(xs, ys, marker="o", label=res.tier)
    ax.plot([0, 1], [0, 1], "k--", lw=0.8)
    ax.set(title="Reliability (all ad categories)", xlabel="predicted score", ylabel="observed frequency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "reliability.png", dpi=110)
    names.append("reliability.png")
    plt.close(fig)
    return names


def evaluate(path: str | Path, moderator, tiers: Sequence[str], policy: str = "platform",
             report_dir: str | Path | None = None, plots: bool = True) -> tuple[list[TierResult], str]:
    """Run the tiers over a labelled file; write report.md (+ PNGs) when ``report_dir`` is given."""
    records = read_labelled(path)
    profile = moderator.profile(policy)
    blocking = [c for c in AD_CATEGORIES if profile.actions.get(c) == "block"]
    results = []
    for tier in tiers:
        res = run_tier(moderator, tier, records, policy)
        measure(res, records, blocking)
        results.append(res)
    names: list[str] = []
    if report_dir is not None:
        report_dir = Path(report_dir)
        report_dir.mkdir(parents=True, exist_ok=True)
        if plots:
            names = plot(results, records, report_dir)
    text = markdown(Path(path).name, results, records, policy, names)
    if report_dir is not None:
        (report_dir / "report.md").write_text(text, encoding="utf-8")
        (report_dir / "metrics.json").write_text(json.dumps({r.tier: r.metrics for r in results}, indent=2,
                                                            default=float), encoding="utf-8")
    return results, text
