"""Build the generated part of the curriculum knowledge base from *ship* data.

Writes into moderation/curriculum/kb/:
  math_pep.jsonl           人教版 junior/senior math sections (pep_math_toc, MIT)
  math_primary_bnu.jsonl   北师大 primary math knowledge points (chalkbase, MIT; a prior, not gold)
  english_vocab.tsv        first PEP grade of each English word (english_vocab_by_grade, BSD-3-Clause)
and prints how many gaokao_bench (Apache-2.0) questions per subject hit a senior entry — a sanity check of the
hand-written senior entries on ship data. Never reads ceval/cmmlu (eval/dev only) or cmath (the evaluation set).

    python datasets/curriculum/build_kb.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KB = ROOT / "moderation" / "curriculum" / "kb"

_GRADE_CN = {"七年级": 7, "八年级": 8, "九年级": 9}
_TYPOS = {"园": "圆", "勾股定律": "勾股定理", "一次次函数": "一次函数", "恋量": "变量", "全程量词": "全称量词",
          "整数和负数": "正数和负数", "独文性": "独立性", "分布乘法": "分步乘法", "任意小的": "任意角的",
          "统计案列": "统计案例", "斐波拉数列": "斐波那契数列", "元线性回归": "一元线性回归"}
# Section words that name an activity or a relation, not a knowledge point.
_SKIP_TITLE = re.compile(r"数学活动|小结|复习|本章|导语|习题|阅读与思考|探究与发现|信息技术|实验与探究|观察与猜想|"
                         r"文献阅读|课题学习|数学建模|数学探究|整理与描述|参考题")
_SPLIT = re.compile(r"[与和及、,，:：()（）\s]|及其|的(?:概念|运算|性质|判定|应用|表示|图像|意义|有关性质|计算|定义)|"
                    r"实际问题|简单应用|解决实际问题|利用|研究|在.+中")
_STOP = {"概念", "性质", "运算", "判定", "应用", "图像", "实际问题", "基本", "一", "二", "三", "函数的应用", "解", "其",
         "几何图形", "图形", "直线", "角", "基本关系", "数字特征", "计数原理", "基本运算", "等式", "不等式", "统计",
         "概率", "函数", "集合", "方程", "数据", "投影", "平移", "随机事件", "坐标法", "曲线", "立体图形的直观图",
         "空间", "平面", "数列的应用", "简单几何体的表面积", "体积", "距离公式", "交点坐标", "统计模型", "随机变量",
         "有理数", "实数", "指数", "排列", "组合", "推论", "数列基础", "平面直线", "空间点", "统计案例", "乘方", "整式", "线段", "射线", "频率", "中心对称", "轴对称", "多边形", "三视图"}


def _clean(title: str) -> str:
    t = re.sub(r"^\s*\"?\s*[\d.]+\s*[:：]?\s*", "", title).strip().strip('"')
    t = re.sub(r"[(（][一二三四]+[)）]", "", t)
    for wrong, right in _TYPOS.items():
        t = t.replace(wrong, right)
    return t.strip()


def _senior_grade(kind: str, volume: str) -> tuple[int, str]:
    """必修 第一/二册 → 高一 (10); 必修 第三/四册 (B版) and 选择性必修 → 高二 (11); 选修 → 高三 (12)."""
    if kind == "必修":
        return (10, "上") if "第一册" in volume else (10, "下") if "第二册" in volume else (11, "上")
    if kind == "选择性必修":
        return (11, "")
    return (12, "")


def build_math_pep(data: Path) -> list[dict]:
    rows = list(csv.DictReader((data / "pep_math_toc" / "pep_math_toc.csv").open(encoding="utf-8")))
    entries: dict[str, dict] = {}
    for row in rows:
        if row["level"] != "section" or _SKIP_TITLE.search(row["title"]):
            continue
        name = _clean(row["section"] or row["title"])
        if not name or len(name) < 2:
            continue
        if row["stage"] == "初中":
            grade, term = _GRADE_CN.get(row["grade"], 0), row["volume"].replace("册", "")
            book = f"人教版 数学 {row['grade']}{row['volume']}"
        else:
            grade, term = _senior_grade(row["grade"], row["volume"])
            book = f"人教版 高中数学 {row['grade']} {row['volume']}"
        if not grade:
            continue
        chapter = _clean(row["chapter"]) if row["chapter"] else ""
        terms = {name} | {p for p in _SPLIT.split(name) if len(p) >= 2}
        terms = {t for t in terms if t not in _STOP and not t.startswith("其") and "," not in t
                 and not t.isdigit() and re.search(r"[\u4e00-\u9fff]", t)}
        if not terms:
            continue
        key = f"{grade}:{name}"
        if key in entries:
            continue
        entries[key] = {"id": f"math.pep.{len(entries):03d}", "name": name, "subject": "math", "grade": grade,
                        "term": term, "terms": sorted(terms),
                        "source": f"{book} {chapter} {row['section'].strip().strip(chr(34))}".strip(),
                        "provenance": "pep_math_toc (MIT)"}
    # A term belongs to the earliest grade whose section names it.
    first: dict[str, int] = {}
    for e in entries.values():
        for t in e["terms"]:
            first[t] = min(first.get(t, 99), e["grade"])
    out = []
    for e in entries.values():
        e["terms"] = [t for t in e["terms"] if first[t] == e["grade"]]
        if e["terms"]:
            out.append(e)
    return out


_GENERIC_ALIAS = re.compile(r"^(?:[a-zA-Z]+|.*[|<>=~].*|.{0,2})$")


def build_math_primary(data: Path) -> list[dict]:
    path = data / "chalkbase_bnu_primary_math" / "knowledge_points_first_grade.csv"
    out = []
    for row in csv.DictReader(path.open(encoding="utf-8")):
        grade = int(row["first_grade"] or 0)
        if not 1 <= grade <= 6:
            continue
        terms = set()
        for alias in (row["aliases"] or "").split("|"):
            alias = alias.strip()
            if 3 <= len(alias) <= 8 and not _GENERIC_ALIAS.match(alias) and "（" not in alias:
                terms.add(alias)
        name = row["name"].strip()
        if 3 <= len(name) <= 8 and "（" not in name and "(" not in name:
            terms.add(name)
        if not terms:
            continue
        out.append({"id": f"math.bnu.{row['kp_id'].split('.', 1)[-1]}", "name": name, "subject": "math",
                    "grade": grade, "term": row["first_semester"], "terms": sorted(terms),
                    "source": f"北师大版 数学 {grade}年级{row['first_semester']}册 《{row['first_lesson_title']}》",
                    "provenance": "chalkbase_bnu_primary_math (MIT; LLM-assisted extraction, a prior)",
                    "weight": 0.8})
    return out


def build_english_vocab(data: Path) -> list[tuple[str, int, str]]:
    path = data / "english_vocab_by_grade" / "pep_first_grade.csv"
    rows = []
    for row in csv.DictReader(path.open(encoding="utf-8")):
        word = row["word"].strip().lower()
        if re.fullmatch(r"[a-z][a-z'-]*", word):
            rows.append((word, int(row["first_grade"].split("-")[0]), row["book"]))
    return rows


def gaokao_coverage(data: Path) -> dict[str, tuple[int, int]]:
    """Per gaokao_bench subject: (questions hitting a grade>=10 entry, questions)."""
    sys.path.insert(0, str(ROOT))
    from moderation.curriculum.kb import load_kb
    from moderation.curriculum.matcher import Matcher

    matcher = Matcher(load_kb())
    subjects = {"Math": "math", "Physics": "physics", "Chemistry": "chemistry", "Biology": "biology",
                "History": "history", "Geography": "geography", "Political": "politics", "Chinese": "chinese",
                "English": "english"}
    counts: dict[str, list[int]] = {}
    for path in sorted((data / "gaokao_bench").glob("*.json")):
        subject = next((v for k, v in subjects.items() if k in path.name), None)
        if subject is None:
            continue
        for ex in json.loads(path.read_text(encoding="utf-8"))["example"]:
            hits = matcher.taught(ex["question"], subject)
            c = counts.setdefault(subject, [0, 0])
            c[0] += any(h.entry.grade >= 10 for h in hits)
            c[1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.environ.get("MODERATION_DATA_DIR", str(ROOT.parent / "shared" / "data")))
    ap.add_argument("--coverage", action="store_true", help="also print gaokao_bench coverage of senior entries")
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "pep_math_toc").is_dir():  # a git worktree sits one level deeper
        data = ROOT.parent.parent / "shared" / "data"
    KB.mkdir(parents=True, exist_ok=True)
    for name, entries in (("math_pep.jsonl", build_math_pep(data)), ("math_primary_bnu.jsonl", build_math_primary(data))):
        with (KB / name).open("w", encoding="utf-8") as f:
            for e in entries:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
        print(f"{name}: {len(entries)} entries, grades {dict(sorted(Counter(e['grade'] for e in entries).items()))}")
    vocab = build_english_vocab(data)
    with (KB / "english_vocab.tsv").open("w", encoding="utf-8") as f:
        f.write("# word\tfirst_grade\tbook  (english_vocab_by_grade/pep_first_grade.csv, BSD-3-Clause)\n")
        for word, grade, book in vocab:
            f.write(f"{word}\t{grade}\t{book}\n")
    print(f"english_vocab.tsv: {len(vocab)} words, grades {dict(sorted(Counter(g for _, g, _ in vocab).items()))}")
    if args.coverage:
        for subject, (hit, n) in sorted(gaokao_coverage(data).items()):
            print(f"gaokao_bench {subject:10s} senior-entry coverage {hit}/{n} = {hit / n:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
