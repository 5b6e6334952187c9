"""Policy profiles as data: per-category scores → pass / review / block."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from ..categories import CATEGORIES
from .pack import DEFAULT_PACK_DIR, PackError

_ACTIONS = frozenset({"block", "review", "ignore"})


class UnknownPolicy(KeyError):
    """The caller named a profile that does not exist."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True, slots=True)
class Profile:
    """An immutable decision profile."""

    id: str
    version: str
    description: str
    flag: float
    block: float
    evidence: str
    actions: Mapping[str, str]
    t2: str = "auto"  # when the transformer tier runs: auto (T1 unsure) | always | never

    def decide(self, scores: Mapping[str, float]) -> tuple[str, float, dict[str, bool]]:
        """(decision, risk, flagged-by-category) for the given category scores."""
        flagged = {}
        decision = "pass"
        risk = 0.0
        for category in CATEGORIES:
            score = scores.get(category, 0.0)
            action = self.actions.get(category, "review")
            is_flagged = action != "ignore" and score >= self.flag
            flagged[category] = is_flagged
            if action == "ignore":
                continue
            risk = max(risk, score)
            if is_flagged:
                if action == "block" and score >= self.block:
                    decision = "block"
                elif decision == "pass":
                    decision = "review"
        return decision, round(risk, 4), flagged


@dataclass(frozen=True, slots=True)
class ProfileSet:
    """All profiles of a pack, plus the channels that default to the public-channel profile."""

    profiles: Mapping[str, Profile]
    public_channels: frozenset[str]
    default: str = "platform"

    def get(self, name: str | None, channel: str | None = None) -> Profile:
        """The named profile; with no name, `public-channel` for public channels, else the default."""
        if name is None:
            name = "public-channel" if channel and channel.lower() in self.public_channels else self.default
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise UnknownPolicy(f"unknown policy {name!r} (known: {known})") from None


def _resolve(name: str, raw: dict[str, dict[str, Any]], seen: tuple[str, ...] = ()) -> dict[str, Any]:
    if name in seen:
        raise PackError(f"profile inheritance loop: {' -> '.join(seen + (name,))}")
    spec = dict(raw[name])
    parent = spec.pop("inherit", None)
    if parent is None:
        return spec
    if parent not in raw:
        raise PackError(f"profile {name!r} inherits unknown {parent!r}")
    base = _resolve(parent, raw, seen + (name,))
    merged = {**base, **{k: v for k, v in spec.items() if k != "actions"}}
    merged["actions"] = {**base.get("actions", {}), **spec.get("actions", {})}
    return merged


def load_profiles(directory: str | Path | None = None) -> ProfileSet:
    """Read ``profiles.yaml`` from a pack directory and validate it."""
    path = Path(directory or DEFAULT_PACK_DIR) / "profiles.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    version = str(data.get("version", "0"))
    raw = data.get("profiles") or {}
    profiles = {}
    for name in raw:
        spec = _resolve(name, raw)
        actions = spec.get("actions", {})
        for category, action in actions.items():
            if category not in CATEGORIES or action not in _ACTIONS:
                raise PackError(f"profile {name!r}: bad action {category}: {action}")
        flag, block = float(spec.get("flag", 0.4)), float(spec.get("block", 0.7))
        if not 0 < flag <= block <= 1:
            raise PackError(f"profile {name!r}: need 0 < flag <= block <= 1")
        t2 = str(spec.get("t2", "auto"))
        if t2 not in ("auto", "always", "never"):
            raise PackError(f"profile {name!r}: t2 must be auto, always or never")
        profiles[name] = Profile(
            id=name,
            version=version,
            description=str(spec.get("description", "")),
            flag=flag,
            block=block,
            evidence=str(spec.get("evidence", "flagged")),
            actions=MappingProxyType(dict(actions)),
            t2=t2,
        )
    if "platform" not in profiles:
        raise PackError("profiles.yaml must define the default profile 'platform'")
    return ProfileSet(MappingProxyType(profiles), frozenset(data.get("public_channels") or []))
