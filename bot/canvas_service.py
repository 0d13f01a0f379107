"""The canvas API behind Advisor: drafting, refinement and gap analysis over the live index.

The report structure and its embeddings are built once per index generation and reused, so a
warm evidence-mode draft only embeds the brief.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.canvas import CanvasEngine, clean_text
from bot.canvas_llm import CANVAS_FALLBACK_NOTICE, rewrite
from bot.embedding import Embedder
from bot.errors import AdvisorError
from bot.gaps import GapReport, UserCanvas, analyse_gaps, parse_user_canvas
from bot.report import ReportIndex
from bot.retrieval import Retriever
from bot.settings import Settings
from bot.store import Store
from bot.types import CANVAS_BLOCKS, Canvas

_UNBUILT = object()


class CanvasService:
    """Drafts, refines and compares canvases; follows re-ingests of the index."""

    def __init__(
        self, settings: Settings, store: Store, retriever: Retriever, embedder: Embedder
    ) -> None:
        self.settings = settings
        self.store = store
        self.retriever = retriever
        self.embedder = embedder
        self._engine: tuple[object, CanvasEngine] | None = None
        self._backend: Any = _UNBUILT
        self._backend_error: str | None = None
        self._lock = threading.Lock()

    def engine(self) -> CanvasEngine:
        """The CanvasEngine of the live index generation (built on first use)."""
        token = self.store.state_token()
        cached = self._engine
        if cached is not None and cached[0] == token and token is not None:
            return cached[1]
        with self._lock:
            if self._engine is None or self._engine[0] != token or token is None:
                index = ReportIndex.build(self.retriever.chunks())
                self._engine = (self.store.state_token(), CanvasEngine(index, self.embedder))
            return self._engine[1]

    def backend(self) -> Any:
        """The generative backend, or None for evidence mode (a failed build is remembered)."""
        if self._backend is _UNBUILT:
            from bot.llm import build_backend

            try:
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
        evidence = engine.draft(brief)
        backend = self.backend()
        if backend is None:
            return self._fallback_notice(evidence)
        return rewrite(engine, backend, evidence, CANVAS_BLOCKS)

    def refine(self, canvas: Canvas, instruction: str) -> Canvas:
        """The canvas with only the blocks an instruction affects re-drafted."""
        if not isinstance(canvas, Canvas):
            raise AdvisorError("refine needs a Canvas from draft_canvas")
        instruction = clean_text(instruction, "instruction", self.settings.max_question_chars)
        engine = self.engine()
        evidence = engine.refine(canvas, instruction)
        backend = self.backend()
        if backend is None:
            return self._fallback_notice(evidence)
        affected = engine.affected_blocks(instruction)
        return rewrite(engine, backend, evidence, affected, instruction, current=canvas)

    def gaps(
        self, canvas: str | Mapping[str, Any] | UserCanvas | Canvas, archetype: str | None = None
    ) -> GapReport:
        """Compare a company's own canvas (JSON, Markdown or a Canvas) with the report's."""
        if isinstance(canvas, Canvas):
            canvas = canvas.to_json()
        return analyse_gaps(self.engine(), parse_user_canvas(canvas), archetype)
