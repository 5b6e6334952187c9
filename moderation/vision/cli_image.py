"""`moderation score --image FILE [--annotate OUT]`."""

from __future__ import annotations

import argparse
import json
from typing import Callable

from ..pipeline import InputError, Moderator


def score_image(args: argparse.Namespace, moderator: Moderator, fail: Callable[[str], int]) -> int:
    """Print the image result as JSON; bad input → exit 2 through `fail`."""
    if args.text is not None:
        return fail("give TEXT or --image FILE, not both")
    try:
        from .image_pipeline import ImageModerator
    except ImportError as exc:
        return fail(f"--image needs the 'ocr' extra ({exc.name} is missing)")
    try:
        result = ImageModerator(moderator).moderate_file(args.image, id=args.id, policy=args.policy,
                                                         channel=args.channel, annotate=args.annotate)
    except InputError as exc:
        return fail(exc.message if args.image in exc.message else f"{args.image}: {exc.message}")
    print(json.dumps(result, ensure_ascii=False, indent=None if args.compact else 2))
    return 0
