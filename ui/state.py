"""The advisor each browser session uses: models load once per process, state stays per session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from bot import Advisor, Embedder, load_embedder
from bot.settings import Settings, load_settings
from ui.auth import signed_in_email

if TYPE_CHECKING:
    from bot.workspace.repository import Workspace

# A session may carry a ready Advisor under this key (tests inject one with a fake backend).
ADVISOR_KEY = "advisor"


@st.cache_resource(show_spinner="Loading the embedding model…")
def _embedder(model_path: str) -> Embedder:
    return load_embedder(model_path)


@st.cache_resource(show_spinner=False)
def _advisor(fingerprint: str, _settings: Settings) -> Advisor:
    """One Advisor per distinct configuration, shared by every session of this process."""
    return Advisor(_settings, embedder=_embedder(_settings.model_path()))


def current_settings() -> Settings:
    """Settings of this session's advisor (environment variables, ADVISOR_ prefix)."""
    injected = st.session_state.get(ADVISOR_KEY)
    if isinstance(injected, Advisor):
        return injected.settings
    return load_settings()


def current_advisor() -> Advisor:
    """The advisor serving this session (AdvisorError with a one-line fix if misconfigured).

    Signed in, it is the user's own: the shared index plus their private documents.
    """
    injected = st.session_state.get(ADVISOR_KEY)
    if isinstance(injected, Advisor):
        base = injected
    else:
        settings = load_settings()
        base = _advisor(settings.model_dump_json(), settings)
    email = signed_in_email()
    return base if email is None else base.for_user(email)


def session_list(key: str) -> list[Any]:
    """A list kept in this session's state (created empty on first use)."""
    if key not in st.session_state:
        st.session_state[key] = []
    value: list[Any] = st.session_state[key]
    return value


LOCAL_USER = "local"


def current_user_id() -> str:
    """Whose conversations, canvases and uploads this session sees: the signed-in user's email
    when sign-in is configured (ui/auth.py), else the one local user."""
    return signed_in_email() or LOCAL_USER
def current_workspace() -> Workspace:
    """The saved conversations, canvases and feedback of this advisor (ADVISOR_DB_URL)."""
    return current_advisor().workspace


def query_id(name: str) -> str | None:
    """An id carried in the page URL (?c=... for a conversation, ?canvas=... for a canvas)."""
    value = st.query_params.get(name)
    return value if isinstance(value, str) and value.isalnum() and len(value) <= 64 else None
