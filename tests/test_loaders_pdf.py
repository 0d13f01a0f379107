"""Locked and scanned PDFs: AES owner-password PDFs are indexed, user-password PDFs give one line,
image-only pages are read by OCR (Debian tesseract-ocr) with their page numbers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import reportlab
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from bot import Advisor
from bot.errors import IngestError
from bot.settings import Settings
from ingest.loaders import load_file
from ingest.pdf import NEEDS_PASSWORD, OCR_HEADING
from ingest.pipeline import ingest
from tests.conftest import run_cli

VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
SCANNED_LINES = [
    "Turbine leasing contracts",
    "Remanufactured gearboxes ship",
    "within eleven working days.",
]


def _text_pdf(path: Path, pages: list[str]) -> Path:
    pdf = canvas.Canvas(str(path))
    for text in pages:
        pdf.drawString(72, 720, text)
        pdf.showPage()
    pdf.save()
    return path


def _encrypted(path: Path, source: Path, user: str, owner: str) -> Path:
    writer = PdfWriter(clone_from=source)
    writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-256")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _scan_image(lines: list[str]) -> Image.Image:
    """A 'scanned' page: black text drawn into a white bitmap at about 150 dpi."""
    image = Image.new("L", (1240, 700), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(VERA), 44)
    for i, line in enumerate(lines):
        draw.text((80, 80 + i * 90), line, fill=0, font=font)
    return image


def _scanned_pdf(path: Path) -> Path:
    """Page 1 has a text layer; page 2 is only an image of text (no text layer at all)."""
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, "Cover page of the plant maintenance handbook")
    pdf.showPage()
    pdf.drawImage(ImageReader(_scan_image(SCANNED_LINES)), 36, 400, width=540, height=305)
    pdf.showPage()
    pdf.save()
    return path


@pytest.fixture
def tesseract() -> None:
    if shutil.which("tesseract") is None:
        pytest.fail("OCR tests need Debian's tesseract-ocr package: apt-get install tesseract-ocr")


def test_aes256_pdf_with_only_an_owner_password_is_indexed(tmp_path, embedder):
    plain = _text_pdf(tmp_path / "plain.pdf", ["Lease terms for compressed air as a service"])
    docs = tmp_path / "docs"
    docs.mkdir()
    locked = _encrypted(docs / "owner-only.pdf", plain, user="", owner="s3cret-owner")
    reader = PdfReader(locked)
    assert reader.is_encrypted and "/AESV3" in str(reader.trailer["/Encrypt"]["/CF"])
    settings = Settings()
    report = ingest(settings, [docs], embedder=embedder, show_progress=False)
    assert report.failed == () and report.chunks == 1
    hit = Advisor(settings, embedder=embedder).retrieve("compressed air as a service", 1)[0]
    assert "Lease terms for compressed air" in hit.chunk.text and hit.chunk.page == 1


def test_pdf_that_needs_a_user_password_says_so_in_one_line(tmp_path):
    plain = _text_pdf(tmp_path / "plain.pdf", ["Confidential pricing of turbine leases"])
    docs = tmp_path / "docs"
    docs.mkdir()
    _encrypted(docs / "locked.pdf", plain, user="open-sesame", owner="owner")
    (docs / "ok.md").write_text("# Pumps\n\nPumping billed per cubic metre.\n", encoding="utf-8")
    with pytest.raises(IngestError, match="needs a user password"):
        load_file(docs / "locked.pdf")
    proc = run_cli("ingest", str(docs), data_dir=tmp_path / "d")
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert lines == [f"skipped {(docs / 'locked.pdf').as_posix()}: {docs / 'locked.pdf'}: "
                     f"{NEEDS_PASSWORD}"]
    assert "turbine" not in proc.stderr


def test_image_only_page_is_read_by_ocr_and_retrievable(tmp_path, embedder, tesseract):
    docs = tmp_path / "docs"
    docs.mkdir()
    path = _scanned_pdf(docs / "handbook-scan.pdf")
    assert not (PdfReader(path).pages[1].extract_text() or "").strip()
    blocks = load_file(path)
    assert [b.page for b in blocks] == [1, 2]
    assert blocks[0].path == () and "Cover page" in blocks[0].text
    assert blocks[1].path == ("handbook scan", OCR_HEADING)
    words = blocks[1].text.lower()
    assert "remanufactured gearboxes" in words and "eleven working days" in words
    settings = Settings()
    ingest(settings, [docs], embedder=embedder, show_progress=False)
    hit = Advisor(settings, embedder=embedder).retrieve("remanufactured gearboxes delivery", 1)[0]
    assert hit.chunk.page == 2
    assert OCR_HEADING in hit.chunk.section and "gearboxes" in hit.chunk.text.lower()


def test_blank_pages_without_images_still_have_no_text(tmp_path, tesseract):
    path = _text_pdf(tmp_path / "blank.pdf", ["", ""])
    with pytest.raises(IngestError, match="has no text"):
        load_file(path)
