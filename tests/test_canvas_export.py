"""Canvas exports (Markdown, JSON, PNG) and the `advisor canvas` command."""

from __future__ import annotations

import json
import re

import pytest
from PIL import Image

from bot.canvas.export import canvas_to_markdown, export_canvas
from bot.canvas.gaps import parse_user_canvas
from bot.cli import main
from bot.errors import AdvisorError
from bot.report.outline import BLOCK_TITLES
from bot.types import CANVAS_BLOCKS

BRIEF = (
    "We manufacture office furniture and want to lease it to companies, take it back at the "
    "end of each contract and remanufacture it using recovered materials."
)
CITATION_KEYS = {"n", "chunk_id", "section", "source", "page", "text"}


@pytest.fixture(scope="module")
def canvas(advisor):
    return advisor.draft_canvas(BRIEF)


def test_markdown_has_nine_sections_and_footnotes(canvas):
    md = canvas_to_markdown(canvas)
    sections = re.findall(r"^## (.+)$", md, flags=re.M)
    assert sections == [BLOCK_TITLES[k] for k in CANVAS_BLOCKS]
    assert BRIEF in md and "circular" in md
    used = set(re.findall(r"\[\^(\d+)\](?!:)", md))
    defined = dict(re.findall(r"^\[\^(\d+)\]: (.+)$", md, flags=re.M))
    assert used and used == set(defined)
    for c in {c.n: c for b in canvas.blocks for x in b.bullets for c in x.citations}.values():
        line = defined[str(c.n)]
        assert line.startswith(f"{c.chunk.section} (")
        assert " ".join(c.chunk.text.replace('"', "'").split()) in line
    back = parse_user_canvas(md)  # a drafted canvas reads back as the user's canvas
    for block in canvas.blocks:
        assert back.blocks[block.key] == tuple(b.text for b in block.bullets)


def test_json_export_matches_contract(canvas, tmp_path):
    path = export_canvas(canvas, tmp_path / "canvas.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["brief"] == BRIEF
    assert [a["name"] for a in data["archetypes"]][0] == "circular"
    assert all(set(a) == {"name", "score"} for a in data["archetypes"])
    assert list(data["blocks"]) == list(CANVAS_BLOCKS)
    for bullets in data["blocks"].values():
        assert bullets
        for bullet in bullets:
            assert bullet["text"] and bullet["origin"] in ("report", "brief")
            assert bullet["citations"] or bullet["origin"] == "brief"
            assert all(CITATION_KEYS <= c.keys() for c in bullet["citations"])


def test_png_is_a_nine_box_canvas(canvas, tmp_path):
    path = export_canvas(canvas, tmp_path / "canvas.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (2400, 1350)
        gray = image.convert("L")
    pixels = gray.load()
    width, height = gray.size
    dark = sum(1 for x in range(0, width, 4) for y in range(0, height, 4) if pixels[x, y] < 100)
    assert dark > 2000  # text and frames, not a blank image
    column = [pixels[width // 2 + 7, y] for y in range(140, height - 80)]
    frames = [y for y, v in enumerate(column) if v < 90]
    assert frames, "no horizontal frame lines in the middle column"
    row = [pixels[x, 300] for x in range(0, width)]
    vertical = [x for x in range(1, width) if row[x] < 90 and row[x - 1] >= 90]
    assert len(vertical) >= 6  # five columns of boxes have six edges


def test_export_errors_are_one_line(canvas, tmp_path):
    with pytest.raises(AdvisorError, match="use .md, .json or .png"):
        export_canvas(canvas, tmp_path / "canvas.txt")
    with pytest.raises(AdvisorError, match="cannot write"):
        export_canvas(canvas, tmp_path / "missing" / "canvas.md")


def run(capsys, *argv):
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_cli_canvas_json_out_and_batch(corpus_settings, tmp_path, capsys):
    data_dir = str(corpus_settings.data_dir)
    status, out, _ = run(capsys, "canvas", BRIEF, "--json", "--data-dir", data_dir)
    assert status == 0
    data = json.loads(out)
    assert data["archetypes"][0]["name"] == "circular" and list(data["blocks"]) == list(
        CANVAS_BLOCKS)
    png = tmp_path / "c.png"
    status, out, _ = run(capsys, "canvas", BRIEF, "--out", str(png), "--data-dir", data_dir)
    assert status == 0 and f"wrote {png}" in out
    assert Image.open(png).size == (2400, 1350)
    briefs = tmp_path / "briefs.txt"
    briefs.write_text(f"{BRIEF}\n\nWe sell pumping as a service billed per use.\n", "utf-8")
    status, out, _ = run(capsys, "canvas", "--batch", str(briefs), "--data-dir", data_dir)
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and [r["archetypes"][0]["name"] for r in rows] == [
        "circular", "servitised"]
    status, out, _ = run(capsys, "canvas", BRIEF, "--refine", "more subscription revenue",
                         "--json", "--data-dir", data_dir)
    assert json.loads(out)["refinements"] == ["more subscription revenue"]


def test_cli_canvas_markdown_and_gaps(corpus_settings, tmp_path, capsys):
    data_dir = str(corpus_settings.data_dir)
    status, md, _ = run(capsys, "canvas", BRIEF, "--data-dir", data_dir)
    assert status == 0 and md.startswith("# Business Model Canvas")
    mine = tmp_path / "mine.md"
    mine.write_text(md, encoding="utf-8")
    status, out, _ = run(capsys, "canvas", "--gaps", str(mine), "--json", "--data-dir", data_dir)
    assert status == 0 and json.loads(out)["archetype"] == "circular"
    status, out, _ = run(capsys, "canvas", "--gaps", str(mine), "--data-dir", data_dir)
    assert status == 0 and out.startswith("# Gap analysis")


@pytest.mark.parametrize(("argv", "message"), [
    (["canvas", "x", "--out", "c.txt"], "--out must end in"),
    (["canvas", "--batch", "b.txt", "--out", "c.md"], "--out writes one canvas"),
    (["canvas", "x", "--gaps", "mine.md"], "give no brief"),
    (["canvas", "--gaps", "does-not-exist.md"], "cannot read does-not-exist.md"),
    (["canvas", "   "], "brief is empty"),
])
def test_cli_canvas_errors(corpus_settings, capsys, argv, message):
    status, _, err = run(capsys, *argv, "--data-dir", str(corpus_settings.data_dir))
    assert status == 1
    assert message in err and len(err.strip().splitlines()) == 1
