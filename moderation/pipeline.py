"""The Moderator: text in, a contract-shaped moderation result out."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from .categories import CATEGORIES
from .detectors.rules import RuleDetector
from .normalize import normalize
from .policy.pack import RuleSpec, load_pack
from .policy.profiles import Profile, UnknownPolicy, load_profiles


class InputError(ValueError):
    """Bad input from a caller: maps to HTTP 4xx and CLI exit code 2."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Limits:
    """Input limits; over them a request is refused, never truncated silently."""

    max_chars: int = 20_000
    max_batch: int = 512


class Moderator:
    """Loads the policy pack and profiles once; scores texts under a named profile."""

    def __init__(self, pack_dir: str | Path | None = None, limits: Limits | None = None) -> None:
        self.pack = load_pack(pack_dir)
        self.rules = RuleDetector(self.pack)
        self.profiles = load_profiles(pack_dir)
        self.limits = limits or Limits()
        self.model_versions = {"rules": self.rules.version}
        self._rules_by_id = {rule.id: rule for rule in self.pack.rules}

    def pack_rule(self, rule_id: str) -> RuleSpec:
        """The rule spec with this id (KeyError if none)."""
        return self._rules_by_id[rule_id]

    def profile(self, policy: str | None, channel: str | None = None) -> Profile:
        """Resolve a policy name (or a channel's default) to a profile, or raise InputError."""
        try:
            return self.profiles.get(policy, channel)
        except UnknownPolicy as exc:
            raise InputError("unknown_policy", str(exc)) from None

    def check_text(self, text: Any) -> str:
        """Validate one text against the limits."""
        if not isinstance(text, str):
            raise InputError("invalid_text", f"text must be a string, got {type(text).__name__}")
        if not text.strip():
            raise InputError("empty_text", "text is empty")
        if len(text) > self.limits.max_chars:
            raise InputError(
                "text_too_long", f"text has {len(text)} characters; the limit is {self.limits.max_chars}"
            )
        return text

    def moderate(
        self,
        text: str,
        *,
        id: str | None = None,
        policy: str | None = None,
        channel: str | None = None,
    ) -> dict[str, Any]:
        """Score one text and decide under the profile; raises InputError on bad input."""
        t0 = time.perf_counter()
        profile = self.profile(policy, channel)
        self.check_text(text)
        nt = normalize(text)
        t1 = time.perf_counter()
        analysis = self.rules.analyze(nt)
        t2 = time.perf_counter()
        decision, risk, flagged = profile.decide(analysis.scores)
        evidence = self._evidence(analysis.evidence, flagged, keep_all=profile.evidence == "all")
        attributes = dict(analysis.attributes)
        if channel:
            attributes["channel"] = channel
        result: dict[str, Any] = {
            "id": id,
            "decision": decision,
            "risk": risk,
            "policy": {"id": profile.id, "version": profile.version},
            "categories": {
                c: {"score": analysis.scores.get(c, 0.0), "flagged": flagged[c]} for c in CATEGORIES
            },
            "attributes": attributes,
            "evidence": evidence,
            "model_versions": dict(self.model_versions),
        }
        if profile.evidence == "all":
            result["fired_rules"] = list(analysis.fired_rules)
        t3 = time.perf_counter()
        result["timings_ms"] = {
            "normalize": round((t1 - t0) * 1000, 3),
            "rules": round((t2 - t1) * 1000, 3),
            "total": round((t3 - t0) * 1000, 3),
        }
        return result

    @staticmethod
    def _evidence(items, flagged: dict[str, bool], keep_all: bool) -> list[dict[str, Any]]:
        """Evidence in category then text order; one entry per span unless every finding is kept."""
        out, seen = [], set()
        for e in sorted(items, key=lambda e: (CATEGORIES.index(e.category), e.start, e.end)):
            if not keep_all:
                if not flagged.get(e.category) or (e.category, e.start, e.end) in seen:
                    continue
                seen.add((e.category, e.start, e.end))
            out.append(e.to_dict())
        return out

    def moderate_batch(
        self, items: Iterable[Mapping[str, Any]], *, policy: str | None = None
    ) -> list[dict[str, Any]]:
        """Score many items ({'id', 'text', 'channel', 'policy'}); a batch-level policy is the default.

        Every item is validated before any is scored, so a bad item fails the whole batch, naming its index.
        """
        items = list(items)
        if len(items) > self.limits.max_batch:
            raise InputError("batch_too_large", f"batch has {len(items)} items; the limit is {self.limits.max_batch}")
        for i, item in enumerate(items):
            try:
                self.check_text(item.get("text"))
                self.profile(item.get("policy") or policy, item.get("channel"))
            except InputError as exc:
                raise InputError(exc.code, f"items[{i}]: {exc.message}") from None
        return [
            self.moderate(
                item.get("text"),  # type: ignore[arg-type]
                id=item.get("id"),
                policy=item.get("policy") or policy,
                channel=item.get("channel"),
            )
            for item in items
        ]
