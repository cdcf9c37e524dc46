"""Subject: whose money an amount is, from the named bodies already found (body mentions), the
back-references of rules/facts.yaml (`the trust`, `the CCG`, `the STP`), the section heading and
the document's own body (its manifest publisher or title)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from pipeline.model import Document, Line


@dataclass(frozen=True)
class BodyRef:
    """A body mention placed in the document: paragraph, paragraph offsets, and the body."""

    para: int
    start: int
    end: int
    body_id: str
    name: str
    type: str


@dataclass(frozen=True)
class Known:
    """A body found by name outside the text (a heading's place with a suffix, the publisher)."""

    body_id: str
    name: str
    type: str
    record: tuple[tuple[str, Any], ...]  # the `bodies` row, for the table (its id may be new there)
    written: str = ""  # the words that named it, where they are not its name


def lookup(name: str, rules_dir: Path) -> Known | None:
    """The known body (gazetteer or ODS) whose name or alias this is exactly (`Bedford Hospital`)."""
    return _lookup(name.strip(), str(rules_dir))


def find_in(text: str, rules_dir: Path) -> Known | None:
    """The known body a short text (a publisher, a title) names first, read by the bodies pipeline."""
    return _find_in(text.strip(), str(rules_dir))


@lru_cache(maxsize=4)
def _linker(rules_dir: str) -> Any:
    from pipeline.extract.bodies.extractor import environment
    from pipeline.extract.bodies.link import Linker

    env = environment(Path(rules_dir))
    return env.nlp.tokenizer, Linker(env.rules, env.index, env.fuzzy, None)


@lru_cache(maxsize=8192)
def _lookup(name: str, rules_dir: str) -> Known | None:
    if not name:
        return None
    tokenizer, linker = _linker(rules_dir)
    body = linker.find([t.text for t in tokenizer(name)], None)
    return None if body is None else replace(_known(body), written=name)


@lru_cache(maxsize=1024)
def _find_in(text: str, rules_dir: str) -> Known | None:
    if not text:
        return None
    from pipeline.extract.bodies.extractor import environment, find_bodies
    from pipeline.normalise import load_rewrites, normalise

    env = environment(Path(rules_dir))
    doc = Document("(name)", "", "text", {}, [Line(1, text)])
    line = normalise(text, load_rewrites(Path(rules_dir)))
    found, _ = find_bodies(doc, [line], env)
    for f in sorted(found, key=lambda f: f.start):
        if f.body.source in ("gazetteer", "ods"):
            return replace(_known(f.body), written=line.text[f.start : f.end])
    return None


def _known(body: Any) -> Known:
    rec = body.record()
    rec["aliases"] = []
    return Known(body.id, body.name, body.type, tuple(sorted(rec.items())))


def title_page_text(document: Document, lines: int, max_chars: int, markup: regex.Pattern[str]) -> str:
    """The words of a document's title page and running heads, for finding whose paper it is when it has no
    publisher: its first `lines` non-blank lines of at most `max_chars` characters (a PDF: of its first page),
    then the distinct texts of its running heads (a PDF's header lines), with `markup` (a compiled pattern)
    taken out and spaces closed up ("**The Leeds ** / **Teaching Hospitals** / **NHS Trust**": "The Leeds
    Teaching Hospitals NHS Trust")."""
    first: list[str] = []
    heads: dict[str, None] = {}
    for line in document.lines:
        if line.role == "header":
            heads.setdefault(line.text.strip(), None)
            continue
        if len(first) >= lines or (line.page is not None and line.page > 1):
            if line.page is None:
                break
            continue
        text = line.text.strip()
        if text and len(text) <= max_chars:
            first.append(text)
    words = " ".join([*first, *list(heads)[:lines]])
    return " ".join(markup.sub(" ", words).split())


def as_written(
    known: Known, reporting_name: regex.Pattern[str], drops: list[tuple[str | None, regex.Pattern[str]]]
) -> Known:
    """`known` named as the document writes it when its name is a reporting name (rules/facts.yaml
    `subject.as_written`: `NHS North Central London ICB - 93C`, ODS's current name for the code of the CCG a
    2021 list calls `NHS North Central London CCG`), with the `drops` of its type taken out (the ODS code
    suffix; `NHS ` before a CCG's name): `North Central London CCG`, a body of its own id."""
    if not known.written or reporting_name.search(known.name) is None:
        return known
    name = known.written
    for type_, pattern in drops:
        if type_ is None or type_ == known.type:
            name = pattern.sub("", name)
    name = " ".join(name.split())
    if not name or name == known.name:
        return known
    from pipeline.extract.bodies.casing import slug

    record = dict(known.record)
    record.update(id=slug(name), name=name, aliases=[known.written], source="pattern")
    return Known(slug(name), name, known.type, tuple(sorted(record.items())))


def new_body(name: str, type_: str) -> Known:
    """A body the bodies extractor does not know, named by the text (`Leeds Hospitals Charity`, rule
    `subject.named_after`): its `bodies` row, source `pattern`."""
    from pipeline.extract.bodies.casing import slug

    record: dict[str, Any] = {
        "id": slug(name),
        "name": name,
        "type": type_,
        "aliases": [],
        "ods_code": None,
        "official_name": None,
        "opened": None,
        "closed": None,
        "source": "pattern",
    }
    return Known(slug(name), name, type_, tuple(sorted(record.items())))
