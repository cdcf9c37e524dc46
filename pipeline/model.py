"""The document model shared by every stage: plain, serialisable data.

A `Document` is a list of `Line`s exactly as published (text sources) or as
pdfplumber reads them (PDF sources). Every extracted `Mention` points at one
line by index and at a character span of that line's raw text, so
``doc.lines[m.line_index].text[m.start:m.end] == m.text`` always holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict

import msgspec

BBox = tuple[float, float, float, float]
"""x0, top, x1, bottom in PDF points, origin at the page's top left (pdfplumber's convention)."""


@dataclass(frozen=True)
class Line:
    """One source line.

    For a text source `number` is the 1-based line of the file split on ``\\n``
    and `page` is None. For a PDF `page` is the 1-based page and `number` the
    1-based line within that page.
    """

    number: int
    text: str
    page: int | None = None
    bbox: BBox | None = None
    role: str = "body"  # body | header | footer | page_number
    char_boxes: tuple[BBox | None, ...] | None = None  # one per character of `text` (PDF only)
    source: str = "text"  # text: the file's own text or a PDF's text layer; ocr: read by OCR from the page image
    confidence: float | None = None  # for an OCR line, the recogniser's confidence (0-1)

    def span_bbox(self, start: int, end: int) -> BBox | None:
        """The box around characters start..end of this line, when the source has boxes."""
        if not self.char_boxes:
            return None
        boxes = [b for b in self.char_boxes[start:end] if b is not None]
        if not boxes:
            return None
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )


@dataclass(frozen=True)
class Problem:
    """Something wrong with an input, kept in the `problems` table of the build."""

    file: str
    reason: str  # a stable code: missing, not_utf8, empty, binary, sha_mismatch, ...
    message: str  # for people: what is wrong and what to do
    severity: str = "error"  # error: the document was not built; warning: built with loss
    page: int | None = None
    line: int | None = None


class Hints(TypedDict, total=False):
    """What ingestion learnt for matching without changing the lines."""

    hyphen_joins: Sequence[tuple[int, int, int, int, int, str, bool]]  # pipeline/ingest/hyphen_breaks.py: HyphenJoin
    pdf_metadata: dict[str, str]  # the PDF's own title, author, ... (pipeline/ingest/pdf.py)
    ocr_pages: list[int]  # pages read by OCR (pipeline/ingest/ocr_page.py)
    pdf_reader_fallback: dict[str, list[int]]  # pdfium reader: pages read by pdfplumber, by rule (pdfium_fallback.py)


@dataclass
class Document:
    path: str  # path relative to the corpus folder
    sha256: str
    media_type: str  # text | pdf
    meta: dict[str, Any] = field(default_factory=dict)  # manifest entry: title, publisher, date, kind, ...
    lines: list[Line] = field(default_factory=list)
    page_count: int | None = None
    problems: list[Problem] = field(default_factory=list)
    # hints for matching that do not change the lines, e.g. "hyphen_joins" (pipeline/ingest/hyphen_breaks.py)
    hints: Hints = field(default_factory=lambda: Hints())


class Values(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The typed record of one kind of mention: the columns its table has besides the provenance
    ones (id, document, line, span, box). Each kind subclasses it (`MoneyValues` in
    pipeline/extract/money.py, ...) and its component names the subclass, so the cache decodes
    each mention's values into its kind's record with every field's type checked.

    Fields are read as attributes (`m.values.low`) or by name (`m.values["low"]`, `.get`)."""

    def __getitem__(self, name: str) -> Any:
        if name not in self.__struct_fields__:
            raise KeyError(name)
        return getattr(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name) if name in self.__struct_fields__ else default

    def row(self) -> dict[str, Any]:
        """The fields as columns of the kind's table."""
        return msgspec.structs.asdict(self)


@dataclass(frozen=True)
class Mention:
    """One extracted span on one source line.

    `values` holds the kind's typed record (money: currency, low, high, qualifier,
    ...). A quotation that covers several lines is several mentions sharing
    ``values.quote_id``.
    """

    kind: str
    line_index: int
    start: int
    end: int
    text: str
    values: Values = field(default_factory=Values)


@dataclass
class Extraction:
    """What the extractors found in one document.

    `records` holds rows of extra tables keyed by table name (for example
    ``quotes``, ``bodies``), each row a plain dict with stable string keys.
    """

    mentions: list[Mention] = field(default_factory=list)
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def extend(self, other: Extraction) -> None:
        self.mentions.extend(other.mentions)
        for table, rows in other.records.items():
            self.records.setdefault(table, []).extend(rows)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def mention_id(doc_sha256: str, line: Line, m: Mention) -> str:
    """A stable identity: same document bytes, position, kind and text give the same id."""
    key = f"{doc_sha256}|{m.kind}|{line.page or 0}|{line.number}|{m.start}|{m.end}|{m.text}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def to_plain(obj: Any) -> Any:
    """Dataclasses to dicts, for caching as JSON."""
    return asdict(obj)
