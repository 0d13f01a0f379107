"""The advisor as LangChain parts: a BaseRetriever over hybrid retrieval, and the ask path as
a Runnable, so LangChain users can compose the advisor into their own chains.

    from bot import Advisor, AdvisorRetriever, AdvisorAsk
    advisor = Advisor.from_settings()
    docs = AdvisorRetriever(advisor=advisor, k=4).invoke("pay-per-use revenue")
    answer = AdvisorAsk(advisor).invoke("What revenue streams suit servitisation?")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig

from bot.errors import AdvisorError

if TYPE_CHECKING:
    from bot.advisor import Advisor
    from bot.types import Hit


def hit_document(hit: Hit) -> Document:
    """A LangChain Document of one retrieved chunk; metadata says where in the report it is."""
    chunk = hit.chunk
    return Document(
        page_content=chunk.text, id=chunk.id,
        metadata={"chunk_id": chunk.id, "section": chunk.section, "source": chunk.source,
                  "page": chunk.page, "rank": hit.rank, "score": hit.score},
    )


class AdvisorRetriever(BaseRetriever):
    """Report chunks for a query from the advisor's hybrid (dense + BM25) retrieval."""

    advisor: Any
    k: int | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [hit_document(h) for h in self.advisor.retrieve(query, self.k)]


class AdvisorAsk(Runnable[Any, dict[str, Any]]):
    """The ask path as a Runnable: a question (str, or {"question", "history"}) in, the cited
    answer out as the `advisor ask --json` dict (answer text with [n], citations, plan, ...)."""

    name = "advisor_ask"

    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor

    def _ask(self, value: Any) -> dict[str, Any]:
        if isinstance(value, str):
            question, history = value, None
        elif isinstance(value, Mapping) and isinstance(value.get("question"), str):
            question, history = value["question"], value.get("history")
        else:
            raise AdvisorError('give a question as text or as {"question": ..., "history": [...]}')
        return self.advisor.ask(question, history).to_json()

    def invoke(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any  # noqa: A002
    ) -> dict[str, Any]:
        return self._call_with_config(self._ask, input, config)
