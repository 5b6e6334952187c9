"""The HTTP API against the real app (in-process) and a real uvicorn server (subprocess)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import Settings, create_app

AD = "暑假初二数学提高班，名师押题，保证提分30分！原价3980现价980"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(max_chars=1000, max_batch=4, max_body_bytes=100_000))) as c:
        yield c


def test_moderate(client) -> None:
    r = client.post("/v1/moderate", json={"text": AD, "id": "ad-1", "channel": "billboard"})
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == "ad-1" and body["decision"] == "block"
    assert body["policy"]["id"] == "public-channel"
    assert any(e["category"] == "misleading_pricing" and AD[e["start"]:e["end"]] == e["text"] for e in body["evidence"])


def test_batch(client) -> None:
    r = client.post("/v1/moderate/batch", json={"items": [{"id": "a", "text": AD}, {"id": "b", "text": "考研数学全程班 名师直播"}]})
    assert r.status_code == 200
    assert [x["decision"] for x in r.json()["results"]] == ["block", "pass"]


@pytest.mark.parametrize(
    "path, payload, status, code",
    [
        ("/v1/moderate", {"text": ""}, 400, "empty_text"),
        ("/v1/moderate", {"text": "   "}, 400, "empty_text"),
        ("/v1/moderate", {"text": "补" * 1001}, 413, "text_too_long"),
        ("/v1/moderate", {"text": "ok", "policy": "nope"}, 400, "unknown_policy"),
        ("/v1/moderate", {}, 422, "invalid_request"),
        ("/v1/moderate", {"text": 5}, 422, "invalid_request"),
        ("/v1/moderate", {"text": "ok", "bogus": 1}, 422, "invalid_request"),
        ("/v1/moderate/batch", {"items": [{"text": "ok"}] * 5}, 413, "batch_too_large"),
        ("/v1/moderate/batch", {"items": [{"text": "ok"}, {"text": ""}]}, 400, "empty_text"),
        ("/v1/moderate/batch", {"items": "x"}, 422, "invalid_request"),
    ],
)
def test_bad_input_gets_a_precise_4xx(client, path, payload, status, code) -> None:
    r = client.post(path, json=payload)
    assert r.status_code == status
    assert r.json()["error"]["code"] == code
    assert r.json()["error"]["message"]


def test_malformed_json_and_huge_body(client) -> None:
    r = client.post("/v1/moderate", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    r = client.post("/v1/moderate", content=b"x" * 200_000, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"


def test_health_metrics_openapi(client) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    client.post("/v1/moderate", json={"text": AD})
    text = client.get("/metrics").text
    assert 'moderation_decisions_total{decision="block",policy="platform"}' in text
    assert 'moderation_flags_total{category="anxiety_marketing"}' in text
    assert "moderation_request_seconds_bucket" in text
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/moderate", "/v1/moderate/batch", "/healthz", "/metrics"} <= set(paths)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:  # not listening yet
        return False


def test_real_server_via_cli() -> None:
    """`moderation serve` starts uvicorn; a real HTTP client talks to it over loopback."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moderation", "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while not _healthy(base):
            assert time.monotonic() < deadline, "server did not become healthy"
            assert proc.poll() is None, proc.stdout.read().decode()
            time.sleep(0.2)
        r = httpx.post(f"{base}/v1/moderate", json={"text": AD}, timeout=5)
        assert r.status_code == 200 and r.json()["decision"] == "block"
        assert httpx.post(f"{base}/v1/moderate", json={"text": ""}, timeout=5).status_code == 400
    finally:
        proc.terminate()
        proc.wait(timeout=10)
