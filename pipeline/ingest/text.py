"""Text sources: lines exactly as published, split on ``\\n``, numbered from 1.

The stored lines are the file's decoded text: UTF-8; UTF-16 or UTF-32 when the file opens with
a byte order mark; otherwise Windows-1252, the encoding of many NHS exports (a warning names
it). Old Mac exports end lines with a carriage return alone: such a file is split on its lone
CRs (a warning says so), and each line is still the text between two line ends, unchanged, so
every offset into a line is an offset into the file's text. A NUL byte anywhere is refused,
naming the line: it is not text, and SQLite would cut the line at it.
"""

from __future__ import annotations

import codecs

import regex

from pipeline.model import Document, Line, Problem

BINARY_SIGNATURES = {b"%PDF": "a PDF", b"PK\x03\x04": "a ZIP or Office file", b"\x89PNG": "a PNG image"}
# longest first: the UTF-32 LE mark starts with the UTF-16 LE one
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
LONE_CR = regex.compile(r"\r(?!\n)")
CR_OR_LF = regex.compile(r"\r(?!\n)|\n")


def ingest_text(data: bytes, doc: Document, max_line_chars: int | None = None) -> Document:
    """The lines of a text file; a line over `max_line_chars` (rules/limits.yaml) is stored in pieces."""
    if any(data.startswith(sig) for sig in BINARY_SIGNATURES):
        what = next(name for sig, name in BINARY_SIGNATURES.items() if data.startswith(sig))
        doc.problems.append(
            Problem(
                doc.path,
                "binary",
                f"{doc.path}: named as text but holds {what}. Give it the right extension "
                "(for example .pdf) or replace it with the text.",
            )
        )
        return doc
    text = decode(data, doc)
    if text is None:
        return doc
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        doc.problems.append(
            Problem(
                doc.path,
                "nul_bytes",
                f"{doc.path}: line {line} holds a NUL byte (character {nul} of the decoded text), which text "
                "never holds: the file is damaged, binary, or UTF-16 without a byte order mark. Replace it "
                "with the published text (or convert it to UTF-8) and give the manifest the new SHA-256.",
                line=line,
            )
        )
        return doc
    if not text.strip():
        doc.problems.append(
            Problem(doc.path, "empty", f"{doc.path}: the file holds only white space. Replace it with the document.")
        )
        return doc
    lone_cr = len(LONE_CR.findall(text))
    if lone_cr > text.count("\n"):
        parts = CR_OR_LF.split(text)
        doc.problems.append(
            Problem(
                doc.path,
                "cr_line_ends",
                f"{doc.path}: lines end with a carriage return alone (an old Mac export), so they were split "
                f"there: {len(parts)} lines. Each stored line is the text between two line ends, unchanged.",
                severity="warning",
            )
        )
    else:
        parts = text.split("\n")
    if max_line_chars and any(len(t) > max_line_chars for t in parts):
        parts = _cut_long_lines(parts, max_line_chars, doc)
    doc.lines = [Line(number=i, text=t) for i, t in enumerate(parts, 1)]
    return doc


def _cut_long_lines(parts: list[str], limit: int, doc: Document) -> list[str]:
    """Each line over `limit` characters as pieces of at most `limit`, cut after the last space of
    each piece where there is one (in its second half), with a warning per line. Joined, the
    pieces are the line: every piece is raw text and offsets into a piece are exact."""
    out: list[str] = []
    for number, text in enumerate(parts, 1):
        if len(text) <= limit:
            out.append(text)
            continue
        first = len(out) + 1
        start = 0
        while len(text) - start > limit:
            space = text.rfind(" ", start + limit // 2, start + limit)
            end = space + 1 if space >= 0 else start + limit
            out.append(text[start:end])
            start = end
        out.append(text[start:])
        doc.problems.append(
            Problem(
                doc.path,
                "long_line",
                f"{doc.path}: line {number} is {len(text):,} characters long (the limit is {limit:,}, "
                f"rules/limits.yaml), so it is stored as lines {first}-{len(out)}, pieces cut at spaces; the "
                "lines after it are numbered on from there. A figure or name cut at a piece's end is not read "
                "whole. If the file's line ends were lost, restore them.",
                severity="warning",
                line=number,
            )
        )
    return out


def decode(data: bytes, doc: Document) -> str | None:
    """The file's text: UTF-8, or by its byte order mark, or Windows-1252 (with a warning)."""
    for mark, codec, name in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                doc.problems.append(
                    Problem(
                        doc.path,
                        "bad_encoding",
                        f"{doc.path}: opens with a {name} byte order mark but is not {name} (at byte {exc.start}). "
                        "Convert it to UTF-8 and give the manifest the new SHA-256.",
                    )
                )
                return None
            doc.problems.append(
                Problem(
                    doc.path,
                    "encoding",
                    f"{doc.path}: decoded as {name} (it opens with a {name} byte order mark); the stored lines "
                    "are the decoded text.",
                    severity="warning",
                )
            )
            return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            text, name = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined
            text, name = data.decode("latin-1"), "ISO-8859-1 (Latin-1)"
        doc.problems.append(
            Problem(
                doc.path,
                "encoding",
                f"{doc.path}: not UTF-8 (line {line}: byte {data[exc.start]:#04x} at offset {exc.start}), so it "
                f"was decoded as {name}; the stored lines are the decoded text. If characters look wrong, "
                "convert the file to UTF-8 (for example `iconv -f WINDOWS-1252 -t UTF-8`) and give the "
                "manifest the new SHA-256.",
                severity="warning",
                line=line,
            )
        )
        return text
