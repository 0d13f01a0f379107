"""Canvas page: draft a Business Model Canvas from a company brief, edit it, refine it, export it,
keep every version, compare versions, and find the gaps in a canvas of your own."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import streamlit as st

from bot import BLOCK_TITLES, canvas_pptx_bytes, canvas_to_json, canvas_to_markdown, canvas_to_png
from bot.types import CANVAS_BLOCKS, Bullet, Canvas, CanvasBlock
from ui.answer_extras import BRIEF_FROM_CHAT, BRIEF_KEY, render_feedback
from ui.canvas_history import (
    current_canvas,
    open_canvas,
    render_picker,
    render_saved_gaps,
    render_versions,
    save_canvas,
)
from ui.components import (
    DOWNLOAD,
    BulletRenderer,
    bullet_line,
    citation_chips,
    error_line,
    md_escape,
    mode_label,
    nine_box,
)
from ui.sidebar import set_notice
from ui.state import current_advisor

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
EXAMPLE_BRIEF = (
    "We build industrial compressors and want to sell compressed air as a service, "
    "billed per cubic metre, with remote monitoring and predictive maintenance."
)


def _store(canvas: Canvas, action: str, detail: str = "") -> None:
    """Keep the canvas as a new version (draft, refine, edit, redraft)."""
    save_canvas(canvas, action, detail)
    set_notice(canvas.notice)


def edit_bullet(canvas: Canvas, key: str, index: int, text: str) -> Canvas:
    """The canvas with one bullet's text replaced (an edited bullet is no longer a quote)."""
    blocks = []
    for block in canvas.blocks:
        if block.key == key:
            bullets = list(block.bullets)
            old = bullets[index]
            bullets[index] = Bullet(text=text, citations=old.citations, from_report=False,
                                    origin="brief" if old.origin == "brief" else "edited")
            block = CanvasBlock(key=block.key, bullets=tuple(bullets), note=block.note)
        blocks.append(block)
    return replace(canvas, blocks=tuple(blocks))


def _blocks(canvas: Canvas) -> dict[str, Sequence[Bullet]]:
    return {b.key: b.bullets for b in canvas.blocks}


def _draw_block(canvas: Canvas) -> BulletRenderer:
    def draw(key: str, bullets: Sequence[Bullet]) -> None:
        note = canvas.block(key).note
        if note:
            st.caption(md_escape(note))
        st.markdown("\n".join(bullet_line(b, edited=b.origin == "edited") for b in bullets))
        cites = {c.n: c for b in bullets for c in b.citations}
        citation_chips([cites[n] for n in sorted(cites)], key=f"canvas-{key}", compact=True)

    return draw


def render_archetypes(canvas: Canvas) -> None:
    if not canvas.archetypes:
        return
    st.markdown("**Fit with the report's six business model archetypes**")
    data = {"archetype": [a.name for a in canvas.archetypes],
            "fit": [round(a.score, 4) for a in canvas.archetypes]}
    st.bar_chart(data, x="archetype", y="fit", horizontal=True, height=230, sort="-fit")


def render_editor(canvas: Canvas) -> None:
    """Change one bullet's wording, or re-draft a block from the report with an instruction."""
    edit, refine = st.columns(2, gap="large")
    with edit, st.container(border=True):
        st.markdown("**Edit a bullet**")
        key = st.selectbox("Block", CANVAS_BLOCKS, format_func=BLOCK_TITLES.__getitem__,
                           key="edit-block")
        bullets = canvas.block(key).bullets
        if not bullets:
            st.caption("This block is empty.")
        else:
            index = st.selectbox("Bullet", range(len(bullets)), key="edit-index",
                                 format_func=lambda i: bullets[i].text[:80])
            text = st.text_input("New wording", value=bullets[index].text,
                                 key=f"edit-text-{key}-{index}")
            if st.button("Save the bullet", key="edit-save"):
                if text.strip():
                    _store(edit_bullet(canvas, key, index, text.strip()), "edit",
                           f"{BLOCK_TITLES[key]}: {text.strip()}")
                    st.rerun()
                st.error("A bullet needs some text.")
    with refine, st.container(border=True):
        st.markdown("**Re-draft a block**")
        key = st.selectbox("Block to re-draft", CANVAS_BLOCKS,
                           format_func=BLOCK_TITLES.__getitem__, key="refine-block")
        wish = st.text_input("What should change?", key="refine-text",
                             placeholder="e.g. more focus on recurring revenue")
        if st.button("Re-draft", key="refine-go", type="primary"):
            instruction = f"{BLOCK_TITLES[key]}: {wish.strip() or 'another take'}"
            try:
                with st.spinner("Re-drafting…"):
                    _store(current_advisor().refine_canvas(canvas, instruction), "redraft",
                           instruction)
            except Exception as exc:  # shown as one line, whatever failed
                st.error(error_line(exc))
            else:
                st.rerun()
    with st.form("refine-form", border=True):
        st.markdown("**Refine the whole canvas**")
        wish = st.text_input("Instruction", key="refine-all-text",
                             placeholder="e.g. make revenue more subscription-based")
        if st.form_submit_button("Refine", type="primary") and wish.strip():
            try:
                with st.spinner("Refining…"):
                    _store(current_advisor().refine_canvas(canvas, wish.strip()), "refine",
                           wish.strip())
            except Exception as exc:  # shown as one line, whatever failed
                st.error(error_line(exc))
            else:
                st.rerun()


def canvas_png(canvas: Canvas) -> bytes:
    """The canvas as a nine-box PNG image."""
    with tempfile.TemporaryDirectory() as folder:
        path = canvas_to_png(canvas, Path(folder) / "canvas.png")
        return path.read_bytes()


def render_downloads(canvas: Canvas) -> None:
    as_json = json.dumps(canvas_to_json(canvas), ensure_ascii=False, indent=2)
    with st.container(horizontal=True, key="canvas-downloads"):
        st.download_button("Markdown", canvas_to_markdown(canvas), key="dl-md",
                           file_name="canvas.md", mime="text/markdown", icon=DOWNLOAD,
                           on_click="ignore")
        st.download_button("JSON", as_json, key="dl-json", file_name="canvas.json",
                           mime="application/json", icon=DOWNLOAD, on_click="ignore")
        try:
            png = canvas_png(canvas)
        except Exception as exc:  # shown as one line, whatever failed
            st.caption("PNG unavailable: " + error_line(exc))
        else:
            st.download_button("PNG", png, key="dl-png", file_name="canvas.png",
                               mime="image/png", icon=DOWNLOAD, on_click="ignore")
        try:
            deck = canvas_pptx_bytes(canvas)
        except Exception as exc:  # shown as one line, whatever failed
            st.caption("PowerPoint unavailable: " + error_line(exc))
        else:
            st.download_button("PowerPoint", deck, key="dl-pptx", file_name="canvas.pptx",
                               mime=PPTX_MIME, icon=DOWNLOAD, on_click="ignore")


def render_gaps() -> None:
    """Upload your own canvas (JSON or Markdown) and see what the report would add."""
    st.subheader("Gap analysis of your canvas")
    st.caption('JSON ({"blocks": {"key_partners": ["…"], …}}) or Markdown with one '
               "`## Block name` heading per block and bullets under it.")
    upload = st.file_uploader("Your canvas", type=["json", "md", "markdown", "txt"],
                              key="gap-upload")
    if upload is None:
        return
    try:
        text = upload.getvalue().decode("utf-8")
    except UnicodeDecodeError:
        st.error("The canvas file is not UTF-8 text.")
        return
    try:
        with st.spinner("Comparing with the report…"):
            report = current_advisor().gap_analysis(text)
    except Exception as exc:  # shown as one line, whatever failed
        st.error(error_line(exc))
        return
    st.markdown(f"Closest report canvas: **{md_escape(report.archetype)}** · "
                f"{report.gap_count} gap(s)")
    for block in report.blocks:
        if not block.gaps:
            continue
        with st.container(border=True, key=f"gap-{block.key}"):
            st.markdown(f"**{BLOCK_TITLES[block.key]}**: the report also lists")
            for gap in block.gaps:
                st.markdown(f"- {md_escape(gap.item)} \\[{gap.citation.n}\\]")
            cites = {g.citation.n: g.citation for g in block.gaps}
            citation_chips([cites[n] for n in sorted(cites)], key=f"gap-{block.key}")
    if report.recommendations:
        st.markdown("**Recommendations that address these gaps**")
        for rec in report.recommendations:
            st.markdown(f"- {md_escape(rec.text)} \\[{rec.citation.n}\\]")
    st.download_button("Gap report (Markdown)", report.to_markdown(), key="dl-gaps",
                       file_name="canvas-gaps.md", mime="text/markdown", on_click="ignore")


def render() -> None:
    st.title("Draft a Business Model Canvas")
    from_chat = st.session_state.pop(BRIEF_FROM_CHAT, False)
    if from_chat:
        open_canvas(None)
    render_picker()
    st.session_state.setdefault(BRIEF_KEY, EXAMPLE_BRIEF)
    if from_chat:
        st.info("The brief below comes from your question in the chat: press *Draft the canvas*.",
                icon=":material/info:")
    left, right = st.columns([3, 2], gap="large")
    with left, st.form("brief-form", border=False):
        brief = st.text_area("Describe your company and what you want to change",
                             height=110, key=BRIEF_KEY)
        drafted = st.form_submit_button("Draft the canvas", type="primary")
    if drafted:
        try:
            with st.spinner("Drafting from the report…"):
                _store(current_advisor().draft_canvas(brief), "draft")
        except Exception as exc:  # shown as one line, whatever failed
            st.error(error_line(exc))
    canvas, number = current_canvas()
    canvas_id = st.session_state.get("canvas-id")
    if canvas is not None:
        with right:
            render_archetypes(canvas)
        if canvas.notice:
            st.warning(md_escape(canvas.notice), icon=":material/warning:")
        version = f" · version {number}" if number else ""
        st.caption(md_escape(mode_label(canvas.mode)) + " · every bullet cites its source"
                   + version)
        nine_box(_blocks(canvas), prefix="canvas", render=_draw_block(canvas))
        if canvas.recommendations:
            with st.expander("Recommendations from the report for this brief"):
                for r in canvas.recommendations:
                    st.markdown(bullet_line(r))
                cites = {c.n: c for r in canvas.recommendations for c in r.citations}
                citation_chips([cites[n] for n in sorted(cites)], key="canvas-recs")
        render_downloads(canvas)
        if isinstance(canvas_id, str) and number:
            render_feedback("canvas", canvas_id, key=f"canvas-{canvas_id}-{number}",
                            canvas_version=number)
        render_editor(canvas)
        if isinstance(canvas_id, str) and number:
            render_versions(canvas_id)
            render_saved_gaps(canvas_id, number, canvas)
    st.divider()
    render_gaps()


if __name__ == "__main__":
    render()
