"""The Python API: one object that the CLI, the UI and the tests use."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import AdvisorError
from bot.index.embedding import Embedder, load_embedder
from bot.index.retrieval import Retriever
from bot.index.store import Store, UserView, normalise_user
from bot.settings import Settings, load_settings
from bot.types import Answer, Canvas, Hit

if TYPE_CHECKING:
    from bot.answers.pipeline import Answerer, StreamItem
    from bot.canvas.gaps import GapReport, UserCanvas
    from bot.canvas.service import CanvasService
    from bot.llm import ChatBackend
    from bot.report.outline import Report, ReportIndex
    from bot.workspace.repository import Workspace
    from ingest.pipeline import IngestReport


MAX_USER_ADVISORS = 64


class Advisor:
    """Retrieval, answers and canvas drafts over the indexed report.

    Without a user it serves the shared index alone. With `user` (a name or an email) it serves
    the shared index plus that user's private space, and its uploads go to that space.
    """

    def __init__(
        self, settings: Settings, embedder: Embedder | None = None, user: str | None = None,
        *, parent: Advisor | None = None,
    ) -> None:
        self.settings = settings
        self.user = normalise_user(user) if user is not None else None
        shared = Store(settings)
        self.store: Store | UserView = (
            shared if self.user is None else UserView(shared, Store(settings, user=self.user))
        )
        self.embedder = embedder or load_embedder(settings.model_path(), Path(settings.data_dir))
        self.retriever = Retriever(settings, self.store, self.embedder)
        self._canvases: CanvasService | None = None
        self._answerer: Answerer | None = None
        self._workspace: Workspace | None = None
        self._outline: tuple[object, Report] | None = None
        self._parent = parent
        self._users: OrderedDict[str, Advisor] = OrderedDict()
        self._users_lock = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, *, user: str | None = None, **overrides: Any
    ) -> Advisor:
        """Build an Advisor from Settings (or from the environment plus overrides).

        With `user`, it answers from the shared index plus that user's private documents.
        """
        return cls(settings if settings is not None else load_settings(**overrides), user=user)

    def for_user(self, user: str) -> Advisor:
        """The Advisor of one user (shared index + their space), sharing this one's models.

        Kept per user, so a long-running server opens each user's index once.
        """
        root = self._parent or self
        key = normalise_user(user)
        with root._users_lock:
            found = root._users.get(key)
            if found is None:
                found = Advisor(root.settings, root.embedder, key, parent=root)
                root._users[key] = found
                while len(root._users) > MAX_USER_ADVISORS:
                    root._users.popitem(last=False)
            root._users.move_to_end(key)
            return found

    @property
    def is_admin(self) -> bool:
        """May this advisor's user change the shared index? (No user: the operator may.)"""
        return self.user is None or self.user in self.settings.admins

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        """The k best report chunks for a question (hybrid dense + BM25)."""
        return self.retriever.retrieve(question, k)

    @property
    def answerer(self) -> Answerer:
        """The ask pipeline, with the configured chat backend built on first use."""
        if self._answerer is None:
            from bot.answers.pipeline import Answerer
            from bot.llm import build_backend

            llm = self._parent.llm if self._parent is not None else build_backend(self.settings)
            self._answerer = Answerer(
                self.settings, self.retriever, llm, fit=lambda: self.canvases.engine(),
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

            # A UserView has the `where` and `state_token()` the service keys its engine by, so
            # each user's canvases come from their own index, never another user's.
            self._canvases = CanvasService(
                self.settings, self.store,  # type: ignore[arg-type]
                self.retriever, self.embedder, backend=lambda: self.llm,
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

    # -- documents ------------------------------------------------------------------------
    def _space(self, shared: bool) -> str | None:
        """The space a change goes to: None (shared) or this user's; only admins change shared."""
        if self.user is None:
            return None
        if shared and not self.is_admin:
            raise AdvisorError(
                f"only admins can add to or remove from the shared index, and {self.user} is not "
                "one (ADVISOR_ADMINS); your documents go to your private space"
            )
        return None if shared else self.user

    def ingest(
        self, paths: Sequence[Path] | None = None, *, shared: bool = False, **kwargs: Any
    ) -> IngestReport:
        """Index files or folders: into this user's private space, or (admins, or no user)
        into the shared index (see ingest.pipeline.ingest)."""
        from ingest.pipeline import ingest

        space = self._space(shared)
        return ingest(self.settings, paths, embedder=self.embedder, user=space, **kwargs)

    def upload(
        self, files: Sequence[tuple[str, bytes]], *, shared: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> IngestReport:
        """Save uploaded (name, content) files into a space's folder and index them there.

        Names are reduced to safe plain file names; ADVISOR_UPLOAD_MAX_MB and, for a private
        space, ADVISOR_USER_QUOTA_MB are enforced before anything is written.
        """
        from ingest.pipeline import ingest
        from ingest.uploads import save_uploads

        space = self._space(shared)
        paths = save_uploads(self.settings, Store(self.settings, user=space), files)
        return ingest(self.settings, paths, embedder=self.embedder, user=space,
                      show_progress=False, progress=progress)

    def remove(self, sources: Sequence[str], *, shared: bool = False) -> IngestReport:
        """Remove documents (by source name) from this user's space or, for admins, shared."""
        from ingest.uploads import remove_documents

        return remove_documents(self.settings, list(sources), user=self._space(shared))

    def documents(self, *, shared: bool = False) -> dict[str, int]:
        """The documents of this user's private space (or of the shared index): name -> chunks."""
        from ingest.uploads import documents

        return documents(self.settings, None if shared or self.user is None else self.user)

    @property
    def workspace(self) -> Workspace:
        """Saved conversations, canvas versions and feedback (ADVISOR_DB_URL), opened and
        migrated on first use."""
        if self._workspace is None:
            from bot.workspace.repository import Workspace

            self._workspace = Workspace(self.settings.workspace_url())
        return self._workspace

    def outline(self) -> Report:
        """The report's canvases and recommendations, parsed once per index generation."""
        token = self.store.state_token()
        if self._outline is None or token is None or self._outline[0] != token:
            self._outline = (token, self.report_index().report)
        return self._outline[1]

    def suggest_questions(self, answer: Answer) -> tuple[str, ...]:
        """Three short questions to ask next, from the answer's plan (or its cited sections)
        and the report's outline."""
        from bot.answers.suggest import suggest_questions

        try:
            report: Report | None = self.outline()
        except AdvisorError:
            report = None
        return suggest_questions(answer, report)
