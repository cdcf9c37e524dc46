"""Optional OCR of pages with no text layer, with Tesseract when it is installed.

Nothing here is required: without the `tesseract` command such pages are reported as
``needs_ocr``. With it, the page is rendered (pdfplumber / pypdfium2) at ``ocr.dpi``, read by
``tesseract ... tsv``, and Tesseract's lines become lines of the page (those whose mean word
confidence is at least ``ocr.min_confidence``). Tesseract gives boxes per
word; each character gets an equal share of its word's box.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from pipeline.ingest.pdf_layout import PageLine
from pipeline.ingest.pdf_rules import PdfLayout
from pipeline.model import BBox


class OcrError(RuntimeError):
    pass


def available(layout: PdfLayout) -> bool:
    return shutil.which(layout.ocr_command) is not None


def read_page(page: Any, layout: PdfLayout) -> list[PageLine]:
    try:
        image = page.to_image(resolution=layout.ocr_dpi).original
    except Exception as exc:
        raise OcrError(f"the page could not be rendered: {type(exc).__name__}: {exc}") from None
    with tempfile.TemporaryDirectory(prefix="nhs-figures-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        try:
            proc = subprocess.run(
                [layout.ocr_command, str(png), "stdout", "-l", layout.ocr_language, "tsv"],
                capture_output=True,
                timeout=layout.ocr_timeout_s,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise OcrError(f"{layout.ocr_command} did not run: {exc}") from None
    if proc.returncode != 0:
        raise OcrError(f"{layout.ocr_command} failed: {proc.stderr.decode('utf-8', 'replace').strip()[:300]}")
    scale = 72.0 / layout.ocr_dpi
    return lines_from_tsv(proc.stdout.decode("utf-8", "replace"), scale, float(page.height), layout)


def lines_from_tsv(tsv: str, scale: float, height: float, layout: PdfLayout) -> list[PageLine]:
    """Tesseract's TSV words grouped into its lines, boxes in PDF points."""
    grouped: dict[tuple[str, str, str], list[tuple[str, BBox, float]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        x, y, w, h = (float(row[k]) * scale for k in ("left", "top", "width", "height"))
        key = (row["block_num"], row["par_num"], row["line_num"])
        grouped.setdefault(key, []).append((text, (x, y, x + w, y + h), float(row.get("conf") or 0)))
    out: list[PageLine] = []
    band = layout.band_share * height
    for words in grouped.values():
        if sum(conf for _, _, conf in words) / len(words) < layout.ocr_min_confidence:
            continue  # Tesseract itself doubts the line: better missing than nonsense

        chars: list[tuple[str, BBox | None]] = []
        for i, (text, (x0, top, x1, bottom), _) in enumerate(words):
            if i:
                chars.append((" ", None))
            step = (x1 - x0) / len(text)
            chars.extend((ch, (x0 + k * step, top, x0 + (k + 1) * step, bottom)) for k, ch in enumerate(text))
        boxes = [b for _, b in chars if b is not None]
        bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        where = "top" if bbox[3] <= band else "bottom" if bbox[1] >= height - band else None
        out.append(PageLine("".join(c for c, _ in chars), tuple(b for _, b in chars), bbox, where))
    return out
