"""Helpers every loader shares: one-line errors naming the file, and text normalisation."""

from __future__ import annotations

import re
from pathlib import Path

from bot.errors import IngestError


def file_error(path: Path, problem: str) -> IngestError:
    """A one-line IngestError naming the file."""
    message = f"{path}: {problem}"
    return IngestError(message.replace("\r", " ").replace("\n", " "))


def reason(exc: BaseException) -> str:
    """A short one-line description of a library exception."""
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}".rstrip(": ")


def normalise(text: str) -> str:
    """Strip trailing whitespace per line, collapse runs of blank lines to one, trim ends."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def stem_title(path: Path) -> str:
    """A file's name as words: `plant-notes_2024.pdf` -> `plant notes 2024`."""
    return " ".join(path.stem.replace("-", " ").replace("_", " ").split()) or path.name
