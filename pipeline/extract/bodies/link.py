"""Linking names to canonical bodies, within one document.

A gazetteer name is its known body. A name found by a pattern is the known body
of the same name when there is one (`Luton CCGs` -> Luton CCG), else the one
known body of its type that it abbreviates (`Milton Keynes Foundation Trust` ->
Milton Keynes University Hospital NHS Foundation Trust, `Peterborough Trust`),
else a new body named as written. Body ids are slugs of canonical names, so the
same name gets the same body in every document.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.extract.bodies.body_rules import BodyRules, KnownBody, ResolveRules
from pipeline.extract.bodies.casing import slug
from pipeline.extract.bodies.gazetteer import GazetteerIndex, key_of


@dataclass
class DocBody:
    """A body as this document uses it: the row for the `bodies` table."""

    id: str
    name: str
    type: str
    source: str  # gazetteer | ods | pattern | abbreviation | ner
    aliases: set[str] = field(default_factory=set)
    ods_code: str | None = None
    official_name: str | None = None
    opened: str | None = None
    closed: str | None = None

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "aliases": sorted(self.aliases),
            "ods_code": self.ods_code,
            "official_name": self.official_name,
            "opened": self.opened,
            "closed": self.closed,
            "source": self.source,
        }


class Linker:
    def __init__(self, rules: BodyRules, index: GazetteerIndex, fuzzy: FuzzyIndex, date: str | None) -> None:
        self.rules = rules
        self.resolve: ResolveRules = rules.resolve
        self.index = index
        self.fuzzy = fuzzy
        self.date = date
        self.bodies: dict[str, DocBody] = {}

    def known(self, body_ids: Iterable[str]) -> DocBody:
        """The preferred of several known bodies sharing a name: hand-curated, then open at the document's date."""
        known = [self.rules.bodies[i] for i in body_ids]
        best = min(known, key=lambda b: (b.source != "gazetteer", not b.open_at(self.date), b.id))
        return self._from_known(best)

    def _from_known(self, b: KnownBody) -> DocBody:
        if b.id not in self.bodies:
            self.bodies[b.id] = DocBody(
                b.id, b.name, b.type, b.source, set(b.aliases), b.ods_code, b.official_name, b.opened, b.closed
            )
        return self.bodies[b.id]

    def by_name(self, words: list[str], name: str, type_: str, family_type: str | None, source: str) -> DocBody:
        """A body for a name found by a pattern (or NER, or an abbreviation's long form): a known one, else new."""
        return self.find(words, family_type) or self.new(name, type_, source)

    def find(self, words: list[str], family_type: str | None) -> DocBody | None:
        """The known body of this name, exactly or (for a pattern's family) by its distinctive words."""
        entries = self.index.lookup(key_of(words))
        if not entries:
            singular = [self.resolve.plural_heads.get(w, w) for w in words]
            entries = self.index.lookup(key_of(singular))
        if entries:
            return self.known(e.body_id for e in entries)
        if family_type:
            found = self.fuzzy.find(words, self.resolve.link_families.get(family_type, frozenset()), self.date)
            if found:
                return self._from_known(found)
        return None

    def new(self, name: str, type_: str, source: str) -> DocBody:
        body_id = slug(name)
        if body_id in self.bodies:
            return self.bodies[body_id]
        if body_id in self.rules.bodies:
            return self._from_known(self.rules.bodies[body_id])
        body = DocBody(body_id, name, type_, source, {name})
        self.bodies[body_id] = body
        return body


class FuzzyIndex:
    """Known bodies by the words of their names, for linking short forms (`Peterborough Trust`)."""

    def __init__(self, bodies: Iterable[KnownBody], rules: ResolveRules) -> None:
        self.rules = rules
        self.directions = {w.lower() for w in rules.direction_words}
        self.by_first: dict[str, list[tuple[KnownBody, tuple[str, ...]]]] = {}
        for b in bodies:
            forms = {content_words(a.split(), rules) for a in (b.name, b.official_name) if a}
            for words in forms:
                if words:
                    self.by_first.setdefault(words[0], []).append((b, words))

    def find(self, words: list[str], types: frozenset[str], date: str | None) -> KnownBody | None:
        mine = content_words(words, self.rules)
        if not mine or (len(mine) == 1 and mine[0] in self.directions):
            return None
        firsts = [mine[0]] + [mine[0] + s for s in self.rules.place_suffixes]
        fits: dict[str, KnownBody] = {}
        for first in firsts:
            for body, theirs in self.by_first.get(first, []):
                if body.type in types and _in_order(mine[1:], theirs[1:]):
                    fits[body.id] = body
        if not fits:
            return None
        if len(fits) > 1:
            open_now = {k: b for k, b in fits.items() if b.open_at(date)}
            fits = open_now or fits
        if len(fits) > 1:
            curated = {k: b for k, b in fits.items() if b.source == "gazetteer"}
            fits = curated or fits
        return next(iter(fits.values())) if len(fits) == 1 else None


def content_words(words: Iterable[str], rules: ResolveRules) -> tuple[str, ...]:
    """The words of a name that tell it apart, lower case, abbreviations spelt out (`Herts` -> hertfordshire).

    A possessive stays on its word: `St James's` is not `James Paget`."""
    joined: list[str] = []
    for w in words:
        w = w.lower().strip(",;:()").replace("’", "'")
        if w == "'s" and joined:
            joined[-1] += w
        else:
            joined.append(w)
    out: list[str] = []
    for w in joined:
        for part in rules.synonyms.get(w, (w,)):
            if part and part not in rules.link_ignore:
                out.append(part)
    return tuple(out)


def _in_order(needles: tuple[str, ...], hay: tuple[str, ...]) -> bool:
    it = iter(hay)
    return all(any(n == h for h in it) for n in needles)
