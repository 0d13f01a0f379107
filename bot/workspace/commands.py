"""`advisor feedback export` and `advisor eval --from-feedback`: the workspace's commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.errors import AdvisorError
from bot.settings import Settings


def _open_workspace(settings: Settings) -> Any:
    from bot.workspace.repository import Workspace

    return Workspace(settings.workspace_url())


def _write(text: str, out: str | None) -> None:
    if not out or out == "-":
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise AdvisorError(f"cannot write {out}: {exc.strerror or exc}") from exc


def cmd_feedback_export(args: argparse.Namespace, settings: Settings) -> int:
    """Print (or write) the stored feedback as JSON lines or CSV."""
    from bot.workspace.feedback import export_feedback

    workspace = _open_workspace(settings)
    try:
        records = workspace.feedback(user=args.user)
    finally:
        workspace.close()
    _write(export_feedback(records, args.format), args.out)
    if args.out and args.out != "-":
        print(f"wrote {len(records)} feedback record(s) to {args.out}", file=sys.stderr)
    return 0


def cmd_eval_candidates(args: argparse.Namespace, settings: Settings) -> int:
    """Write thumbs-down answers as candidate eval questions (JSON lines) for review."""
    from bot.workspace.feedback import eval_candidates

    workspace = _open_workspace(settings)
    try:
        records = workspace.feedback(rating=-1)
    finally:
        workspace.close()
    candidates = eval_candidates(records)
    _write("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in candidates),
           args.from_feedback)
    print(f"{len(candidates)} candidate eval question(s) from thumbs-down answers",
          file=sys.stderr)
    return 0


def add_feedback_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `advisor feedback export` on the CLI's subparsers."""
    p = sub.add_parser("feedback", parents=[common], help="export thumbs up/down feedback")
    actions = p.add_subparsers(dest="action", required=True, parser_class=type(p))
    e = actions.add_parser("export", parents=[common], help="feedback as JSON lines or CSV")
    e.add_argument("--format", choices=("jsonl", "csv"), default="jsonl",
                   help="jsonl (default) or csv")
    e.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    e.add_argument("--user", help="only this user's feedback (default: everyone's)")
    e.set_defaults(func=cmd_feedback_export)
