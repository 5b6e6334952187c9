"""Policy pack and profiles as data: validation errors are precise, profiles decide as written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from moderation.policy.pack import DEFAULT_PACK_DIR, PackError, load_pack
from moderation.policy.profiles import UnknownPolicy, load_profiles
from moderation.pipeline import Moderator


def test_default_pack_loads_with_citations() -> None:
    pack = load_pack()
    assert pack.version == "2026.11.0"
    categories = {r.category for r in pack.rules}
    assert categories == {
        "subject_training_ad", "non_subject_training_ad", "anxiety_marketing", "misleading_pricing",
        "prohibited_schedule", "prohibited_service", "disguised_training",
    }
    assert all(r.citation for r in pack.rules)


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK_DIR, target)
    return target


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda s: s.replace("category: prohibited_service", "category: no_such_category", 1), "unknown category"),
        (lambda s: s.replace("all: [photo_search]", "all: [no_such_feature]", 1), "unknown feature"),
        (lambda s: s.replace("lexicons: [photo_search]", "lexicons: [missing_lexicon]", 1), "no lexicon file"),
        (lambda s: s.replace("parsers: [price_pair]", "parsers: [nope]", 1), "unknown parser"),
        (lambda s: s.replace("    score: 0.9\n", "    score: 1.5\n", 1), "score must be"),
    ],
)
def test_malformed_pack_is_rejected(pack_copy: Path, edit, message: str) -> None:
    manifest = pack_copy / "pack.yaml"
    manifest.write_text(edit(manifest.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises((PackError, KeyError), match=message):
        load_pack(pack_copy)


def test_a_new_phrasing_is_one_lexicon_line(pack_copy: Path) -> None:
    text = "初中数学 稳稳提分神班"
    rules_only = Moderator(pack_copy, models=False)  # the rule pack alone: the learned tiers may know this phrasing
    assert rules_only.moderate(text)["categories"]["anxiety_marketing"]["flagged"] is False
    with open(pack_copy / "lexicons" / "guarantees.txt", "a", encoding="utf-8") as fh:
        fh.write("稳稳提分\n")
    assert Moderator(pack_copy, models=False).moderate(text)["categories"]["anxiety_marketing"]["flagged"] is True


@pytest.mark.parametrize(
    "scores, platform, public",
    [
        ({"subject_training_ad": 0.95}, "block", "block"),
        ({"subject_training_ad": 0.6}, "review", "review"),
        ({"non_subject_training_ad": 0.85}, "review", "block"),
        ({"anxiety_marketing": 0.3}, "pass", "pass"),
        ({}, "pass", "pass"),
    ],
)
def test_profiles_decide(scores, platform, public) -> None:
    profiles = load_profiles()
    assert profiles.get("platform").decide(scores)[0] == platform
    assert profiles.get("public-channel").decide(scores)[0] == public


def test_unknown_policy_names_the_known_ones() -> None:
    with pytest.raises(UnknownPolicy, match="known: materials, platform, public-channel, regulator-scan"):
        load_profiles().get("nope")
