"""The advisor composed into LangChain chains: its BaseRetriever and its ask Runnable."""

from __future__ import annotations

import re
from operator import itemgetter

import pytest
from langchain_core.documents import Document
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from bot import AdvisorAsk, AdvisorRetriever
from bot.errors import AdvisorError


def _format(docs: list[Document]) -> str:
    return "\n\n".join(f"[{d.metadata['section']}]\n{d.page_content}" for d in docs)


def test_retriever_documents_carry_where_they_come_from(advisor) -> None:
    retriever = AdvisorRetriever(advisor=advisor, k=3)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("pay-per-use revenue streams of servitised business models")
    hits = advisor.retrieve("pay-per-use revenue streams of servitised business models", 3)
    assert [d.metadata["chunk_id"] for d in docs] == [h.chunk.id for h in hits]
    for doc, hit in zip(docs, hits, strict=True):
        assert doc.page_content == hit.chunk.text
        assert doc.metadata["section"] == hit.chunk.section
        assert doc.metadata["source"] == hit.chunk.source
        assert "page" in doc.metadata and doc.metadata["rank"] == hit.rank


def test_retriever_composes_into_a_prompt_chain(advisor) -> None:
    prompt = ChatPromptTemplate.from_template("Context:\n{context}\n\nQuestion: {question}")
    chain = {
        "context": AdvisorRetriever(advisor=advisor, k=2) | RunnableLambda(_format),
        "question": RunnablePassthrough(),
    } | prompt
    value = chain.invoke("Which revenue streams suit a servitised business model?")
    text = value.to_string()
    assert "Question: Which revenue streams suit a servitised business model?" in text
    assert "Servitised Business Models > Revenue Streams" in text
    assert "Pay-per-use" in text


def test_ask_runnable_returns_the_cited_answer_in_a_chain(advisor) -> None:
    ask = AdvisorAsk(advisor)
    assert isinstance(ask, Runnable)
    chain = RunnableLambda(lambda topic: f"What revenue streams suit {topic}?") | ask
    result = chain.invoke("servitised business models")
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", result["answer"])}
    assert markers and markers <= {c["n"] for c in result["citations"]}
    assert result == advisor.ask("What revenue streams suit servitised business models?").to_json()
    text_only = ask | itemgetter("answer")
    follow_up = text_only.invoke({"question": "And their revenue streams?", "history": [
        {"role": "user", "content": "Tell me about circular business models."},
        {"role": "assistant", "content": "Circular models keep materials in use."},
    ]})
    assert "[1]" in follow_up
    assert len(ask.batch(["What is servitisation?", "Which partners does a digital "
                          "business model need?"])) == 2
    with pytest.raises(AdvisorError):
        ask.invoke(42)
