"""Request and response bodies of the HTTP API (pydantic; they make the OpenAPI document)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MODEL_ID = "advisor"
Role = Literal["system", "developer", "user", "assistant", "tool", "function"]


class ContentPart(BaseModel):
    """One part of a multi-part message; only `text` parts are read."""

    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    """One message of the conversation, as OpenAI clients send it."""

    model_config = ConfigDict(extra="allow")
    role: Role
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text for p in self.content or () if p.type == "text" and p.text)


class ChatRequest(BaseModel):
    """An OpenAI chat completion request; the last user message is the question.

    Sampling fields (temperature, max_tokens, ...) are accepted and ignored: the advisor's
    answers are grounded in the report, not sampled.
    """

    model_config = ConfigDict(extra="allow")
    model: str = Field(default=MODEL_ID, description='Always "advisor" (see GET /v1/models).')
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = Field(default=False, description="Server-sent events ending in [DONE].")


class Message(BaseModel):
    """The assistant's reply."""

    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: Message
    finish_reason: Literal["stop"] = "stop"


class CitationOut(BaseModel):
    """A numbered source of the answer: the full text of a report chunk."""

    n: int
    chunk_id: str
    section: str
    source: str
    page: int | None = None
    text: str


class ChatCompletion(BaseModel):
    """An OpenAI chat completion plus the answer's citations, plan and how it was made."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    citations: list[CitationOut]
    answer: str = Field(description="The answer text alone (content may add a Sources list).")
    plan: dict[str, Any] | None = None
    not_in_report: list[str] = []
    refused: bool
    mode: str
    notice: str | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class RetrieveRequest(BaseModel):
    question: str = Field(min_length=1, description="What to look for in the report.")
    k: int = Field(default=5, ge=1, le=50, description="Number of hits.")


class HitOut(BaseModel):
    rank: int
    chunk_id: str
    section: str
    source: str
    page: int | None = None
    text: str
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None


class RetrieveResponse(BaseModel):
    question: str
    hits: list[HitOut]


class CanvasRequest(BaseModel):
    brief: str = Field(min_length=1, max_length=20_000, description="A short company brief.")
    refine: list[str] = Field(
        default=[], max_length=10,
        description="Instructions applied in turn, each re-drafting the blocks it is about.",
    )


class GapsRequest(BaseModel):
    canvas: str | dict[str, Any] = Field(
        description='Your canvas: Markdown (one "## Block" heading per block, "- " bullets), '
        'JSON text, or an object {"blocks": {"revenue_streams": ["...", ...], ...}}.'
    )
    archetype: str | None = Field(
        default=None, description="Compare with this report archetype instead of the best fit."
    )


class ErrorDetail(BaseModel):
    message: str
    type: str
    code: int


class ErrorBody(BaseModel):
    """Every error: 401 no/unknown key, 403 revoked key, 413 body too large, 422 bad input,
    429 rate limit (see Retry-After), 503 no index yet."""

    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (401, "Missing or unknown API key"), (403, "Revoked API key"),
        (413, "Request body too large"), (422, "Invalid input"), (429, "Rate limit exceeded"),
        (503, "The report is not indexed yet"),
    )
}
