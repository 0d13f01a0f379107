"""Bad input through the CLI and the Python API: clear one-line errors, and the index survives.

Protections exercised:
- bot.index.retrieval.validate_question (empty, control characters, max_question_chars) on the ask
  and stream paths and through `advisor ask`, including a 100 KB question that must be refused
  at once, not embedded;
- ingest.loaders.load_file refusals (empty, binary, non-UTF-8, corrupt PDF, password-protected
  PDF, over MAX_FILE_BYTES, unsupported suffix) and ingest.pipeline's partial runs (exit code 3)
  through `advisor ingest`, each followed by an "index still answers as before" check;
- the "no file could be indexed" refusal, which must not touch the live generation.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfgen import canvas as pdf_canvas

from bot.errors import AdvisorError
from bot.types import Answer

from .conftest import run_cli

PROBES = (
    "What revenue streams suit servitised business models?",
    "key partners of circular business models",
)
ARABIC_CJK_EMOJI = "ما هي نماذج الأعمال 循环经济的收入来源 🤖🏭 servitised revenue streams?"


def _one_line_error(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


def _probe(data_dir: Path) -> list[list[str]]:
    """Chunk ids `advisor retrieve` returns for the probe questions, in one process."""
    proc = run_cli("retrieve", "--batch", "-", "-k", "5", data_dir=data_dir,
                stdin="\n".join(PROBES) + "\n")
    assert proc.returncode == 0, proc.stderr
    return [[h["chunk_id"] for h in json.loads(line)["hits"]] for line in proc.stdout.splitlines()]


@pytest.fixture(scope="module")
def index(corpus_settings, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """A private copy of the report index (bad ingests write here) and its probe results."""
    data_dir = tmp_path_factory.mktemp("reliability-input") / ".advisor"
    shutil.copytree(corpus_settings.data_dir, data_dir)
    return data_dir, _probe(data_dir)


def _state(data_dir: Path) -> dict[str, Any]:
    return dict(json.loads((data_dir / "state.json").read_text(encoding="utf-8")))


# ------------------------------------------------------------------------------ questions
@pytest.mark.parametrize("question", ["", "   ", " \t\n ", "\x00\x1b\x7f"])
def test_empty_questions_are_refused_on_ask_and_stream(advisor, question):
    with pytest.raises(AdvisorError, match="empty"):
        advisor.ask(question)
    with pytest.raises(AdvisorError, match="empty"):
        list(advisor.stream(question))


def test_100kb_question_is_refused_at_once_with_the_limit(advisor):
    question = ("How do servitised manufacturers price outcomes? " * 2100)[:100_000]
    for call in (advisor.ask, lambda q: list(advisor.stream(q)), advisor.retrieve):
        start = time.perf_counter()
        with pytest.raises(AdvisorError) as info:
            call(question)
        assert time.perf_counter() - start < 0.5  # refused before any embedding or search
        message = str(info.value)
        assert "100,000 characters" in message and "ADVISOR_MAX_QUESTION_CHARS" in message
        assert "\n" not in message


def test_control_characters_are_stripped_and_the_answer_is_unchanged(advisor):
    clean = advisor.ask("What revenue streams suit servitised business models?")
    dirty = advisor.ask("What\x07 revenue\x1b[31m streams\x00 suit servitised business models?\x08")
    assert not clean.refused
    assert [c.chunk.id for c in dirty.citations] == [c.chunk.id for c in clean.citations]
    assert "\x1b" not in dirty.question and "\x00" not in dirty.question


def test_mixed_scripts_and_emoji_still_work(advisor):
    answer = advisor.ask(ARABIC_CJK_EMOJI)
    assert isinstance(answer, Answer) and not answer.refused
    assert any("Servitised" in c.chunk.section for c in answer.citations)
    *pieces, final = list(advisor.stream(ARABIC_CJK_EMOJI))
    assert final.text == answer.text and all(isinstance(p, str) for p in pieces)
    # Non-Latin text alone is handled too: answered or refused, never an error.
    only = advisor.ask("ما هي نماذج الأعمال 循环经济 🤖")
    assert only.refused or only.citations


def test_bad_questions_through_the_cli_leave_the_index_answering(index):
    data_dir, before = index
    for question in ("", "  \t "):
        assert "empty" in _one_line_error(run_cli("ask", question, data_dir=data_dir))
    huge = "servitisation " * 7500  # 105,000 characters in one command-line argument
    start = time.monotonic()
    line = _one_line_error(run_cli("ask", huge, data_dir=data_dir))
    assert "limit is 2,000" in line and time.monotonic() - start < 120
    batch = "\n".join([huge, "servitised\x07 revenue\x1b streams", ARABIC_CJK_EMOJI]) + "\n"
    proc = run_cli("ask", "--batch", "-", data_dir=data_dir, stdin=batch)
    assert proc.returncode == 1, proc.stderr  # one input failed; the others were answered
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 3
    assert "limit" in rows[0]["error"]
    for row in rows[1:]:
        assert "error" not in row and not row["refused"] and row["citations"], row
    assert _probe(data_dir) == before


# ---------------------------------------------------------------------------------- files
def _locked_pdf(path: Path) -> None:
    pdf = pdf_canvas.Canvas(str(path), encrypt="secret")
    pdf.drawString(72, 720, "Confidential pricing of turbine leases")
    pdf.showPage()
    pdf.save()


def _bad_files(folder: Path) -> dict[str, str]:
    """One file of each bad kind, and a word its skip message must contain."""
    folder.mkdir(parents=True)
    (folder / "empty.md").write_bytes(b"")
    (folder / "blob.txt").write_bytes(b"\x00\x01\x02\xff binary \x00" * 64)
    (folder / "latin1.txt").write_bytes("Café crème, façade, résumé".encode("latin-1"))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    _locked_pdf(folder / "locked.pdf")
    with (folder / "huge.txt").open("wb") as fh:  # sparse: 21 MB on paper, nothing on disk
        fh.truncate(21 * 1024 * 1024)
    (folder / "notes.xyz").write_text("not a supported format", encoding="utf-8")
    return {
        "empty.md": "no text",
        "blob.txt": "binary",
        "latin1.txt": "UTF-8",
        "broken.pdf": "corrupt",
        "locked.pdf": "password",
        "huge.txt": "limit",
        "notes.xyz": "unsupported",
    }


def test_only_bad_files_fail_in_one_line_and_touch_nothing(index, tmp_path):
    data_dir, before = index
    expected = _bad_files(tmp_path / "bad")
    state = _state(data_dir)
    paths = [str(tmp_path / "bad" / name) for name in expected]
    line = _one_line_error(run_cli("ingest", *paths, data_dir=data_dir))
    assert "no file could be indexed" in line
    line = _one_line_error(run_cli("ingest", str(tmp_path / "bad"), data_dir=data_dir))
    assert "no file could be indexed" in line
    assert _state(data_dir) == state
    assert _probe(data_dir) == before


def test_mixed_folder_indexes_the_good_reports_the_bad_and_exits_3(index, tmp_path):
    data_dir, before = index
    folder = tmp_path / "mixed"
    expected = _bad_files(folder)
    (folder / "good.md").write_text(
        "# Field Notes\n\n## Leasing\n\nOur zirconium extruders are leased per tonne extruded.\n",
        encoding="utf-8",
    )
    start = time.monotonic()
    proc = run_cli("ingest", str(folder), data_dir=data_dir)
    assert time.monotonic() - start < 240
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    skipped = [line for line in proc.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == len(expected), proc.stderr
    for name, word in expected.items():
        line = next(line for line in skipped if f"{name}:" in line)
        assert word.lower() in line.lower(), line
    assert "1 file(s)" in proc.stdout and "7 file(s) skipped" in proc.stdout
    sources = _state(data_dir)["sources"]
    assert any(s.endswith("good.md") for s in sources)
    assert any(s.endswith("wmr-2023-new-business-models.md") for s in sources)
    assert not any(name in s for s in sources for name in expected)
    got = run_cli("retrieve", "zirconium extruders leased per tonne", "--json", "-k", "1",
               data_dir=data_dir)
    assert "zirconium" in json.loads(got.stdout)["hits"][0]["text"]
    assert _probe(data_dir) == before  # the report still answers exactly as before
