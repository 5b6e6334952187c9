"""Shared fixtures: one real Moderator per session (the embedded pack)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moderation.pipeline import Moderator

GOLDEN = Path(__file__).parent / "golden" / "ads.jsonl"


@pytest.fixture(scope="session")
def moderator() -> Moderator:
    return Moderator()


def golden_cases() -> list[dict]:
    return [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]


def flagged(result: dict) -> set[str]:
    return {c for c, v in result["categories"].items() if v["flagged"]}
