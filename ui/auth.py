"""Sign-in: Streamlit's built-in OpenID Connect (`st.login`), on when `[auth]` is configured.

Without an `[auth]` section in `.streamlit/secrets.toml` (the default: one person on localhost)
nothing changes. With it, `require_sign_in()` shows only a sign-in screen until the provider
says who the user is; the signed-in email is then the user id everything is keyed by (private
documents, saved conversations and canvases). Admins are the emails in ADVISOR_ADMINS.
"""

from __future__ import annotations

import streamlit as st

from ui.components import md_escape


def sign_in_configured() -> bool:
    """Is an `[auth]` section configured in the app's secrets?"""
    try:
        return "auth" in st.secrets and bool(st.secrets["auth"])
    except Exception:  # noqa: BLE001 - no or unreadable secrets file: sign-in is off
        return False


def signed_in_email() -> str | None:
    """The signed-in user's email (lower case), or None when sign-in is off or pending."""
    if not sign_in_configured() or not st.user.is_logged_in:
        return None
    email = st.user.get("email")
    return str(email).strip().lower() if isinstance(email, str) and email.strip() else None


def require_sign_in() -> None:
    """When sign-in is configured and nobody is signed in, show the sign-in screen and stop."""
    if not sign_in_configured():
        return
    if not st.user.is_logged_in:
        st.title("Manufacturing Business Model Advisor")
        st.write("Sign in to ask the report, draft canvases and use your documents.")
        st.button("Sign in", key="sign-in", type="primary", on_click=st.login)
        st.stop()
    if signed_in_email() is None:
        st.error("Your sign-in gave no email address, so your documents cannot be kept apart. "
                 "Ask your administrator to include the `email` claim.")
        st.button("Sign out", key="sign-out", on_click=st.logout)
        st.stop()


def render_account() -> None:
    """The signed-in user and a sign-out button, in the sidebar (nothing when sign-in is off)."""
    email = signed_in_email()
    if email is None:
        return
    with st.sidebar:
        st.caption(f"Signed in as **{md_escape(email)}**")
        st.button("Sign out", key="sign-out", on_click=st.logout, width="stretch")
