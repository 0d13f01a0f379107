"""Domain objects shared by ingest, retrieval, answers, canvases and the UI."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

SECTION_SEP = " > "

CANVAS_BLOCKS: tuple[str, ...] = (
    "key_partners",
    "key_activities",
    "key_resources",
    "value_propositions",
    "customer_relationships",
    "channels",
    "customer_segments",
    "cost_structure",
    "revenue_streams",
)


def chunk_id(source: str, text: str) -> str:
    """Content hash that identifies a chunk of one source."""
    digest = hashlib.sha256(f"{source}\x00{text}".encode()).hexdigest()
    return digest[:32]


@dataclass(frozen=True)
class Chunk:
    """A piece of a source document with its heading path; its id is a content hash."""

    id: str
    text: str
    section: str
    source: str
    page: int | None = None

    @classmethod
    def create(cls, text: str, section: str, source: str, page: int | None = None) -> Chunk:
        return cls(id=chunk_id(source, text), text=text, section=section, source=source, page=page)

    @property
    def body(self) -> str:
        """The text without the heading-path line that opens it."""
        head, _, rest = self.text.partition("\n")
        return rest if head == self.section and rest else self.text

    @property
    def section_path(self) -> tuple[str, ...]:
        return tuple(self.section.split(SECTION_SEP)) if self.section else ()


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score, rank and the scores of each retriever."""

    chunk: Chunk
    score: float
    rank: int
    dense_score: float | None = None
    lexical_score: float | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "chunk_id": self.chunk.id,
            "section": self.chunk.section,
            "source": self.chunk.source,
            "page": self.chunk.page,
            "text": self.chunk.text,
            "score": round(self.score, 6),
            "dense_score": None if self.dense_score is None else round(self.dense_score, 6),
            "lexical_score": None if self.lexical_score is None else round(self.lexical_score, 6),
        }


@dataclass(frozen=True)
class Citation:
    """A numbered reference from an answer or bullet to a retrieved chunk."""

    n: int
    chunk: Chunk

    def to_json(self) -> dict[str, object]:
        return {
            "n": self.n,
            "chunk_id": self.chunk.id,
            "section": self.chunk.section,
            "source": self.chunk.source,
            "page": self.chunk.page,
            "text": self.chunk.text,
        }


@dataclass(frozen=True)
class Company:
    """What a user said about their company: context for advice, never a reason to refuse."""

    description: str = ""
    size: str | None = None
    places: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "description": self.description,
            "size": self.size,
            "places": list(self.places),
            "products": list(self.products),
            "figures": list(self.figures),
        }


PLAN_KINDS: tuple[str, ...] = (
    "lookup", "enumerate", "overview", "compare", "advise", "risks", "canvas", "offtopic",
)


@dataclass(frozen=True)
class Plan:
    """How a question is read before retrieval: its kind, targets, company and absent terms."""

    kind: str
    question: str
    models: tuple[str, ...] = ()
    blocks: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    company: Company | None = None
    not_in_report: tuple[str, ...] = ()
    brevity: int = 0  # the most points the user asked the answer to keep ("shorter", "2 lines")

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "question": self.question,
            "models": list(self.models),
            "blocks": list(self.blocks),
            "lists": list(self.lists),
            "company": None if self.company is None else self.company.to_json(),
            "not_in_report": list(self.not_in_report),
            "brevity": self.brevity,
        }


@dataclass(frozen=True)
class Answer:
    """A grounded answer: text with [n] markers, its citations, and how it was made."""

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    mode: str = "evidence"
    notice: str | None = None
    plan: Plan | None = None

    @property
    def not_in_report(self) -> tuple[str, ...]:
        return () if self.plan is None else self.plan.not_in_report

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "mode": self.mode,
            "notice": self.notice,
            "citations": [c.to_json() for c in self.citations],
            "plan": None if self.plan is None else self.plan.to_json(),
            "not_in_report": list(self.not_in_report),
        }


@dataclass(frozen=True)
class Bullet:
    """A canvas bullet and its citations; origin says whose words it is (report/brief/suggestion).

    from_report is False for advisor suggestions; a bullet with origin "brief" is the company's
    own statement, cited with the report item that backs it (if any).
    """

    text: str
    citations: tuple[Citation, ...] = ()
    from_report: bool = True
    origin: str = "report"

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "from_report": self.from_report,
            "origin": self.origin,
            "citations": [c.to_json() for c in self.citations],
        }


@dataclass(frozen=True)
class CanvasBlock:
    """One of the nine Business Model Canvas blocks and its bullets."""

    key: str
    bullets: tuple[Bullet, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class ArchetypeScore:
    """How well one of the report's six business model archetypes fits a brief."""

    name: str
    score: float


@dataclass(frozen=True)
class Canvas:
    """A drafted Business Model Canvas for a company brief."""

    brief: str
    archetypes: tuple[ArchetypeScore, ...]
    blocks: tuple[CanvasBlock, ...]
    recommendations: tuple[Bullet, ...] = field(default=())
    mode: str = "evidence"
    notice: str | None = None
    refinements: tuple[str, ...] = field(default=())

    def block(self, key: str) -> CanvasBlock:
        for b in self.blocks:
            if b.key == key:
                return b
        raise KeyError(key)

    def to_json(self) -> dict[str, object]:
        return {
            "brief": self.brief,
            "mode": self.mode,
            "notice": self.notice,
            "archetypes": [{"name": a.name, "score": round(a.score, 4)} for a in self.archetypes],
            "blocks": {b.key: [x.to_json() for x in b.bullets] for b in self.blocks},
            "recommendations": [r.to_json() for r in self.recommendations],
            "notes": {b.key: b.note for b in self.blocks if b.note},
            "refinements": list(self.refinements),
        }
