"""schemathesis against the OpenAPI spec of a real `advisor serve`, with a valid key: no 5xx.

Every check runs except positive_data_acceptance: some schema-valid bodies are still refused
with a 422 on meaning (a chat with no user message, a canvas with no bullets), which JSON Schema
cannot say. The case count is printed (`pytest -s`) and written to the test's tmp dir.
"""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from evals.serve_load import create_key, running_server

EXAMPLES_PER_OPERATION = 25


def test_no_server_error_for_any_generated_request(corpus_settings, tmp_path: Path) -> None:
    cli = Path(sys.executable).with_name("schemathesis")
    if not cli.is_file():
        pytest.skip("schemathesis is not installed (pip install -e '.[dev]')")
    data_dir = Path(corpus_settings.data_dir)
    key = create_key(data_dir, f"fuzz-{uuid.uuid4().hex[:8]}")
    # A limit high enough that the generated requests are checked, not throttled.
    with running_server(data_dir, env={"ADVISOR_API_RATE_LIMIT": "1000000"}) as url:
        run = subprocess.run(
            [str(cli), "run", f"{url}/openapi.json", "-H", f"Authorization: Bearer {key}",
             "--checks", "all", "--exclude-checks", "positive_data_acceptance",
             "--max-examples", str(EXAMPLES_PER_OPERATION), "--workers", "1",
             "--seed", "20261127", "--request-timeout", "60",
             "--max-response-time", "60", "--no-color"],
            capture_output=True, text=True, timeout=900, cwd=tmp_path,
        )
    out = run.stdout + run.stderr
    (tmp_path / "schemathesis.txt").write_text(out, encoding="utf-8")
    counts = re.search(r"(\d+) generated, (.*)", out)
    assert counts, out[-3000:]
    print(f"\nschemathesis: {counts.group(0).strip()}")
    assert run.returncode == 0, out[-6000:]
    assert int(counts.group(1)) >= 100
    assert "Server error" not in out and "[500]" not in out
