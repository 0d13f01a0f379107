"""The canvas API behind Advisor: drafting, refinement and gap analysis over the live index.

The report structure and its embeddings are built once per index generation and reused, so a
warm evidence-mode draft only embeds the brief; the embeddings themselves are computed at ingest
and saved with the generation, so even the first draft of a process only embeds the brief.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from bot.answers.prompts import CANVAS_FALLBACK_NOTICE
from bot.canvas.brief import keep_brief, with_brief
from bot.canvas.engine import CanvasEngine, clean_text, renumber
from bot.canvas.gaps import GapReport, UserCanvas, analyse_gaps, parse_user_canvas
from bot.canvas.model import rewrite
from bot.errors import AdvisorError
from bot.index.embedding import Embedder
from bot.index.retrieval import Retriever, generation_folder
from bot.index.store import Store
from bot.index.vector_table import stored_vectors
from bot.report.outline import ReportIndex
from bot.settings import Settings
from bot.types import CANVAS_BLOCKS, Canvas

_UNBUILT = object()
_ENGINES: dict[tuple[str, object, int], CanvasEngine] = {}  # shared by Advisors in a process
_ENGINES_LOCK = threading.Lock()
_MAX_ENGINES = 4


def shared_engine(store: Store, retriever: Retriever, embedder: Embedder) -> CanvasEngine:
    """The CanvasEngine of a store's live generation, built once per process and embedder."""
    key = (store.where, store.state_token(), id(embedder))
    engine = _ENGINES.get(key) if key[1] is not None else None
    if engine is not None:
        return engine
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key) if key[1] is not None else None
        if engine is None:
            with stored_vectors(generation_folder(store), embedder) as stored:
                engine = CanvasEngine(ReportIndex.build(retriever.chunks()), stored)
            if key[1] is not None:
                while len(_ENGINES) >= _MAX_ENGINES:
                    _ENGINES.pop(next(iter(_ENGINES)))
                _ENGINES[key] = engine
        return engine


def _numbered(canvas: Canvas) -> Canvas:
    """Citation numbers shared across the canvas, in order of first appearance."""
    blocks, recs = renumber(canvas.blocks, canvas.recommendations)
    return replace(canvas, blocks=blocks, recommendations=recs)


class CanvasService:
    """Drafts, refines and compares canvases; follows re-ingests of the index."""

    def __init__(
        self, settings: Settings, store: Store, retriever: Retriever, embedder: Embedder,
        backend: Callable[[], Any] | None = None,
    ) -> None:
        self.settings = settings
        self._backend_factory = backend
        self.store = store
        self.retriever = retriever
        self.embedder = embedder
        self._backend: Any = _UNBUILT
        self._backend_error: str | None = None

    def engine(self) -> CanvasEngine:
        """The CanvasEngine of the live index generation (built on first use)."""
        return shared_engine(self.store, self.retriever, self.embedder)

    def backend(self) -> Any:
        """The generative backend (shared with answers when given), or None for evidence mode."""
        if self._backend is _UNBUILT:
            from bot.llm import build_backend

            try:
                if self._backend_factory is not None:
                    self._backend = self._backend_factory()
                else:
                    self._backend = build_backend(self.settings)
            except Exception as exc:  # noqa: BLE001 - a broken backend means evidence mode
                self._backend = None
                self._backend_error = " ".join(str(exc).split())[:160] or type(exc).__name__
        return self._backend

    def _fallback_notice(self, canvas: Canvas) -> Canvas:
        if self._backend_error is None or canvas.notice:
            return canvas
        notice = CANVAS_FALLBACK_NOTICE.format(
            backend=self.settings.backend, reason=self._backend_error
        )
        return replace(canvas, notice=notice)

    def draft(self, brief: str) -> Canvas:
        """A canvas for a company brief: archetype fit, nine cited blocks, recommendations."""
        brief = clean_text(brief, "brief", self.settings.max_question_chars)
        engine = self.engine()
        evidence = _numbered(with_brief(engine, engine.draft(brief)))
        backend = self.backend()
        if backend is None:
            return self._fallback_notice(evidence)
        return _numbered(keep_brief(evidence, rewrite(engine, backend, evidence, CANVAS_BLOCKS)))

    def refine(self, canvas: Canvas, instruction: str) -> Canvas:
        """The canvas with only the blocks an instruction affects re-drafted."""
        if not isinstance(canvas, Canvas):
            raise AdvisorError("refine needs a Canvas from draft_canvas")
        instruction = clean_text(instruction, "instruction", self.settings.max_question_chars)
        engine = self.engine()
        evidence = _numbered(keep_brief(canvas, engine.refine(canvas, instruction)))
        backend = self.backend()
        if backend is None:
            return self._fallback_notice(evidence)
        affected = engine.affected_blocks(instruction)
        redrafted = rewrite(engine, backend, evidence, affected, instruction, current=canvas)
        return _numbered(keep_brief(canvas, redrafted))

    def gaps(
        self, canvas: str | Mapping[str, Any] | UserCanvas | Canvas, archetype: str | None = None
    ) -> GapReport:
        """Compare a company's own canvas (JSON, Markdown or a Canvas) with the report's."""
        if isinstance(canvas, Canvas):
            canvas = canvas.to_json()
        return analyse_gaps(self.engine(), parse_user_canvas(canvas), archetype)
