"""Small building blocks shared by the pages: safe text, citation chips, the nine-box grid.

Every piece of user or document text is either escaped Markdown or `st.text`; nothing here
passes `unsafe_allow_html`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from bot import BLOCK_TITLES
from bot.errors import AdvisorError
from bot.types import SECTION_SEP, Bullet, Citation

DOWNLOAD = ":material/download:"
MODE_LABELS: dict[str, str] = {
    "evidence": "Evidence mode: quotes the report itself, no language model",
    "evidence-fallback": "Evidence mode (the language model failed, see the notice)",
    "ollama": "Ollama",
    "openai": "OpenAI-compatible server",
    "llamacpp": "Local GGUF model (llama.cpp)",
}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~$=:])")
_HTML_ISH = re.compile(r"([<>$])")


def md_escape(text: str) -> str:
    """Text that Markdown shows literally: no formatting, links, images, LaTeX or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def safe_markdown(text: str) -> str:
    """Keep an answer's Markdown (bullets, bold) but show any HTML, images or LaTeX literally."""
    return _HTML_ISH.sub(r"\\\1", text).replace("![", "!\\[")


def error_line(exc: BaseException) -> str:
    """What the user sees of a failure: one line of escaped text."""
    if isinstance(exc, AdvisorError):
        text = str(exc)
    else:
        text = f"unexpected error: {type(exc).__name__}: {exc}"
    return md_escape(" ".join(text.split()))


def mode_label(mode: str) -> str:
    """How the UI names a generation mode."""
    return MODE_LABELS.get(mode, mode)


def short_section(section: str, width: int = 38, compact: bool = False) -> str:
    """The last two parts of a section path for a chip label; compact (inside a canvas block,
    whose name is known) keeps only the part above it, e.g. "Servitised"."""
    parts = section.split(SECTION_SEP) if section else ["(no section)"]
    if len(parts) < 3:
        label = parts[-1]
    elif compact:
        label = parts[-2].removesuffix(" Business Models")
    else:
        label = f"{parts[-2]} › {parts[-1]}"
    return label if len(label) <= width else label[: width - 1] + "…"


def citation_chips(
    citations: Sequence[Citation], key: str, compact: bool = False, label: str | None = None
) -> None:
    """A row of numbered chips; opening one shows the section path and the full chunk text.

    A chip is labelled with its number and section (or with `label`, when the place it sits
    already names the section)."""
    if not citations:
        return
    with st.container(horizontal=True, gap="small", key=f"chips-{key}"):
        for c in citations:
            name = label or short_section(c.chunk.section, 24 if compact else 50, compact)
            with st.popover(f"[{c.n}] {md_escape(name)}", key=f"cite-{key}-{c.n}"):
                st.markdown(f"**[{c.n}]** {md_escape(c.chunk.section or '(no section)')}")
                where = c.chunk.source + (f", page {c.chunk.page}" if c.chunk.page else "")
                st.caption(md_escape(where))
                st.text(c.chunk.text)


def bullet_line(bullet: Bullet, edited: bool = False) -> str:
    """A bullet as escaped Markdown with its citation numbers; suggestions and edits are marked,
    and the company's own statements (origin "brief") stand out in colour."""
    refs = "".join(f"\\[{c.n}\\]" for c in bullet.citations)
    if bullet.origin == "brief":
        return f"- :orange[**◆ {md_escape(bullet.text)}**] {refs} *(your company)*"
    mark = " *(edited)*" if edited else "" if bullet.from_report else " *(suggestion)*"
    return f"- {md_escape(bullet.text)} {refs}{mark}".rstrip()


BulletRenderer = Callable[[str, Sequence[Bullet]], None]


def _plain_bullets(key: str, bullets: Sequence[Bullet]) -> None:
    st.markdown("\n".join(bullet_line(b) for b in bullets))
    cites = {c.chunk.id: c for b in bullets for c in b.citations}
    citation_chips(sorted(cites.values(), key=lambda c: c.n), key=key, compact=True)


def block_box(key: str, bullets: Sequence[Bullet], render: BulletRenderer, prefix: str) -> None:
    """One bordered canvas block: title, then its bullets (or a note that it is empty)."""
    with st.container(border=True, key=f"{prefix}-box-{key}"):
        st.markdown(f"**{BLOCK_TITLES.get(key, key)}**")
        if bullets:
            render(key, bullets)
        else:
            st.caption("Nothing listed here.")


def nine_box(
    blocks: Mapping[str, Sequence[Bullet]],
    prefix: str,
    render: BulletRenderer | None = None,
) -> None:
    """The classic Business Model Canvas layout of nine blocks.

    Top row: partners | activities over resources | value propositions |
    relationships over channels | segments; bottom row: cost structure | revenue streams.
    """
    draw = render or (lambda key, bullets: _plain_bullets(f"{prefix}-{key}", bullets))
    top = st.columns(5, gap="small")
    layout = (
        ("key_partners",),
        ("key_activities", "key_resources"),
        ("value_propositions",),
        ("customer_relationships", "channels"),
        ("customer_segments",),
    )
    for column, keys in zip(top, layout, strict=True):
        with column:
            for key in keys:
                block_box(key, blocks.get(key, ()), draw, prefix)
    bottom = st.columns(2, gap="small")
    for column, key in zip(bottom, ("cost_structure", "revenue_streams"), strict=True):
        with column:
            block_box(key, blocks.get(key, ()), draw, prefix)
