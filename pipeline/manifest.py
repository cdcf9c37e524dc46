"""The corpus manifest: one entry per document, in `corpus/manifest.yaml`.

A folder with no manifest, or files the manifest does not list, still build:
each such file gets an inferred entry (title from the file name, kind from the
extension), marked ``inferred: true`` so the build can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

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
    for p in sorted(corpus.rglob("*")):
        rel = p.relative_to(corpus).as_posix()
        if not p.is_file() or rel in listed or p.name in MANIFEST_NAMES or p.name.startswith("."):
            continue
        if p.suffix.lower() in KNOWN_SUFFIXES:
            entries.append(infer_entry(rel))
    return entries


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
        entries.append(Entry(row["file"], meta))
    return entries
