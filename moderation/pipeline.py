"""The Moderator: text in, a contract-shaped moderation result out."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from .categories import AD_CATEGORIES, CATEGORIES
from .detectors.rules import RuleDetector
from .models.cascade import ModelOutput, TextModels
from .normalize import NormalizedText, normalize
from .policy.pack import RuleSpec, load_pack
from .policy.profiles import Profile, UnknownPolicy, load_profiles
from .types import Analysis


class InputError(ValueError):
    """Bad input from a caller: maps to HTTP 4xx and CLI exit code 2."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


TIERS = ("rules", "t1", "cascade", "full")
TRAINING_AD = ("subject_training_ad", "non_subject_training_ad", "disguised_training")


@dataclass(frozen=True, slots=True)
class Limits:
    """Input limits; over them a request is refused, never truncated silently."""

    max_chars: int = 20_000
    max_batch: int = 512


class Moderator:
    """Loads the policy pack, profiles and models once; scores texts under a named profile.

    ``models``: None finds the shipped models (``$MODERATION_MODELS_DIR`` or ``models/``), False runs rules only,
    a path or a ``TextModels`` uses those.
    """

    def __init__(self, pack_dir: str | Path | None = None, limits: Limits | None = None,
                 models: TextModels | str | Path | bool | None = None) -> None:
        self.pack = load_pack(pack_dir)
        self.rules = RuleDetector(self.pack)
        self.profiles = load_profiles(pack_dir)
        self.limits = limits or Limits()
        if models is None:
            models = TextModels.from_default()
        elif models is False:
            models = None
        elif isinstance(models, (str, Path)):
            models = TextModels(models)
        self.models: TextModels | None = models
        self.forced_t2: str | None = None
        self.model_versions = {"rules": self.rules.version, **(models.versions if models else {})}
        self._rules_by_id = {rule.id: rule for rule in self.pack.rules}
        self._citation = {}
        for rule in self.pack.rules:
            self._citation.setdefault(rule.category, rule.citation)

    def tier(self, name: str) -> "Moderator":
        """A view scoring with one tier: rules, t1 (rules + linear), cascade (the profile's T2 mode), full (T2 always)."""
        if name not in TIERS:
            raise InputError("unknown_tier", f"unknown tier {name!r} (known: {', '.join(TIERS)})")
        view = copy.copy(self)
        if name == "rules" or self.models is None:
            view.models = None
        elif name == "t1":
            view.models = self.models.without_t2()
        view.forced_t2 = "always" if name == "full" else None
        view.model_versions = {"rules": self.rules.version, **(view.models.versions if view.models else {})}
        return view

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
        profile = self.profile(policy, channel)
        self.check_text(text)
        return self._run([(text, id, channel, profile)])[0]

    def moderate_batch(
        self, items: Iterable[Mapping[str, Any]], *, policy: str | None = None
    ) -> list[dict[str, Any]]:
        """Score many items ({'id', 'text', 'channel', 'policy'}); a batch-level policy is the default.

        Every item is validated before any is scored, so a bad item fails the whole batch, naming its index.
        """
        items = list(items)
        if len(items) > self.limits.max_batch:
            raise InputError("batch_too_large", f"batch has {len(items)} items; the limit is {self.limits.max_batch}")
        jobs = []
        for i, item in enumerate(items):
            try:
                text = self.check_text(item.get("text"))
                profile = self.profile(item.get("policy") or policy, item.get("channel"))
            except InputError as exc:
                raise InputError(exc.code, f"items[{i}]: {exc.message}") from None
            jobs.append((text, item.get("id"), item.get("channel"), profile))
        return self._run(jobs)

    def _run(self, jobs: list[tuple[str, Any, str | None, Profile]]) -> list[dict[str, Any]]:
        """Normalise, run the rules and the model cascade over validated jobs, then decide each."""
        n = len(jobs)
        t0 = time.perf_counter()
        nts = [normalize(text) for text, *_ in jobs]
        t1 = time.perf_counter()
        analyses = [self.rules.analyze(nt) for nt in nts]
        t2 = time.perf_counter()
        outputs: list[ModelOutput | None] = [None] * n
        if self.models is not None:
            by_mode: dict[str, list[int]] = {}
            for i, (*_, profile) in enumerate(jobs):
                by_mode.setdefault(self.forced_t2 or profile.t2, []).append(i)
            for mode, rows in by_mode.items():
                for i, out in zip(rows, self.models.score([nts[i] for i in rows], t2=mode)):
                    outputs[i] = out
        t3 = time.perf_counter()
        shared = {"normalize": (t1 - t0) / n, "rules": (t2 - t1) / n, "models": (t3 - t2) / n}
        results = []
        for (text, id_, channel, profile), nt, analysis, out in zip(jobs, nts, analyses, outputs):
            t4 = time.perf_counter()
            result = self._result(id_, channel, profile, nt, analysis, out)
            timings = {k: round(v * 1000, 3) for k, v in shared.items()}
            timings["total"] = round((sum(shared.values()) + time.perf_counter() - t4) * 1000, 3)
            result["timings_ms"] = timings
            results.append(result)
        return results

    def _fuse(self, analysis: Analysis, out: ModelOutput | None, block: float) -> tuple[dict[str, float], dict[str, str]]:
        """Per-category max of the rule score and the model probability; rules' hard negatives veto the models.

        A category the models alone flag blocks only at ``model_only_block`` confidence; below it, it is sent to review.
        """
        scores = dict(analysis.scores)
        source = {c: "rules" for c in AD_CATEGORIES}
        if out is None or analysis.suppressed_by:
            return scores, source
        # Claims, prices, schedules and services are in scope only in a training ad: the model's score for
        # them is capped by how sure rules or models are that this is one.
        training_ad = max(max(out.probs[c], scores.get(c, 0.0)) for c in TRAINING_AD)
        for c in AD_CATEGORIES:
            p = out.probs[c] if c in TRAINING_AD else min(out.probs[c], training_ad)
            rule = scores.get(c, 0.0)
            if p <= rule:
                continue
            if rule < p / 2:
                source[c] = "model"
                if p < self.models.config.model_only_block:  # type: ignore[union-attr]
                    p = min(p, block - 1e-4)
            else:
                source[c] = "rules+model"
            scores[c] = round(p, 4)
        return scores, source

    def _result(self, id_: Any, channel: str | None, profile: Profile, nt: NormalizedText,
                analysis: Analysis, out: ModelOutput | None) -> dict[str, Any]:
        scores, source = self._fuse(analysis, out, profile.block)
        decision, risk, flagged = profile.decide(scores)
        evidence = self._evidence(analysis.evidence, flagged, keep_all=profile.evidence == "all")
        if out is not None:
            evidence += self._model_evidence(nt, analysis, out, flagged, source)
        attributes = dict(analysis.attributes)
        if out is not None and any(flagged[c] for c in AD_CATEGORIES):
            floor = self.models.config.attribute_min  # type: ignore[union-attr]
            if attributes.get("stage") == "none" and (stage := out.stage(floor)):
                attributes["stage"] = stage
            if not attributes.get("subjects"):
                attributes["subjects"] = out.subjects(floor)
        if channel:
            attributes["channel"] = channel
        result: dict[str, Any] = {
            "id": id_,
            "decision": decision,
            "risk": risk,
            "policy": {"id": profile.id, "version": profile.version},
            "categories": {
                c: {"score": scores.get(c, 0.0), "flagged": flagged[c], **({"source": source[c]} if c in source else {})}
                for c in CATEGORIES
            },
            "attributes": attributes,
            "evidence": evidence,
            "model_versions": dict(self.model_versions),
        }
        if out is not None:
            result["tiers"] = ["rules", *out.tiers]
        if profile.evidence == "all":
            result["fired_rules"] = list(analysis.fired_rules)
        return result

    def _model_evidence(self, nt: NormalizedText, analysis: Analysis, out: ModelOutput,
                        flagged: dict[str, bool], source: dict[str, str]) -> list[dict[str, Any]]:
        """For categories flagged by the models alone: the n-grams that drove the linear tier, located."""
        assert self.models is not None
        name = "model:" + "+".join(self.model_versions[t] for t in out.tiers)
        found = []
        for c in AD_CATEGORIES:
            if not flagged[c] or source[c] != "model":
                continue
            spans = self.models.spans(nt, c) or [(0, len(nt.original), nt.original)]
            found += [{"category": c, "start": s, "end": e, "text": t, "source": name,
                       "citation": self._citation.get(c, ""), "location": {"kind": "text"}, "via": "model"}
                      for s, e, t in spans]
        return found

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
