"""The documents that page references and quotations cite, and how a reference is resolved.

Rules: ``rules/cited_documents.yaml`` (documents with aliases, footprints with the headings
that open their section of a report). Resolution, tried in this order and recorded:

- ``named``: the reference names its document (`FBC p83`); the alias is looked up, the
  document of the line's footprint first, then a national one;
- ``self``: the reference is to the citing document itself (footer, contents list);
- ``paragraph``: the document last named in the reference's paragraph (the line before
  the reference, outside quotations, and the lead-in to the quotation it belongs to);
- ``section``: the STP of the footprint whose section the line sits in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any

import regex
from pydantic import Field

from pipeline.extract.any_pattern import any_match
from pipeline.rules import Pattern, RuleModel, compiled, declares, known, load_model, once


class Footprint(RuleModel):
    key: str
    name: str
    headings: list[Pattern]

    @cached_property
    def heading(self) -> regex.Pattern[str]:
        """A line that is one of its headings."""
        return compiled(rf"^\s*(?:{'|'.join(f'(?:{h})' for h in self.headings)})\s*$")


class CitedDocument(RuleModel):
    id: Annotated[int, Field(strict=True), once("document ids")]
    name: str
    short_name: str | None = None
    aliases: tuple[str, ...]
    footprint: Annotated[str, known("footprints")] | None = None
    section_default: bool = False
    not_followed_by: Pattern | None = None  # stops an alias that names something else (`STP Board`)

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "short_name": self.short_name,
            "aliases": json.dumps(list(self.aliases), ensure_ascii=False),
            "footprint": self.footprint,
        }


class CitedDocumentsFile(RuleModel):
    """rules/cited_documents.yaml."""

    footprints: Annotated[tuple[Footprint, ...], declares("footprints", lambda f: [f.key])] = ()
    stp_not_followed_by: Pattern | None = None  # a YAML anchor the documents' `not_followed_by` reuse
    documents: tuple[CitedDocument, ...]


@dataclass(frozen=True)
class CitedRules:
    documents: tuple[CitedDocument, ...]
    footprints: tuple[Footprint, ...]
    alias_patterns: tuple[tuple[regex.Pattern[str], int, str], ...]  # (pattern, document id, alias)

    def by_id(self, doc_id: int) -> CitedDocument:
        return next(d for d in self.documents if d.id == doc_id)


@lru_cache(maxsize=4)
def load_rules(directory: Path) -> CitedRules:
    f = load_model(CitedDocumentsFile, directory / "cited_documents.yaml")
    pats = []
    for d in f.documents:
        for a in d.aliases:
            flags = "" if len(a.split()) == 1 else "(?i)"
            tail = f"(?!{d.not_followed_by})" if d.not_followed_by else ""
            pats.append((compiled(rf"{flags}(?<![\w-]){regex.escape(a)}(?![\w-]){tail}"), d.id, a))
    return CitedRules(f.documents, f.footprints, tuple(pats))


def sections(texts: Sequence[str], rules: CitedRules) -> list[str | None]:
    """The footprint whose section each line sits in (None before the first heading)."""
    out: list[str | None] = []
    current: str | None = None
    heading = any_match(tuple(fp.heading for fp in rules.footprints))
    for text in texts:
        if len(text) < 120 and text.strip() and heading(text):
            for fp in rules.footprints:
                if fp.heading.match(text):
                    current = fp.key
                    break
        out.append(current)
    return out


def _pick(doc_ids: Sequence[int], footprint: str | None, rules: CitedRules) -> int | None:
    """Of the documents an alias may mean, the one of this footprint, else a national one."""
    docs = [rules.by_id(i) for i in doc_ids]
    for d in docs:
        if footprint is not None and d.footprint == footprint:
            return d.id
    for d in docs:
        if d.footprint is None:
            return d.id
    return None


def named_in(text: str, footprint: str | None, rules: CitedRules) -> list[tuple[int, int, int]]:
    """Documents named in `text`: (start, end, document id), left to right; an alias that
    means no document here (a footprint's `STP` outside any section) is left out."""
    hits: dict[tuple[int, int], list[int]] = {}
    for pat, doc_id, _ in rules.alias_patterns:
        for m in pat.finditer(text):
            hits.setdefault(m.span(), []).append(doc_id)
    out = []
    for (s, e), ids in sorted(hits.items()):
        if any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2 in hits):
            continue  # inside a longer alias (`STP` in `BLMK STP`)
        doc = _pick(ids, footprint, rules)
        if doc is not None:
            out.append((s, e, doc))
    return out


def resolve_named(cites: str, footprint: str | None, rules: CitedRules) -> int | None:
    found = named_in(cites, footprint, rules)
    return found[-1][2] if found else None


def last_named(texts: Sequence[str], footprint: str | None, rules: CitedRules) -> int | None:
    """The document named last in `texts` (read in order), if any."""
    last = None
    for text in texts:
        found = named_in(text, footprint, rules)
        if found:
            last = found[-1][2]
    return last


def section_document(footprint: str | None, rules: CitedRules) -> int | None:
    if footprint is None:
        return None
    return next((d.id for d in rules.documents if d.footprint == footprint and d.section_default), None)
