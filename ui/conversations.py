"""Saved conversations: which one this session shows (kept in the URL as ?c=...), the sidebar
list (newest first, search, new, open, rename, delete), and saving each answer as it comes."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from bot.types import Answer
from ui.components import error_line, md_escape
from ui.state import current_user_id, current_workspace, query_id, session_list

ACTIVE = "conversation-id"
UNSAVED = "chat-turns"  # turns kept in the session only, when the workspace cannot be opened
SAVE_ERROR = "workspace-error"
CHAT_PAGE = "chat.py"
LISTED = 30


@dataclass(frozen=True)
class Turn:
    """One question and the answer it got (id is the saved turn's, None when not saved)."""

    question: str
    answer: Answer
    id: int | None = None
    backend: str = ""


def active_conversation() -> str | None:
    """The conversation this session shows: the session's choice, else the one in the URL."""
    if ACTIVE not in st.session_state:
        cid = query_id("c")
        try:
            known = cid is not None and current_workspace().conversation(current_user_id(), cid)
        except Exception:  # noqa: BLE001 - an unusable workspace means no saved conversation
            known = False
        st.session_state[ACTIVE] = cid if known else None
    value = st.session_state[ACTIVE]
    return value if isinstance(value, str) else None


def open_conversation(cid: str | None) -> None:
    """Show a conversation (None: a new, empty chat) and keep it in the URL."""
    st.session_state[ACTIVE] = cid
    session_list(UNSAVED).clear()
    if cid is None:
        st.query_params.pop("c", None)
    else:
        st.query_params["c"] = cid


def load_turns() -> list[Turn]:
    """The turns of the conversation shown: saved ones, or this session's if saving failed."""
    cid = active_conversation()
    unsaved: list[Turn] = session_list(UNSAVED)
    if cid is None:
        return list(unsaved)
    try:
        saved = current_workspace().turns(current_user_id(), cid)
    except Exception as exc:  # noqa: BLE001 - shown as one line
        st.session_state[SAVE_ERROR] = error_line(exc)
        return list(unsaved)
    return [Turn(t.question, t.answer, t.id, t.backend) for t in saved] + list(unsaved)


def save_turn(answer: Answer, backend: str) -> Turn:
    """Save an answer at the end of the conversation shown (starting one if needed)."""
    try:
        saved = current_workspace().add_turn(current_user_id(), active_conversation(), answer,
                                             backend)
    except Exception as exc:  # noqa: BLE001 - the chat goes on, unsaved, with a notice
        st.session_state[SAVE_ERROR] = error_line(exc)
        turn = Turn(answer.question, answer, None, backend)
        session_list(UNSAVED).append(turn)
        return turn
    st.session_state.pop(SAVE_ERROR, None)
    if active_conversation() != saved.conversation_id:
        open_conversation(saved.conversation_id)
    return Turn(saved.question, saved.answer, saved.id, saved.backend)


def _manage(cid: str, title: str) -> None:
    """Rename or delete the conversation shown."""
    with st.popover("Rename or delete", icon=":material/edit:", width="stretch"):
        name = st.text_input("Title", value=title, key=f"rename-{cid}", max_chars=200)
        if st.button("Rename", key="rename-go"):
            try:
                current_workspace().rename_conversation(current_user_id(), cid, name)
            except Exception as exc:  # noqa: BLE001 - shown as one line
                st.error(error_line(exc))
            else:
                st.rerun()
        if st.button("Delete this conversation", key="delete-go", icon=":material/delete:"):
            current_workspace().delete_conversation(current_user_id(), cid)
            open_conversation(None)
            st.rerun()


def render_conversations() -> None:
    """The sidebar's list of saved conversations."""
    st.subheader("Conversations")
    if st.button("New chat", key="new-chat", icon=":material/add_comment:", width="stretch"):
        open_conversation(None)
        st.switch_page(CHAT_PAGE)
    problem = st.session_state.get(SAVE_ERROR)
    if problem:
        st.warning("Conversations are not being saved: " + problem, icon=":material/warning:")
    search = st.text_input("Search conversations", key="conversation-search",
                           placeholder="Search conversations", label_visibility="collapsed")
    try:
        found = current_workspace().conversations(current_user_id(), search)
    except Exception as exc:  # noqa: BLE001 - shown as one line
        st.caption(error_line(exc))
        return
    if not found:
        st.caption("No conversation matches." if search.strip() else
                   "Your conversations will be listed here.")
    shown = active_conversation()
    with st.container(key="conversation-list"):
        for convo in found[:LISTED]:
            current = convo.id == shown
            if st.button(md_escape(convo.title), key=f"conversation-{convo.id}",
                         type="secondary" if current else "tertiary", width="stretch",
                         icon=":material/chat:" if current else None):
                open_conversation(convo.id)
                st.switch_page(CHAT_PAGE, query_params={"c": convo.id})
            if current:
                _manage(convo.id, convo.title)
    if len(found) > LISTED:
        st.caption(f"{len(found) - LISTED} older conversation(s): search to find them.")
