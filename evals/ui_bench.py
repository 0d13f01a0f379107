"""Web app speed in a real browser: page load and time to the first streamed answer token.

Starts the Streamlit app on a free port over an index (ADVISOR_DATA_DIR), drives headless
Chromium with Playwright, and prints warm timings (evidence mode; the browser cache warm, each
run a new tab and Streamlit session), plus one run with an empty browser cache:

    python -m evals.ui_bench [--data-dir .advisor] [--runs 5]

The browser end-to-end tests (tests/test_ui_browser.py) use the same helpers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from evals.procs import free_port, stop, wait_for_http

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "ui" / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUESTION = "What revenue streams suit a servitised business model?"

ASSISTANT = (
    '[data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarAssistant"])'
)

# Records, in the page, when the next assistant message gets any text (the first token).
WATCH_FIRST_TOKEN = """(selector) => {
  window.__firstToken = null;
  window.__asked = performance.now();
  const before = document.querySelectorAll(selector).length;
  window.__before = before;
  const seen = () => {
    const replies = document.querySelectorAll(selector);
    if (replies.length <= before) return false;
    const body = replies[replies.length - 1].querySelector('[data-testid="stMarkdownContainer"]');
    return Boolean(body && body.innerText.trim().length > 0);
  };
  const observer = new MutationObserver(() => {
    if (window.__firstToken === null && seen()) {
      window.__firstToken = performance.now() - window.__asked;
      observer.disconnect();
    }
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
}"""

# True once the new reply is complete: it ends with its mode caption, written after the answer.
REPLY_DONE = """(selector) => {
  const replies = document.querySelectorAll(selector);
  if (replies.length <= window.__before) return false;
  return Boolean(replies[replies.length - 1].querySelector('[data-testid="stCaptionContainer"]'));
}"""


@contextmanager
def serve(
    data_dir: Path,
    log: Path | None = None,
    timeout: float = 90,
    *,
    port: int | None = None,
    env: dict[str, str] | None = None,
    args: Sequence[str] = (),
) -> Iterator[str]:
    """Run `streamlit run ui/app.py` headless on a local port (a free one unless given), with
    extra environment variables and Streamlit options; yields its URL."""
    port = port or free_port()
    env = {**os.environ, "ADVISOR_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", **(env or {})}
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal", *args,
    ]
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/_stcore/health", proc, timeout,
                      lambda: f"the app exited with code {proc.returncode}",
                      f"the app did not answer on {url} within {timeout:.0f} s")
        yield url
    finally:
        stop(proc, timeout=10)
        if log:
            out.close()  # type: ignore[union-attr]


def launch(playwright: Any) -> Any:
    """Headless Debian Chromium (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def open_chat(page: Any, url: str, timeout_ms: int = 90_000) -> float:
    """Load the chat page until its input is ready; seconds taken."""
    start = time.perf_counter()
    page.goto(url)
    page.get_by_role("heading", name="Ask the report").wait_for(timeout=timeout_ms)
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=timeout_ms)
    page.get_by_text("chunks indexed").wait_for(timeout=timeout_ms)
    return time.perf_counter() - start


def ask(page: Any, question: str, timeout_ms: int = 60_000) -> float:
    """Ask in the chat; returns seconds to the first streamed token, after the answer is done."""
    page.evaluate(WATCH_FIRST_TOKEN, ASSISTANT)
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("window.__firstToken !== null", timeout=timeout_ms)
    first = float(page.evaluate("window.__firstToken")) / 1000
    page.wait_for_function(REPLY_DONE, arg=ASSISTANT, timeout=timeout_ms)
    page.locator("button:not([disabled])", has_text="Clear chat").wait_for(timeout=timeout_ms)
    return first


def measure(browser: Any, url: str, runs: int = 5) -> dict[str, float]:
    """Warm page-load and first-token times (medians and worst), each in a fresh session.

    Warm means the server has answered once and the browser has the app's scripts cached, as
    for a returning visitor: every run opens a new tab (a new Streamlit session) in one browser
    context. One more run in a new context (an empty cache) is reported beside them.
    """
    loads: list[float] = []
    firsts: list[float] = []
    context = browser.new_context()
    try:
        warm = context.new_page()
        open_chat(warm, url)  # loads the models once and fills the browser cache
        ask(warm, QUESTION)
        warm.close()
        for _ in range(runs):
            page = context.new_page()
            loads.append(open_chat(page, url))
            firsts.append(ask(page, QUESTION))
            page.close()
    finally:
        context.close()
    fresh = browser.new_context()
    try:
        page = fresh.new_page()
        fresh_load = open_chat(page, url)
        fresh_first = ask(page, QUESTION)
    finally:
        fresh.close()
    return {
        "page_load_median_s": round(statistics.median(loads), 3),
        "page_load_max_s": round(max(loads), 3),
        "first_token_median_s": round(statistics.median(firsts), 3),
        "first_token_max_s": round(max(firsts), 3),
        "page_load_empty_cache_s": round(fresh_load, 3),
        "first_token_empty_cache_s": round(fresh_first, 3),
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.ui_bench", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path(".advisor"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"ui_bench: {CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with serve(args.data_dir.resolve()) as url, sync_playwright() as p:
        browser = launch(p)
        try:
            print(json.dumps(measure(browser, url, args.runs)))
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
