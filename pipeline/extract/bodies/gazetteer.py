"""Matching the names of known bodies (gazetteer and ODS) in a tokenised line.

A name is matched on its tokens' keys: lower case, curly apostrophes straight,
and `and`/`&` and hyphens left out, so `Luton & Dunstable` and `Luton and Dunstable` meet, and
`NHS-Providers` is NHS Providers.
One-word names (`PAH`, `UNISON`) must match exactly; longer ones must begin
with a capital or a digit, and end with a capital where the name does
(`Ipswich hospital trusts` is not `Ipswich Hospital`: a lowercase generic ending
is no part of a name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, SpanGroup

from pipeline.extract.bodies.body_rules import KnownBody

SPANS_KEY = "body_gazetteer"
SKIP_UNITS = frozenset({"and", "-"})  # `NHS-Providers` is NHS Providers


def unit(text: str) -> str:
    t = text.lower().replace("’", "'").replace("‘", "'")
    return "and" if t == "&" else t


def key_of(tokens: Iterable[str]) -> tuple[str, ...]:
    return tuple(u for u in (unit(t) for t in tokens) if u not in SKIP_UNITS)


@dataclass(frozen=True)
class AliasEntry:
    body_id: str
    surface: str  # the alias as written in the rules
    exact: bool  # must match `surface` exactly
    common_word: bool
    last_capital: bool  # the name's last word is capitalised: so must the text's be


class GazetteerIndex:
    """Every alias of every known body, by key; `match` finds the longest known names in a Doc."""

    def __init__(self, bodies: Iterable[KnownBody], tokenize: Callable[[str], Sequence[str]]) -> None:
        self.by_key: dict[tuple[str, ...], list[AliasEntry]] = {}
        self.prefixes: set[tuple[str, ...]] = set()
        self.max_tokens = 1
        self.units: dict[str, str] = {}  # a token's text -> its unit (remembered)
        for body in bodies:
            for alias in dict.fromkeys(body.aliases):
                tokens = tokenize(alias)
                key = key_of(tokens)
                if not key:
                    continue
                exact = len(key) == 1 or alias in body.exact
                last = tokens[-1]
                entry = AliasEntry(body.id, _surface(alias), exact, alias in body.common_word, last[:1].isupper())
                entries = self.by_key.setdefault(key, [])
                if entry not in entries:
                    entries.append(entry)
                self.max_tokens = max(self.max_tokens, len(tokens))
                for n in range(1, len(key) + 1):
                    self.prefixes.add(key[:n])
        # the units a known name can begin with
        self.firsts = {k[0] for k in self.prefixes if len(k) == 1 and k[0] not in SKIP_UNITS}

    def lookup(self, key: tuple[str, ...]) -> list[AliasEntry]:
        return self.by_key.get(key, [])

    def match(
        self, doc: Doc, texts: Sequence[str] | None = None, sentencize: Callable[[Doc], Doc] | None = None
    ) -> list[tuple[int, int, list[AliasEntry]]]:
        """(start, end, entries) of the longest known names, left to right, not overlapping (`texts`: the
        texts of the Doc's tokens, when known; `sentencize`: what sets its sentence starts, when it has none
        yet: run only when a common word is met, the one test that reads them)."""
        firsts = self.firsts
        if texts is None:
            texts = [t.text for t in doc]
        known = self.units
        if len(known) > 100_000:
            known.clear()
        units = []
        for t in texts:
            u = known.get(t)
            if u is None:
                u = known[t] = unit(t)
            units.append(u)
        found: list[tuple[int, int, list[AliasEntry]]] = []
        i, n = 0, len(texts)
        while i < n:
            best: tuple[int, int, list[AliasEntry]] | None = None
            if units[i] in firsts:
                key: tuple[str, ...] = ()
                for j in range(i, min(n, i + self.max_tokens + 4)):
                    if units[j] in SKIP_UNITS:
                        continue
                    key = (*key, units[j])
                    if key not in self.prefixes:
                        break
                    entries = self.by_key.get(key)
                    if entries:
                        entries = _valid(doc, texts, i, j + 1, entries, sentencize)
                        if entries:
                            best = (i, j + 1, entries)
            if best:
                found.append(best)
                i = best[1]
            else:
                i += 1
        return found


def _valid(
    doc: Doc,
    texts: Sequence[str],
    start: int,
    end: int,
    entries: list[AliasEntry],
    sentencize: Callable[[Doc], Doc] | None = None,
) -> list[AliasEntry]:
    first = texts[start]
    last = texts[end - 1]
    text = None
    out = []
    for e in entries:
        if e.exact:
            if text is None:
                text = _surface(doc[start:end].text)
            if text != e.surface:
                continue
        if not e.exact and not (first[:1].isupper() or first[:1].isdigit()):
            continue
        if not e.exact and e.last_capital and not last[:1].isupper():
            continue
        if e.common_word and (
            _sentence_start(doc, start, sentencize) or _capitalised(texts, start - 1) or _capitalised(texts, end)
        ):
            continue
        out.append(e)
    return out


def _sentence_start(doc: Doc, i: int, sentencize: Callable[[Doc], Doc] | None) -> bool:
    if sentencize is not None and not doc.has_annotation("SENT_START"):
        sentencize(doc)
    return bool(doc[i].is_sent_start)


def _surface(text: str) -> str:
    """A name as written, for exact matching: spaces and hyphens between words alike (`NHS-Providers`)."""
    return " ".join(text.replace("-", " ").split())


def _capitalised(texts: Sequence[str], i: int) -> bool:
    return 0 <= i < len(texts) and texts[i][:1].isupper()


class GazetteerComponent:
    """spaCy component: known names -> doc.spans["body_gazetteer"], each span's kb_id_ the body ids (`|`-joined)."""

    def __init__(self, index: GazetteerIndex) -> None:
        self.index = index

    def __call__(
        self, doc: Doc, texts: Sequence[str] | None = None, sentencize: Callable[[Doc], Doc] | None = None
    ) -> Doc:
        spans = []
        for start, end, entries in self.index.match(doc, texts, sentencize):
            ids = list(dict.fromkeys(e.body_id for e in entries))
            spans.append(Span(doc, start, end, label="gazetteer", kb_id="|".join(ids)))
        doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=spans)
        return doc
