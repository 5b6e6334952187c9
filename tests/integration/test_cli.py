"""The command line as a user runs it: score, scan, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from moderation.cli import main

AD = "暑假初二数学提高班，名师押题，保证提分30分！原价3980现价980"


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "moderation", *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_score_prints_a_result() -> None:
    proc = run_cli("score", AD)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["decision"] == "block"


@pytest.mark.parametrize(
    "text, decision",
    [("考研数学全程班 名师直播", "pass"), ("s x 补.習 班，懂的私聊", "block")],
)
def test_score_issue_examples(capsys, text, decision) -> None:
    assert main(["score", "--compact", text]) == 0
    assert json.loads(capsys.readouterr().out)["decision"] == decision


def test_score_reads_stdin() -> None:
    proc = run_cli("score", "-", "--compact", stdin=AD)
    assert proc.returncode == 0 and json.loads(proc.stdout)["decision"] == "block"


@pytest.mark.parametrize(
    "args, message",
    [
        (["score", ""], "text is empty"),
        (["score", "ok", "--policy", "nope"], "unknown policy 'nope'"),
        (["--max-chars", "5", "score", "一二三四五六"], "limit is 5"),
        (["scan", "/no/such/file.jsonl", "-o", "-"], "no such file"),
        (["scan", "-", "-o", "-", "--policy", "nope"], "unknown policy"),
        (["score", "--image", "x.png"], "cannot read x.png"),
    ],
)
def test_bad_usage_exits_2_with_one_line(capsys, args, message) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_undecodable_stdin_exits_2() -> None:
    proc = subprocess.run([sys.executable, "-m", "moderation", "score", "-"], input=b"\xff\xfe bad", capture_output=True)
    assert proc.returncode == 2 and b"not UTF-8" in proc.stderr


def test_usage_error_exits_2() -> None:
    assert run_cli("frobnicate").returncode == 2


def test_scan_writes_one_result_per_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": AD}, ensure_ascii=False),
        json.dumps({"id": "b", "text": "考研数学全程班 名师直播"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "d", "text": ""}),
        json.dumps({"id": "e"}),
        json.dumps({"id": "f", "image_path": "poster.png"}),
        json.dumps([1, 2]),
        "",
        json.dumps({"id": "i", "text": "少儿街舞暑假班，6-12岁", "policy": "public-channel"}, ensure_ascii=False),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(("\n".join(lines) + "\n").encode("utf-8") + b'{"id": "j", "text": "\xff"}\n')
    out = tmp_path / "out.jsonl"
    proc = run_cli("scan", str(src), "-o", str(out), "--progress")
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(results) == len(lines) + 1
    assert [r.get("id") for r in results] == ["a", "b", None, "d", "e", "f", None, None, "i", None]
    assert results[0]["decision"] == "block" and results[1]["decision"] == "pass"
    assert [r["error"]["code"] for r in results if "error" in r] == [
        "invalid_json", "empty_text", "missing_text", "unreadable_image", "invalid_item", "invalid_json", "invalid_utf8"
    ]
    assert results[8]["decision"] == "block"
    assert "scanned 10 items" in proc.stderr and "7 errors" in proc.stderr
    assert "it" in proc.stderr  # tqdm progress bar was drawn


def test_scan_stdin_to_stdout() -> None:
    proc = run_cli("scan", "-", "-o", "-", stdin=json.dumps({"id": 1, "text": AD}, ensure_ascii=False) + "\n")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["id"] == 1
