"""The Python API: one object that the CLI, the UI and the tests use."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.embedding import Embedder, load_embedder
from bot.retrieval import Retriever
from bot.settings import Settings, load_settings
from bot.store import Store
from bot.types import Hit


class Advisor:
    """Retrieval, answers and canvas drafts over the indexed report."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.store = Store(settings)
        self.embedder = embedder or load_embedder(settings.model_path())
        self.retriever = Retriever(settings, self.store, self.embedder)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> Advisor:
        """Build an Advisor from Settings (or from the environment plus overrides)."""
        return cls(settings if settings is not None else load_settings(**overrides))

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        """The k best report chunks for a question (hybrid dense + BM25)."""
        return self.retriever.retrieve(question, k)

    def ingest(self, paths: Sequence[Path] | None = None, **kwargs: Any) -> Any:
        """Index files or folders into this advisor's store (see ingest.pipeline.ingest)."""
        from ingest.pipeline import ingest

        return ingest(self.settings, paths, embedder=self.embedder, **kwargs)
