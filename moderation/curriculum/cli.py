"""`moderation material FILE [--grade N --subject S] [--html OUT.html]`: a course-material report as JSON."""

from __future__ import annotations

import argparse
import json
import time

from .kb import SUBJECTS


def _grade(value: str) -> int:
    try:
        g = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"grade must be a number 1-12, got {value!r}") from None
    if not 1 <= g <= 12:
        raise argparse.ArgumentTypeError(f"grade must be between 1 and 12, got {g}")
    return g


def cmd_material(args: argparse.Namespace) -> int:
    from ..cli import _fail, _moderator
    from ..documents import extract_file
    from ..pipeline import InputError
    from .analyzer import MaterialAnalyzer
    from .html import render_html

    try:
        t0 = time.perf_counter()
        extraction = extract_file(args.file)
        parse_ms = (time.perf_counter() - t0) * 1000
        analyzer = MaterialAnalyzer(_moderator(args))
        report = analyzer.analyze(extraction, grade=args.grade, subject=args.subject,
                                  filename=args.file.rsplit("/", 1)[-1], parse_ms=parse_ms)
    except InputError as exc:
        return _fail(f"{args.file}: {exc.message}")
    if args.flagged_only:
        report["passages"] = [p for p in report["passages"] if p["flags"]]
    if args.html:
        try:
            with open(args.html, "w", encoding="utf-8") as f:
                f.write(render_html(report))
        except OSError as exc:
            return _fail(f"{args.html}: {exc.strerror}")
    print(json.dumps(report, ensure_ascii=False, indent=None if args.compact else 2))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `material` subcommand to the main parser."""
    p = sub.add_parser("material", help="check a course material (PDF/DOCX/PPTX/TXT/MD) for 超前/超标 content")
    p.add_argument("file", help="the document")
    p.add_argument("--grade", type=_grade, help="declared grade 1-12 (overrides what the document says)")
    p.add_argument("--subject", choices=SUBJECTS, help="declared subject (overrides detection)")
    p.add_argument("--html", help="also write a readable HTML report here")
    p.add_argument("--flagged-only", action="store_true", help="list only flagged passages")
    p.add_argument("--compact", action="store_true", help="one-line JSON")
    p.set_defaults(func=cmd_material)
