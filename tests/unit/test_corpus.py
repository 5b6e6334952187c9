"""The training corpus builder: deterministic, group-split, schema-complete; evasion keeps labels."""

from __future__ import annotations

import json
import random

import pytest

from datasets.corpus import build as corpus_build
from datasets.corpus.common import LABEL_KEYS, STAGES, normalise
from datasets.corpus.evasion import KINDS, evade, evade_record
from datasets.corpus.generate import load_templates, render
from datasets.corpus.seeds import SeedError, load_seed_file

SIZE = 1500


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two builds with the same seed (ship data left out so the test needs no shared data)."""
    outs = []
    for i in range(2):
        out = tmp_path_factory.mktemp(f"corpus{i}")
        assert corpus_build.main(["--out", str(out), "--size", str(SIZE), "--no-ship"]) == 0
        outs.append(out)
    return outs


def _read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", ["train.jsonl", "dev.jsonl", "test.jsonl", "stats.json"])
def test_build_is_deterministic(built, name):
    a, b = built
    assert (a / name).read_bytes() == (b / name).read_bytes() or name == "stats.json"
    if name == "stats.json":
        sa, sb = json.loads((a / name).read_text()), json.loads((b / name).read_text())
        sa.pop("build_seconds"), sb.pop("build_seconds")
        assert sa == sb


def test_other_seed_differs(tmp_path, built):
    assert corpus_build.main(["--out", str(tmp_path), "--size", str(SIZE), "--no-ship", "--seed", "7"]) == 0
    assert (tmp_path / "train.jsonl").read_bytes() != (built[0] / "train.jsonl").read_bytes()


@pytest.mark.parametrize("other", ["dev", "test"])
def test_no_text_or_group_overlap_with_train(built, other):
    train = _read(built[0] / "train.jsonl")
    held = _read(built[0] / f"{other}.jsonl")
    assert held, f"{other} split is empty"
    assert not {normalise(r["text"]) for r in train} & {normalise(r["text"]) for r in held}
    assert not {r["group"] for r in train} & {r["group"] for r in held}


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_schema(built, split):
    recs = _read(built[0] / f"{split}.jsonl")
    ids = set()
    for r in recs:
        assert set(r["labels"]) == set(LABEL_KEYS)
        assert all(v in (0, 1) for v in r["labels"].values())
        assert r["stage"] in STAGES
        assert r["lang"] in ("zh", "en", "mixed")
        assert r["split"] == split
        assert r["source"].split(":")[0] in ("seed", "template", "ship")
        assert r["text"].strip()
        y = r["labels"]
        assert not (y["prohibited_schedule"] and not y["subject_training_ad"]), r
        assert not (y["disguised_training"] and not y["subject_training_ad"]), r
        assert r["id"] not in ids
        ids.add(r["id"])


def test_every_category_has_positives_in_train_and_test(built):
    for split in ("train", "test"):
        recs = _read(built[0] / f"{split}.jsonl")
        for k in LABEL_KEYS:
            assert sum(r["labels"][k] for r in recs) > 0, (split, k)
        assert sum(1 for r in recs if not any(r["labels"].values())) > 0


def test_only_train_is_augmented(built):
    for split in ("dev", "test"):
        assert not any(r["evasion"] for r in _read(built[0] / f"{split}.jsonl"))
    assert any(r["evasion"] for r in _read(built[0] / "train.jsonl"))


TEXT = "初二数学一对一辅导，暑假补习班招生，英语冲刺，电话138****1234"


@pytest.mark.parametrize("kind", KINDS)
def test_evasion_changes_text_not_labels(kind):
    rng = random.Random(0)
    out = evade(TEXT, rng, [kind])
    assert out != TEXT
    rec = {"text": TEXT, "labels": {k: int(k in ("subject_training_ad", "prohibited_schedule")) for k in LABEL_KEYS}}
    ev = evade_record(rec, random.Random(1), [kind], mark_disguised=False)
    assert ev["text"] != TEXT and ev["labels"] == rec["labels"]
    marked = evade_record(rec, random.Random(1), [kind])
    changed = {k for k in LABEL_KEYS if marked["labels"][k] != rec["labels"][k]}
    assert changed <= {"disguised_training"}


@pytest.mark.parametrize("bad,msg", [
    ('{"text": "周末初二数学", "y": "schedule", "stage": "junior"}', "without subject"),
    ('{"text": "考研数学", "y": "subject", "stage": "adult"}', "adult"),
    ('{"text": "x", "y": "nonsense", "stage": "none"}', "unknown label"),
    ('{"text": "幼小衔接拼音班", "y": "subject", "stage": "preschool"}', "preschool"),
])
def test_seed_validation(tmp_path, bad, msg):
    p = tmp_path / "bad.jsonl"
    p.write_text(bad + "\n", encoding="utf-8")
    with pytest.raises(SeedError, match=msg):
        load_seed_file(p)


def test_every_template_renders_with_consistent_labels():
    slots, temps = load_templates()
    rng = random.Random(5)
    for t in temps:
        for i in range(20):
            r = render(t, slots, rng, i)
            assert r["text"] and "{" not in r["text"] and "<AD>" not in r["text"], (t.id, r["text"])
            if t.neg:
                assert not any(r["labels"].values())
            y = r["labels"]
            if y["subject_training_ad"] and r["stage"] == "preschool":
                assert y["prohibited_service"]
            if r["stage"] == "adult":
                assert not y["subject_training_ad"]


def test_golden_cases_only_in_test(built):
    golden = corpus_build.golden_keys()
    assert golden
    for split in ("train", "dev"):
        assert not golden & {normalise(r["text"]) for r in _read(built[0] / f"{split}.jsonl")}


def test_bad_size_is_a_usage_error(tmp_path, capsys):
    assert corpus_build.main(["--out", str(tmp_path), "--size", "5", "--no-ship"]) == 2
    assert capsys.readouterr().err.startswith("moderation: error:")
