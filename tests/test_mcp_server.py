"""`advisor mcp` for real: an MCP ClientSession (the `mcp` SDK) over stdio and streamable HTTP."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from evals.procs import free_port, stop

ROOT = Path(__file__).resolve().parents[1]
TOOLS = {"ask", "retrieve", "draft_canvas", "gap_analysis"}


def _text(result) -> str:
    return "\n".join(getattr(part, "text", "") for part in result.content)


def _env() -> dict[str, str]:
    return {"PYTHONPATH": os.environ.get("PYTHONPATH", str(ROOT)), "HF_HUB_OFFLINE": "1"}


def test_stdio_session_lists_tools_and_calls_ask_and_draft_canvas(corpus_settings) -> None:
    params = StdioServerParameters(
        command=sys.executable, cwd=ROOT, env=_env(),
        args=["-m", "bot.cli", "mcp", "--data-dir", str(corpus_settings.data_dir)],
    )

    async def session() -> dict:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as mcp:
            await mcp.initialize()
            tools = {t.name: t for t in (await mcp.list_tools()).tools}
            answer = await mcp.call_tool(
                "ask", {"question": "What revenue streams suit servitised business models?"})
            canvas = await mcp.call_tool("draft_canvas", {
                "brief": "We build industrial pumps and want to sell pumping as a service"})
            gaps = await mcp.call_tool("gap_analysis", {
                "canvas": "## Revenue Streams\n- Pay-per-use contracts\n",
                "archetype": "servitised"})
            bad = await mcp.call_tool("retrieve", {"question": "   "})
            resources = (await mcp.list_resources()).resources
            outline = await mcp.read_resource("report://outline")
            uri = next(str(r.uri) for r in resources if r.name.endswith("Revenue Streams"))
            section = await mcp.read_resource(uri)
            return {"tools": tools, "answer": answer, "canvas": canvas, "gaps": gaps, "bad": bad,
                    "resources": resources, "outline": outline, "section": section}

    got = asyncio.run(asyncio.wait_for(session(), timeout=240))
    assert TOOLS <= set(got["tools"])
    assert "question" in got["tools"]["ask"].input_schema["properties"]
    answer = _text(got["answer"])
    assert not got["answer"].is_error
    markers = set(re.findall(r"\[(\d+)\]", answer.split("Sources:")[0]))
    assert markers and all(f"[{n}] New Business Models" in answer for n in markers)
    assert "Pay-per-use" in answer.split("Sources:")[1]  # the cited text itself is returned
    canvas = _text(got["canvas"])
    assert "## Revenue Streams" in canvas and "[^1]:" in canvas
    assert "servitised" in _text(got["gaps"]).lower()
    assert got["bad"].is_error and "empty" in _text(got["bad"])
    assert len(got["resources"]) > 20
    assert "report://section/" in got["outline"].contents[0].text
    assert "Revenue Streams" in got["section"].contents[0].text


def test_streamable_http_serves_the_same_tools(corpus_settings) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "mcp", "--http", "--host", "127.0.0.1", "--port",
         str(port), "--data-dir", str(corpus_settings.data_dir)],
        cwd=ROOT, env={**os.environ, **_env()}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                httpx.get(url, timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the MCP HTTP server did not start"
                time.sleep(0.3)

        async def session() -> tuple[set[str], str]:
            async with streamable_http_client(url) as (read, write), ClientSession(
                read, write
            ) as mcp:
                await mcp.initialize()
                names = {t.name for t in (await mcp.list_tools()).tools}
                hits = await mcp.call_tool("retrieve", {"question": "pay-per-use", "k": 2})
                return names, _text(hits)

        names, hits = asyncio.run(asyncio.wait_for(session(), timeout=120))
        assert TOOLS <= names
        assert hits.startswith("[1] ") and "[2] " in hits and "[3] " not in hits
    finally:
        stop(proc, signal.SIGINT)
