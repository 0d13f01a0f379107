"""Streamlit app: chat with the report, draft a canvas, browse the report.

Run with `advisor ui` (or `streamlit run ui/app.py`); standard Streamlit server options pass
through (`advisor ui --server.port 8600 --server.headless true`, or STREAMLIT_* variables).
The index comes from ADVISOR_DATA_DIR and the backend from ADVISOR_BACKEND and friends.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.auth import render_account, require_sign_in
from ui.sidebar import render_sidebar

HERE = Path(__file__).resolve().parent


def render_app() -> None:
    """The whole app for one run: page setup, navigation, sidebar, the chosen page."""
    st.set_page_config(
        page_title="Manufacturing Business Model Advisor",
        page_icon=":material/factory:",
        layout="wide",
    )
    require_sign_in()  # with [auth] in secrets.toml, nothing below is shown before sign-in
    pages = [
        st.Page(HERE / "chat.py", title="Chat", icon=":material/chat:", default=True),
        st.Page(HERE / "canvas_page.py", title="Canvas", icon=":material/dashboard:",
                url_path="canvas"),
        st.Page(HERE / "report_page.py", title="Report", icon=":material/menu_book:",
                url_path="report"),
    ]
    page = st.navigation(pages, position="top")
    render_account()
    render_sidebar()
    page.run()


render_app()
