"""Subject: whose money an amount is, from the named bodies already found (body mentions), the
back-references of rules/facts.yaml (`the trust`, `the CCG`, `the STP`), the section heading and
the document's own body (its manifest publisher or title)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

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


def lookup(name: str, rules_dir: Path) -> Known | None:
    return _lookup(name.strip(), str(rules_dir))


@lru_cache(maxsize=4096)
def _lookup(name: str, rules_dir: str) -> Known | None:
    """The body a name names, read by the bodies pipeline as a one-line text: only a name the pipeline
    knows (gazetteer or ODS) and reads whole."""
    if not name:
        return None
    from pipeline.extract.bodies.extractor import environment, find_bodies
    from pipeline.normalise import load_rewrites, normalise

    env = environment(Path(rules_dir))
    doc = Document("(name)", "", "text", {}, [Line(1, name)])
    found, _ = find_bodies(doc, [normalise(name, load_rewrites(Path(rules_dir)))], env)
    for f in found:
        if f.start == 0 and f.end >= len(name.rstrip(" .")) and f.body.source in ("gazetteer", "ods"):
            rec = f.body.record()
            rec["aliases"] = []
            return Known(f.body.id, f.body.name, f.body.type, tuple(sorted(rec.items())))
    return None
