"""Saved canvases on the Canvas page: which one is open (?canvas=... in the URL), its versions
(list, restore), comparing two versions or two canvases block by block, and saved gap analyses."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from bot import BLOCK_TITLES, compare_canvases
from bot.types import Bullet, Canvas
from ui.components import error_line, md_escape, nine_box
from ui.state import current_user_id, current_workspace, query_id

ACTIVE = "canvas-id"
UNSAVED = "canvas"  # the canvas kept in the session only, when the workspace cannot be opened


def active_canvas() -> str | None:
    """The saved canvas this session shows: its choice, else the one in the URL."""
    if ACTIVE not in st.session_state:
        cid = query_id("canvas")
        try:
            known = cid is not None and any(
                c.id == cid for c in current_workspace().canvases(current_user_id()))
        except Exception:  # noqa: BLE001 - an unusable workspace means no saved canvas
            known = False
        st.session_state[ACTIVE] = cid if known else None
    value = st.session_state[ACTIVE]
    return value if isinstance(value, str) else None


def open_canvas(canvas_id: str | None) -> None:
    st.session_state[ACTIVE] = canvas_id
    st.session_state.pop(UNSAVED, None)
    if canvas_id is None:
        st.query_params.pop("canvas", None)
    else:
        st.query_params["canvas"] = canvas_id


def current_canvas() -> tuple[Canvas | None, int]:
    """The open canvas (its newest version) and that version's number (0 when unsaved)."""
    canvas_id = active_canvas()
    if canvas_id is not None:
        try:
            version = current_workspace().version(current_user_id(), canvas_id)
        except Exception as exc:  # noqa: BLE001 - shown as one line
            st.error(error_line(exc))
        else:
            return version.canvas, version.number
    value = st.session_state.get(UNSAVED)
    return (value, 0) if isinstance(value, Canvas) else (None, 0)


def save_canvas(canvas: Canvas, action: str, detail: str = "") -> None:
    """Store a canvas as the next version of the open one (a new saved canvas for a draft)."""
    canvas_id = None if action == "draft" else active_canvas()
    try:
        version = current_workspace().save_version(current_user_id(), canvas_id, canvas,
                                                   action, detail)
    except Exception as exc:  # noqa: BLE001 - kept in the session, with a notice
        st.warning("This canvas is not being saved: " + error_line(exc))
        st.session_state[UNSAVED] = canvas
        return
    open_canvas(version.canvas_id)


def render_picker() -> None:
    """Open one of the saved canvases, or start a new one."""
    try:
        saved = current_workspace().canvases(current_user_id())
    except Exception as exc:  # noqa: BLE001 - shown as one line
        st.caption("Saved canvases are unavailable: " + error_line(exc))
        return
    if not saved:
        return
    ids = [None, *[c.id for c in saved]]
    titles = {c.id: f"{c.title} (v{c.latest})" for c in saved}
    shown = active_canvas()
    choice = st.selectbox("Your saved canvases", ids, index=ids.index(shown) if shown in ids
                          else 0, key=f"canvas-picker-{shown}",
                          format_func=lambda i: "New canvas" if i is None else titles[i])
    if choice != shown:
        open_canvas(choice)
        st.rerun()


def _diff_renderer(diff):  # type: ignore[no-untyped-def]
    def draw(key: str, _bullets: Sequence[Bullet]) -> None:
        block = diff.block(key)
        lines = [f"- {md_escape(b.text)}" for b in block.same]
        lines += [f"- :green[**+ {md_escape(b.text)}**]" for b in block.added]
        lines += [f"- :red[~~{md_escape(b.text)}~~]" for b in block.removed]
        lines += [f"- :orange[**±**] ~~{md_escape(a.text)}~~ → :orange[{md_escape(b.text)}]"
                  for a, b in block.changed]
        counts = [f"{len(block.added)} added"] * bool(block.added)
        counts += [f"{len(block.removed)} removed"] * bool(block.removed)
        counts += [f"{len(block.changed)} changed"] * bool(block.changed)
        st.caption(" · ".join(counts) or "unchanged")
        st.markdown("\n".join(lines) or "*(empty on both sides)*")

    return draw


def render_compare(canvas_id: str) -> None:
    """Pick two versions (of this canvas, or another saved canvas's newest) and mark the diff."""
    ws, user = current_workspace(), current_user_id()
    versions = ws.versions(user, canvas_id)
    options: list[tuple[str, int]] = [(canvas_id, v.number) for v in versions]
    labels = {(canvas_id, v.number): f"This canvas {v.label}" for v in versions}
    for other in ws.canvases(user):
        if other.id != canvas_id and other.latest:
            options.append((other.id, other.latest))
            labels[(other.id, other.latest)] = f"{other.title} (v{other.latest})"
    if len(options) < 2:
        st.caption("Refine or edit the canvas, or draft another one, to compare two of them.")
        return
    left, right = st.columns(2)
    # Keys change with the options, so a new version resets the choice to the newest two.
    a = left.selectbox("Compare", options, index=max(len(versions) - 2, 0),
                       key=f"compare-a-{len(options)}", format_func=labels.__getitem__)
    b = right.selectbox("with", options, index=len(versions) - 1,
                        key=f"compare-b-{len(options)}", format_func=labels.__getitem__)
    first = ws.version(user, a[0], a[1]).canvas
    second = ws.version(user, b[0], b[1]).canvas
    diff = compare_canvases(first, second)
    c = diff.counts
    st.markdown(f"**{md_escape(labels[a])}** → **{md_escape(labels[b])}**: {c['added']} added, "
                f"{c['removed']} removed, {c['changed']} changed")
    shown = {key: (Bullet("x"),) for key in BLOCK_TITLES}
    nine_box(shown, prefix="compare", render=_diff_renderer(diff))


def render_versions(canvas_id: str) -> None:
    """Every version of the open canvas, restoring one, and the comparison."""
    ws, user = current_workspace(), current_user_id()
    versions = ws.versions(user, canvas_id)
    with st.expander(f"Versions ({len(versions)}) and comparison", icon=":material/history:"):
        for v in reversed(versions):
            st.markdown(f"**{md_escape(v.label)}** · {v.created_at:%Y-%m-%d %H:%M} UTC")
        numbers = [v.number for v in versions]
        with st.container(horizontal=True, vertical_alignment="bottom"):
            pick = st.selectbox("Version", numbers[:-1] or numbers, key="restore-pick",
                                format_func=lambda n: f"v{n}")
            if st.button("Restore this version", key="restore-go",
                         disabled=len(numbers) < 2 or pick == numbers[-1]):
                ws.restore(user, canvas_id, pick)
                st.rerun()
        st.divider()
        render_compare(canvas_id)


def render_saved_gaps(canvas_id: str, number: int, canvas: Canvas) -> None:
    """Analyse the open canvas's gaps against the report and keep the analysis with it."""
    from ui.state import current_advisor

    ws, user = current_workspace(), current_user_id()
    if st.button("Find the gaps in this canvas", key="gaps-go", icon=":material/search:"):
        try:
            with st.spinner("Comparing with the report…"):
                analysis = current_advisor().gap_analysis(canvas)
            ws.save_gap_analysis(user, canvas_id, number, analysis.to_json())
        except Exception as exc:  # noqa: BLE001 - shown as one line
            st.error(error_line(exc))
    saved = ws.gap_analyses(user, canvas_id)
    if not saved:
        return
    latest = saved[0]
    report = latest.report
    st.markdown(f"**Gap analysis of v{latest.version}** ({len(saved)} saved with this canvas): "
                f"{report.get('gap_count', 0)} gap(s) against the "
                f"**{md_escape(str(report.get('archetype', '')))}** canvas of the report")
    lines = []
    for key, block in (report.get("blocks") or {}).items():
        gaps = [md_escape(str(g.get("text", ""))) for g in block.get("gaps") or []]
        if gaps:
            lines.append(f"- **{BLOCK_TITLES.get(key, key)}** also has: {'; '.join(gaps)}")
    st.markdown("\n".join(lines) or "No gaps: the canvas covers the report's items.")
