"""Which pages the pdfium reader hands to pdfplumber, and why.

pdfium's text page is a reading of the page, not its content stream; on some pages it cannot give
pdfminer's characters. Those pages are found from what pdfium has already read (no second parse)
and read with pdfplumber, so the document's lines are pdfplumber's on every page. The rules are
named in ``reader.fallback`` of ``rules/pdf_layout.yaml`` (so they are part of the ingest cache
key), and each page that falls back is named with its rule in the document's
``pdf_reader_fallback`` hint and in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pdfminer.pdftypes import PDFStream, resolve1

from pipeline.ingest.pdf_layout import PageStats
from pipeline.model import Document

log = logging.getLogger(__name__)


def reason(
    stats: PageStats, split: int, rules: Sequence[str], builtin_metrics: Sequence[str] = (), ties: int = 0
) -> str | None:
    """The first rule of `rules` the page meets (None: pdfium reads it as pdfminer does).

    - ``unmapped_glyphs``: a glyph has no Unicode map in pdfium (pdfminer may decode it through the
      embedded font's own cmap, as with Identity-H fonts without ToUnicode);
    - ``split_glyphs``: pdfium split a glyph into several letters (it normalises ligatures, reading
      U+FB01 as `fi`, where pdfminer keeps the glyph's own text);
    - ``outside_page``: characters are drawn outside the page box (a broken text matrix, which each
      library resolves differently);
    - ``builtin_metrics``: a font pdfminer measures by its built-in metrics (the standard 14 fonts by
      name) has a descent there other than the one pdfium reads (`pdfium_fonts`);
    - ``doubled_glyphs``: glyphs drawn twice (fake bold, shadows) that the layout drops: pdfium's text
      page orders characters otherwise than the content stream, so the copy kept may not be
      pdfminer's (a map label 0.96 pt off);
    - ``threshold_ties``: a gap between glyphs or a row's reach lies on a layout threshold within
      the precision of pdfium's single-precision coordinates (`pdfium_kernel._TIE`): pdfminer's
      doubles may decide it the other way (a word space or a cell break: `[ Online ]`, 0.15 em)."""
    met = {
        "unmapped_glyphs": stats.unreadable > 0,
        "split_glyphs": split > 0,
        "outside_page": stats.outside > 0,
        "builtin_metrics": bool(builtin_metrics),
        "doubled_glyphs": stats.duplicates > 0,
        "threshold_ties": ties > 0,
    }
    return next((rule for rule in rules if met.get(rule)), None)


def record(doc: Document, page: int, rule: str) -> None:
    """Name the page and its rule on the document and in the log."""
    found = doc.hints.setdefault("pdf_reader_fallback", {})
    found.setdefault(rule, []).append(page)
    log.info("%s: page %d read with pdfplumber, not pdfium (%s)", doc.path, page, rule)


def decode_contents(page: Any) -> None:
    """Decode the page's content streams through pdfminer (pdfplumber's `page`), as its layout
    would, without parsing them: a damaged stream gives pdfminer's warning ("Data-loss while
    decompressing corrupted data", the `damaged_page` problem) with the pdfium reader too. pdfium
    reports no damage; warnings of pdfminer's content parser (a bad operator) are not found so."""
    contents = page.page_obj.contents
    for ref in contents if isinstance(contents, list) else [contents]:
        stream = resolve1(ref)
        if isinstance(stream, PDFStream):
            stream.get_data()
