"""`advisor serve` for real: the OpenAI client against a started server, keys, limits, errors."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import openai
import pytest

from evals.serve_load import advisor_cmd, create_key, running_server

QUESTION = "What revenue streams suit servitised business models?"
MARKER = re.compile(r"\[(\d+)\]")


@dataclass
class Api:
    url: str
    key: str
    data_dir: Path

    def client(self, key: str | None = None) -> openai.OpenAI:
        return openai.OpenAI(base_url=f"{self.url}/v1", api_key=key or self.key, max_retries=0)

    def post(self, path: str, body: object, key: str | None = None, **kw: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {key or self.key}"}
        return httpx.post(f"{self.url}{path}", json=body, headers=headers, timeout=120, **kw)


@pytest.fixture(scope="module")
def api(corpus_settings) -> Iterator[Api]:
    data_dir = Path(corpus_settings.data_dir)
    key = create_key(data_dir, f"test-{uuid.uuid4().hex[:8]}")
    with running_server(data_dir) as url:
        yield Api(url, key, data_dir)


def _cited(text: str, citations: list[dict]) -> None:
    markers = {int(n) for n in MARKER.findall(text)}
    assert markers, text
    assert markers <= {c["n"] for c in citations}
    for c in citations:
        assert {"n", "section", "source", "page", "text", "chunk_id"} <= c.keys()
        assert c["text"].startswith(c["section"])  # the chunk's full text, heading path first


def test_openai_client_gets_a_cited_answer(api: Api) -> None:
    reply = api.client().chat.completions.create(
        model="advisor", messages=[{"role": "user", "content": QUESTION}]
    )
    data = reply.model_dump()
    text = reply.choices[0].message.content or ""
    assert reply.model == "advisor" and reply.choices[0].finish_reason == "stop"
    _cited(text, data["citations"])
    assert any("Servitised" in c["section"] for c in data["citations"])
    assert "plan" in data and data["refused"] is False
    assert text.startswith(data["answer"]) and "Sources:" in text  # a Sources list for front ends
    if data["plan"] is not None:
        assert data["plan"]["kind"]


def test_streamed_reply_ends_in_done_and_matches_the_whole_reply(api: Api) -> None:
    client = api.client()
    whole = client.chat.completions.create(
        model="advisor", messages=[{"role": "user", "content": QUESTION}]
    )
    pieces, last = [], None
    for chunk in client.chat.completions.create(
        model="advisor", messages=[{"role": "user", "content": QUESTION}], stream=True
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        last = chunk
    assert len(pieces) > 2  # it really streamed
    assert "".join(pieces) == whole.choices[0].message.content
    assert last is not None and last.choices[0].finish_reason == "stop"
    _cited("".join(pieces), last.model_dump()["citations"])
    raw = httpx.post(f"{api.url}/v1/chat/completions", timeout=60,
                     headers={"Authorization": f"Bearer {api.key}"},
                     json={"model": "advisor", "stream": True,
                           "messages": [{"role": "user", "content": QUESTION}]})
    assert raw.headers["content-type"].startswith("text/event-stream")
    assert raw.text.rstrip().endswith("data: [DONE]")


def test_history_makes_a_follow_up_standalone(api: Api) -> None:
    reply = api.client().chat.completions.create(model="advisor", messages=[
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "Tell me about servitised business models."},
        {"role": "assistant", "content": "Servitised models sell the use of a product."},
        {"role": "user", "content": [{"type": "text", "text": "And their revenue streams?"}]},
    ])
    data = reply.model_dump()
    _cited(reply.choices[0].message.content or "", data["citations"])
    assert any("Revenue Streams" in c["section"] for c in data["citations"])


def test_keys_are_required_and_revocable(api: Api) -> None:
    with pytest.raises(openai.AuthenticationError):
        api.client("adv_not-a-key").chat.completions.create(
            model="advisor", messages=[{"role": "user", "content": QUESTION}])
    bare = httpx.get(f"{api.url}/v1/models", timeout=30)
    assert bare.status_code == 401 and bare.json()["error"]["type"] == "authentication_error"
    name = f"revoke-{uuid.uuid4().hex[:6]}"
    key = create_key(api.data_dir, name)
    assert [m.id for m in api.client(key).models.list()] == ["advisor"]
    advisor_cmd("keys", "revoke", name, data_dir=api.data_dir)
    with pytest.raises(openai.PermissionDeniedError):
        api.client(key).models.list()
    listed = json.loads(advisor_cmd("keys", "list", "--json", data_dir=api.data_dir))
    assert {"name": name, "active": False}.items() <= next(
        k for k in listed if k["name"] == name).items()
    stored = (api.data_dir / "api_keys.sqlite3").read_bytes()
    assert key.encode() not in stored  # only the hash is kept
    with sqlite3.connect(api.data_dir / "api_keys.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM api_keys WHERE name = ?", (name,)).fetchone()[0]


@pytest.mark.parametrize(("path", "body", "status"), [
    ("/v1/chat/completions", {"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}]},
     422),
    ("/v1/chat/completions", {"messages": [{"role": "system", "content": "no question"}]}, 422),
    ("/v1/chat/completions", {"messages": []}, 422),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": "x" * 5000}]}, 422),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": "x" * 5000}],
                              "stream": True}, 422),
    ("/v1/retrieve", {"question": "revenue", "k": 0}, 422),
    ("/v1/retrieve", {"question": "\u0000\u0001"}, 422),
    ("/v1/gaps", {"canvas": {"blocks": {"not a block": ["x"]}}}, 422),
    ("/v1/gaps", {"canvas": "{not json"}, 422),
    ("/v1/canvas", {"brief": ""}, 422),
    ("/v1/retrieve", {"question": "y" * 1_100_000}, 413),
])
def test_bad_input_gets_a_json_error_not_a_500(api: Api, path: str, body: dict,
                                               status: int) -> None:
    reply = api.post(path, body)
    assert reply.status_code == status, reply.text
    assert reply.json()["error"]["message"]


def test_the_other_routes(api: Api) -> None:
    hits = api.post("/v1/retrieve", {"question": "pay-per-use revenue", "k": 3}).json()["hits"]
    assert len(hits) == 3 and all(h["section"] and h["chunk_id"] for h in hits)
    drafted = api.post("/v1/canvas", {"brief": "We build industrial pumps and want to sell "
                                               "pumping as a service with uptime guarantees"})
    canvas = drafted.json()
    assert canvas["archetypes"][0]["name"] == "servitised"
    assert set(canvas["blocks"]) >= {"revenue_streams", "key_partners"}
    md = api.post("/v1/canvas", {"brief": "We make pumps"}, params={"format": "md"})
    assert md.headers["content-type"].startswith("text/markdown")
    assert "## Revenue Streams" in md.text and "[^1]" in md.text
    png = api.post("/v1/canvas", {"brief": "We make pumps"}, params={"format": "png"})
    assert png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    gaps = api.post("/v1/gaps", {"canvas": "## Revenue Streams\n- Pay-per-use contracts\n",
                                 "archetype": "servitised"}).json()
    assert gaps["archetype"] == "servitised" and gaps["gap_count"] > 0
    headers = {"Authorization": f"Bearer {api.key}"}
    outline = httpx.get(f"{api.url}/v1/report/outline", headers=headers, timeout=60).json()
    assert len(outline["canvases"]) == 6 and len(outline["recommendations"]) == 10
    assert any(s["section"].endswith("Revenue Streams") for s in outline["sections"])
    health = httpx.get(f"{api.url}/healthz", timeout=30).json()
    assert health["status"] == "ok" and health["chunks"] > 50
    assert "swagger" in httpx.get(f"{api.url}/docs", timeout=30).text.lower()
    spec = httpx.get(f"{api.url}/openapi.json", timeout=30).json()
    assert {"/v1/chat/completions", "/v1/canvas", "/v1/gaps"} <= spec["paths"].keys()


def test_rate_limit_per_key_gives_429_with_retry_after(advisor, corpus_settings,
                                                       tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from bot.serve.app import create_app
    from bot.serve.keys import KeyStore

    settings = corpus_settings.model_copy(update={"api_rate_limit": 3, "data_dir": tmp_path})
    app = create_app(settings, advisor)
    first, second = KeyStore.for_settings(settings).create("a"), KeyStore.for_settings(
        settings).create("b")
    with TestClient(app) as client:
        codes = [client.get("/v1/models", headers={"Authorization": f"Bearer {first}"})
                 .status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/v1/models", headers={"Authorization": f"Bearer {first}"})
        assert int(limited.headers["Retry-After"]) >= 1
        assert limited.json()["error"]["type"] == "rate_limit_error"
        other = client.get("/v1/models", headers={"Authorization": f"Bearer {second}"})
        assert other.status_code == 200  # the limit is per key


def test_a_chunked_body_over_the_limit_is_cut_off_with_413(api: Api) -> None:
    def pieces():
        yield b'{"question": "'
        for _ in range(20):
            yield b"z" * 60_000
        yield b'"}'

    reply = httpx.post(f"{api.url}/v1/retrieve", content=pieces(), timeout=60, headers={
        "Authorization": f"Bearer {api.key}", "Content-Type": "application/json"})
    assert reply.status_code == 413 and "ADVISOR_API_MAX_BODY_BYTES" in reply.json()["error"][
        "message"]


def test_serve_on_a_busy_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = subprocess.run(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), "--data-dir",
             str(tmp_path)], capture_output=True, text=True, timeout=120,
        )
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        f"advisor: error: cannot listen on 127.0.0.1:{port}: Address already in use; "
        "choose another --port"]


def test_canvas_as_pptx_is_whatever_export_canvas_writes(api: Api, advisor,
                                                         tmp_path: Path) -> None:
    """format=pptx goes through bot.export_canvas: a deck when it writes .pptx, else a 422."""
    from bot import export_canvas
    from bot.errors import AdvisorError

    try:
        export_canvas(advisor.draft_canvas("We make pumps"), tmp_path / "local.pptx")
        supported = True
    except AdvisorError:
        supported = False
    reply = api.post("/v1/canvas", {"brief": "We make pumps"}, params={"format": "pptx"})
    if not supported:
        assert reply.status_code == 422 and ".pptx" in reply.json()["error"]["message"]
        return
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].endswith("presentationml.presentation")
    assert reply.content[:2] == b"PK"  # a zip package, as every .pptx is
    pptx = pytest.importorskip("pptx")
    (tmp_path / "served.pptx").write_bytes(reply.content)
    deck = pptx.Presentation(str(tmp_path / "served.pptx"))
    assert len(deck.slides) >= 1
    texts = " ".join(t for slide in deck.slides for t in _shape_texts(slide.shapes))
    assert "Revenue Streams" in texts


def _shape_texts(shapes) -> Iterator[str]:
    for shape in shapes:
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            yield shape.text_frame.text
        if getattr(shape, "has_table", False) and shape.has_table:
            yield from (cell.text for row in shape.table.rows for cell in row.cells)
        if hasattr(shape, "shapes"):  # a group
            yield from _shape_texts(shape.shapes)
