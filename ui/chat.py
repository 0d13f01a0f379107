"""Chat page: questions and streamed, cited answers; follow-ups carry the conversation, which
is saved as it happens and listed in the sidebar."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import streamlit as st

from bot.types import Answer
from ui.answer_extras import PENDING, plan_line, render_extras
from ui.components import DOWNLOAD, citation_chips, error_line, md_escape, mode_label, safe_markdown
from ui.conversations import Turn, load_turns, open_conversation, save_turn
from ui.sidebar import backend_name, set_notice
from ui.state import current_advisor

__all__ = ["Turn", "history", "render", "transcript"]
EXAMPLES = ("What revenue streams suit a servitised business model?",)
PAGES = (
    ("Chat", ":material/chat:", "Ask the report anything about new business models for "
     "manufacturing. Every answer cites the report sections it uses.", None),
    ("Canvas", ":material/dashboard:", "Describe your company and get a Business Model Canvas "
     "drafted from the report's six models; edit it, compare versions, export it to PowerPoint.",
     "canvas_page.py"),
    ("Report", ":material/menu_book:", "Browse the report: its six business model canvases, "
     "innovation trends and ten key recommendations.", "report_page.py"),
)


def history(turns: list[Turn]) -> list[dict[str, str]]:
    """Prior turns as chat messages, oldest first, for follow-up questions."""
    messages: list[dict[str, str]] = []
    for turn in turns:
        messages.append({"role": "user", "content": turn.question})
        messages.append({"role": "assistant", "content": turn.answer.text})
    return messages


def transcript(turns: list[Turn]) -> str:
    """The conversation as Markdown, with each answer's sources."""
    lines = ["# Conversation with the Manufacturing Business Model Advisor", ""]
    for i, turn in enumerate(turns, start=1):
        lines += [f"## {i}. {turn.question}", "", turn.answer.text.strip(), ""]
        if turn.answer.notice:
            lines += [f"> {turn.answer.notice}", ""]
        if turn.answer.citations:
            lines.append("Sources:")
            lines += [f"- [{c.n}] {c.chunk.section} ({c.chunk.source})"
                      for c in turn.answer.citations]
            lines.append("")
        lines += [f"*{mode_label(turn.answer.mode)}*", ""]
    return "\n".join(lines)


def render_answer(answer: Answer, key: str, streamed: bool = False) -> None:
    """How the question was read, the answer's text (unless it was just streamed), notice,
    citations and mode."""
    if answer.plan is not None and not answer.refused and not streamed:
        st.caption(md_escape(plan_line(answer.plan)))
    if answer.refused:
        st.warning(safe_markdown(answer.text), icon=":material/block:")
    elif not streamed:
        st.markdown(safe_markdown(answer.text))
    if answer.notice:
        st.warning(md_escape(answer.notice), icon=":material/warning:")
    citation_chips(answer.citations, key=key)
    st.caption(md_escape(mode_label(answer.mode)))


class StreamedAnswer:
    """Wraps Advisor.stream: yields the text pieces, keeps the final Answer when it arrives."""

    def __init__(self, events: Iterator[Any]) -> None:
        self._events = events
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        while True:
            try:
                event = next(self._events)
            except StopIteration as stop:
                if isinstance(stop.value, Answer):
                    self.answer = stop.value
                return
            if isinstance(event, Answer):
                self.answer = event
            elif isinstance(event, str) and event:
                yield event


def render_empty_state() -> None:
    """What the three pages are for, with one click to each."""
    st.markdown("**Three ways to use the advisor**")
    columns = st.columns(3, gap="medium")
    for column, (name, icon, text, page) in zip(columns, PAGES, strict=True):
        with column, st.container(border=True, key=f"start-{name.lower()}", height="stretch"):
            st.markdown(f"#### {name}")
            st.caption(text)
            if page is None:
                if st.button(f"Ask: {EXAMPLES[0]}", key="start-ask", icon=icon, type="primary"):
                    st.session_state[PENDING] = EXAMPLES[0]
                    st.rerun()
            elif st.button(f"Open {name}", key=f"start-{name.lower()}-go", icon=icon):
                st.switch_page(page)


def _respond(question: str, turns: list[Turn]) -> Answer | None:
    """Stream the answer into the page; None (with the error shown) if it failed."""
    try:
        advisor = current_advisor()
        stream = StreamedAnswer(iter(advisor.stream(question, history=history(turns))))
        placeholder = st.empty()
        pieces: list[str] = []
        for piece in stream:
            pieces.append(piece)
            placeholder.markdown(safe_markdown("".join(pieces)) + " ▌")
        answer = stream.answer
        if answer is None:
            answer = advisor.ask(question, history=history(turns))
        if answer.refused:
            placeholder.empty()
        else:
            placeholder.markdown(safe_markdown(answer.text))
    except Exception as exc:  # shown as one line, whatever failed
        st.error(error_line(exc))
        return None
    set_notice(answer.notice)
    render_answer(answer, key=f"turn-{len(turns)}", streamed=True)
    return answer


def render() -> None:
    st.title("Ask the report")
    st.caption("Answers come from the World Manufacturing Report 2023 and cite the sections "
               "they rely on; questions outside the report are declined.")
    turns = load_turns()
    with st.container(horizontal=True, key="chat-tools"):
        if st.button("Clear chat", key="clear-chat", icon=":material/delete_sweep:",
                     disabled=not turns):
            open_conversation(None)
            set_notice(None)
            st.rerun()
        st.download_button(
            "Download transcript", transcript(turns), file_name="advisor-conversation.md",
            mime="text/markdown", key="download-transcript", icon=DOWNLOAD,
            disabled=not turns, on_click="ignore",
        )
    for i, turn in enumerate(turns):
        with st.chat_message("user"):
            st.markdown(md_escape(turn.question))
        with st.chat_message("assistant"):
            render_answer(turn.answer, key=f"turn-{i}")
            render_extras(turn.answer, turn.id, key=f"t{turn.id or i}", last=i == len(turns) - 1)
    # A question arriving in this run takes the empty state's place (so the answer streams where
    # it will stay after the rerun that follows).
    incoming = bool(st.session_state.get("chat-input")) or PENDING in st.session_state
    if not turns and not incoming:
        render_empty_state()
    typed = st.chat_input("Ask about manufacturing business models", key="chat-input")
    pending = st.session_state.pop(PENDING, None)
    question = typed or pending
    if not question:
        return
    with st.chat_message("user"):
        st.markdown(md_escape(question))
    with st.chat_message("assistant"):
        answer = _respond(question, turns)
    if answer is not None:
        save_turn(answer, backend_name(current_advisor().settings))
        st.rerun()


if __name__ == "__main__":
    render()
