"""What sits under a saved answer: how the question was read, a canvas for the company,
three suggested next questions, and thumbs up/down with a comment."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from bot.types import Answer, Plan
from ui.components import error_line, md_escape
from ui.state import current_advisor, current_user_id, current_workspace

PENDING = "pending-question"  # a suggested question waiting to be asked
BRIEF_KEY = "canvas-brief"
BRIEF_FROM_CHAT = "canvas-brief-from-chat"
CANVAS_PAGE = "canvas_page.py"
KIND_LABELS: dict[str, str] = {
    "lookup": "a question about the report",
    "enumerate": "a list from the report",
    "overview": "an overview",
    "compare": "a comparison",
    "advise": "advice for your company",
    "risks": "risks and challenges",
    "canvas": "a canvas request",
    "offtopic": "outside the report",
}


def _names(keys: Sequence[str], one: str, many: str) -> str:
    words = [k.replace("_", " ") for k in keys]
    if len(words) == 1:
        return f"{words[0]} {one}"
    return f"{', '.join(words[:-1])} and {words[-1]} {many}"


def plan_line(plan: Plan) -> str:
    """How the question was read, e.g. "Read as: advice for your company · servitised model"."""
    parts = [KIND_LABELS.get(plan.kind, plan.kind)]
    if plan.models:
        parts.append(_names(plan.models, "model", "models"))
    if plan.blocks:
        parts.append(_names(plan.blocks, "", "").strip())
    if plan.lists:
        parts.append(", ".join(plan.lists))
    if plan.company is not None and plan.company.description:
        about = " ".join(plan.company.description.split())
        parts.append("your company: " + (about if len(about) <= 80 else about[:79] + "…"))
    if plan.not_in_report:
        parts.append("not in the report: " + ", ".join(plan.not_in_report))
    return "Read as: " + " · ".join(parts)


def company_brief(answer: Answer) -> str | None:
    """The brief a canvas draft should start from, when the answer was advice for a company."""
    plan = answer.plan
    if plan is None or answer.refused or not (plan.kind == "advise" or plan.company):
        return None
    if plan.company is not None and plan.company.description.strip():
        return plan.company.description.strip()
    return answer.question


def _to_canvas(brief: str) -> None:
    st.session_state[BRIEF_KEY] = brief
    st.session_state[BRIEF_FROM_CHAT] = True
    st.switch_page(CANVAS_PAGE)


def render_suggestions(answer: Answer, key: str) -> None:
    """Three chips; clicking one asks it next."""
    try:
        chips = current_advisor().suggest_questions(answer)
    except Exception:  # noqa: BLE001 - no suggestions is fine
        return
    with st.container(horizontal=True, gap="small", key=f"suggest-{key}"):
        for i, chip in enumerate(chips):
            if st.button(md_escape(chip), key=f"suggest-{key}-{i}", type="secondary",
                         icon=":material/arrow_forward:"):
                st.session_state[PENDING] = chip
                st.rerun()


def _rate(target: str, ident: str, rating: int, comment: str, canvas_version: int = 0) -> None:
    ws, user = current_workspace(), current_user_id()
    if target == "answer":
        ws.rate_answer(user, int(ident), rating, comment)
    else:
        ws.rate_canvas(user, ident, canvas_version, rating, comment)


def render_feedback(target: str, ident: str, key: str, canvas_version: int = 0) -> None:
    """Thumbs up/down and an optional comment on a saved answer or canvas version."""
    target_id = ident if target == "answer" else f"{ident}:{canvas_version}"
    try:
        saved = current_workspace().feedback_for(current_user_id(), target, target_id)
    except Exception as exc:  # noqa: BLE001 - shown as one line
        st.caption(error_line(exc))
        return
    widget = f"thumbs-{key}"
    default = None if saved is None else (1 if saved.rating > 0 else 0)

    def changed() -> None:
        value = st.session_state.get(widget)
        if value is not None:
            _rate(target, ident, 1 if value == 1 else -1,
                  saved.comment if saved else "", canvas_version)

    with st.container(horizontal=True, gap="small", key=f"feedback-{key}",
                      vertical_alignment="center"):
        st.feedback("thumbs", key=widget, default=default, on_change=changed)
        if saved is None:
            return
        if saved.comment:
            st.caption("Thanks for the feedback and the comment.")
            return
        # After a thumbs up or down, an optional comment.
        st.caption("Thanks for the feedback.")
        text = st.text_input("Comment", key=f"comment-{key}", max_chars=4000,
                             placeholder="What was good or missing? (optional)",
                             label_visibility="collapsed")
        if st.button("Send", key=f"comment-send-{key}", icon=":material/send:"):
            if text.strip():
                _rate(target, ident, saved.rating, text, canvas_version)
                st.rerun()
            st.error("Write a comment first.")


def render_extras(answer: Answer, turn_id: int | None, key: str, last: bool) -> None:
    """Everything under one answer in the chat (its plan line sits above the answer)."""
    brief = company_brief(answer)
    if brief is not None and st.button("Draft a canvas for this company", key=f"to-canvas-{key}",
                                       icon=":material/dashboard:"):
        _to_canvas(brief)
    if not answer.refused or last:
        render_suggestions(answer, key)
    if turn_id is not None:
        render_feedback("answer", str(turn_id), key=key)
