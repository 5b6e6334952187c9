"""Quality gate on real SMS nobody here wrote (mudou, labelled by the team; see datasets/eval)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("MODERATION_DATA_DIR", ROOT.parent / "shared" / "data"))


def _module():
    spec = importlib.util.spec_from_file_location("mudou_sms", ROOT / "datasets" / "eval" / "mudou_sms.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    not (DATA / "mudou_spam_sms").is_dir() and os.environ.get("CI") != "true",
    reason="shared data (../shared/data/mudou_spam_sms) not present on this machine",
)
def test_block_decisions_on_real_sms() -> None:
    """Floors a little under the measured figures (all labelled: P 0.98, R 0.75), so a regression fails."""
    scores = _module().measure(DATA, "platform", "all")["scores"]
    assert scores["block"]["precision"] >= 0.9
    assert scores["block"]["recall"] >= 0.65
    assert scores["anxiety_marketing"]["precision"] >= 0.9


@pytest.mark.skipif(
    not (DATA / "thucnews_titles").is_dir() and os.environ.get("CI") != "true",
    reason="shared data (../shared/data/thucnews_titles) not present on this machine",
)
def test_education_news_headlines_rarely_block(moderator) -> None:
    """Real education headlines are news, not ads (measured: THUCNews 0.27%, TNEWS 1.15% blocked)."""
    spec = importlib.util.spec_from_file_location("edu_headlines", ROOT / "datasets" / "eval" / "edu_headlines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for source, titles in module.headlines(DATA).items():
        blocked = sum(moderator.moderate(t)["decision"] == "block" for t in titles)
        assert blocked / len(titles) <= 0.02, source
