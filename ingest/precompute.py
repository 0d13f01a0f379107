"""Texts embedded at ingest and stored with the new generation: the report texts the canvas
engine compares briefs with (bot.canvas.service reads them, so a process's first canvas embeds
only the brief), and the indexed text's short phrases the question plan compares a user's
phrases with (bot.answers.phrases), and the labelled questions the off-topic model learns from
(bot.report.labelled).

The texts follow bot.canvas.engine.CanvasEngine: each canvas item prefixed with its block title,
each canvas's profile and trend, each recommendation, each block's meaning, each archetype's
example sentences. Any text the engine asks for that is not stored is embedded when the engine
is built and added to the stored table.
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import AdvisorError
from bot.index.embedding import Embedder, RecordingEmbedder
from bot.index.lexical import text_phrases
from bot.index.vector_table import load_vectors, save_vectors
from bot.report.labelled import labelled_texts
from bot.report.outline import BLOCK_TITLES, ReportIndex
from bot.report.phrasings import ARCHETYPE_EXAMPLES
from bot.report.vocabulary import BLOCK_MEANINGS
from bot.types import CANVAS_BLOCKS, Chunk


def canvas_texts(index: ReportIndex) -> list[str]:
    """The texts a CanvasEngine over this report embeds when it is built."""
    report = index.report
    canvases = list(report.canvases.values())
    return (
        [f"{BLOCK_TITLES[b]}: {t}" for c in canvases for b in CANVAS_BLOCKS for t in c.items(b)]
        + [c.profile() for c in canvases]
        + [c.trend or c.title for c in canvases]
        + [r.text() for r in report.recommendations]
        + [BLOCK_MEANINGS[b] for b in CANVAS_BLOCKS]
        + [x for k in report.canvases for x in ARCHETYPE_EXAMPLES.get(k, ())]
    )


def save_stored_vectors(
    chunks: list[Chunk], embedder: Embedder, folder: Path, previous: Path | None = None
) -> int:
    """Embed the canvas texts and the phrases of these chunks and save them in the generation's
    `folder`. Vectors saved with the previous generation are reused. Returns how many texts were
    saved (a corpus without the report has no canvas texts, only phrases)."""
    try:
        texts = canvas_texts(ReportIndex.build(chunks))
    except AdvisorError:
        texts = []
    texts += text_phrases(chunks) + labelled_texts()
    model = str(getattr(embedder, "model_path", ""))
    known = load_vectors(previous, model) if previous is not None else {}
    recorder = RecordingEmbedder(embedder, known)
    recorder.embed(texts)
    save_vectors(folder, model, recorder.recorded)
    return len(recorder.recorded)
