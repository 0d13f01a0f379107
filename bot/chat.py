"""`advisor chat`: a conversation in the terminal, and the JSON form of an asked line.

The conversation keeps its history, so follow-ups ("and what would it cost?", "the fourth
one") are read in context. `/canvas BRIEF` drafts a canvas (no brief: the company described so
far), `/new` starts over, `/quit` (or end of input) leaves.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TextIO

from bot.errors import AdvisorError

if TYPE_CHECKING:
    from bot.advisor import Advisor
    from bot.types import Answer, Canvas

HELP = "Ask about the report. /canvas BRIEF drafts a canvas, /new starts over, /quit leaves."
PROMPT = "you> "
BLOCK_NAMES = {
    "key_partners": "Key Partners", "key_activities": "Key Activities",
    "key_resources": "Key Resources", "value_propositions": "Value Propositions",
    "customer_relationships": "Customer Relationships", "channels": "Channels",
    "customer_segments": "Customer Segments", "cost_structure": "Cost Structure",
    "revenue_streams": "Revenue Streams",
}


def parse_ask_line(line: str) -> tuple[str, list[dict[str, str]] | None]:
    """A --batch line: a plain question, or {"question": ..., "history": [{"role", "content"}]}."""
    if not line.lstrip().startswith("{"):
        return line, None
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise AdvisorError(f"a line starting with '{{' must be JSON: {exc.msg}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("question"), str):
        raise AdvisorError('a JSON line needs "question" as text')
    history = raw.get("history") or []
    if not isinstance(history, list) or not all(
        isinstance(t, dict) and isinstance(t.get("content"), str)
        and t.get("role") in ("user", "assistant") for t in history
    ):
        raise AdvisorError('"history" must be a list of {"role": "user"|"assistant", "content"}')
    return raw["question"], [{"role": t["role"], "content": t["content"]} for t in history]


def format_answer(answer: Answer) -> str:
    """An answer as the terminal shows it: the text, then its numbered sources."""
    lines = [answer.text]
    if answer.notice:
        lines.insert(0, f"(note: {answer.notice})")
    if answer.citations:
        lines += ["", "Sources:"]
        for cite in answer.citations:
            page = f", p. {cite.chunk.page}" if cite.chunk.page else ""
            lines.append(f"[{cite.n}] {cite.chunk.section} ({cite.chunk.source}{page})")
    return "\n".join(lines)


def format_canvas(canvas: Canvas) -> str:
    """A canvas as text: the best-fitting archetypes, then the nine blocks with their bullets."""
    fit = ", ".join(f"{a.name} {a.score:.0%}" for a in canvas.archetypes[:3])
    lines = [f"Canvas for: {canvas.brief}", f"Fit: {fit}"]
    for block in canvas.blocks:
        lines += ["", BLOCK_NAMES.get(block.key, block.key)]
        for bullet in block.bullets:
            marks = "".join(f"[{c.n}]" for c in bullet.citations)
            who = " (your company)" if bullet.origin == "brief" else ""
            lines.append(f"  - {bullet.text}{who} {marks}".rstrip())
    return "\n".join(lines)


def run_chat(
    advisor: Advisor,
    lines: Iterable[str],
    out: TextIO = sys.stdout,
    prompt: Callable[[], None] | None = None,
) -> int:
    """Answer each line in turn, keeping the conversation; returns the exit status."""
    history: list[dict[str, str]] = []
    company = ""
    print(HELP, file=out, flush=True)
    for raw in lines:
        line = raw.strip()
        if not line:
            if prompt:
                prompt()
            continue
        if line in ("/quit", "/exit", "/q"):
            break
        try:
            if line == "/new":
                history, company = [], ""
                print("(new conversation)", file=out)
            elif line == "/help":
                print(HELP, file=out)
            elif line.startswith("/canvas"):
                brief = line[len("/canvas"):].strip() or company
                if not brief:
                    raise AdvisorError("give a brief: /canvas WHAT YOUR COMPANY DOES")
                print(format_canvas(advisor.draft_canvas(brief)), file=out)
            elif line.startswith("/"):
                raise AdvisorError(f"unknown command {line.split()[0]}: {HELP}")
            else:
                answer = advisor.ask(line, history)
                print(format_answer(answer), file=out)
                history += [{"role": "user", "content": line},
                            {"role": "assistant", "content": answer.text}]
                if answer.plan is not None and answer.plan.company is not None:
                    company = answer.plan.company.description
        except AdvisorError as exc:
            print(f"advisor: {exc}", file=out)
        print("", file=out, flush=True)
        if prompt:
            prompt()
    return 0


def interactive(advisor: Any) -> int:
    """The chat on this terminal (a prompt before each line when stdin is a terminal)."""
    tty = sys.stdin.isatty()

    def prompt() -> None:
        if tty:
            print(PROMPT, end="", flush=True)

    def lines() -> Iterable[str]:
        prompt()
        yield from sys.stdin

    return run_chat(advisor, lines(), prompt=prompt if tty else None)
