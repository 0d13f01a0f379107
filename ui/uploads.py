"""The sidebar's documents: uploads into the user's private space, and (admins) the shared index.

Signed in, a user's uploads go to their own space, which only their answers search; they can
list and delete their documents. Admins (ADVISOR_ADMINS) may tick "shared" to add to the index
everyone is answered from. Without sign-in the one local user runs the app and uploads into
the shared index, as before. Limits and safe names are enforced by `Advisor.upload`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from bot import SUPPORTED_SUFFIXES, Advisor
from ui.components import error_line, md_escape

UPLOADS_KEY = "uploads"


def _progress_bar() -> tuple[Any, Callable[[str, int, int], None]]:
    bar = st.progress(0.0, text="Reading the files…")

    def progress(stage: str, done: int, total: int) -> None:
        verb = {"load": "Reading", "embed": "Embedding"}.get(stage, stage.title())
        bar.progress(done / max(total, 1), text=f"{verb} {done}/{total}")

    return bar, progress


def render_private_documents(advisor: Advisor) -> None:
    """The signed-in user's own documents, each with a delete button."""
    try:
        mine = advisor.documents()
    except Exception as exc:  # shown as one line, whatever failed
        st.caption(error_line(exc))
        return
    st.caption(f"Your documents ({len(mine)}), searched only for you:")
    for i, (source, chunks) in enumerate(mine.items()):
        left, right = st.columns([4, 1])
        left.caption(f"{md_escape(Path(source).name)} · {chunks} chunks")
        if right.button(":material/delete:", key=f"delete-doc-{i}", help="Delete this document"):
            try:
                advisor.remove([source])
            except Exception as exc:  # shown as one line, whatever failed
                st.error(error_line(exc))
            else:
                st.rerun()


def render_documents(advisor: Advisor) -> None:
    """Index size, the upload form and, when signed in, the user's own documents."""
    st.subheader("Documents")
    try:
        st.caption(f"{advisor.retriever.chunk_count} chunks indexed in {advisor.store.where}")
    except Exception as exc:  # shown as one line, whatever failed
        st.caption(error_line(exc))
    private = advisor.user is not None
    if private:
        render_private_documents(advisor)
    files = st.file_uploader(
        "Add your own documents (only you see them)" if private else "Add documents to the index",
        type=[s.lstrip(".") for s in sorted(SUPPORTED_SUFFIXES)],
        accept_multiple_files=True,
        key=UPLOADS_KEY,
    )
    shared = False
    if private and advisor.is_admin:
        shared = st.checkbox("Add to the shared index (everyone sees them)", key="upload-shared")
    if not files or not st.button("Index them", key="ingest", type="primary", width="stretch"):
        return
    bar, progress = _progress_bar()
    try:
        uploads = [(f.name, f.getvalue()) for f in files]
        report = advisor.upload(uploads, shared=shared, progress=progress)
    except Exception as exc:  # shown as one line, whatever failed
        bar.empty()
        st.error(error_line(exc))
        return
    bar.progress(1.0, text="Done")
    st.success(md_escape(report.summary()))
    for source, reason in report.failed:
        st.warning(md_escape(f"Skipped {Path(source).name}: {reason}"))
