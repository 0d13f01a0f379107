"""Sign-in end to end: headless Chromium, the real app, a real OpenID Connect provider.

The tests start `oidc-provider-mock` (a real OIDC provider: discovery, authorization form,
token endpoint, signed ID tokens) on a free port, and the Streamlit app with an `[auth]`
section pointing at it. Before sign-in nothing but the sign-in screen is shown; alice signs in,
uploads a document into her private space and is answered from it; bob, signed in from another
browser, is never shown it.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest

from evals.ui_bench import ASSISTANT, CHROMIUM, REPLY_DONE, launch, serve
from tests.chroma_server import free_port

pytestmark = [pytest.mark.team, pytest.mark.browser, pytest.mark.slow]
KESTREL = """# Alice's plant notes

## Heat pump retrofit

Our Kestrel line retrofits industrial heat pumps for dairy plants; the quarterly Kestrel
retrofit review found that compressor vibration drops by a third after the retrofit.
"""
QUESTION = "What did the Kestrel retrofit review find about compressor vibration in heat pumps?"
HARRIER = """# Harrier foundry handbook

## Sand casting scrap

The Harrier foundry cut sand casting scrap from nine to four percent by drying moulds overnight.
"""
ADMIN = "boss@example.org"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """oidc-provider-mock on 127.0.0.1: any client id/secret; users type their email as `sub`."""
    import werkzeug.serving
    from oidc_provider_mock import app

    server = werkzeug.serving.make_server("127.0.0.1", 0, app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture(scope="module")
def app_url(provider, corpus_settings, tmp_path_factory) -> Iterator[str]:
    """The app with sign-in configured, over a copy of the report index."""
    folder = tmp_path_factory.mktemp("signin")
    data_dir = folder / ".advisor"
    shutil.copytree(corpus_settings.data_dir, data_dir)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        'cookie_secret = "a-long-random-cookie-secret-for-tests"\n'
        'client_id = "advisor-app"\n'
        'client_secret = "advisor-app-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    with serve(data_dir, folder / "streamlit.log", port=port, env={"ADVISOR_ADMINS": ADMIN},
               args=["--secrets.files", str(secrets)]) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (Debian `chromium`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


def _page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    return context, context.new_page()


def _sign_in(page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Sign in").click(timeout=60_000)
    page.locator('input[name="sub"]').fill(email, timeout=30_000)  # the provider's own form
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text(f"Signed in as {email}").wait_for(timeout=90_000)
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=90_000)


def _ask(page, question: str) -> str:
    before = page.locator(ASSISTANT).count()
    page.evaluate(f"window.__before = {before}")
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(REPLY_DONE, arg=ASSISTANT, timeout=90_000)
    return str(page.locator(ASSISTANT).last.inner_text())


def test_nothing_is_shown_before_sign_in(browser, app_url):
    context, page = _page(browser)
    try:
        for path in ("", "/canvas", "/report"):
            page.goto(app_url + path)
            page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
            body = page.locator("body").inner_text()
            assert "chunks indexed" not in body and "Backend" not in body
            assert page.get_by_test_id("stChatInputTextArea").count() == 0
            assert page.get_by_test_id("stSidebar").count() == 0
            assert page.get_by_test_id("stFileUploader").count() == 0
    finally:
        context.close()


def test_each_signed_in_user_sees_only_their_own_documents(browser, app_url, tmp_path):
    doc = tmp_path / "kestrel-notes.md"
    doc.write_text(KESTREL, encoding="utf-8")
    context, alice = _page(browser)
    try:
        _sign_in(alice, app_url, "alice@example.org")
        sidebar = alice.get_by_test_id("stSidebar")
        sidebar.get_by_text("Your documents (0)").wait_for(timeout=60_000)
        sidebar.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(doc))
        sidebar.get_by_role("button", name="Index them").click()
        sidebar.get_by_text("indexed 1 file").wait_for(timeout=90_000)
        alice.reload()
        sidebar.get_by_text("kestrel-notes.md").wait_for(timeout=60_000)
        reply = _ask(alice, QUESTION)
        assert "a third" in reply and "Kestrel" in reply, reply
    finally:
        context.close()

    context, bob = _page(browser)
    try:
        _sign_in(bob, app_url, "bob@example.org")
        bob.get_by_test_id("stSidebar").get_by_text("Your documents (0)").wait_for(
            timeout=60_000)
        reply = _ask(bob, QUESTION)
        assert "a third" not in reply and "kestrel-notes.md" not in reply, reply
        assert "kestrel-notes.md" not in bob.locator("body").inner_text()
        bob.get_by_role("button", name="Sign out").click()
        # Streamlit ends the session at the provider too (RP-initiated logout), then returns.
        bob.get_by_role("button", name="End session").click(timeout=60_000)
        bob.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
        assert bob.get_by_test_id("stChatInputTextArea").count() == 0
        assert "Signed in as" not in bob.locator("body").inner_text()
    finally:
        context.close()


def test_only_an_admin_adds_to_the_shared_index_from_the_app(browser, app_url, tmp_path):
    doc = tmp_path / "harrier-handbook.md"
    doc.write_text(HARRIER, encoding="utf-8")
    shared_tick = "Add to the shared index (everyone sees them)"
    context, carol = _page(browser)
    try:
        _sign_in(carol, app_url, "carol@example.org")
        carol.get_by_test_id("stSidebar").get_by_text("Your documents (0)").wait_for(
            timeout=60_000)
        assert carol.get_by_text(shared_tick).count() == 0  # not an admin: no way to share
    finally:
        context.close()

    context, boss = _page(browser)
    try:
        _sign_in(boss, app_url, ADMIN)
        sidebar = boss.get_by_test_id("stSidebar")
        sidebar.get_by_text(shared_tick).click(timeout=60_000)
        sidebar.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(doc))
        sidebar.get_by_role("button", name="Index them").click()
        sidebar.get_by_text("indexed 1 file").wait_for(timeout=90_000)
        boss.reload()
        sidebar.get_by_text("Your documents (0)").wait_for(timeout=60_000)  # not private
    finally:
        context.close()

    context, carol = _page(browser)
    try:
        _sign_in(carol, app_url, "carol@example.org")
        reply = _ask(carol, "How did the Harrier foundry cut sand casting scrap?")
        assert "four percent" in reply, reply  # shared: everyone is answered from it
    finally:
        context.close()
