"""Jobs over HTTP against SQLite and the real PostgreSQL server: submit, progress, results, refusals, restart."""

from __future__ import annotations

import io
import json
import os
import time
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import Settings, create_app
from moderation.jobs.store import JobStore

PG_URLS = [os.environ.get("MODERATION_TEST_PG_URL", ""), "postgresql+psycopg://postgres@127.0.0.1:5432/test",
           "postgresql+psycopg://root@127.0.0.1:5432/test"]
TEXTS = ["暑假初二数学提高班，名师押题，保证提分30分！原价3980现价980", "考研数学全程班 名师直播",
         "记者从市教育局获悉，落实双减政策以来，全市学科类校外培训机构压减九成。", "少儿街舞暑假班，6-12岁"]


def _pg_url() -> str:
    import sqlalchemy

    reasons = []
    for url in filter(None, PG_URLS):
        try:
            engine = sqlalchemy.create_engine(url, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(sqlalchemy.text("select 1"))
            engine.dispose()
            return url
        except Exception as exc:  # no server, no role, no database
            reasons.append(f"{url}: {type(exc).__name__}")
    message = "no PostgreSQL reachable (" + "; ".join(reasons) + ")"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " — CI must test PostgreSQL")
    pytest.skip(message)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def jobs_env(request, tmp_path_factory) -> dict:
    """Env for the apps of one backend: own data dir, database, and a unique table prefix (parallel runs never collide)."""
    tmp_path = tmp_path_factory.mktemp(f"jobs-{request.param}")
    url = f"sqlite:///{tmp_path / 'jobs.sqlite'}" if request.param == "sqlite" else _pg_url()
    prefix = f"t{uuid.uuid4().hex[:10]}_"
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    env = {"MODERATION_JOBS_DIR": str(tmp_path / "data"), "MODERATION_JOBS_DB": url,
           "MODERATION_JOBS_TABLE_PREFIX": prefix, "MODERATION_JOBS_ALLOWED_DIRS": str(allowed),
           "MODERATION_JOBS_CHUNK_SIZE": "100", "MODERATION_JOBS_LEASE_S": "60"}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        yield {"url": url, "prefix": prefix, "allowed": allowed, "tmp": tmp_path, "backend": request.param}
    JobStore(url, prefix).drop()


@pytest.fixture(scope="module")
def client(jobs_env):
    """One running app per backend for the tests that need no restart."""
    with TestClient(create_app(Settings())) as c:
        yield c


@pytest.fixture
def own_table(jobs_env, monkeypatch) -> str:
    """A table of its own, so the module's running app cannot claim this test's jobs."""
    prefix = f"t{uuid.uuid4().hex[:10]}_"
    monkeypatch.setenv("MODERATION_JOBS_TABLE_PREFIX", prefix)
    yield prefix
    JobStore(jobs_env["url"], prefix).drop()


def jsonl(n: int, bad_every: int = 0) -> bytes:
    lines = []
    for i in range(n):
        if bad_every and i % bad_every == bad_every - 1:
            lines.append("{broken")
        else:
            lines.append(json.dumps({"id": f"j{i}", "text": TEXTS[i % len(TEXTS)] + f" {i}"}, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def wait_done(client: TestClient, job_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/v1/jobs/{job_id}").json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} not done: {body}")


def app() -> TestClient:
    return TestClient(create_app(Settings()))


def test_upload_jsonl_runs_to_results(client, moderator) -> None:
    r = client.post("/v1/jobs", files={"file": ("batch.jsonl", jsonl(250, bad_every=50), "application/x-ndjson")},
                    data={"policy": "platform"})
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] == "queued" and job["progress"]["total"] == 250
    done = wait_done(client, job["id"])
    assert done["status"] == "done" and done["progress"] == {"items": 250, "total": 250, "errors": 5,
                                                              "fraction": 1.0}
    res = client.get(f"/v1/jobs/{job['id']}/results")
    assert res.status_code == 200 and res.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(x) for x in res.text.splitlines()]
    assert len(rows) == 250 and sum("error" in r for r in rows) == 5
    assert rows[0]["decision"] == moderator.moderate(TEXTS[0] + " 0", policy="platform")["decision"] == "block"
    assert sum(done["decisions"].values()) == 245


def test_parquet_upload_and_allowed_path(jobs_env, client) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist([{"id": f"p{i}", "text": TEXTS[i % 4]} for i in range(30)]), buf)
    server_file = jobs_env["allowed"] / "crawl.jsonl"
    server_file.write_bytes(jsonl(40))
    a = client.post("/v1/jobs", files={"file": ("x.parquet", buf.getvalue(), "application/octet-stream")})
    b = client.post("/v1/jobs", json={"path": str(server_file)})
    assert a.status_code == b.status_code == 202, (a.text, b.text)
    for job, n in ((a.json(), 30), (b.json(), 40)):
        assert wait_done(client, job["id"])["progress"]["items"] == n
        ids = [json.loads(x)["id"] for x in client.get(f"/v1/jobs/{job['id']}/results").text.splitlines()]
        assert len(ids) == len(set(ids)) == n


@pytest.mark.parametrize(
    "kind, payload, status, code",
    [
        ("json", {"path": "/etc/passwd"}, 403, "path_not_allowed"),
        ("json", {"path": "{allowed}/../escape.jsonl"}, 403, "path_not_allowed"),
        ("json", {"path": "{allowed}/missing.jsonl"}, 400, "input_not_found"),
        ("json", {}, 400, "invalid_request"),
        ("json", {"path": "{allowed}/ok.jsonl", "policy": "nope"}, 400, "unknown_policy"),
        ("file", ("notes.txt", b"hello"), 400, "unsupported_format"),
        ("file", ("fake.parquet", b"not parquet"), 400, "invalid_input"),
        ("raw", b"hello", 415, "unsupported_media_type"),
    ],
)
def test_bad_job_requests_get_precise_errors(jobs_env, client, kind, payload, status, code) -> None:
    allowed = jobs_env["allowed"]
    (allowed / "ok.jsonl").write_bytes(jsonl(3))
    (allowed.parent / "escape.jsonl").write_bytes(jsonl(3))
    if kind == "json":
        body = {k: v.format(allowed=allowed) for k, v in payload.items()}
        r = client.post("/v1/jobs", json=body)
    elif kind == "file":
        r = client.post("/v1/jobs", files={"file": payload})
    else:
        r = client.post("/v1/jobs", content=payload, headers={"content-type": "text/plain"})
    assert (r.status_code, r.json()["error"]["code"]) == (status, code), r.text
    missing = client.get("/v1/jobs/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "job_not_found"
    assert client.get("/v1/jobs/nope/results").status_code == 404


def test_server_restart_resumes_unfinished_job(jobs_env, own_table) -> None:
    n = 3000
    with app() as client:
        job = client.post("/v1/jobs", files={"file": ("big.jsonl", jsonl(n, bad_every=500), "application/x-ndjson")})
        job_id = job.json()["id"]
        deadline = time.monotonic() + 60
        while client.get(f"/v1/jobs/{job_id}").json()["progress"]["items"] < 300 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert client.get(f"/v1/jobs/{job_id}/results").json()["error"]["code"] == "job_not_finished"
    # The first server is gone mid-job: the job went back to the queue with its progress kept.
    stopped = JobStore(jobs_env["url"], own_table).get(job_id)
    assert stopped["status"] == "queued" and 300 <= stopped["items"] < n
    with app() as client:
        done = wait_done(client, job_id)
        assert done["status"] == "done" and done["progress"]["items"] == n and done["progress"]["errors"] == 6
        rows = [json.loads(x) for x in client.get(f"/v1/jobs/{job_id}/results").text.splitlines()]
    locations = [(r.get("source") or r)["location"] for r in rows]
    assert locations == [f"input.jsonl:{i}" for i in range(1, n + 1)]


def test_crashed_worker_lease_is_reclaimed_once(jobs_env, own_table) -> None:
    store = JobStore(jobs_env["url"], own_table)
    store.create("crashed",  input_path="x", input_format="jsonl", output_path="y", state_dir="z", policy=None,
                 total=1)
    assert store.claim("crashed", lease_s=60)
    assert not store.claim("crashed", lease_s=60)  # a live lease is not taken twice
    store.update("crashed", heartbeat=time.time() - 120)  # the server died two minutes ago
    assert store.claimable(lease_s=60) == ["crashed"]
    assert store.claim("crashed", lease_s=60) and not store.claim("crashed", lease_s=60)
    assert store.get("crashed")["attempts"] == 2
