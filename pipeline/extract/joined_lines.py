"""Words hyphenated across two lines of a PDF (`Leeds Teaching Hos-` / `pitals NHS Trust`), for extractors.

Ingestion records each break as a hint (pipeline/ingest/hyphen_breaks.py, in raw offsets). Here a break
becomes a `Joint` over an extractor's normalised lines: the first line's text up to its hyphen
(the hyphen kept in a compound) followed by the second line's from the rest of the word, so a
matcher reads `Leeds Teaching Hospitals NHS Trust`. A match there across the break is a span on
each line (`Joint.parts`): on the first up to and with the hyphen, on the second from the rest
of the word, as `hyphen_breaks.split_span` maps them, in normalised offsets of each line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from pipeline.ingest.hyphen_breaks import hyphen_joins
from pipeline.model import Document
from pipeline.normalise import NormLine


class Joint(NamedTuple):
    first: int  # index in doc.lines of the line ending with the hyphen
    second: int  # index of the line holding the rest of the word
    text: str  # the two normalised lines joined at the break
    cut: int  # offset in `text` where the second line's part begins
    hyphen: int  # offset of the hyphen in the first line's normalised text
    rest: int  # offset in the second line's normalised text where the rest of the word begins
    keep: bool  # the hyphen is part of a compound (`FAA-approved`): kept in `text`

    def parts(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """A span [start, end) of `text` that crosses the break as (line index, start, end) on each line,
        in normalised offsets; the hyphen goes with the first part."""
        if not start < self.cut < end:
            return []
        return [(self.first, start, self.hyphen + 1), (self.second, self.rest, self.rest + end - self.cut)]


def joints(doc: Document, lines: Sequence[NormLine]) -> list[Joint]:
    """A Joint for each hyphen break of the document whose two sides map onto their normalised lines."""
    out = []
    for join in hyphen_joins(doc):
        first, second = lines[join.first], lines[join.second]
        rest_len = len(join.word) - (join.hyphen - join.part_start) - int(join.keep_hyphen)
        hyphen = norm_offset(first, join.hyphen)
        rest = norm_offset(second, join.rest_end - rest_len)
        if hyphen is None or rest is None or first.text[hyphen : hyphen + 1] != "-":
            continue  # a rewrite of normalise.yaml changed the text at the break
        head = first.text[: hyphen + int(join.keep_hyphen)]
        text = head + second.text[rest:]
        out.append(Joint(join.first, join.second, text, len(head), hyphen, rest, join.keep_hyphen))
    return out


def norm_offset(line: NormLine, raw: int) -> int | None:
    """The offset in the normalised text of the character at raw offset `raw`, where it was copied as it is."""
    if not line.pieces:
        return raw if 0 <= raw < len(line.raw) else None
    for p in line.pieces:
        if p.r0 <= raw < p.r1:
            return p.n0 + raw - p.r0 if p.same else None
    return None
