"""Sidebar: the backend in use and its settings, backend notices, the index, adding documents."""

from __future__ import annotations

import streamlit as st

from bot import Advisor
from bot.settings import Settings
from ui.components import error_line, md_escape, mode_label
from ui.conversations import render_conversations
from ui.state import current_advisor, current_settings
from ui.uploads import render_documents

NOTICE_KEY = "backend-notice"
_SECRET_ENDINGS = ("_key", "_secret", "_password", "_api_token")
_LLM_FIELDS = ("llm_model", "llm_timeout", "llm_temperature", "llm_max_tokens")
BACKEND_FIELDS: dict[str, tuple[str, ...]] = {
    "ollama": ("ollama_url", *_LLM_FIELDS),
    "openai": ("openai_base_url", "openai_api_key", *_LLM_FIELDS),
    "llamacpp": ("gguf_path", "llm_context", "llm_timeout", "llm_temperature", "llm_max_tokens"),
}


def backend_name(settings: Settings) -> str:
    """The backend answering questions: an injected one's name, else the configured one."""
    llm = settings.llm
    return str(getattr(llm, "name", "custom")) if llm is not None else settings.backend


def backend_settings(settings: Settings) -> dict[str, str]:
    """The settings the configured backend uses (secrets masked, empty ones as defaults)."""
    names = BACKEND_FIELDS.get(settings.backend, ())
    fields = type(settings).model_fields
    shown: dict[str, str] = {}
    for name in names:
        if name not in fields:
            continue
        value = getattr(settings, name)
        if name.endswith(_SECRET_ENDINGS):
            shown[name] = "••••" if value else "(not set)"
        else:
            shown[name] = str(value) if value != "" else "(default)"
    return shown


def set_notice(notice: str | None) -> None:
    """Remember the latest backend notice (e.g. a fallback to evidence mode) for the sidebar."""
    st.session_state[NOTICE_KEY] = notice


def backend_problem(advisor: Advisor) -> str | None:
    """None when the backend answers a one-word request, else the one-line reason it does not."""
    check = getattr(advisor, "check_backend", None)
    try:
        if callable(check):
            result = check()
            return result if isinstance(result, str) and result else None
        llm = advisor.llm
        if llm is None:
            return None
        reply = llm.complete([{"role": "user", "content": "Reply with the word OK."}])
    except Exception as exc:  # noqa: BLE001 - any failure is what the check reports
        return " ".join(str(exc).split())[:200] or type(exc).__name__
    return None if reply.strip() else "it returned an empty reply"


def render_backend(advisor: Advisor | None, settings: Settings) -> None:
    name = backend_name(settings)
    st.subheader("Backend")
    st.markdown(f"**{md_escape(mode_label(name))}**")
    for field, value in backend_settings(settings).items():
        st.caption(f"{md_escape(field)}: {md_escape(value)}")
    if name != "evidence" and advisor is not None:
        if st.button("Check the backend", key="check-backend", width="stretch"):
            with st.spinner("Asking the backend…"):
                problem = backend_problem(advisor)
            set_notice(problem and f"The {name} backend is unreachable: {problem}")
            if problem is None:
                st.success("The backend answers.")
    notice = st.session_state.get(NOTICE_KEY)
    if notice:
        st.warning(md_escape(notice), icon=":material/warning:")


def render_sidebar() -> None:
    """Draw the sidebar for this session."""
    with st.sidebar:
        try:
            settings = current_settings()
        except Exception as exc:  # shown as one line, whatever failed
            st.error(error_line(exc))
            return
        try:
            advisor: Advisor | None = current_advisor()
        except Exception as exc:  # shown as one line, whatever failed
            advisor = None
            st.error(error_line(exc))
        if advisor is not None:
            render_conversations()
            st.divider()
        render_backend(advisor, settings)
        if advisor is not None:
            st.divider()
            render_documents(advisor)
