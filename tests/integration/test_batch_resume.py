"""Exactly-once under SIGKILL: a scan killed three times at random points and resumed equals an uninterrupted run."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

N_LINES = 4000
CHUNK = 100
TEXTS = [
    "暑假初二数学提高班，名师押题，保证提分30分！原价3980现价980",
    "考研数学全程班 名师直播，报名咨询13800000000",
    "记者从市教育局获悉，落实双减政策以来，全市学科类校外培训机构压减九成。",
    "少儿街舞暑假班，6-12岁，周末小班教学",
    "s x 补.習 班，懂的私聊",
    "小区门口新开了一家奶茶店，买一送一",
]
BAD = {37: "{not json", 1234: "[1, 2]", 2999: json.dumps({"id": "no-text"})}


def make_input(path: Path) -> None:
    rng = random.Random(6)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(1, N_LINES + 1):
            if i in BAD:
                fh.write(BAD[i] + "\n")
            else:
                item = {"id": f"item-{i}", "text": f"{rng.choice(TEXTS)} #{i}", "channel": rng.choice(["sms", "app"])}
                fh.write(json.dumps(item, ensure_ascii=False) + "\n")


def scan_cmd(src: Path, out: Path, errors: Path, state: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "moderation", "scan", str(src), "-o", str(out), "--errors", str(errors),
            "--state", str(state), "--chunk-size", str(CHUNK), "--workers", str(workers), "--no-progress"]


def committed(state: Path) -> int:
    try:
        with sqlite3.connect(state / "progress.sqlite", timeout=1) as db:
            return db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    except sqlite3.Error:
        return 0


def stable(line: str) -> dict:
    r = json.loads(line)
    r.pop("timings_ms", None)
    return r


@pytest.mark.slow
def test_sigkill_three_times_then_resume_is_exactly_once(tmp_path: Path) -> None:
    src, state = tmp_path / "in.jsonl", tmp_path / "state"
    make_input(src)
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    cmd = scan_cmd(src, out, errors, state, workers=2)
    rng = random.Random()
    total_chunks = N_LINES // CHUNK
    seen = []
    for kill in range(3):
        target = rng.randint(committed(state) + 1, committed(state) + 8)
        proc = subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while committed(state) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.15))
        assert proc.poll() is None, f"scan finished before kill {kill + 1}: {proc.stderr.read().decode()}"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        seen.append(committed(state))
    assert 0 < seen[0] < seen[-1] < total_chunks, seen
    assert not out.exists()
    final = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert "resumed from saved progress" in final.stderr

    ref_out, ref_err = tmp_path / "ref.jsonl", tmp_path / "ref-errors.jsonl"
    ref = subprocess.run(scan_cmd(src, ref_out, ref_err, tmp_path / "ref-state", workers=1),
                         capture_output=True, text=True, timeout=120)
    assert ref.returncode == 0, ref.stderr

    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == N_LINES
    locations = [(r.get("source") or r)["location"] for r in map(json.loads, lines)]
    assert locations == [f"in.jsonl:{i}" for i in range(1, N_LINES + 1)]
    ids = [json.loads(line)["id"] for line in lines]
    good_ids = [i for i in ids if i is not None]
    assert len(good_ids) == len(set(good_ids)) == N_LINES - 2
    assert [stable(a) for a in lines] == [stable(b) for b in ref_out.read_text(encoding="utf-8").splitlines()]

    errs = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert [(e["location"], e["error"]["code"]) for e in errs] == [
        ("in.jsonl:37", "invalid_json"), ("in.jsonl:1234", "invalid_item"), ("in.jsonl:2999", "missing_text")
    ]
    assert errors.read_text(encoding="utf-8") == ref_err.read_text(encoding="utf-8")
