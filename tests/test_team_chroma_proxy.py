"""A Chroma server behind Debian's nginx checking a bearer token, over HTTP and TLS.

A real `chroma run` listens on a free port; nginx in front of it forwards only requests that
carry `Authorization: Bearer <token>`. The advisor (ADVISOR_CHROMA_TOKEN, ADVISOR_CHROMA_SSL,
ADVISOR_CHROMA_CA_FILE) ingests into the shared index and a private space through it and
answers; without the token, or with a wrong one, every request is refused.
"""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import Advisor
from bot.errors import AdvisorError
from bot.index.store import Store
from bot.settings import Settings
from ingest.pipeline import ingest

from .chroma_server import ChromaServer, chroma_server  # noqa: F401 - fixture
from .conftest import run_cli
from .nginx_proxy import TokenProxy, start_token_proxy

pytestmark = pytest.mark.team
TOKEN = "s3cret-team-token"
SHARED = """# Plant handbook

## Compressed air

Leaks in compressed air lines waste about a fifth of the air a plant makes, says the handbook.
"""
PRIVATE = """# Dana's notes

## Gearbox audit

The Merlin gearbox audit found worn bearings in seven of twelve conveyor drives.
"""


@pytest.fixture(scope="module")
def proxy(chroma_server: ChromaServer, tmp_path_factory) -> Iterator[TokenProxy]:  # noqa: F811
    running = start_token_proxy(chroma_server.port, TOKEN, tmp_path_factory.mktemp("nginx"))
    try:
        yield running
    finally:
        running.stop()


def _settings(proxy: TokenProxy, data_dir: Path, **extra: object) -> Settings:
    return Settings(**{"store": "http", "chroma_host": "127.0.0.1", "chroma_port": proxy.port,
                       "data_dir": data_dir, **extra})


def _status(url: str, headers: dict[str, str], context: ssl.SSLContext | None = None) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5, context=context) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_requests_without_the_token_are_refused(proxy, embedder, tmp_path, monkeypatch):
    url = f"http://127.0.0.1:{proxy.port}/api/v2/heartbeat"
    assert _status(url, {}) == 401
    assert _status(url, {"Authorization": "Bearer wrong"}) == 401
    assert _status(url, {"Authorization": f"Bearer {TOKEN}"}) == 200
    tls = ssl.create_default_context(cafile=str(proxy.cert))
    tls_url = f"https://127.0.0.1:{proxy.tls_port}/api/v2/heartbeat"
    assert _status(tls_url, {}, tls) == 401
    assert _status(tls_url, {"Authorization": f"Bearer {TOKEN}"}, tls) == 200

    for extra in ({}, {"chroma_token": "wrong"}, {"chroma_headers": {"X-Token": TOKEN}}):
        advisor = Advisor(_settings(proxy, tmp_path / "d", **extra), embedder=embedder)
        with pytest.raises(AdvisorError, match="cannot open the Chroma store") as err:
            advisor.retrieve("compressed air leaks")
        assert "ADVISOR_CHROMA_TOKEN" in str(err.value) and "401" in str(err.value)
    monkeypatch.setenv("ADVISOR_STORE", "http")
    monkeypatch.setenv("ADVISOR_CHROMA_PORT", str(proxy.port))
    done = run_cli("retrieve", "compressed air", data_dir=tmp_path / "cli")
    assert done.returncode == 1 and "cannot open the Chroma store" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_advisor_works_through_the_proxy_with_the_token(proxy, embedder, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "handbook.md").write_text(SHARED, encoding="utf-8")
    (tmp_path / "dana.md").write_text(PRIVATE, encoding="utf-8")
    settings = _settings(proxy, tmp_path / "a", chroma_token=TOKEN)
    assert ingest(settings, [docs], embedder=embedder, show_progress=False).embedded == 1
    assert ingest(settings, [tmp_path / "dana.md"], embedder=embedder, show_progress=False,
                  user="dana").embedded == 1

    # Another replica: its own data dir, the token as a header given in ADVISOR_CHROMA_HEADERS.
    replica = _settings(proxy, tmp_path / "b",
                        chroma_headers={"Authorization": f"Bearer {TOKEN}"})
    base = Advisor(replica, embedder=embedder)
    dana, erin = base.for_user("dana"), base.for_user("erin")
    assert Path(dana.retrieve("Merlin gearbox audit bearings")[0].chunk.source).name == "dana.md"
    for other in (base, erin):
        assert {Path(c.source).name for c in other.retriever.chunks()} == {"handbook.md"}
    answer = erin.ask("How much air do compressed air leaks waste?")
    assert not answer.refused and "a fifth" in answer.text
    assert not (tmp_path / "b" / "state.json").exists()  # the state records live in Chroma

    # The same over TLS, trusting the proxy's own certificate.
    secure = _settings(proxy, tmp_path / "c", chroma_token=TOKEN, chroma_ssl=True,
                       chroma_port=proxy.tls_port, chroma_ca_file=str(proxy.cert))
    hits = Advisor(secure, embedder=embedder).for_user("dana").retrieve("gearbox audit")
    assert Path(hits[0].chunk.source).name == "dana.md"
    untrusted = _settings(proxy, tmp_path / "c", chroma_token=TOKEN, chroma_ssl=True,
                          chroma_port=proxy.tls_port)
    with pytest.raises(AdvisorError, match="cannot open the Chroma store at the Chroma server "
                                           "at https://"):
        Advisor(untrusted, embedder=embedder).retrieve("gearbox audit")

    # Dana deletes her document: its chunks, collections and state record leave the server.
    (source,) = dana.documents()
    assert dana.remove([source]).removed == 1 and dana.documents() == {}
    assert not Store(replica, user="dana").generations()
    assert Store(replica, user="dana").read_state() is None
    hits = dana.retrieve("Merlin gearbox audit bearings", 30)
    assert {Path(h.chunk.source).name for h in hits} == {"handbook.md"}
