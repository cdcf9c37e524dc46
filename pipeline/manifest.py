"""The corpus manifest: one entry per document, in `corpus/manifest.yaml`.

A folder with no manifest, or files the manifest does not list, still build:
each such file gets an inferred entry (title from the file name, kind from the
extension), marked ``inferred: true`` so the build can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from pipeline.corpus_files import list_documents
from pipeline.rules import yaml_load

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml")
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
PDF_SUFFIXES = {".pdf"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES
FIELDS = ("file", "title", "publisher", "author", "date", "kind", "sha256", "source", "licence", "password")


class ManifestError(ValueError):
    """The manifest itself cannot be read: nothing can be built from it."""


@dataclass(frozen=True)
class Entry:
    file: str
    meta: dict[str, Any]

    @property
    def inferred(self) -> bool:
        return bool(self.meta.get("inferred"))

    @property
    def media_type(self) -> str:
        return media_type_of(self.file)


def media_type_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return "unknown"


def find_manifest(corpus: Path) -> Path | None:
    for name in MANIFEST_NAMES:
        if (corpus / name).is_file():
            return corpus / name
    return None


def infer_entry(name: str) -> Entry:
    stem = Path(name).stem
    title = " ".join(stem.replace("_", " ").replace("-", " ").split())
    kind = {"pdf": "report", "text": "text"}.get(media_type_of(name), "unknown")
    return Entry(name, {"file": name, "title": title, "kind": kind, "inferred": True})


def load_manifest(corpus: Path) -> list[Entry]:
    """Entries for every document of `corpus`: the manifest's, then inferred ones for unlisted files."""
    path = find_manifest(corpus)
    entries: list[Entry] = []
    if path is not None:
        entries = _read(path)
    listed = {e.file for e in entries}
    for rel in list_documents(corpus, KNOWN_SUFFIXES, MANIFEST_NAMES):
        if rel not in listed:
            entries.append(infer_entry(rel))
    return entries


DATE_FORMS = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}


def date_problem(value: str) -> str | None:
    """Why `value` is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD, or None when it is one."""
    form = DATE_FORMS.get(len(value))
    if form is None or not value[:4].isdigit():
        return "is not of the form YYYY, YYYY-MM or YYYY-MM-DD"
    try:
        datetime.strptime(value, form)
    except ValueError:
        return "is not a real date (no such month or day)"
    return None


def _read(path: Path) -> list[Entry]:
    try:
        data = yaml_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid YAML ({exc}). Fix the manifest and build again.") from None
    docs = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(docs, list):
        raise ManifestError(f"{path}: expected a mapping with a list `documents`. See corpus/manifest.yaml.")
    entries = []
    seen: set[str] = set()
    for i, row in enumerate(docs, 1):
        if not isinstance(row, dict) or not isinstance(row.get("file"), str):
            raise ManifestError(f"{path}, entry {i}: every entry needs a `file` (the file name in the corpus).")
        unknown = sorted(set(row) - set(FIELDS))
        if unknown:
            raise ManifestError(f"{path}, entry {i} ({row['file']}): unknown field(s) {unknown}; known: {FIELDS}.")
        if row["file"] in seen:
            raise ManifestError(f"{path}, entry {i}: {row['file']} is listed twice.")
        seen.add(row["file"])
        meta = {k: (str(v) if k in ("date", "sha256") and v is not None else v) for k, v in row.items()}
        if meta.get("date") is not None:
            problem = date_problem(meta["date"])
            if problem:
                raise ManifestError(
                    f"{path}, entry {i} ({row['file']}), field `date`: {meta['date']!r} {problem}. "
                    "Write the date as YYYY, YYYY-MM or YYYY-MM-DD (for example 2018-03-15)."
                )
        entries.append(Entry(row["file"], meta))
    return entries
