"""Words hyphenated across lines: found at ingestion, joined for matching, provenance on both lines.

PDF lines break words (``commis-`` / ``sioning``). The lines themselves stay as read; ingestion
records each break as a hint in ``Document.hints["hyphen_joins"]``, one `HyphenJoin` per break
(the second line is the next body line, skipping running headers and footers).

`joined_text` gives an extractor the two lines as one string with the hyphen removed, and
`split_span` maps a match in that string back to one span per line, so a mention found across a
break becomes one mention on each line (as a quotation over several lines does).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

from pipeline.ingest.pdf_rules import PdfLayout
from pipeline.model import Document, Line


class HyphenJoin(NamedTuple):
    first: int  # index in doc.lines of the line ending with the hyphen
    second: int  # index of the line holding the rest of the word
    part_start: int  # offset in the first line's text where the broken word starts
    hyphen: int  # offset of the hyphen in the first line's text
    rest_end: int  # offset in the second line's text where the rest of the word ends
    word: str  # the word joined: "commissioning", or "non-normal" when the hyphen is kept
    keep_hyphen: bool  # a compound (FAA-approved, non-normal): the hyphen is part of the word


def find_hyphen_joins(lines: Sequence[Line], layout: PdfLayout) -> list[HyphenJoin]:
    """Breaks between consecutive body lines of the same page or the next."""
    body = [i for i, line in enumerate(lines) if line.role == "body"]
    joins: list[HyphenJoin] = []
    for a, b in itertools.pairwise(body):
        end = layout.hyphen_end.search(lines[a].text)
        if not end:
            continue
        start = layout.hyphen_start.match(lines[b].text)
        if not start:
            continue
        hyphen = end.end(1)
        keep = bool(layout.hyphen_keep.search(end.group(1)))
        word = end.group(1) + ("-" if keep else "") + start.group(1)
        joins.append(HyphenJoin(a, b, end.start(1), hyphen, start.end(1), word, keep))
    return joins


def hyphen_joins(doc: Document) -> list[HyphenJoin]:
    return [HyphenJoin(*j) for j in doc.hints.get("hyphen_joins", ())]


def joined_text(doc: Document, join: HyphenJoin) -> tuple[str, int]:
    """The first line without its hyphen (kept for a compound) followed by the second line,
    and the offset in that string where the second line begins."""
    head = doc.lines[join.first].text[: join.hyphen + int(join.keep_hyphen)]
    return head + doc.lines[join.second].text, len(head)


def split_span(doc: Document, join: HyphenJoin, start: int, end: int) -> list[tuple[int, int, int]]:
    """A span [start, end) of `joined_text` as (line index, raw start, raw end) per line it touches.
    A span that ends in the first part of the word takes the hyphen with it."""
    _, cut = joined_text(doc, join)
    out: list[tuple[int, int, int]] = []
    if start < cut:
        first_end = min(end, cut)
        if end > cut:
            first_end = join.hyphen + 1  # the hyphen belongs to the broken word
        out.append((join.first, start, first_end))
    if end > cut:
        out.append((join.second, max(start, cut) - cut, end - cut))
    return out
