"""Running headers, footers and page numbers: flagged by `Line.role`, kept in the document.

A line in the top or bottom band of its page (``running.band_share``) is a page number when it
matches one of ``running.page_number_patterns``, and a running header or footer when its text,
digits ignored, recurs in the same band on enough pages. Everything else is body text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import regex

from pipeline.ingest.pdf_layout import PageLine
from pipeline.ingest.pdf_rules import PdfLayout

DIGITS = regex.compile(r"\d+")


def running_key(text: str) -> str:
    """The text with numbers left out, so "47699 Federal Register" on one page and
    "Federal Register 47700" on the next are the same running line."""
    return " ".join(DIGITS.sub(" ", text.casefold()).split())


def assign_roles(pages: Sequence[Sequence[PageLine]], layout: PdfLayout) -> list[list[str]]:
    """For each page, the role of each of its lines: body, header, footer or page_number."""
    seen: Counter[tuple[str, str]] = Counter()
    for lines in pages:
        seen.update({(pl.band, running_key(pl.text)) for pl in lines if pl.band})
    pages_with_text = sum(1 for lines in pages if lines)
    needed = max(layout.repeat_min_pages, layout.repeat_share * pages_with_text)
    out: list[list[str]] = []
    for lines in pages:
        roles = []
        for pl in lines:
            if not pl.band:
                roles.append("body")
            elif any(p.search(pl.text) for p in layout.page_number_patterns):
                roles.append("page_number")
            elif seen[(pl.band, running_key(pl.text))] >= needed:
                roles.append("header" if pl.band == "top" else "footer")
            else:
                roles.append("body")
        out.append(roles)
    return out
