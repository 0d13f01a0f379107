"""Turn one source file (Markdown, text, PDF, DOCX, PPTX, HTML) into heading-path Blocks.

PDFs (with OCR of scanned pages) live in ingest.pdf, slide decks in ingest.slides.

Every failure a user can fix (wrong format, corrupt, encrypted, too big, not UTF-8, no text)
surfaces as a one-line IngestError naming the file, never as a library traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import CData
from docx import Document
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.errors import IngestError
from ingest.common import file_error as _error
from ingest.common import normalise as _normalise
from ingest.common import reason as _reason
from ingest.common import stem_title
from ingest.pdf import load_pdf
from ingest.slides import load_pptx
from ingest.types import Block

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".md", ".markdown", ".txt", ".pdf", ".docx", ".pptx", ".html", ".htm"}
)
MAX_FILE_BYTES = 20 * 1024 * 1024

_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_DOCX_HEADING = re.compile(r"^Heading (\d+)$")
_HTML_DROP = ["script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg"]
_HTML_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_HTML_BLOCKS = frozenset(
    "p div blockquote ul ol table thead tbody tfoot section article main header footer nav "
    "aside figure figcaption form dl dt dd address hr body html td th caption".split()
)
_CELLS = ["td", "th"]
_HTML_PARAGRAPHS = frozenset({"p", "blockquote", "ul", "ol", "table", "pre", "dl"})


def _read_text(path: Path) -> str:
    """Decode a text-format file as UTF-8 (a BOM is allowed); refuse binary or other encodings."""
    data = path.read_bytes()
    if b"\x00" in data:
        raise _error(path, "contains NUL bytes, so it is binary (or UTF-16), not a UTF-8 text file")
    try:
        # utf-8-sig accepts exactly what utf-8 accepts and also drops a leading BOM.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _error(
            path, f"not a UTF-8 text file (bad byte at offset {exc.start}); re-save it as UTF-8"
        ) from exc


def _front_matter_end(lines: list[str]) -> int:
    """Index of the first line after a leading `---` front-matter block, or 0 if there is none."""
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return index + 1
    return 0


def front_matter(text: str) -> dict[str, str]:
    """Top-level `key: value` pairs of a Markdown front-matter block, quotes stripped."""
    lines = text.removeprefix("\ufeff").splitlines()
    fields: dict[str, str] = {}
    for line in lines[1 : max(_front_matter_end(lines) - 1, 1)]:
        key, colon, value = line.partition(":")
        if not colon or not key.strip() or line[:1].isspace() or key.lstrip().startswith("#"):
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        fields[key.strip()] = value
    return fields


def _strip_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """Remove HTML comments from one line, tracking comments that span lines."""
    if in_comment:
        end = line.find("-->")
        if end < 0:
            return "", True
        line = line[end + 3 :]
    line = re.sub(r"<!--.*?-->", "", line)
    start = line.find("<!--")
    return (line, False) if start < 0 else (line[:start], True)


class _Sections:
    """Collects body text under a heading-path stack and emits one Block per section."""

    def __init__(self) -> None:
        self.path: tuple[str, ...] = ()
        self.lines: list[str] = []
        self.blocks: list[Block] = []

    def heading(self, level: int, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            return
        self.flush()
        self.path = self.path[: level - 1] + (title,)

    def flush(self) -> None:
        text = _normalise("\n".join(self.lines))
        if text.strip():
            self.blocks.append(Block(path=self.path, text=text))
        self.lines = []


def _load_markdown(path: Path) -> list[Block]:
    lines = _read_text(path).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    sections = _Sections()
    fence = ""
    in_comment = False
    for line in lines[_front_matter_end(lines) :]:
        if fence:
            sections.lines.append(line)
            closing = _FENCE.match(line)
            if closing and closing.group(1).startswith(fence) and not line.strip(" `~"):
                fence = ""
            continue
        line, in_comment = _strip_comments(line, in_comment)
        fence_match, heading = _FENCE.match(line), _ATX_HEADING.match(line)
        if fence_match:
            fence = fence_match.group(1)
            sections.lines.append(line)
        elif heading:
            sections.heading(len(heading.group(1)), heading.group(2) or "")
        else:
            sections.lines.append(line)
    sections.flush()
    return sections.blocks


def _load_txt(path: Path) -> list[Block]:
    paragraphs = re.split(r"\n\s*\n", _normalise(_read_text(path)))
    text = "\n\n".join(p for p in paragraphs if p.strip())
    return [Block(path=(), text=text)] if text else []


def _docx_row(cells: Iterable[_Cell]) -> str:
    """Row text with horizontally merged cells (the same object repeated) counted once."""
    texts: list[str] = []
    previous: _Cell | None = None
    for cell in cells:
        if cell is not previous:
            texts.append(" ".join(cell.text.split()))
        previous = cell
    return " | ".join(texts) if any(texts) else ""


def _docx_item(sections: _Sections, item: Paragraph | Table) -> None:
    """Add one DOCX paragraph or table to the sections (list items stay on adjacent lines)."""
    if isinstance(item, Table):
        rows = (_docx_row(row.cells) for row in item.rows)
        sections.lines.extend(["", *(row for row in rows if row), ""])
        return
    style, text = (item.style.name or "") if item.style else "", item.text.strip()
    heading = _DOCX_HEADING.match(style)
    if heading or style == "Title":
        sections.heading(int(heading.group(1)) if heading else 1, text)
    elif text:
        sections.lines.extend([f"- {text}"] if style.startswith("List") else ["", text, ""])


def _load_docx(path: Path) -> list[Block]:
    sections = _Sections()
    try:
        for item in Document(str(path)).iter_inner_content():
            _docx_item(sections, item)
    except Exception as exc:  # zipfile.BadZipFile, PackageNotFoundError, KeyError, lxml errors
        raise _error(path, f"is not a readable .docx file ({_reason(exc)})") from exc
    sections.flush()
    return sections.blocks


class _HtmlWalker(_Sections):
    """Walks a parsed HTML tree, turning headings into paths and everything else into text."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.prefix = ""
        self.depth = 0

    def end_line(self) -> None:
        text = " ".join("".join(self.inline).split())
        self.inline = []
        if text:
            self.lines.append(self.prefix + text)
            self.prefix = ""

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                self.element(child)
            elif type(child) in (NavigableString, CData):  # not comments, doctypes, PIs
                self.inline.append(str(child))

    def element(self, tag: Tag) -> None:
        name = tag.name.lower()
        if name in _HTML_HEADINGS:
            self.end_line()
            self.heading(_HTML_HEADINGS[name], tag.get_text(" "))
        elif name == "br":
            self.end_line()
        elif name == "pre":
            self.end_line()
            self.lines.extend(["", tag.get_text().strip("\n"), ""])
        elif name == "tr":
            self.end_line()
            cells = [
                " ".join(c.get_text(" ").split()) for c in tag.find_all(_CELLS, recursive=False)
            ]
            if any(cells):
                self.lines.append(" | ".join(cells))
        elif name == "li":
            self.end_line()
            self.prefix = "  " * max(self.depth - 1, 0) + "- "
            self.walk(tag)
            self.end_line()
            self.prefix = ""
        elif name in _HTML_BLOCKS:
            self.block(tag, name)
        else:
            self.walk(tag)

    def block(self, tag: Tag, name: str) -> None:
        self.end_line()
        nesting = 1 if name in ("ul", "ol") else 0
        self.depth += nesting
        self.walk(tag)
        self.depth -= nesting
        self.end_line()
        if name in _HTML_PARAGRAPHS and self.depth == 0:
            self.lines.append("")


def _load_html(path: Path) -> list[Block]:
    soup = BeautifulSoup(_read_text(path), "lxml")
    for tag in soup.find_all(_HTML_DROP):
        tag.decompose()
    walker = _HtmlWalker()
    walker.walk(soup)
    walker.end_line()
    walker.flush()
    return walker.blocks


_LOADERS: dict[str, Callable[[Path], list[Block]]] = {
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".txt": _load_txt,
    ".pdf": load_pdf,
    ".docx": _load_docx,
    ".pptx": load_pptx,
    ".html": _load_html,
    ".htm": _load_html,
}


def load_file(path: Path) -> list[Block]:
    """Read one supported file into Blocks; raise IngestError with a fixable message if not."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise _error(path, f"unsupported file type {suffix or '(none)'!r}; supported: {supported}")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            mib, cap = 1024 * 1024, MAX_FILE_BYTES
            raise _error(
                path, f"is {size / mib:.1f} MB, over the {cap / mib:.1f} MB ({cap} bytes) limit"
            )
        if size == 0:
            raise _error(path, "has no text (the file is empty)")
        blocks = _LOADERS[suffix](path)
    except OSError as exc:
        raise _error(path, f"cannot be read ({exc.strerror or _reason(exc)})") from exc
    if not blocks:
        raise _error(path, "has no text (empty, or images in which OCR found no words)")
    return blocks


def title_of(path: Path, blocks: list[Block]) -> str:
    """Front-matter title (Markdown), else the first heading, else the file stem as words."""
    if path.suffix.lower() in _MARKDOWN_SUFFIXES:
        try:
            title = " ".join(front_matter(_read_text(path)).get("title", "").split())
        except (OSError, IngestError):
            title = ""
        if title:
            return title
    for block in blocks:
        if block.path:
            return block.path[0]
    return stem_title(path)
