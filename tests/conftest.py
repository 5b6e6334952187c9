"""Shared fixtures: real Moderators per session (the embedded pack, with and without the learned tiers)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from moderation.pipeline import Moderator

GOLDEN = Path(__file__).parent / "golden" / "ads.jsonl"


@pytest.fixture(scope="session")
def moderator() -> Moderator:
    """The full system: rules plus the shipped learned tiers (rules only where models/ is empty)."""
    return Moderator()


@pytest.fixture(scope="session")
def rules_moderator() -> Moderator:
    """The rule tier alone, for tests that pin down what the policy pack itself decides."""
    return Moderator(models=False)


def golden_cases() -> list[dict]:
    return [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]


def flagged(result: dict) -> set[str]:
    return {c for c, v in result["categories"].items() if v["flagged"]}


@pytest.fixture(scope="session", autouse=True)
def _jobs_data_dir(tmp_path_factory) -> None:
    """Keep the jobs API's default data dir (SQLite db, uploads) out of the home directory during tests."""
    os.environ.setdefault("MODERATION_JOBS_DIR", str(tmp_path_factory.mktemp("moderation-data")))
