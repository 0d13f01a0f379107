"""The /v1 routes besides chat: models, retrieval, canvases, gap analysis and the report outline."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from bot.errors import AdvisorError
from bot.serve.deps import advisor_of, require_key
from bot.serve.schemas import (
    ERRORS,
    MODEL_ID,
    CanvasRequest,
    GapsRequest,
    ModelList,
    RetrieveRequest,
    RetrieveResponse,
)
from bot.types import CANVAS_BLOCKS

router = APIRouter(prefix="/v1", dependencies=[Depends(require_key)], responses=ERRORS)
STARTED = int(time.time())

# format -> (file suffix for bot.export_canvas, media type)
CANVAS_FORMATS: dict[str, tuple[str, str]] = {
    "md": (".md", "text/markdown; charset=utf-8"),
    "png": (".png", "image/png"),
    "pptx": (".pptx",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
CanvasFormat = Literal["json", "md", "png", "pptx"]
FORMAT_QUERY = Query(alias="format", description="json, or a file: md, png or pptx")
_CANVAS_DOC: dict[int | str, dict[str, Any]] = {200: {
    "description": "The canvas as JSON, or as a file when format is md, png or pptx.",
    "content": {media: {"schema": {"type": "string", "format": "binary"}}
                for _, media in CANVAS_FORMATS.values()},
}}


@router.get("/models", response_model=ModelList, summary="The one model: advisor")
def models() -> dict[str, Any]:
    return {"object": "list", "data": [
        {"id": MODEL_ID, "object": "model", "created": STARTED, "owned_by": "mbm-advisor"},
    ]}


@router.post("/retrieve", response_model=RetrieveResponse, summary="Ranked report chunks")
def retrieve(body: RetrieveRequest, request: Request) -> dict[str, Any]:
    """The k report chunks that best match a question (hybrid dense + BM25 retrieval)."""
    hits = advisor_of(request).retrieve(body.question, body.k)
    return {"question": body.question, "hits": [h.to_json() for h in hits]}


@router.post("/canvas", responses=_CANVAS_DOC, summary="Draft a Business Model Canvas")
def canvas(
    body: CanvasRequest, request: Request,
    fmt: Annotated[CanvasFormat, FORMAT_QUERY] = "json",
) -> Any:
    """A canvas drafted for the brief, every bullet cited (refined by each `refine` in turn)."""
    from bot import export_canvas

    advisor = advisor_of(request)
    drafted = advisor.draft_canvas(body.brief)
    for instruction in body.refine:
        drafted = advisor.refine_canvas(drafted, instruction)
    if fmt == "json":
        return drafted.to_json()
    suffix, media = CANVAS_FORMATS[fmt]
    with tempfile.TemporaryDirectory(prefix="advisor-canvas-") as folder:
        path = Path(folder) / f"canvas{suffix}"
        export_canvas(drafted, path)
        data = path.read_bytes()
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="canvas{suffix}"'})


@router.post("/gaps", summary="Gap analysis of your own canvas")
def gaps(body: GapsRequest, request: Request) -> dict[str, Any]:
    """What the best-fitting report canvas (or `archetype`) has that your canvas lacks, cited."""
    result: dict[str, Any] = advisor_of(request).gap_analysis(body.canvas, body.archetype).to_json()
    return result


@router.get("/report/outline", summary="The report's sections, canvases and recommendations")
def outline(request: Request) -> dict[str, Any]:
    """Every indexed section (with its chunk ids), the six canvases and the ten recommendations."""
    try:
        index = advisor_of(request).report_index()
    except AdvisorError as exc:
        raise HTTPException(503, str(exc)) from exc
    report = index.report
    return {
        "sections": [{"section": name, "source": chunks[0].source,
                      "chunk_ids": [c.id for c in chunks]}
                     for name, chunks in index.by_section.items()],
        "canvases": [{"archetype": key, "title": c.title, "trend": c.trend,
                      "blocks": {b: {"section": c.section(b), "items": list(c.items(b))}
                                 for b in CANVAS_BLOCKS}}
                     for key, c in report.canvases.items()],
        "recommendations": [{"number": r.number, "title": r.title, "section": r.section,
                             **r.levers()} for r in report.recommendations],
    }
