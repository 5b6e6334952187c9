"""`moderation scan` (batch, resumable, local or Ray) and `moderation report` subcommands."""

from __future__ import annotations

import argparse
import os
import sys

from .readers import FORMATS


def _fail(message: str) -> int:
    print(f"moderation: error: {message}", file=sys.stderr)
    return 2


def cmd_scan(args: argparse.Namespace) -> int:
    from ..pipeline import InputError, Limits, Moderator
    from .readers import ReaderError, detect_format
    from .scanner import BatchOptions, run_batch
    from .state import StateMismatch

    if args.input != "-" and not os.path.exists(args.input):
        return _fail(f"cannot read {args.input}: no such file")
    if args.workers < 0:
        return _fail("--workers must be at least 1")
    if args.chunk_size < 1:
        return _fail("--chunk-size must be at least 1")
    if args.output == "-" and args.report:
        return _fail("--report needs results in a file, not '-'")
    try:
        fmt = args.format or detect_format(args.input)
        if args.input == "-" and fmt != "jsonl":
            return _fail("stdin input must be JSONL")
    except ReaderError as exc:
        return _fail(str(exc))
    moderator = Moderator(args.pack, Limits(max_chars=args.max_chars))
    try:
        moderator.profile(args.policy)
    except InputError as exc:
        return _fail(exc.message)
    if args.engine == "ray":
        try:
            import ray  # noqa: F401
        except ImportError:
            return _fail("--engine ray needs the 'ray' extra: pip install 'moderation[ray]'")
    workers = args.workers or max(1, min(os.cpu_count() or 1, 8))
    opts = BatchOptions(
        fmt=fmt, engine=args.engine, workers=workers, chunk_size=args.chunk_size, state_dir=args.state,
        errors_path=args.errors, policy=args.policy, pack_dir=args.pack, max_chars=args.max_chars,
        ray_address=args.ray_address,
        progress=args.progress if args.progress is not None else sys.stderr.isatty(),
    )
    try:
        stats = run_batch(args.input, args.output, opts, moderator=moderator if workers == 1 else None)
    except (ReaderError, StateMismatch) as exc:
        return _fail(str(exc))
    except OSError as exc:  # includes Ray's ConnectionError for an unreachable --ray-address
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}")
    print(stats.summary() + f" [{args.engine}, {workers} worker{'s' if workers > 1 else ''}]", file=sys.stderr)
    if args.report:
        from .report import write_report

        write_report(args.output, args.report)
        print(f"report: {args.report}", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    if not os.path.isfile(args.results):
        return _fail(f"cannot read {args.results}: no such file")
    try:
        write_report(args.results, args.output, title=args.title)
    except ValueError as exc:
        return _fail(f"{args.results}: {exc}")
    print(f"report: {args.output}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `scan` and `report` subcommands."""
    scan = sub.add_parser("scan", help="score a file of items (JSONL, CSV, Parquet, WARC, directory); resumable")
    scan.add_argument("input", help="input file or directory, or '-' for JSONL on stdin")
    scan.add_argument("-o", "--output", required=True,
                      help="results: .jsonl, .parquet, or '-' for stdout (stdout runs are not resumable)")
    scan.add_argument("--format", choices=FORMATS, help="input format (default: from the extension)")
    scan.add_argument("--policy", help="default policy profile for items that name none")
    scan.add_argument("--engine", choices=("local", "ray"), default="local", help="local processes or Ray")
    scan.add_argument("--workers", type=int, default=0,
                      help="worker processes / Ray actors (default: the CPU count, at most 8)")
    scan.add_argument("--ray-address", help="join an existing Ray cluster (e.g. ray://head:10001 or auto)")
    scan.add_argument("--chunk-size", type=int, default=500, help="items per committed chunk (default 500)")
    scan.add_argument("--state", help="progress directory (default OUTPUT.state, removed when the scan finishes); "
                                      "rerun the same command to resume")
    scan.add_argument("--errors", help="also write the error records (with their input location) to this JSONL")
    scan.add_argument("--report", help="write an HTML summary report of the results")
    scan.add_argument("--progress", dest="progress", action="store_true", default=None, help="force a progress bar")
    scan.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    scan.set_defaults(func=cmd_scan)

    report = sub.add_parser("report", help="render an HTML summary of scan results (JSONL or Parquet)")
    report.add_argument("results", help="results from `moderation scan`")
    report.add_argument("-o", "--output", required=True, help="the HTML file to write")
    report.add_argument("--title", default="Double-reduction (双减) scan report")
    report.set_defaults(func=cmd_report)
