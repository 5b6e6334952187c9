"""The `moderation` command line: score, scan, serve, rules."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

from . import __version__


def _fail(message: str) -> int:
    print(f"moderation: error: {message}", file=sys.stderr)
    return 2


def _moderator(args: argparse.Namespace):
    from .pipeline import Limits, Moderator

    return Moderator(args.pack, Limits(max_chars=args.max_chars))


def cmd_score(args: argparse.Namespace) -> int:
    from .pipeline import InputError

    if args.image:
        return _fail("--image: image moderation (OCR) is not available in this version")
    if args.text is None:
        return _fail("give TEXT, or '-' to read it from stdin")
    if args.text == "-":
        try:
            text = sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            return _fail(f"stdin is not UTF-8 text (byte {exc.start})")
    else:
        text = args.text
    try:
        result = _moderator(args).moderate(text, id=args.id, policy=args.policy, channel=args.channel)
    except InputError as exc:
        return _fail(exc.message)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.compact else 2))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        return _fail("the API needs the 'api' extra: pip install 'moderation[api]'")
    os.environ.setdefault("MODERATION_MAX_CHARS", str(args.max_chars))
    if args.pack:
        os.environ["MODERATION_PACK_DIR"] = args.pack
    uvicorn.run("api.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level="warning")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    moderator = _moderator(args)
    for rule in moderator.pack.rules:
        print(f"{rule.id:36s} {rule.category:24s} {rule.score:.2f}  {rule.citation}")
    print(f"{len(moderator.pack.rules)} rules, pack {moderator.rules.version}; profiles: "
          + ", ".join(sorted(moderator.profiles.profiles)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="moderation", description="Double-reduction (双减) compliance scoring.")
    parser.add_argument("--version", action="version", version=f"moderation {__version__}")
    parser.add_argument("--pack", help="policy pack directory (default: the embedded pack)")
    parser.add_argument("--max-chars", type=int, default=20_000, help="longest text accepted (default 20000)")
    sub = parser.add_subparsers(dest="command", required=True)

    score = sub.add_parser("score", help="score one text and print the result as JSON")
    score.add_argument("text", nargs="?", help="the text, or '-' for stdin")
    score.add_argument("--image", help="score an image (not available in this version)")
    score.add_argument("--policy", help="policy profile (default: platform, or public-channel for public channels)")
    score.add_argument("--channel", help="where the ad runs: billboard, sms, app, …")
    score.add_argument("--id", help="an id to echo in the result")
    score.add_argument("--compact", action="store_true", help="one-line JSON")
    score.set_defaults(func=cmd_score)

    from .batch.cli import register as register_batch

    register_batch(sub)

    serve = sub.add_parser("serve", help="start the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    rules = sub.add_parser("rules", help="list the rules of the policy pack")
    rules.set_defaults(func=cmd_rules)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .policy.pack import PackError

    try:
        return args.func(args)
    except PackError as exc:
        return _fail(f"policy pack: {exc}")
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
