"""Build the training corpus: seeds + templates + ship-data negatives → train/dev/test JSONL + stats.json.

    python -m datasets.corpus.build --out build/corpus [--seed 20261122] [--size 40000] [--data-dir DIR]

Deterministic for a seed. Deduplicated on normalised text (common.normalise). Split by group: whole seed lines
(or ``g`` groups), whole templates (stratified by template family) and whole ship buckets go to one split, so
near-duplicates never straddle train and test. Only the train split gets evasion copies.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from .common import LABEL_KEYS, make_record, normalise
from .evasion import evade_record
from .generate import family_shares, load_templates, render
from .seeds import load_seeds
from .ship import READERS, data_dir

DEFAULT_SEED = 20261122
DEFAULT_SIZE = 40000
TEST_FRAC, DEV_FRAC = 0.15, 0.10
SHIP_FRAC = 0.10          # share of --size taken by ship-data negatives
AUG_POS, AUG_NEG = 0.25, 0.06  # share of train positives / negatives that get one evasion copy
GOLDEN = Path(__file__).resolve().parents[2] / "tests" / "golden" / "ads.jsonl"
SHIP_MIX = {"ape210k": 0.35, "gaokao_bench": 0.30, "chalkbase": 0.20, "cmath_distractor": 0.05, "pep_math_toc": 0.10}


def assign(groups: list[str], rng: random.Random) -> dict[str, str]:
    """Split whole groups: ~15% test, ~10% dev, rest train (≥1 test from ≥2 groups, ≥1 dev from ≥5)."""
    gs = sorted(set(groups))
    rng.shuffle(gs)
    n = len(gs)
    if n >= 5:
        n_test = max(1, round(n * TEST_FRAC))
        n_dev = max(1, round(n * DEV_FRAC))
    elif n >= 3:
        n_test, n_dev = 1, 0
    elif n == 2:
        n_test, n_dev = 1, 0
    else:
        n_test = n_dev = 0
    out = {}
    for i, g in enumerate(gs):
        out[g] = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
    return out


def golden_keys(path: Path = GOLDEN) -> set[str]:
    """Normalised texts of the rule engine's golden cases: they may only land in the test split."""
    if not path.is_file():
        return set()
    with path.open(encoding="utf-8") as fh:
        return {normalise(json.loads(line)["text"]) for line in fh if line.strip()}


def _ship_records(ddir: Path, n_total: int, rng: random.Random) -> list[dict]:
    recs = []
    for name, frac in SHIP_MIX.items():
        items = [it for it in READERS[name](ddir) if 6 <= len(it[0])]
        rng.shuffle(items)
        for i, (text, group, ds) in enumerate(items[: max(1, int(n_total * frac))]):
            recs.append(make_record(rid=f"ship-{ds}-{i}", text=text, labels={k: 0 for k in LABEL_KEYS},
                                    stage="none", subjects=[], channel=None, lang=None, source=f"ship:{ds}",
                                    group=f"ship:{group}", edu=0, family=f"ship:{ds}"))
    return recs


def build(size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED, ddir: Path | None = None,
          use_ship: bool = True) -> tuple[dict[str, list[dict]], dict]:
    """All records by split, and the stats document."""
    t0 = time.time()
    rng = random.Random(seed)
    seeds = load_seeds()
    golden = golden_keys()
    for r in seeds:
        if normalise(r["text"]) in golden:
            r["group"] = "seed:golden"
    slots, temps = load_templates()
    ship: list[dict] = []
    if use_ship and ddir is not None:
        ship = _ship_records(ddir, int(size * SHIP_FRAC), random.Random(seed + 1))

    # --- split assignment by group -------------------------------------------------------------
    split_of: dict[str, str] = {}
    by_family: dict[str, list[str]] = defaultdict(list)
    for r in seeds + ship:
        by_family[r["family"]].append(r["group"])
    for t in temps:
        by_family[t.family].append(f"template:{t.id}")
    for fam in sorted(by_family):
        split_of.update(assign([g for g in by_family[fam] if g != "seed:golden"], random.Random(f"{seed}:{fam}")))
    split_of["seed:golden"] = "test"

    # --- generation with global dedup ------------------------------------------------------------
    seen: dict[str, str] = {}
    kept: list[dict] = []
    dropped = Counter()

    def add(rec: dict, exact: bool = False) -> bool:
        # evasion copies are keyed on their exact text: normalise() would strip the inserted symbols/emoji and
        # fold them onto their (train-split) original; the straddle check below still uses normalise()
        key = ("ev:" + rec["text"]) if exact else normalise(rec["text"])
        if not key or key in seen:
            dropped[rec["source"].split(":")[0]] += 1
            return False
        split = split_of.get(rec["group"], rec.get("split") or "train")
        if normalise(rec["text"]) in golden and split != "test":
            dropped["golden_outside_test"] += 1
            return False
        seen[key] = rec["id"]
        rec["split"] = split
        kept.append(rec)
        return True

    for r in seeds:
        add(r)
    budget = max(0, int(size / (1 + 0.6 * AUG_POS)) - len(kept) - len(ship))
    shares = family_shares()
    fam_w: dict[str, float] = defaultdict(float)
    for t in temps:
        fam_w[t.family] += t.weight
    share_sum = sum(shares.get(f, 0.05) for f in fam_w)
    trngs = {t.id: random.Random(f"{seed}:{t.id}") for t in temps}
    tries = {t.id: 0 for t in temps}
    open_ids: list[str] = []   # templates that met their quota (not saturated)

    def fill(t, quota: int) -> int:
        made = 0
        stop = tries[t.id] + quota * 4
        while made < quota and tries[t.id] < stop:
            made += add(render(t, slots, trngs[t.id], tries[t.id]))
            tries[t.id] += 1
        return made

    made_total = 0
    for t in temps:
        share = shares.get(t.family, 0.05) / share_sum
        quota = max(1, round(budget * share * t.weight / fam_w[t.family]))
        made = fill(t, quota)
        made_total += made
        if made == quota:
            open_ids.append(t.id)
    # top up from templates that still have room, so saturated ones do not shrink the corpus
    deficit = budget - made_total
    by_id = {t.id: t for t in temps}
    if deficit > 0 and open_ids:
        per = deficit // len(open_ids) + 1
        for tid in open_ids:
            fill(by_id[tid], per)
    for r in ship:
        add(r)

    # --- evasion augmentation of the train split ---------------------------------------------
    arng = random.Random(seed + 2)
    aug = []
    for r in kept:
        if r["split"] != "train" or r["source"].startswith("ship:"):
            continue
        pos = any(r["labels"].values())
        if arng.random() < (AUG_POS if pos else AUG_NEG):
            e = evade_record(r, arng)
            if e["evasion"]:
                e["id"] = r["id"] + "-ev"
                e["source"] = r["source"]
                aug.append(e)
    for e in aug:
        add(e, exact=True)

    splits: dict[str, list[dict]] = {"train": [], "dev": [], "test": []}
    for r in kept:
        r.setdefault("evasion", [])
        splits[r["split"]].append(r)
    for name in splits:
        random.Random(f"{seed}:order:{name}").shuffle(splits[name])
    stats = _stats(splits, seed, size, ddir if use_ship else None, dropped, time.time() - t0)
    return splits, stats


def _stats(splits: dict[str, list[dict]], seed: int, size: int, ddir: Path | None, dropped: Counter,
           secs: float) -> dict:
    out: dict = {"seed": seed, "requested_size": size, "total": sum(len(v) for v in splits.values()),
                 "ship_data": str(ddir) if ddir else None, "dedup_dropped": dict(sorted(dropped.items())),
                 "build_seconds": round(secs, 2), "splits": {}}
    for name, recs in splits.items():
        s = {
            "records": len(recs),
            "groups": len({r["group"] for r in recs}),
            "positives": {k: sum(r["labels"][k] for r in recs) for k in LABEL_KEYS},
            "all_negative": sum(1 for r in recs if not any(r["labels"].values())),
            "is_education_ad": sum(r["is_education_ad"] for r in recs),
            "stage": dict(sorted(Counter(r["stage"] for r in recs).items())),
            "lang": dict(sorted(Counter(r["lang"] for r in recs).items())),
            "channel": dict(sorted(Counter(str(r["channel"]) for r in recs).items())),
            "source_kind": dict(sorted(Counter(r["source"].split(":")[0] for r in recs).items())),
            "source": dict(sorted(Counter(r["source"] for r in recs).items())),
            "evasion_copies": sum(1 for r in recs if r.get("evasion")),
            "evasion_kinds": dict(sorted(Counter(k for r in recs for k in r.get("evasion", [])).items())),
        }
        out["splits"][name] = s
    tr = {normalise(r["text"]) for r in splits["train"]}
    te = {normalise(r["text"]) for r in splits["test"]}
    out["checks"] = {
        "text_overlap_train_test": len(tr & te),
        "group_overlap_train_test": len({r["group"] for r in splits["train"]} & {r["group"] for r in splits["test"]}),
        "group_overlap_train_dev": len({r["group"] for r in splits["train"]} & {r["group"] for r in splits["dev"]}),
    }
    return out


def write(splits: dict[str, list[dict]], stats: dict, out: Path) -> None:
    """Write train/dev/test JSONL (one record a line, keys in schema order) and stats.json with file hashes."""
    out.mkdir(parents=True, exist_ok=True)
    stats["files"] = {}
    for name, recs in splits.items():
        p = out / f"{name}.jsonl"
        data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in recs)
        p.write_text(data, encoding="utf-8")
        stats["files"][p.name] = hashlib.sha256(data.encode("utf-8")).hexdigest()
    (out / "stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m datasets.corpus.build", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("build/corpus"))
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--size", type=int, default=DEFAULT_SIZE)
    ap.add_argument("--data-dir", type=Path, default=None, help="shared data folder (ship sources only)")
    ap.add_argument("--no-ship", action="store_true", help="leave out ship-data negatives")
    a = ap.parse_args(argv)
    if a.size < 100:
        print("moderation: error: --size must be at least 100", file=sys.stderr)
        return 2
    ddir = None if a.no_ship else data_dir(a.data_dir)
    if not a.no_ship and ddir is None:
        print("moderation: error: shared data folder not found (use --data-dir or --no-ship)", file=sys.stderr)
        return 2
    splits, stats = build(a.size, a.seed, ddir, not a.no_ship)
    write(splits, stats, a.out)
    print(f"wrote {stats['total']} records to {a.out} "
          + " ".join(f"{k}={v['records']}" for k, v in stats["splits"].items())
          + f" in {stats['build_seconds']}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
