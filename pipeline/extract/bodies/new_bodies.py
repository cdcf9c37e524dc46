"""Names and types of new bodies: those found by the generic patterns, not in the gazetteer."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from pipeline.extract.bodies.body_rules import ResolveRules, WordRule


def written_name(words: Sequence[str], rules: ResolveRules, singular: bool = True) -> str:
    """The canonical name of a new body, from the words as written.

    `&` between words reads `and`, a plural ending is made singular and a
    lowercase ending capitalised (`Milton Keynes council` -> `Milton Keynes Council`).
    """
    words = list(words)
    if words:
        last = rules.plural_heads.get(words[-1], words[-1]) if singular else words[-1]
        words[-1] = last[:1].upper() + last[1:]
    out = ""
    for w in words:
        w = "and" if w == "&" else w
        if not out or w == "," or w.startswith("'") or w == "-" or out.endswith("-"):
            out += w
        else:
            out += " " + w
    return out


def title_words(words: Sequence[str], rules: ResolveRules) -> list[str]:
    """`health and Wellbeing Board` -> `Health and Wellbeing Board` (joiners: rules `name_joiners`)."""
    return [w if w in rules.name_joiners else w[:1].upper() + w[1:] for w in words]


def type_by_words(words: Sequence[str], rules: Sequence[WordRule]) -> str | None:
    present = set(words)
    for rule in rules:
        if present & rule.words:
            return rule.type
    return None


def shorten(words: Sequence[str], rules: ResolveRules) -> list[str]:
    """A long name ending in its short form (`linking.long_forms`): `Hertfordshire and West Essex Sustainability
    and Transformation Plan` -> `Hertfordshire and West Essex STP`, so it is named and linked as the STP."""
    out = list(words)
    for long, short in rules.long_forms:
        n = len(long)
        if len(out) > n and tuple(out[-n:]) == long:
            return [*out[:-n], short]
    return out


def committee_type(
    words: Sequence[str], doc: Doc, start: int, end: int, before: Sequence[Doc], rules: ResolveRules
) -> str | None:
    """A committee's type from its name, else from the nearest telling word on its line, then the lines before;
    None when nothing tells."""
    by_name = type_by_words(words, rules.committee_by_name)
    if by_name:
        return by_name
    best: tuple[int, str] | None = None
    for i, t in enumerate(doc):
        if start <= i < end:
            continue
        rule = _context_rule(t.text, rules)
        if rule:
            dist = start - i if i < start else i - end + 1
            if best is None or dist < best[0]:
                best = (dist, rule)
    if best:
        return best[1]
    for prev in reversed(before[-rules.committee_context_lines :] if rules.committee_context_lines else []):
        for t in reversed(prev):
            rule = _context_rule(t.text, rules)
            if rule:
                return rule
    return None


def document_context_types(rules: ResolveRules) -> dict[str, str]:
    """The type each word tells when counted over a whole document (`committees.by_context` and
    `committees.document_context`; the first rule naming a word wins)."""
    types: dict[str, str] = {}
    for rule in (*rules.committee_by_context, *rules.committee_document_context):
        for word in rule.words:
            types.setdefault(word, rule.type)
    return types


def _context_rule(word: str, rules: ResolveRules) -> str | None:
    for rule in rules.committee_by_context:
        if word in rule.words:
            return rule.type
    return None


def owner_place(owner_name: str, rules: ResolveRules) -> str:
    """`Milton Keynes Council` -> `Milton Keynes`: the place part of a council's name."""
    words = owner_name.split()
    generic = rules.families["council"].generic
    while len(words) > 1 and words[-1] in generic:
        words.pop()
    return " ".join(words)
