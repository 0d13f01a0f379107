"""Report page: search the report, browse its sections, six canvases and ten recommendations."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

import streamlit as st

from bot import ReportIndex
from bot.types import CANVAS_BLOCKS, SECTION_SEP, Bullet, Chunk, Citation
from ui.components import citation_chips, error_line, md_escape, nine_box
from ui.state import current_advisor

SEARCH_K = 8
_NUMBERED = re.compile(r"^(\d+)\.\s")


def _natural(section: str) -> tuple[int, str]:
    """Numbered headings in number order, the rest after them alphabetically."""
    m = _NUMBERED.match(section)
    return (int(m.group(1)), section) if m else (10_000, section)


def canvas_bullets(index: ReportIndex, archetype: str) -> dict[str, list[Bullet]]:
    """A report canvas as bullets, each citing the indexed chunk it comes from (numbered 1…)."""
    canvas = index.report.canvas(archetype)
    numbers: dict[str, int] = {}
    blocks: dict[str, list[Bullet]] = {}
    for key in CANVAS_BLOCKS:
        blocks[key] = []
        for item in canvas.items(key):
            chunk = index.item_chunk(archetype, key, item)
            n = numbers.setdefault(chunk.id, len(numbers) + 1)
            blocks[key].append(Bullet(text=item, citations=(Citation(n=n, chunk=chunk),)))
    return blocks


def render_search() -> None:
    """A search box over the report (hybrid retrieval), results with their sections."""
    query = st.text_input("Search the report", key="report-search",
                          placeholder="e.g. pay-per-use revenue")
    if not query:
        return
    try:
        hits = current_advisor().retrieve(query, SEARCH_K)
    except Exception as exc:  # shown as one line, whatever failed
        st.error(error_line(exc))
        return
    st.caption(f"{len(hits)} best matching passages")
    for hit in hits:
        with st.container(border=True):
            st.markdown(f"**{hit.rank}. {md_escape(hit.chunk.section or hit.chunk.source)}**")
            st.caption(f"score {hit.score:.4f} · {md_escape(hit.chunk.source)}")
            st.text(hit.chunk.body)


def render_browse(chunks: Sequence[Chunk]) -> None:
    """Pick a top-level section; read each of its subsections."""
    tree: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in chunks:
        top = chunk.section_path[0] if chunk.section_path else chunk.source
        tree[top].append(chunk)
    if not tree:
        st.info("The index is empty.")
        return
    # Named sections first, alphabetically; numbered ones ("10 Key Recommendations") after.
    order = sorted(tree, key=lambda s: (s[:1].isdigit(), s))
    top = st.selectbox("Section", order, key="report-section")
    for chunk in sorted(tree[top], key=lambda c: [_natural(p) for p in c.section_path]):
        rest = SECTION_SEP.join(chunk.section_path[1:]) or chunk.section or top
        with st.expander(rest, expanded=len(tree[top]) <= 3):
            st.text(chunk.body)


def render_canvases(index: ReportIndex) -> None:
    """The report's six canvases as nine-box grids."""
    canvases = index.report.canvases
    titles = {key: c.title for key, c in canvases.items()}
    key = st.radio("Canvas", list(titles), format_func=titles.__getitem__, horizontal=True,
                   key="report-canvas")
    canvas = canvases[key]
    st.subheader(canvas.title)
    if canvas.trend:
        st.caption(md_escape(canvas.trend))
    nine_box(canvas_bullets(index, key), prefix=f"report-{key}")


def render_recommendations(index: ReportIndex) -> None:
    """The ten key recommendations as cards."""
    recs = index.report.recommendations
    for start in range(0, len(recs), 2):
        for column, rec in zip(st.columns(2), recs[start : start + 2], strict=False):
            with column, st.container(border=True, key=f"rec-card-{rec.number}"):
                st.markdown(f"**{rec.number}. {md_escape(rec.title)}**")
                for lever, text in rec.levers().items():
                    st.markdown(f"**{lever.title()}:** {md_escape(text)}")
                chunk = index.recommendation_chunk(rec.number)
                citation_chips([Citation(n=rec.number, chunk=chunk)], key=f"rec-{rec.number}",
                               label="Report text")


def render() -> None:
    st.title("The report")
    st.caption("World Manufacturing Report 2023 — New Business Models for the Manufacturing "
               "of the Future.")
    render_search()
    try:
        chunks = current_advisor().retriever.chunks()
    except Exception as exc:  # shown as one line, whatever failed
        st.error(error_line(exc))
        return
    canvases, recs, browse = st.tabs(["Six canvases", "Ten recommendations", "Browse sections"])
    try:
        index = current_advisor().report_index()
    except Exception as exc:  # shown as one line, whatever failed
        index = None
        for tab in (canvases, recs):
            tab.info("Only the browser is available: " + error_line(exc))
    if index is not None:
        with canvases:
            render_canvases(index)
        with recs:
            render_recommendations(index)
    with browse:
        render_browse(chunks)


if __name__ == "__main__":
    render()
