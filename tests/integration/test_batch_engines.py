"""Inputs of every format through the scan CLI; Ray and local engines give the same results."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from moderation.cli import main

AD = "暑假初二数学提高班，名师押题，保证提分30分！原价3980现价980"
NEWS = "记者从市教育局获悉，落实双减政策以来，全市学科类校外培训机构压减九成。"


def stable(lines: list[str]) -> list[dict]:
    out = []
    for line in lines:
        r = json.loads(line)
        r.pop("timings_ms", None)
        out.append(r)
    return out


def make_jsonl(path: Path, n: int) -> None:
    rows = [json.dumps({"id": f"r{i}", "text": (AD, NEWS, "s x 补.習 班，懂的私聊")[i % 3] + f" {i}",
                        "channel": ("sms", "app")[i % 2]}, ensure_ascii=False) for i in range(n)]
    rows[7] = "{oops"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def run_scan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "moderation", "scan", *args, "--no-progress"],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_ray_engine_matches_local_engine(tmp_path: Path) -> None:
    try:
        import ray  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("the 'ray' extra is missing in CI")
        pytest.skip("the 'ray' extra is not installed")
    src = tmp_path / "in.jsonl"
    make_jsonl(src, 600)
    local = run_scan(str(src), "-o", str(tmp_path / "local.jsonl"), "--workers", "2", "--chunk-size", "50")
    ray = run_scan(str(src), "-o", str(tmp_path / "ray.jsonl"), "--engine", "ray", "--workers", "2",
                   "--chunk-size", "50", "--errors", str(tmp_path / "ray-errors.jsonl"))
    assert local.returncode == 0, local.stderr
    assert ray.returncode == 0, ray.stderr
    assert "[ray, 2 workers]" in ray.stderr and "scanned 600 items" in ray.stderr
    a = stable((tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines())
    b = stable((tmp_path / "ray.jsonl").read_text(encoding="utf-8").splitlines())
    assert len(a) == 600 and a == b
    [err] = [json.loads(x) for x in (tmp_path / "ray-errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert err["location"] == "in.jsonl:8" and err["error"]["code"] == "invalid_json"


def _write_csv(path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "channel"])
        w.writerow(["c1", AD, "billboard"])
        w.writerow(["c2", "多行\n" + NEWS, "news"])
        w.writerow(["c3", "", "sms"])
        w.writerow(["c4", AD, "sms", "extra"])


def _write_parquet(path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["p1", "p2", None], "text": [AD, NEWS, AD], "channel": ["app", None, "sms"]}),
                   path, row_group_size=2)


def _write_dir(path: Path) -> None:
    (path / "sub").mkdir(parents=True)
    (path / "poster.png").write_bytes(b"\x89PNG")
    (path / "sub" / "course.pdf").write_bytes(b"%PDF-1.4")  # truncated: the document parser refuses it
    (path / "sub" / "lesson.txt").write_text("七年级数学暑假预习讲义\n\n第一章 一元二次方程的解法，配方法与公式法。\n",
                                           encoding="utf-8")
    (path / "notes.bin").write_bytes(b"\0")


@pytest.mark.parametrize(
    "name, make, expected",
    [
        ("in.csv", _write_csv, [("c1", "in.csv:2", "block"), ("c2", "in.csv:3", "pass"),
                                ("c3", "in.csv:5", "missing_text"), ("c4", "in.csv:6", "invalid_row")]),
        ("in.parquet", _write_parquet, [("p1", "in.parquet#row0", "block"), ("p2", "in.parquet#row1", "pass"),
                                        ("in.parquet#row2", "in.parquet#row2", "block")]),
        ("docs", _write_dir, [("notes.bin", "notes.bin", "unsupported_file"),
                              ("poster.png", "poster.png", "undecodable_image"),  # a truncated PNG: the image handler refuses it
                              ("sub/course.pdf", "sub/course.pdf", "malformed_document"),
                              ("sub/lesson.txt", "sub/lesson.txt", "block")]),  # 一元二次方程 is grade 9
    ],
)
@pytest.mark.parametrize("out_name", ["out.jsonl", "out.parquet"])
def test_input_formats_give_one_located_result_each(tmp_path: Path, capsys, name, make, expected, out_name) -> None:
    from moderation.batch.writers import iter_results

    src = tmp_path / name
    make(src)
    out = tmp_path / out_name
    assert main(["scan", str(src), "-o", str(out), "--workers", "1", "--no-progress"]) == 0, capsys.readouterr().err
    got = []
    for r in iter_results(str(out)):
        where = (r.get("source") or r)["location"]
        got.append((r["id"], where, r["error"]["code"] if "error" in r else r["decision"]))
    assert got == expected
    assert not (tmp_path / f"{out_name}.state").exists()  # the default state dir goes once the scan is done


@pytest.mark.parametrize(
    "args, message",
    [
        (["scan", "{tmp}/x.unknown", "-o", "{tmp}/o.jsonl"], "cannot tell the format"),
        (["scan", "{tmp}/in.jsonl", "-o", "-", "--report", "{tmp}/r.html"], "--report needs results in a file"),
        (["scan", "{tmp}/in.jsonl", "-o", "{tmp}/o.jsonl", "--workers", "-1"], "--workers"),
        (["scan", "{tmp}/in.jsonl", "-o", "{tmp}/o.jsonl", "--chunk-size", "0"], "--chunk-size"),
        (["scan", "{tmp}/in.jsonl", "-o", "{tmp}/o.jsonl", "--state", "{tmp}/used", "--chunk-size", "3"],
         "belongs to another input"),
        (["scan", "{tmp}/x.unknown", "-o", "{tmp}/o.parquet", "--format", "parquet"], "not a Parquet file"),
        (["report", "{tmp}/nope.jsonl", "-o", "{tmp}/r.html"], "no such file"),
        (["report", "{tmp}/x.unknown", "-o", "{tmp}/r.html"], "not a results file"),
    ],
)
def test_bad_batch_usage_exits_2_with_one_line(tmp_path: Path, capsys, args, message) -> None:
    make_jsonl(tmp_path / "in.jsonl", 10)
    (tmp_path / "x.unknown").write_text("not json at all\n", encoding="utf-8")
    assert main(["scan", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--state", str(tmp_path / "used"),
                 "--no-progress"]) == 0
    capsys.readouterr()
    assert main([a.format(tmp=tmp_path) for a in args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_uncommitted_part_is_discarded_and_redone(tmp_path: Path) -> None:
    src, out, state = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "st"
    make_jsonl(src, 30)
    assert main(["scan", str(src), "-o", str(out), "--state", str(state), "--chunk-size", "10", "--no-progress"]) == 0
    first = out.read_text(encoding="utf-8")
    # Simulate a kill between a part's rename and its commit: drop chunk 1's row, corrupt its part, add a stray tmp.
    with sqlite3.connect(state / "progress.sqlite") as db:
        db.execute("DELETE FROM chunks WHERE idx = 1")
    (state / "parts" / "00000001.jsonl").write_text('{"id": "duplicate"}\n' * 3, encoding="utf-8")
    (state / "parts" / "00000002.jsonl.tmp").write_text("partial", encoding="utf-8")
    out.unlink()
    assert main(["scan", str(src), "-o", str(out), "--state", str(state), "--chunk-size", "10", "--no-progress"]) == 0
    assert stable(out.read_text(encoding="utf-8").splitlines()) == stable(first.splitlines())
    assert not (state / "parts" / "00000002.jsonl.tmp").exists()
