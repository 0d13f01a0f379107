"""`advisor mcp`: the advisor as an MCP server (official `mcp` SDK), over stdio or streamable HTTP.

Tools: `ask`, `retrieve`, `draft_canvas`, `gap_analysis`; each returns text whose [n] markers
point to the numbered report passages quoted after it. Resources: the report, one per indexed
section (`report://section/<n>`), plus `report://outline` listing them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resources import TextResource

from bot.errors import AdvisorError
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.advisor import Advisor
    from bot.types import Answer, Hit

INSTRUCTIONS = """Answers and Business Model Canvases grounded in the World Manufacturing Report
2023 (New Business Models for the Manufacturing of the Future). Every claim carries an [n]
marker; the quoted report passages follow under Sources. Keep the markers when you quote."""


def answer_text(answer: Answer) -> str:
    """The answer with its numbered sources, each quoting the full cited report passage."""
    lines = [answer.text]
    if answer.notice:
        lines += ["", f"Note: {answer.notice}"]
    if answer.citations:
        lines += ["", "Sources:"]
    for c in answer.citations:
        page = f", p. {c.chunk.page}" if c.chunk.page else ""
        lines += ["", f"[{c.n}] {c.chunk.section} ({c.chunk.source}{page})", _quote(c.chunk.body)]
    return "\n".join(lines)


def hits_text(hits: list[Hit]) -> str:
    return "\n\n".join(
        f"[{h.rank}] {h.chunk.section} ({h.chunk.source}, score {h.score:.3f})\n"
        f"{_quote(h.chunk.body)}"
        for h in hits
    ) or "No report passage matches."


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.strip().splitlines())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


@contextmanager
def _tool_errors() -> Iterator[None]:
    """A user-fixable AdvisorError becomes a tool error whose message the model reads."""
    try:
        yield
    except AdvisorError as exc:
        raise ToolError(str(exc)) from exc


def build_server(advisor: Advisor) -> MCPServer:
    """An MCP server whose tools and resources call this Advisor."""
    from bot import canvas_to_markdown

    server = MCPServer("mbm-advisor", instructions=INSTRUCTIONS)

    @server.tool(title="Ask the report")
    def ask(question: str, history: list[dict[str, str]] | None = None) -> str:
        """Answer a question about manufacturing business models from the report, with cited
        sources. history: the conversation so far as [{"role", "content"}] (optional)."""
        with _tool_errors():
            return answer_text(advisor.ask(question, history))

    @server.tool(title="Search the report")
    def retrieve(question: str, k: int = 5) -> str:
        """The k report passages that best match a question (hybrid semantic + keyword)."""
        if not 1 <= k <= 50:
            raise ToolError("k must be between 1 and 50")
        with _tool_errors():
            return hits_text(advisor.retrieve(question, k))

    @server.tool(title="Draft a Business Model Canvas")
    def draft_canvas(brief: str) -> str:
        """Draft a nine-block Business Model Canvas for a company described in a short brief;
        every bullet cites the report text it comes from (Markdown, footnotes quote the text)."""
        with _tool_errors():
            return canvas_to_markdown(advisor.draft_canvas(brief))

    @server.tool(title="Gap analysis of a canvas")
    def gap_analysis(canvas: str, archetype: str | None = None) -> str:
        """Compare your own canvas (Markdown with one '## Block' heading per block and '- '
        bullets, or JSON {"blocks": {...}}) with the best-fitting report canvas, or with
        `archetype` (digital, data-driven, ai-based, mass-customisation, servitised,
        circular): what you cover, what you lack, and the recommendations for the gaps."""
        with _tool_errors():
            return advisor.gap_analysis(canvas, archetype).to_markdown()

    _add_report_resources(server, advisor)
    return server


def _add_report_resources(server: MCPServer, advisor: Advisor) -> None:
    index = advisor.report_index()
    listing = ["# The report's sections", ""]
    for n, (section, chunks) in enumerate(index.by_section.items(), start=1):
        uri = f"report://section/{n}-{_slug(section)}"
        text = "\n\n".join(c.body for c in chunks)
        server.add_resource(TextResource(
            uri=uri, name=section, title=section, mime_type="text/markdown",
            description=f"{section} ({chunks[0].source})", text=f"# {section}\n\n{text}\n",
        ))
        listing.append(f"- [{section}]({uri})")
    server.add_resource(TextResource(
        uri="report://outline", name="outline", title="Report outline", mime_type="text/markdown",
        description="Every section of the indexed report, with its resource URI.",
        text="\n".join(listing) + "\n",
    ))


def run(settings: Settings, http: bool = False, host: str | None = None,
        port: int | None = None) -> None:
    """Load the advisor, then serve MCP over stdio (default) or streamable HTTP at /mcp."""
    from bot.advisor import Advisor

    if http:
        from bot.serve.app import check_port

        host, port = host or settings.api_host, port or settings.mcp_port
        check_port(host, port)
    server = build_server(Advisor.from_settings(settings))
    if not http or host is None or port is None:
        server.run("stdio")
        return
    print(f"advisor MCP server on http://{host}:{port}/mcp", file=sys.stderr, flush=True)
    server.run("streamable-http", host=host, port=port)
