"""`advisor eval`: run the suite, print a table (or JSON), write report.md + chart.png."""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.errors import AdvisorError
from bot.index.store import Store
from bot.settings import Settings, load_settings

RESULTS = Path(__file__).resolve().parent / "results"
EXIT_FAILED = 4


def _say(message: str) -> None:
    print(f"eval: {message}", file=sys.stderr, flush=True)


def _advisor(settings: Settings, scratch: Path) -> Any:
    """An Advisor over the data dir's index, or over a fresh index of the corpus if none."""
    from bot.advisor import Advisor

    if Store(settings).read_state() is None:
        corpus = Path(settings.corpus_dir)
        if not corpus.exists():
            raise AdvisorError(
                f"no index in {settings.data_dir} and no corpus folder {corpus}: "
                "run `advisor ingest` first"
            )
        _say(f"no index in {settings.data_dir}; indexing {corpus} into a temporary folder")
        settings = load_settings(
            **{**settings.model_dump(exclude={"llm"}), "data_dir": scratch / ".advisor"}
        )
        advisor = Advisor(settings)
        advisor.ingest([corpus], show_progress=False)
        return advisor
    return Advisor(settings)


def run_eval(
    settings: Settings,
    as_json: bool = False,
    backend: str | None = None,
    subset: bool = False,
    out: Path | None = None,
) -> int:
    """Run the eval; exit 0 when every measured metric meets its threshold, else 4."""
    from evals.report import table, write
    from evals.suite import run_suite

    if backend:
        settings = load_settings(**{**settings.model_dump(exclude={"llm"}), "backend": backend})
    from bot.llm import build_backend

    build_backend(settings)  # a backend that cannot be built fails here, before any work
    folder = out or RESULTS / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    with tempfile.TemporaryDirectory(prefix="advisor-eval-") as scratch:
        advisor = _advisor(settings, Path(scratch))
        result = run_suite(advisor, subset=subset, progress=_say)
    try:
        paths = write(result, folder)
    except OSError as exc:
        raise AdvisorError(f"cannot write the eval report to {folder}: {exc.strerror}") from exc
    if as_json:
        print(json.dumps({**result.to_json(), "report": str(paths["report"]),
                          "chart": str(paths["chart"])}, default=str))
    else:
        print(table(result))
        print(f"report: {paths['report']}\nchart:  {paths['chart']}")
    return 0 if result.passed else EXIT_FAILED
