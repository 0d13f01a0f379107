"""Manufacturing Business Model Advisor: answers and canvases grounded in the WMR 2023.

This is the public API the web app, the CLI and other callers use. The heavier exports
(canvas exports, the report outline, the document types ingest reads) load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.advisor import Advisor
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.canvas.compare import BlockDiff, CanvasDiff, compare_canvases
    from bot.canvas.export import (
        PNG_SIZE,
        canvas_to_json,
        canvas_to_markdown,
        canvas_to_png,
        export_canvas,
    )
    from bot.canvas.pptx import canvas_pptx_bytes, canvas_to_pptx
    from bot.index.embedding import Embedder, load_embedder
    from bot.integrations.langchain import AdvisorAsk, AdvisorRetriever
    from bot.report.outline import BLOCK_TITLES, ReportIndex
    from ingest.loaders import SUPPORTED_SUFFIXES

_LAZY = {
    "PNG_SIZE": "bot.canvas.export",
    "canvas_to_json": "bot.canvas.export",
    "canvas_to_markdown": "bot.canvas.export",
    "canvas_to_png": "bot.canvas.export",
    "export_canvas": "bot.canvas.export",
    "BlockDiff": "bot.canvas.compare",
    "CanvasDiff": "bot.canvas.compare",
    "compare_canvases": "bot.canvas.compare",
    "canvas_pptx_bytes": "bot.canvas.pptx",
    "canvas_to_pptx": "bot.canvas.pptx",
    "Embedder": "bot.index.embedding",
    "load_embedder": "bot.index.embedding",
    "AdvisorAsk": "bot.integrations.langchain",
    "AdvisorRetriever": "bot.integrations.langchain",
    "BLOCK_TITLES": "bot.report.outline",
    "ReportIndex": "bot.report.outline",
    "SUPPORTED_SUFFIXES": "ingest.loaders",
}

__all__ = [
    "BLOCK_TITLES", "PNG_SIZE", "SUPPORTED_SUFFIXES", "Advisor", "AdvisorAsk", "AdvisorRetriever",
    "BlockDiff", "CanvasDiff", "Embedder", "ReportIndex", "Settings", "canvas_pptx_bytes",
    "canvas_to_json", "canvas_to_markdown", "canvas_to_png", "canvas_to_pptx", "compare_canvases",
    "export_canvas", "load_embedder",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'bot' has no attribute {name!r}")
