"""Load: 20 concurrent OpenAI clients x 25 questions against a real `advisor serve`, 0 errors."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from evals.serve_load import create_key, questions, run_load, running_server


@pytest.mark.slow
def test_twenty_clients_twenty_five_questions_each_without_errors(corpus_settings) -> None:
    data_dir = Path(corpus_settings.data_dir)
    run = uuid.uuid4().hex[:6]
    keys = [create_key(data_dir, f"load-{run}-{i}") for i in range(20)]
    with running_server(data_dir) as url:
        result = run_load(url, keys, per_client=25, pool=questions())
    print(f"\nserve load: {result}")
    assert result.requests == 500
    assert result.errors == 0, result.samples
    assert result.p95 < 60 and result.throughput > 1  # loose: the numbers are reported, not tuned
