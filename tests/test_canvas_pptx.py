"""PowerPoint export of a canvas (python-pptx), the CLI's --out .pptx, and a LibreOffice render."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pptx import Presentation

from bot.canvas.export import export_canvas
from bot.canvas.pptx import COMPANY, COMPANY_MARK, canvas_to_pptx
from bot.report.outline import BLOCK_TITLES
from bot.types import CANVAS_BLOCKS, Bullet
from tests.conftest import ROOT, run_cli

BRIEF = ("We build industrial compressors and want to sell compressed air as a service, "
         "billed per cubic metre, with remote monitoring and predictive maintenance.")
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def canvas(advisor):
    drafted = advisor.draft_canvas(BRIEF)
    block = drafted.block("revenue_streams")
    own = Bullet("Compressed air billed per cubic metre", origin="brief", from_report=False,
                 citations=block.bullets[0].citations)
    blocks = tuple(replace(b, bullets=(own, *b.bullets)) if b.key == "revenue_streams" else b
                   for b in drafted.blocks)
    return replace(drafted, blocks=blocks)


def _shapes(path: Path):
    prs = Presentation(str(path))
    return prs, list(prs.slides)


def test_the_deck_holds_all_nine_blocks_with_their_citations(canvas, tmp_path):
    path = canvas_to_pptx(canvas, tmp_path / "canvas.pptx")
    prs, slides = _shapes(path)
    boxes = {s.name.removeprefix("block:"): s for s in slides[0].shapes
             if s.name.startswith("block:")}
    assert set(boxes) == set(CANVAS_BLOCKS)
    for key in CANVAS_BLOCKS:
        text = boxes[key].text_frame.text
        assert text.startswith(BLOCK_TITLES[key])
        for bullet in canvas.block(key).bullets:
            assert bullet.text.split("\n")[0] in text
            for c in bullet.citations:
                assert f"[{c.n}]" in text
    # The company's own bullet is set apart: its own mark and colour.
    runs = [r for p in boxes["revenue_streams"].text_frame.paragraphs for r in p.runs]
    own = [r for r in runs if r.text.startswith(COMPANY_MARK)]
    assert own and own[0].text == COMPANY_MARK + "Compressed air billed per cubic metre"
    assert tuple(own[0].font.color.rgb) == COMPANY
    report_runs = [r for r in runs if r.text.startswith("• ")]
    assert report_runs and all(tuple(r.font.color.rgb) != COMPANY for r in report_runs)


def test_the_sources_slides_quote_every_cited_passage(canvas, tmp_path):
    path = export_canvas(canvas, tmp_path / "canvas.pptx")
    _, slides = _shapes(path)
    sources = " ".join(s.text_frame.text for slide in slides[1:] for s in slide.shapes
                       if s.has_text_frame)
    cited = {c.n: c for b in canvas.blocks for x in b.bullets for c in x.citations}
    assert cited
    for n, c in cited.items():
        assert f"[{n}] {c.chunk.section}" in sources
        assert " ".join(c.chunk.body.split())[:60] in sources


def test_cli_writes_a_pptx_and_rejects_an_unwritable_path(corpus_settings, tmp_path):
    out = tmp_path / "canvas.pptx"
    done = run_cli("canvas", BRIEF, "--out", str(out), data_dir=corpus_settings.data_dir)
    assert done.returncode == 0, done.stderr
    assert f"wrote {out}" in done.stdout
    _, slides = _shapes(out)
    assert len([s for s in slides[0].shapes if s.name.startswith("block:")]) == 9
    bad = run_cli("canvas", BRIEF, "--out", str(tmp_path / "no" / "dir" / "c.pptx"),
                  data_dir=corpus_settings.data_dir)
    assert bad.returncode == 1 and bad.stderr.startswith("advisor: error: cannot write")
    assert "Traceback" not in bad.stderr


def test_libreoffice_renders_the_deck(canvas, tmp_path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: apt-get install libreoffice-impress-nogui"
    deck = canvas_to_pptx(canvas, tmp_path / "canvas.pptx")
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run([soffice, "--headless", "--convert-to", "png", "--outdir",
                           str(tmp_path), str(deck)], capture_output=True, text=True,
                          timeout=180, env=env)
    png = tmp_path / "canvas.png"
    assert done.returncode == 0 and png.exists(), done.stderr
    from PIL import Image

    image = Image.open(png)
    assert image.width > image.height  # the landscape canvas slide
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    assert any(c == COMPANY for _, c in colours)  # the company's bullet is drawn in its colour
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copy(png, DOCS / "canvas-pptx.png")
