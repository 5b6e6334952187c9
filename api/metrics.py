"""Prometheus metrics of the API: requests, latency, decisions and flagged categories."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class ApiMetrics:
    """One registry per app, so tests and several apps in a process never collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "moderation_requests_total", "HTTP requests", ["route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "moderation_request_seconds",
            "HTTP request latency",
            ["route"],
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.decisions = Counter(
            "moderation_decisions_total", "Decisions by outcome", ["decision", "policy"], registry=self.registry
        )
        self.flags = Counter(
            "moderation_flags_total", "Flagged categories", ["category"], registry=self.registry
        )

    def record_result(self, result: dict) -> None:
        self.decisions.labels(result["decision"], result["policy"]["id"]).inc()
        for category, value in result["categories"].items():
            if value["flagged"]:
                self.flags.labels(category).inc()
