"""Streamlit app: ask the report a question (minimal page; the full app builds on it)."""

from __future__ import annotations

import streamlit as st

from bot import Advisor
from bot.errors import AdvisorError


@st.cache_resource(show_spinner="Loading the embedding model…")
def get_advisor() -> Advisor:
    return Advisor.from_settings()


st.set_page_config(page_title="Manufacturing Business Model Advisor", page_icon="🏭")
st.title("Manufacturing Business Model Advisor")
st.caption("Grounded in the World Manufacturing Report 2023 — New Business Models.")
question = st.chat_input("Ask about the report")
if question:
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"):
        try:
            hits = get_advisor().retrieve(question, 5)
        except AdvisorError as exc:
            st.error(str(exc))
        else:
            for hit in hits:
                st.markdown(f"**{hit.chunk.section}**")
                st.text(hit.chunk.text.split("\n", 1)[-1])
