"""The `moderation` command line: score, scan, report, material, serve, train, eval, rules."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
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
        from .vision.cli_image import score_image

        return score_image(args, _moderator(args), _fail)
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


def cmd_train(args: argparse.Namespace) -> int:
    corpus = Path(args.corpus)
    missing = [s for s in ("train", "dev", "test") if not (corpus / f"{s}.jsonl").is_file()]
    if missing:
        return _fail(f"{corpus}: no {', '.join(s + '.jsonl' for s in missing)} (build it: python -m datasets.corpus.build)")
    try:
        from .train.linear import train_linear
    except ImportError as exc:
        return _fail(f"training needs the 'train' extra ({exc.name} is missing): pip install 'moderation[train]'")
    out = Path(args.out)
    if args.tier in ("t1", "all"):
        manifest = train_linear(corpus, out / "text-linear", seed=args.seed)
        print(f"t1: {out / 'text-linear'} ({manifest['train_seconds']} s)", file=sys.stderr)
    if args.tier in ("t2", "all"):
        from .train.charbert import train_charbert
        from .train.mlm import mlm_texts

        if not Path(args.data_dir).is_dir():
            return _fail(f"--data-dir {args.data_dir}: no such directory (ship data for masked-LM pretraining)")
        overrides = {k: v for k, v in (("mlm_steps", args.mlm_steps), ("ft_epochs", args.epochs)) if v is not None}
        manifest = train_charbert(corpus, out / "text-charbert", mlm_texts(args.data_dir), seed=args.seed,
                                  **overrides)
        print(f"t2: {out / 'text-charbert'} ({manifest['train_seconds']} s, {manifest['config']['params']:,} params)",
              file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import EvalInputError, evaluate
    from .pipeline import TIERS, InputError

    if not os.path.isfile(args.file):
        return _fail(f"cannot read {args.file}: no such file")
    tiers = [t.strip() for t in args.tiers.split(",") if t.strip()]
    unknown = [t for t in tiers if t not in TIERS]
    if unknown or not tiers:
        return _fail(f"--tiers: unknown {', '.join(unknown) or '(none given)'} (known: {', '.join(TIERS)})")
    moderator = _moderator(args)
    if moderator.models is None and any(t != "rules" for t in tiers):
        return _fail("no trained models found (models/ or $MODERATION_MODELS_DIR): only --tiers rules is possible")
    try:
        _, report = evaluate(args.file, moderator, tiers, policy=args.policy, report_dir=args.report,
                             plots=not args.no_plots)
    except (EvalInputError, InputError) as exc:
        return _fail(str(exc))
    print(report)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="moderation", description="Double-reduction (双减) compliance scoring.")
    parser.add_argument("--version", action="version", version=f"moderation {__version__}")
    parser.add_argument("--pack", help="policy pack directory (default: the embedded pack)")
    parser.add_argument("--max-chars", type=int, default=20_000, help="longest text accepted (default 20000)")
    sub = parser.add_subparsers(dest="command", required=True)

    score = sub.add_parser("score", help="score one text and print the result as JSON")
    score.add_argument("text", nargs="?", help="the text, or '-' for stdin")
    score.add_argument("--image", help="score an image file (OCR + QR codes) instead of TEXT")
    score.add_argument("--annotate", help="with --image: write a copy with flagged regions boxed to this file")
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

    train = sub.add_parser("train", help="train the learned text tiers from a built corpus (needs the 'train' extra)")
    train.add_argument("--corpus", default="build/corpus", help="folder with train/dev/test.jsonl")
    train.add_argument("--out", default="models", help="where the artifact folders go (default models/)")
    train.add_argument("--tier", choices=["t1", "t2", "all"], default="all")
    train.add_argument("--data-dir", default=os.environ.get("MODERATION_DATA_DIR", "../shared/data"),
                       help="ship-licensed text for masked-LM pretraining")
    train.add_argument("--seed", type=int, default=20261122)
    train.add_argument("--mlm-steps", type=int, help="masked-LM pretraining steps (0 skips pretraining)")
    train.add_argument("--epochs", type=int, help="fine-tuning epochs")
    train.set_defaults(func=cmd_train)

    evaluation = sub.add_parser("eval", help="measure tiers on a labelled JSONL; Markdown + PNG report")
    evaluation.add_argument("file", help="JSONL with 'text' and 'labels' (or flat category keys); 'block', 'weight' optional")
    evaluation.add_argument("--tiers", default="rules,t1,cascade", help="comma list of rules,t1,cascade,full")
    evaluation.add_argument("--policy", default="platform")
    evaluation.add_argument("--report", help="folder for report.md, metrics.json and the plots")
    evaluation.add_argument("--no-plots", action="store_true")
    evaluation.set_defaults(func=cmd_eval)

    rules = sub.add_parser("rules", help="list the rules of the policy pack")
    rules.set_defaults(func=cmd_rules)

    from .curriculum.cli import register as register_material

    register_material(sub)
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
