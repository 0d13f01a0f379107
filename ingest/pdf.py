"""PDF pages as Blocks: the text layer where there is one, OCR (Tesseract) for scanned pages.

Encrypted PDFs that open without a user password (owner-password-only or an empty user
password, RC4 or AES) are read like any other; AES needs the `cryptography` package. A PDF that
needs a user password is refused with one line saying so. A page with no text layer but with
images is read by OCR through `pytesseract` and Debian's `tesseract-ocr`; its Block keeps the
page number and its heading says the text was recognised by OCR.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from bot.errors import IngestError
from ingest.common import file_error, normalise, reason, stem_title
from ingest.types import Block

# pypdf logs repair notes ("EOF marker not found") that would print as extra stderr lines
# beside the one-line error; damaged PDFs are reported through IngestError instead.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

OCR_HEADING = "scanned page, text recognised by OCR"
OCR_LANG = "eng"
OCR_TIMEOUT_S = 120  # per image
MIN_TEXT_WORDS = 3  # a page with fewer words in its text layer is treated as scanned
MIN_IMAGE_SIDE = 64  # smaller images (icons, rules) hold no readable text
NEEDS_PASSWORD = (
    "is a password-protected PDF: it needs a user password to open; save a copy without the "
    "password and index that"
)


class OcrUnavailable(Exception):
    """Tesseract (or its Python binding) is not installed."""


def _open(path: Path) -> PdfReader:
    reader = PdfReader(path)
    if reader.is_encrypted:
        try:
            result = reader.decrypt("")
        except DependencyError as exc:
            raise file_error(
                path, "is AES-encrypted and reading it needs the `cryptography` package "
                "(pip install cryptography)"
            ) from exc
        if result == PasswordType.NOT_DECRYPTED:
            raise file_error(path, NEEDS_PASSWORD)
    return reader


def ocr_image(image: Any) -> str:
    """The words Tesseract reads in a PIL image ('' when it reads none)."""
    try:
        import pytesseract
    except ImportError as exc:
        raise OcrUnavailable("the pytesseract package is not installed") from exc
    try:
        return str(pytesseract.image_to_string(image, lang=OCR_LANG, timeout=OCR_TIMEOUT_S))
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable("tesseract is not installed (Debian: apt-get install "
                             "tesseract-ocr)") from exc


def _ocr_page(page: Any) -> str:
    """OCR of the images on one page, top to bottom as pypdf lists them."""
    texts: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's decompression-bomb and mode notes
        try:
            images = list(page.images)
        except Exception:  # noqa: BLE001 - an unreadable image stream means no OCR
            return ""
        for item in images:
            try:
                image = item.image
                if image is None or min(image.size) < MIN_IMAGE_SIDE:
                    continue
                if image.mode not in ("RGB", "L", "1"):
                    image = image.convert("RGB")
                text = ocr_image(image)
            except OcrUnavailable:
                raise
            except Exception:  # noqa: BLE001 - undecodable (JBIG2, odd colour spaces): skip
                continue
            if text.strip():
                texts.append(text)
    return "\n\n".join(texts)


def _page_text(page: Any) -> str:
    try:
        return page.extract_text() or ""
    except Exception:  # noqa: BLE001 - one damaged page should not lose the others
        return ""


def load_pdf(path: Path) -> list[Block]:
    """One Block per page with text; scanned pages through OCR (see the module docstring)."""
    try:
        reader = _open(path)
        pages = list(reader.pages)
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged or unsupported input
        raise file_error(path, f"is a corrupt PDF ({reason(exc)}); re-export or repair it") \
            from exc
    blocks: list[Block] = []
    missing_ocr: str | None = None
    for number, page in enumerate(pages, start=1):
        text = normalise(_page_text(page))
        if len(text.split()) >= MIN_TEXT_WORDS:
            blocks.append(Block(path=(), text=text, page=number))
            continue
        scanned = ""
        if missing_ocr is None:
            try:
                scanned = normalise(_ocr_page(page))
            except OcrUnavailable as exc:
                missing_ocr = str(exc)
        if scanned.strip():
            blocks.append(Block(path=(stem_title(path), OCR_HEADING), text=scanned, page=number))
        elif text.strip():
            blocks.append(Block(path=(), text=text, page=number))
    if not blocks and missing_ocr is not None:
        raise file_error(path, f"has no text layer and cannot be read by OCR: {missing_ocr}")
    return blocks
