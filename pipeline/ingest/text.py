"""Text sources: lines exactly as published, split on ``\\n``, numbered from 1."""

from __future__ import annotations

from pipeline.model import Document, Line, Problem

BINARY_SIGNATURES = {b"%PDF": "a PDF", b"PK\x03\x04": "a ZIP or Office file", b"\x89PNG": "a PNG image"}


def ingest_text(data: bytes, doc: Document) -> Document:
    if b"\x00" in data[:8192] or any(data.startswith(sig) for sig in BINARY_SIGNATURES):
        what = next((name for sig, name in BINARY_SIGNATURES.items() if data.startswith(sig)), "binary data")
        doc.problems.append(
            Problem(
                doc.path,
                "binary",
                f"{doc.path}: named as text but holds {what}. Give it the right extension "
                "(for example .pdf) or replace it with the text.",
            )
        )
        return doc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        doc.problems.append(
            Problem(
                doc.path,
                "not_utf8",
                f"{doc.path}: line {line} is not UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}). "
                "Convert the file to UTF-8 (for example `iconv -f WINDOWS-1252 -t UTF-8`) and give the "
                "manifest the new SHA-256.",
                line=line,
            )
        )
        return doc
    if not text.strip():
        doc.problems.append(
            Problem(doc.path, "empty", f"{doc.path}: the file holds only white space. Replace it with the document.")
        )
        return doc
    doc.lines = [Line(number=i, text=t) for i, t in enumerate(text.split("\n"), 1)]
    return doc
