"""The `advisor` command: ingest, retrieve, ask, canvas, eval, feedback and ui."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bot.errors import AdvisorError
from bot.settings import Settings, load_settings
from bot.workspace.commands import add_feedback_parser

EXIT_ERROR = 1
EXIT_PARTIAL = 3


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _inputs(args: argparse.Namespace, name: str) -> Iterator[str]:
    """The single positional input, or each non-blank line of --batch FILE ('-' is stdin)."""
    single = getattr(args, name)
    if args.batch is None:
        if single is None:
            raise AdvisorError(f"give a {name} or --batch FILE")
        yield single
        return
    if single is not None:
        raise AdvisorError(f"give either a {name} or --batch FILE, not both")
    try:
        handle = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")
    except OSError as exc:
        raise AdvisorError(f"cannot read --batch file {args.batch}: {exc.strerror}") from exc
    with handle:
        try:
            lines = [line.strip() for line in handle]
        except UnicodeDecodeError as exc:
            raise AdvisorError(f"--batch file {args.batch} is not UTF-8 text") from exc
    yield from (line for line in lines if line)


def _run_each(
    args: argparse.Namespace, name: str, one: Callable[[str], dict[str, Any]],
    show: Callable[[dict[str, Any]], None],
) -> int:
    """Run `one` per input; in batch mode a failing input becomes an error line, not a stop."""
    status = 0
    for item in _inputs(args, name):
        if args.batch is None:
            result = one(item)
            _print_json(result) if args.json else show(result)
            continue
        try:
            _print_json(one(item))
        except AdvisorError as exc:
            _print_json({name: item, "error": str(exc)})
            status = EXIT_ERROR
    return status


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.pipeline import ingest

    if args.user is not None and not args.paths:
        raise AdvisorError("--user NAME needs the files or folders to add to that user's space")
    report = ingest(settings, [Path(p) for p in args.paths] or None, show_progress=True,
                    user=args.user)
    for source, reason in report.failed:
        print(f"skipped {source}: {reason}", file=sys.stderr)
    space = f", private space of {args.user}" if args.user is not None else ""
    print(f"{report.summary()} ({settings.data_dir}{space})")
    return EXIT_PARTIAL if report.partial else 0


def cmd_retrieve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.advisor import Advisor

    advisor = Advisor.from_settings(settings, user=args.user)

    def one(question: str) -> dict[str, Any]:
        hits = advisor.retrieve(question, args.k)
        return {"question": question, "hits": [h.to_json() for h in hits]}

    def show(result: dict[str, Any]) -> None:
        for hit in result["hits"]:
            text = hit["text"].split("\n", 1)[-1].replace("\n", " ")
            print(f"{hit['rank']}. {hit['section']}  [{hit['score']:.4f}]")
            print(f"   {text[:240]}{'…' if len(text) > 240 else ''}")

    return _run_each(args, "question", one, show)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.advisor import Advisor

    advisor = Advisor.from_settings(settings, user=args.user)

    def one(line: str) -> dict[str, Any]:
        from bot.chat import parse_ask_line

        question, history = parse_ask_line(line) if args.batch is not None else (line, None)
        return advisor.ask(question, history).to_json()

    def show(result: dict[str, Any]) -> None:
        if result.get("notice"):
            print(f"note: {result['notice']}", file=sys.stderr)
        print(result["answer"])
        if result["citations"]:
            print("\nSources:")
        for cite in result["citations"]:
            page = f", p. {cite['page']}" if cite.get("page") else ""
            print(f"[{cite['n']}] {cite['section']} ({cite['source']}{page})")

    return _run_each(args, "question", one, show)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.advisor import Advisor
    from bot.chat import interactive

    return interactive(Advisor.from_settings(settings))


def _read_input(name: str) -> str:
    """The text of a file named on the command line ('-' is stdin), or a one-line error."""
    try:
        if name == "-":
            return sys.stdin.read()
        return Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise AdvisorError(f"cannot read {name}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise AdvisorError(f"{name} is not UTF-8 text") from exc


def cmd_canvas(args: argparse.Namespace, settings: Settings) -> int:
    from bot.advisor import Advisor
    from bot.canvas.export import canvas_to_markdown, export_canvas

    if args.out and args.batch is not None:
        raise AdvisorError("--out writes one canvas: use it without --batch")
    kinds = (".md", ".markdown", ".json") + (() if args.gaps else (".png", ".pptx"))
    if args.out and Path(args.out).suffix.lower() not in kinds:
        raise AdvisorError(f"--out must end in {', '.join(kinds)}, not {args.out!r}")
    advisor = Advisor.from_settings(settings, user=args.user)
    if args.gaps is not None:
        if args.brief is not None or args.batch is not None:
            raise AdvisorError("--gaps FILE analyses an existing canvas: give no brief or --batch")
        report = advisor.gap_analysis(_read_input(args.gaps), args.archetype)
        if args.out:
            out = Path(args.out)
            text = (json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
                    if out.suffix.lower() == ".json" else report.to_markdown())
            try:
                out.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise AdvisorError(f"cannot write {out}: {exc.strerror}") from exc
            print(f"wrote {out}: {report.gap_count} gap(s) against the {report.archetype} canvas")
        else:
            _print_json(report.to_json()) if args.json else print(report.to_markdown(), end="")
        return 0
    drafted: list[Any] = []

    def one(brief: str) -> dict[str, Any]:
        canvas = advisor.draft_canvas(brief)
        for instruction in args.refine or ():
            canvas = advisor.refine_canvas(canvas, instruction)
        drafted.append(canvas)
        if args.out:
            export_canvas(canvas, Path(args.out))
        return canvas.to_json()

    def show(result: dict[str, Any]) -> None:
        if result.get("notice"):
            print(f"note: {result['notice']}", file=sys.stderr)
        if args.out:
            top = result["archetypes"][0]
            print(f"wrote {args.out} (best fit: {top['name']} {top['score']:.2f})")
        else:
            print(canvas_to_markdown(drafted[-1]), end="")

    return _run_each(args, "brief", one, show)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.from_feedback:
        from bot.workspace.commands import cmd_eval_candidates

        return cmd_eval_candidates(args, settings)
    from evals.run import run_eval

    out = Path(args.out) if args.out else None
    return run_eval(settings, args.json, args.backend, args.subset, out)


def cmd_ui(args: argparse.Namespace, settings: Settings) -> int:
    app = Path(__file__).resolve().parents[1] / "ui" / "app.py"
    if not app.is_file():
        raise AdvisorError(f"the Streamlit app is missing: {app}")
    env_dir = {"ADVISOR_DATA_DIR": str(settings.data_dir)}
    # People who are not developers get no developer toolbar (unless they ask for one).
    toolbar = [] if any("toolbarMode" in a for a in args.streamlit_args) else [
        "--client.toolbarMode", "minimal"]
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), *toolbar, *args.streamlit_args]
    proc = subprocess.Popen(cmd, env={**os.environ, **env_dir})
    # Stopping `advisor ui` stops the server too (SIGTERM is passed on; Ctrl-C reaches both).
    previous = signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        command = " ".join(self.prog.split()[1:])
        hint = f"advisor {command} -h" if command else "advisor -h"
        self.exit(2, f"advisor: error: {message} (see `{hint}`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="advisor", description=__doc__)
    common = _Parser(add_help=False)
    common.add_argument("--data-dir", help="where the index lives (env ADVISOR_DATA_DIR)")
    per_user = _Parser(add_help=False)
    per_user.add_argument("--user", metavar="NAME",
                      help="a user's private space (with the shared index when reading)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("ingest", parents=[common, per_user], help="index files or folders")
    p.add_argument("paths", nargs="*", help="files or folders (default: corpus/)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("retrieve", parents=[common, per_user],
                       help="ranked report chunks for a question")
    p.add_argument("question", nargs="?")
    p.add_argument("-k", type=_positive_int, default=5, help="number of hits (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--batch", metavar="FILE", help="one question per line; JSON lines out")
    p.set_defaults(func=cmd_retrieve)

    p = sub.add_parser("ask", parents=[common, per_user], help="a grounded answer with citations")
    p.add_argument("question", nargs="?")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--batch", metavar="FILE",
                   help="one question (or JSON {question, history}) per line; JSON lines out")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", parents=[common], help="a conversation in the terminal")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("canvas", parents=[common, per_user], help="draft a Business Model Canvas")
    p.add_argument("brief", nargs="?", help="a short description of your company")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--out", metavar="FILE", help="write FILE.md, .json, .png or .pptx")
    p.add_argument("--batch", metavar="FILE", help="one brief per line; JSON lines out")
    p.add_argument("--refine", metavar="TEXT", action="append",
                   help="re-draft the blocks this instruction is about (repeatable)")
    p.add_argument("--gaps", metavar="FILE",
                   help="compare your canvas (JSON or Markdown, '-' for stdin) with the report's")
    p.add_argument("--archetype", help="with --gaps: compare with this archetype, not the best fit")
    p.set_defaults(func=cmd_canvas)

    p = sub.add_parser("eval", parents=[common], help="run the eval suite: table, report, chart")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--backend", choices=["evidence", "ollama", "openai", "llamacpp"],
                   help="answer backend to evaluate (default: ADVISOR_BACKEND)")
    p.add_argument("--subset", action="store_true", help="only the fast CI subset of the gold set")
    p.add_argument("--out", metavar="DIR", help="results folder (default evals/results/<time>/)")
    p.add_argument("--from-feedback", metavar="FILE", help="write thumbs-down answers as "
                   "candidate eval questions (JSON lines, '-' for stdout) instead of evaluating")
    p.set_defaults(func=cmd_eval)
    add_feedback_parser(sub, common)

    p = sub.add_parser("ui", parents=[common], help="start the Streamlit app")
    p.add_argument("streamlit_args", nargs=argparse.REMAINDER,
                   help="passed to streamlit run, e.g. --server.port 8600")
    p.set_defaults(func=cmd_ui)
    from bot.serve.commands import add_commands

    add_commands(sub, common)
    return parser


def split_ui_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """For `advisor ui`, its own options and the rest, which go to `streamlit run` unchanged."""
    if not argv or argv[0] != "ui":
        return argv, []
    own, rest = ["ui"], []
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help") or arg.startswith("--data-dir="):
            own.append(arg)
        elif arg == "--data-dir" and i + 1 < len(argv):
            own += argv[i : i + 2]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return own, rest


def main(argv: list[str] | None = None) -> int:
    own, passthrough = split_ui_args(sys.argv[1:] if argv is None else list(argv))
    args = build_parser().parse_args(own)
    if passthrough:
        args.streamlit_args = [*args.streamlit_args, *passthrough]
    try:
        settings = load_settings(data_dir=args.data_dir)
        return int(args.func(args, settings))
    except AdvisorError as exc:
        print(f"advisor: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("advisor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - users get one line, never a traceback
        print(f"advisor: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
