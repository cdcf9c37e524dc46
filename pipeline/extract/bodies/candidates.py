"""From the spans the spaCy pipeline marks on one line to the body names of that line.

Pattern matches are cleaned (a lowercase generic ending left out, a name made only
of generic words dropped, a committee that is some body's own board dropped),
then gazetteer, pattern and NER spans compete: the longest wins, a gazetteer
name before a pattern before the statistical NER. Lists sharing one ending are
split into one name per item (`Bedfordshire and Luton CCGs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from pipeline.extract.bodies.body_rules import ResolveRules
from pipeline.extract.bodies.gazetteer import SPANS_KEY as GAZ_KEY
from pipeline.extract.bodies.gazetteer import GazetteerIndex, key_of
from pipeline.extract.bodies.nlp import JOIN, NAME, PATTERNS_KEY

PRIORITY = {"gazetteer": 0, "pattern": 1, "ner": 2}


@dataclass(frozen=True)
class Candidate:
    """A name on one line: tokens start..end of the line's Doc.

    `name` is the name to link when it differs from the span's text (a list item
    takes the list's ending: `Bedfordshire` -> `Bedfordshire CCG`).
    """

    start: int
    end: int
    source: str  # gazetteer | pattern | ner
    family: str | None = None  # pattern family (trust, ccg, council, ...)
    body_ids: tuple[str, ...] = ()  # gazetteer: the known bodies of this name
    name: str | None = None
    open_ended: bool = False  # a pattern that ends with any name words (`University of ...`), not a head word
    known_only: bool = False  # a pattern that names a body only when it is a known one (resolve.yaml `known_only`)


@dataclass(frozen=True)
class Words:
    """The texts and TAGs of a Doc's tokens, read once (a Doc makes its Token objects anew at each reading)."""

    texts: list[str]
    tags: list[str]

    @classmethod
    def of(cls, doc: Doc) -> Words:
        return cls([t.text for t in doc], [t.tag_ for t in doc])


def line_candidates(
    doc: Doc,
    rules: ResolveRules,
    index: GazetteerIndex,
    ner_spans: Sequence[tuple[int, int]] = (),
    named: set[str] | None = None,
    words: Words | None = None,
) -> list[Candidate]:
    """The body names of one line, left to right, not overlapping.

    `named` collects committee names made bodies by quotation marks, for the rest of the document; `words`
    are the Doc's texts and tags when known."""
    w = words if words is not None else Words.of(doc)
    cands: list[Candidate] = []
    for span in doc.spans.get(GAZ_KEY, ()):  # absent where the gazetteer had nothing to find (linedocs.py)
        cands.append(Candidate(span.start, span.end, "gazetteer", body_ids=tuple(span.kb_id_.split("|"))))
    seen: set[tuple[int, int, str]] = set()
    for span in doc.spans.get(PATTERNS_KEY, ()):
        cleaned = clean_pattern(w, span.start, span.end, span.label_, span.id_, rules, index, named)
        if cleaned and (cleaned[0], cleaned[1], span.label_) not in seen:
            seen.add((cleaned[0], cleaned[1], span.label_))
            open_ended = span.id_ in rules.open_ended_patterns
            known_only = span.id_ in rules.known_only_patterns
            cands.append(
                Candidate(
                    cleaned[0], cleaned[1], "pattern", family=span.label_, open_ended=open_ended, known_only=known_only
                )
            )
    for s, e in ner_spans:
        cands.append(Candidate(s, e, "ner"))
    cands = _gazetteer_starts_names(w, cands, rules, index)
    chosen = select(cands)
    out: list[Candidate] = []
    for c in chosen:
        if c.source == "pattern":
            out.extend(split_list(w, c, rules, index))
        else:
            out.append(c)
    return sorted(out, key=lambda c: c.start)


def _gazetteer_starts_names(
    w: Words, cands: list[Candidate], rules: ResolveRules, index: GazetteerIndex
) -> list[Candidate]:
    """A pattern match that ends where a known name ends, but starts earlier, gives way to the known name
    (`West Essex Princess Alexandra Hospital` is `Princess Alexandra Hospital`), unless it is a list."""
    ends = {(c.end, c.start) for c in cands if c.source == "gazetteer"}
    starts = {c.start for c in cands if c.source == "gazetteer"}
    out = []
    for c in cands:
        if c.source == "pattern" and any(end == c.end and start > c.start for end, start in ends):
            if len(split_list(w, c, rules, index)) < 2:
                continue
        if c.source == "pattern" and c.open_ended and c.start in starts:
            continue  # `Institute for Fiscal Studies Is ...`: an open-ended pattern ran past a known name
        out.append(c)
    return out


def select(cands: list[Candidate]) -> list[Candidate]:
    """The rules' names, longest first (a gazetteer name before a pattern's), keeping no two that overlap;
    then the statistical NER's names where they touch none of the rules'."""
    taken: list[Candidate] = []
    order = sorted(cands, key=lambda c: (c.source == "ner", -(c.end - c.start), PRIORITY[c.source], c.start))
    for c in order:
        if any(c.start < t.end and t.start < c.end for t in taken):
            continue
        if c.source == "ner" and any(t.source != "ner" for t in taken if c.start < t.end + 1 and t.start < c.end + 1):
            continue  # the rules win where the statistical NER touches their names
        taken.append(c)
    return taken


def clean_pattern(
    w: Words,
    start: int,
    end: int,
    family: str,
    pattern_id: str,
    rules: ResolveRules,
    index: GazetteerIndex,
    named: set[str] | None = None,
) -> tuple[int, int] | None:
    """The span a pattern match really names, or None when it names no body."""
    fam = rules.families[family]
    s, e = start, end
    while s < e and w.tags[s] == JOIN:
        s += 1
    while e > s and w.tags[e - 1] == JOIN:
        e -= 1
    written_end = e
    if not fam.lowercase_head:
        while e > s and w.texts[e - 1].islower() and w.texts[e - 1] not in rules.lowercase_tail_keeps:
            e -= 1  # `Norfolk Community Health and Care trust`: the lowercase ending stays outside
    if e <= s:
        return None
    head = w.texts[e - 1]
    plural = head in rules.plural_heads
    if e == written_end and e - s >= 2 and w.texts[e - 2] in rules.separators:
        return None  # `NHS England & CCGs`, `LCHT and ICB`: the ending stands alone, naming no one
    if plural and s > 0 and w.texts[s - 1].lower() in rules.count_words:
        if not any(x in rules.separators for x in w.texts[s : e - 1]):
            return None  # `the two Suffolk CCGs` counts CCGs, it names none
    if family not in ("stp",) and not plural:
        commas = [i for i in range(s, e) if w.texts[i] == ","]
        if commas:  # `Luton, Bedford Hospital`: the name is after the last comma
            s = commas[-1] + 1
    breaks = [i for i in range(s + 1, e) if w.texts[i] in rules.separators and w.texts[i - 1] in rules.list_breaks]
    if breaks:  # `Trust Board and CCG papers`: a name does not go on past `Board and`
        s = breaks[-1] + 1
    if s > 0 and w.texts[s - 1] in rules.lowercase_place_words:
        return None  # `the 5 mid and south Essex CCGs`: a description, not a name
    words = [x.strip("/.") for x, tag in zip(w.texts[s:e], w.tags[s:e], strict=True) if tag == NAME or x.islower()]
    if not any(w not in fam.generic for w in words if w not in ("and", "&", "'s")):
        return None  # `NHS Trust`, `STP Board`, `Local CCGs`
    if (
        fam.closed_head
        and e < len(w.texts)
        and w.texts[e][:1].isupper()
        and w.texts[e][:1].isalpha()
        and not (w.texts[e] in rules.document_words and w.texts[e - 1] in rules.document_heads)
    ):
        return None  # `FBC Executive Summary`, `Non-Executive Director`: the name goes on past the head word
    if family == "committee" and not _named_committee(w, s, e, rules, index, named):
        return None
    if any("(" in x for x in w.texts[s:e]) and pattern_id != "stp-with-abbreviation":
        return None
    return s, e


def _named_committee(
    w: Words, s: int, e: int, rules: ResolveRules, index: GazetteerIndex, named: set[str] | None
) -> bool:
    """A committee with a name of its own: not a body's own board (`Trust Board`, `NHS England Board`: that
    names the body), and named by enough words that are not generic (see `committee_min_words`)."""
    if e - s < 2:
        return False
    before = w.texts[s : e - 1]
    if before[-1] in rules.owner_endings or index.lookup(key_of(before)):
        return False
    generic = rules.families["committee"].generic
    own = [w for w in before if w not in generic and w not in rules.name_joiners]
    text = " ".join(w.texts[s:e])
    if len(own) >= rules.committee_min_words or (named is not None and text in named):
        return True
    quoted = s > 0 and e < len(w.texts) and w.texts[s - 1] in ('"', "'") and w.texts[e] in ('"', "'")
    if own and quoted:
        if named is not None:
            named.add(text)
        return True
    return False


def split_list(w: Words, c: Candidate, rules: ResolveRules, index: GazetteerIndex) -> list[Candidate]:
    """`Mid Essex, Basildon & Brentwood, Southend and Thurrock CCGs` -> four CCGs; else [c]."""
    head = w.texts[c.end - 1]
    singular = rules.plural_heads.get(head)
    head_single = singular or head
    if head_single[:1].islower():
        head_single = head_single[:1].upper() + head_single[1:]
    toks = w.texts[c.start : c.end]
    if not any(x in rules.separators for x in toks[:-1]):
        return [c]
    words = [*toks[:-1], head_single]
    if index.lookup(key_of(words)):
        return [c]  # the whole is one known name (`Basildon and Thurrock University Hospitals`)
    items = _items(w, c.start, c.end - 1, rules)
    if len(items) < 2:
        return [c]
    last_s, last_e = items[-1]
    if singular is None:
        # a singular ending is shared only when every other item carries its own qualifier
        if not all(w.texts[e - 1] in rules.qualifiers for s, e in items[:-1]):
            return [c]
    ending = [head_single]
    i = c.end - 2
    while i >= last_s and w.texts[i] in rules.qualifiers:
        ending.insert(0, w.texts[i])
        i -= 1
    items = _group_known(w, items, ending, index)
    out = []
    last_words = w.texts[last_s:last_e]
    for n, (s, e) in enumerate(items):
        item_words = w.texts[s:e]
        last = n == len(items) - 1
        if not last and all(w in rules.direction_words for w in item_words):
            # `North and South Norfolk CCGs`: `North` is North Norfolk
            tail = [w for w in last_words if w not in rules.direction_words and w not in rules.qualifiers]
            item_words = [*item_words, *tail]
        if last:
            out.append(Candidate(s, c.end, "pattern", family=c.family, name=_join([*item_words, head_single])))
            continue
        own = item_words[-1] in rules.qualifiers
        name_words = [*item_words, head_single] if own else [*item_words, *ending]
        out.append(Candidate(s, e, "pattern", family=c.family, name=_join(name_words)))
    return out


def _items(w: Words, start: int, end: int, rules: ResolveRules) -> list[tuple[int, int]]:
    """Token ranges of the items of a list between `start` and `end` (the ending excluded)."""
    items: list[tuple[int, int]] = []
    s = start
    for i in range(start, end):
        if w.texts[i] in rules.separators:
            if i > s:
                items.append((s, i))
            s = i + 1
    if end > s:
        items.append((s, end))
    if items:  # the last item runs to the ending
        items[-1] = (items[-1][0], end)
    return items


def _group_known(
    w: Words, items: list[tuple[int, int]], ending: list[str], index: GazetteerIndex
) -> list[tuple[int, int]]:
    """Join items linked by `and`/`&` when together they make a known name (`Basildon & Brentwood` CCG)."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(items):
        best = i
        j = i
        while j + 1 < len(items) and not any(w.texts[k] == "," for k in range(items[j][1], items[j + 1][0])):
            j += 1  # items i..j are joined by `and`/`&` only
        for k in range(j, i, -1):
            words = w.texts[items[i][0] : items[k][1]]
            if index.lookup(key_of([*words, *ending])):
                best = k
                break
        out.append((items[i][0], items[best][1]))
        i = best + 1
    return out


def _join(words: list[str]) -> str:
    text = ""
    for w in words:
        if not text or w in (",",) or w.startswith("'"):
            text += w
        else:
            text += " " + w
    return text
