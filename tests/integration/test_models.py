"""Learned tiers: a seeded smoke training end to end, the shipped artifacts (checksums, PyTorch vs ONNX), `eval`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from moderation.cli import main as cli
from moderation.models.artifact import ModelError, load_artifact
from moderation.models.cascade import DEFAULT_MODELS_DIR, TextModels
from moderation.models.charbert import CharBertModel
from moderation.models.labels import LABELS
from moderation.normalize import normalize
from moderation.pipeline import Moderator

from ..conftest import golden_cases

SHIPPED = DEFAULT_MODELS_DIR
TINY = {"hidden": 32, "layers": 1, "heads": 1, "intermediate": 64, "max_len": 48, "vocab_size": 800,
        "mlm_steps": 4, "mlm_batch": 16, "ft_epochs": 1, "ft_batch": 32}


@pytest.fixture(scope="module")
def smoke(tmp_path_factory) -> Path:
    """Build a small corpus (no shared data) and train both tiers at toy size: minutes in CI would be too many."""
    from datasets.corpus import build as corpus_build
    from moderation.train.charbert import train_charbert
    from moderation.train.linear import train_linear

    root = tmp_path_factory.mktemp("smoke")
    assert corpus_build.main(["--out", str(root / "corpus"), "--size", "500", "--no-ship"]) == 0
    train_linear(root / "corpus", root / "models" / "text-linear", min_df=1)
    texts = [json.loads(x)["text"] for x in (root / "corpus" / "train.jsonl").read_text().splitlines()]
    train_charbert(root / "corpus", root / "models" / "text-charbert", texts[:200], **TINY)
    return root / "models"


def test_smoke_training_produces_loadable_artifacts(smoke: Path) -> None:
    models = TextModels(smoke)
    outs = models.score([normalize("暑假初二数学冲刺班"), normalize("考研英语")], t2="always")
    assert [o.tiers for o in outs] == [("t1", "t2"), ("t1", "t2")]
    assert all(0.0 <= p <= 1.0 for o in outs for p in o.probs.values())
    for kind in ("text-linear", "text-charbert"):
        manifest = json.loads((smoke / kind / "manifest.json").read_text())
        assert manifest["labels"] == list(LABELS)
        assert set(manifest["metrics"]["test"]) == set(LABELS)
        assert len(manifest["training_data"]["sha256"]) == 64


def test_smoke_training_is_reproducible(smoke: Path, tmp_path: Path) -> None:
    from moderation.train.linear import train_linear

    again = train_linear(smoke.parent / "corpus", tmp_path / "t1", min_df=1)
    first = json.loads((smoke / "text-linear" / "manifest.json").read_text())
    assert again["files"]["weights"]["sha256"] == first["files"]["weights"]["sha256"]


def test_tampered_artifact_is_refused(smoke: Path, tmp_path: Path) -> None:
    copy = tmp_path / "text-linear"
    shutil.copytree(smoke / "text-linear", copy)
    with open(copy / "vocab.json", "r+b") as fh:
        fh.seek(3)
        fh.write(b"X")
    with pytest.raises(ModelError, match="sha256 mismatch"):
        load_artifact(copy, "text-linear")
    with pytest.raises(ModelError, match="kind"):
        load_artifact(smoke / "text-charbert", "text-linear")


needs_shipped = pytest.mark.skipif(not (SHIPPED / "text-charbert" / "manifest.json").is_file(),
                                   reason="no trained models in models/ (run `make models`)")


@needs_shipped
def test_shipped_models_load_by_default() -> None:
    moderator = Moderator()
    assert {"rules", "t1", "t2"} <= set(moderator.model_versions)
    result = moderator.moderate("暑假初二数学冲刺班，名师押题，保证提分", policy="regulator-scan")
    assert result["tiers"] == ["rules", "t1", "t2"]
    assert result["decision"] == "block"


@needs_shipped
def test_torch_and_onnx_agree() -> None:
    """fp32 ONNX matches PyTorch to 1e-4 in logits; int8 stays within 0.08 in probability."""
    from moderation.train.charbert import load_torch, torch_logits

    texts = [c["text"] for c in golden_cases()]
    seqs = [normalize(t).compact for t in texts]
    fp32 = CharBertModel.load(SHIPPED / "text-charbert", "fp32")
    int8 = CharBertModel.load(SHIPPED / "text-charbert", "int8")
    reference = torch_logits(load_torch(SHIPPED / "text-charbert"), fp32.vocab, seqs, fp32.max_len)
    assert np.abs(fp32.logits(seqs) - reference).max() < 1e-4
    p_fp32 = fp32.predict([normalize(t) for t in texts])
    p_int8 = int8.predict([normalize(t) for t in texts])
    assert np.abs(p_fp32 - p_int8).max() < 0.08


@pytest.mark.parametrize("argv, message", [
    (["eval", "nope.jsonl"], "no such file"),
    (["eval", "{labelled}", "--tiers", "rules,t9"], "unknown t9"),
    (["eval", "{bad}", "--tiers", "rules"], "needs 'text' and category labels"),
    (["train", "--corpus", "/nonexistent"], "no train.jsonl"),
])
def test_cli_errors(argv, message, tmp_path: Path, capsys) -> None:
    (tmp_path / "l.jsonl").write_text(json.dumps({"text": "初二数学补习", "labels": {"subject_training_ad": 1}}) + "\n")
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": "no labels"}) + "\n")
    argv = [a.format(labelled=tmp_path / "l.jsonl", bad=tmp_path / "b.jsonl") for a in argv]
    assert cli(argv) == 2
    assert message in capsys.readouterr().err


def test_eval_writes_report(smoke: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("MODERATION_MODELS_DIR", str(smoke))
    labelled = smoke.parent / "corpus" / "test.jsonl"
    assert cli(["eval", str(labelled), "--tiers", "rules,t1,cascade", "--report", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| rules (rule pack only) |" in out and "| cascade" in out
    for name in ("report.md", "metrics.json", "pr_curves.png", "confusion.png", "reliability.png"):
        assert (tmp_path / name).stat().st_size > 200
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert 0.0 <= metrics["rules"]["block"]["precision"] <= 1.0
