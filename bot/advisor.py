"""The Python API: one object that the CLI, the UI and the tests use."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.index.embedding import Embedder, load_embedder
from bot.index.retrieval import Retriever
from bot.index.store import Store
from bot.settings import Settings, load_settings
from bot.types import Answer, Canvas, Hit

if TYPE_CHECKING:
    from bot.answers.pipeline import Answerer, StreamItem
    from bot.canvas.gaps import GapReport, UserCanvas
    from bot.canvas.service import CanvasService
    from bot.llm import ChatBackend
    from bot.report.outline import ReportIndex
    from ingest.pipeline import IngestReport


class Advisor:
    """Retrieval, answers and canvas drafts over the indexed report."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.store = Store(settings)
        self.embedder = embedder or load_embedder(settings.model_path())
        self.retriever = Retriever(settings, self.store, self.embedder)
        self._canvases: CanvasService | None = None
        self._answerer: Answerer | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> Advisor:
        """Build an Advisor from Settings (or from the environment plus overrides)."""
        return cls(settings if settings is not None else load_settings(**overrides))

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        """The k best report chunks for a question (hybrid dense + BM25)."""
        return self.retriever.retrieve(question, k)

    @property
    def answerer(self) -> Answerer:
        """The ask pipeline, with the configured chat backend built on first use."""
        if self._answerer is None:
            from bot.answers.pipeline import Answerer
            from bot.llm import build_backend

            self._answerer = Answerer(
                self.settings, self.retriever, build_backend(self.settings),
                fit=lambda: self.canvases.engine(),
            )
        return self._answerer

    @property
    def llm(self) -> ChatBackend | None:
        """The configured chat backend, or None in evidence mode."""
        return self.answerer.llm

    def ask(self, question: str, history: Sequence[dict[str, str]] | None = None) -> Answer:
        """A grounded answer with [n] citations, or a refusal when the report does not cover it.

        history is the conversation so far as {"role", "content"} dicts; a follow-up is made
        standalone from it before retrieval.
        """
        return self.answerer.ask(question, history)

    def stream(
        self, question: str, history: Sequence[dict[str, str]] | None = None
    ) -> Iterator[StreamItem]:
        """The answer as it is produced: str pieces of text, then the complete Answer last.

        The final Answer is authoritative (it may replace the streamed text with a refusal or
        an evidence-mode fallback); show the pieces as they arrive, then render Answer.text
        and Answer.citations.
        """
        return self.answerer.stream(question, history)

    @property
    def canvases(self) -> CanvasService:
        """The canvas service of this advisor (drafts, refinements, gap analysis)."""
        if self._canvases is None:
            from bot.canvas.service import CanvasService

            self._canvases = CanvasService(
                self.settings, self.store, self.retriever, self.embedder, backend=lambda: self.llm
            )
        return self._canvases

    def report_index(self) -> ReportIndex:
        """The report's outline (canvases, recommendations) tied to the indexed chunks."""
        from bot.report.outline import ReportIndex

        return ReportIndex.build(self.retriever.chunks())

    def draft_canvas(self, brief: str) -> Canvas:
        """A Business Model Canvas drafted for a company brief, every bullet cited."""
        return self.canvases.draft(brief)

    def refine_canvas(self, canvas: Canvas, instruction: str) -> Canvas:
        """The canvas with only the blocks an instruction affects re-drafted."""
        return self.canvases.refine(canvas, instruction)

    def gap_analysis(
        self, canvas: str | dict[str, Any] | UserCanvas | Canvas, archetype: str | None = None
    ) -> GapReport:
        """What the best-fitting report canvas has that a company's canvas (JSON/Markdown) lacks."""
        return self.canvases.gaps(canvas, archetype)

    def ingest(self, paths: Sequence[Path] | None = None, **kwargs: Any) -> IngestReport:
        """Index files or folders into this advisor's store (see ingest.pipeline.ingest)."""
        from ingest.pipeline import ingest

        return ingest(self.settings, paths, embedder=self.embedder, **kwargs)
