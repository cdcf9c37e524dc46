"""Ingest: a source file becomes a `Document` of lines, or a clear problem.

This is an edge of the pipeline: it reads files. Everything after it works on
plain data.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.corpus_files import read_document
from pipeline.ingest.text import ingest_text
from pipeline.limits import load_limits
from pipeline.manifest import Entry
from pipeline.model import Document, Problem, sha256_bytes


def read_source(corpus: Path, entry: Entry) -> tuple[bytes | None, Document]:
    """Read the file's bytes and check them against the manifest.

    Returns the bytes (None when the file cannot be used) and a Document shell
    carrying any problems found so far.
    """
    doc = Document(path=entry.file, sha256="", media_type=entry.media_type, meta=dict(entry.meta))
    data = read_document(corpus, entry.file)  # only inside the corpus; any OS error is a problem
    if isinstance(data, Problem):
        doc.problems.append(data)
        return None, doc
    doc.sha256 = sha256_bytes(data)
    expected = entry.meta.get("sha256")
    if expected and expected.lower() != doc.sha256:
        # a changed source is a new version of the document: built, with the change recorded
        doc.problems.append(
            Problem(
                entry.file,
                "sha_mismatch",
                f"{entry.file}: changed since the manifest was written: SHA-256 was {expected.lower()}, "
                f"now {doc.sha256}. Built as a new version of the document; verdicts on the old version are "
                "re-attached where their text is found. If the new file is right, put its SHA-256 in the "
                "manifest; if not, restore the original.",
                severity="warning",
            )
        )
    if not data:
        doc.problems.append(
            Problem(
                entry.file,
                "empty",
                f"{entry.file}: the file is empty (0 bytes). Replace it with the published document.",
            )
        )
        return None, doc
    return data, doc


def ingest(corpus: Path, entry: Entry, **options: object) -> Document:
    """One document from the corpus, with its lines, or with problems saying why not."""
    data, doc = read_source(corpus, entry)
    if data is None:
        return doc
    return ingest_data(corpus, entry, data, doc, **options)


def ingest_data(corpus: Path, entry: Entry, data: bytes, doc: Document, **options: object) -> Document:
    """The lines of a file already read (and checked) by `read_source`."""
    if doc.media_type == "text":
        rules = options.get("rules")
        return ingest_text(data, doc, load_limits(rules if isinstance(rules, Path) else None).max_line_chars)
    if doc.media_type == "pdf":
        from pipeline.ingest.pdf import ingest_pdf

        return ingest_pdf(corpus / entry.file, data, doc, **options)
    doc.problems.append(
        Problem(
            entry.file,
            "unsupported",
            f"{entry.file}: no reader for files ending {Path(entry.file).suffix!r}. "
            "Supported: .txt, .md (UTF-8 text) and .pdf.",
        )
    )
    return doc


def apply_entry(doc: Document, entry: Entry) -> Document:
    """A document from the cache, given the metadata of the current manifest entry (which may
    have changed since it was cached): the entry's fields, or for an inferred entry the PDF's
    own title and date where it has them."""
    doc.meta = dict(entry.meta)
    if entry.inferred:
        doc.meta.update(doc.hints.get("pdf_metadata", {}))
    return doc
