"""Fusion of rule scores with model probabilities, with a fake model tier (no artifacts needed)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from moderation.categories import AD_CATEGORIES
from moderation.models.cascade import CascadeConfig, ModelOutput
from moderation.models.labels import LABELS
from moderation.pipeline import Moderator


@dataclass
class FakeModels:
    """Returns fixed probabilities for every text; records which T2 modes were asked for."""

    probs: dict
    config: CascadeConfig = CascadeConfig()

    def __post_init__(self):
        self.modes: list[str] = []

    versions = {"t1": "fake-linear@0", "t2": "fake-bert@0"}

    def score(self, nts, t2="auto"):
        self.modes.append(t2)
        full = {label: self.probs.get(label, 0.0) for label in LABELS}
        return [ModelOutput(full, ("t1", "t2") if t2 == "always" else ("t1",)) for _ in nts]

    def spans(self, nt, category, top=3):
        return [(0, 2, nt.original[:2])]

    def without_t2(self):
        return self


CASES = [
    # (text, model probabilities, expected flagged categories, expected decision, category -> expected source)
    ("周末来玩吧，欢迎咨询", {"subject_training_ad": 0.92}, {"subject_training_ad"}, "block",
     {"subject_training_ad": "model"}),
    ("周末来玩吧，欢迎咨询", {"misleading_pricing": 0.95}, set(), "pass", {"misleading_pricing": "rules"}),
    ("周末来玩吧，欢迎咨询", {"misleading_pricing": 0.95, "subject_training_ad": 0.5},
     {"misleading_pricing", "subject_training_ad"}, "review", {"misleading_pricing": "model"}),
    ("初二数学暑假补习班", {"subject_training_ad": 0.1}, {"subject_training_ad", "prohibited_schedule"}, "block",
     {"subject_training_ad": "rules"}),
    ("教育部发布通知：严禁学科类校外培训在节假日开展，记者报道", {"subject_training_ad": 0.99}, set(), "pass",
     {"subject_training_ad": "rules"}),
]


@pytest.mark.parametrize("text, probs, flagged, decision, sources", CASES)
def test_fusion(text, probs, flagged, decision, sources) -> None:
    result = Moderator(models=FakeModels(probs)).moderate(text)
    got = {c for c, v in result["categories"].items() if v["flagged"]}
    assert got == flagged
    assert result["decision"] == decision
    for category, source in sources.items():
        assert result["categories"][category]["source"] == source


def test_model_only_flags_say_so() -> None:
    result = Moderator(models=FakeModels({"subject_training_ad": 0.92})).moderate("周末来玩吧，欢迎咨询")
    (ev,) = [e for e in result["evidence"] if e["category"] == "subject_training_ad"]
    assert ev["source"] == "model:fake-linear@0" and ev["via"] == "model"
    assert (ev["start"], ev["end"], ev["text"]) == (0, 2, "周末")
    assert ev["citation"]
    assert result["tiers"] == ["rules", "t1"]
    assert result["model_versions"]["t1"] == "fake-linear@0"


@pytest.mark.parametrize("policy, mode", [("platform", "auto"), ("regulator-scan", "always")])
def test_profiles_choose_when_t2_runs(policy: str, mode: str) -> None:
    fake = FakeModels({})
    Moderator(models=fake).moderate("初二数学补习", policy=policy)
    assert fake.modes == [mode]


@pytest.mark.parametrize("tier, expect_models, mode", [("rules", False, None), ("t1", True, "auto"),
                                                        ("cascade", True, "auto"), ("full", True, "always")])
def test_tier_views(tier: str, expect_models: bool, mode: str | None) -> None:
    fake = FakeModels({})
    view = Moderator(models=fake).tier(tier)
    result = view.moderate("初二数学补习")
    assert ("tiers" in result) is expect_models
    assert fake.modes == ([mode] if mode else [])
    assert set(result["categories"]) >= set(AD_CATEGORIES)
