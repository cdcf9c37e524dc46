"""Measure: what an amount is (deficit, surplus, control total, savings, gap, funding, capital, spend,
other), from the cue words of rules/facts.yaml `measure` around it in its sentence."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.facts.fact_rules import Compiled, Cue
from pipeline.facts.prefilter import folded


@dataclass(frozen=True)
class Decision:
    """A field's value and why: the rule and the deciding words (paragraph offsets; None: no words)."""

    value: str | None
    rule: str
    span: tuple[int, int] | None = None
    para: int | None = None  # the paragraph of `span` when it is not the amount's (a heading, a caption)


def words_between(text: str, a: int, b: int) -> int:
    return len(text[a:b].split()) if b > a else 0


CueHit = tuple[int, Cue, int, int]  # (the cue's place in the rule file, the cue, start, end)


def cue_hits(text: str, lo: int, hi: int, rules: Compiled) -> list[CueHit]:
    """Every cue word of text[lo:hi], cue by cue in the rule file's order (the order breaks ties). A cue
    none of whose words (`prefilter.needs`) is in the text is not run: it cannot match."""
    cues = rules.cues
    return [
        (order, cues[order][0], *hit.span())
        for order in rules.cue_index.could_match(folded(text[lo:hi]))
        for hit in cues[order][1].finditer(text, lo, hi)
    ]


def score_cues(
    text: str,
    sent: tuple[int, int],
    amount: tuple[int, int],
    clause: tuple[int, int],
    rules: Compiled,
    others: list[tuple[int, int]] = [],  # noqa: B006 (read only)
    hits: list[CueHit] | None = None,
) -> Decision | None:
    """The best-scoring cue of the sentence for the amount at `amount` (offsets of `text`). A cue with
    another amount between it and this one, or nearer to another amount on its other side, belongs to
    that amount, not to this one. `hits`: the sentence's cue words (`cue_hits`), when already found
    for another amount of the same sentence."""
    m = rules.model.measure
    a, b = amount
    best: tuple[float, int, Decision] | None = None
    for order, cue, hs, he in cue_hits(text, sent[0], sent[1], rules) if hits is None else hits:
        if he <= a:
            if cue.side == "after":
                continue
            dist = words_between(text, he, a)
            if dist > cue.max_words or any(he <= o0 and o1 <= a for o0, o1 in others):
                continue
            if any(
                o1 <= hs
                and words_between(text, o1, hs) <= min(m.own_noun_words, dist - 1)
                and not (rules.head_breaks is not None and rules.head_breaks.search(text, o1, hs))
                for o0, o1 in others
            ):
                # nearer to an amount before it: that amount's noun ("£29.5m funding ..., or £8.8m"), unless a
                # conjunction parts them ("... of £40k and the disposal of Clinical and IT Equipment of £140k")
                continue
            score = cue.weight - m.distance_penalty * dist
        elif hs >= b:
            if cue.side == "before":
                continue
            dist = words_between(text, b, hs)
            if dist > cue.max_words or any(b <= o0 and o1 <= hs for o0, o1 in others):
                continue
            if any(he <= o0 and words_between(text, he, o0) <= min(m.own_noun_words, dist - 1) for o0, o1 in others):
                continue  # nearer to an amount after it ("..., and would necessitate efficiency savings of £80.5m")
            head = dist <= m.head_words and not (
                rules.head_breaks is not None and rules.head_breaks.search(text, b, hs)
            )
            score = cue.weight - m.after_penalty * dist + (m.head_bonus if head else 0.0)
        else:
            continue  # inside the amount
        if not (clause[0] <= hs and he <= clause[1]):
            score -= m.clause_penalty
        key = (score, -order)
        if best is None or key > (best[0], best[1]):
            best = (score, -order, Decision(cue.measure, cue.id, (hs, he)))
    if best is None or best[0] < m.min_score:
        return None
    return best[2]


def context_cue(text: str, lo: int, hi: int, rules: Compiled) -> Decision | None:
    """The measure the words of text[lo:hi] speak of, for an amount after them whose own sentence has no
    cue (an earlier sentence of its paragraph, its section heading, its table's caption): the best cue,
    less `context_penalty` a word from it to `hi`. Cues tied to a place beside an amount (`side`) or
    to a short reach (`max_words` under `context_min_reach`) say nothing from afar."""
    m = rules.model.measure
    if m.context_penalty is None or hi <= lo:
        return None
    best: tuple[float, int, Decision] | None = None
    # the cues that speak from afar (`Compiled.context_cues`) and whose words are there
    for k in rules.context_index.could_match(folded(text[lo:hi])):
        order = rules.context_cues[k]
        cue, pattern = rules.cues[order]
        for hit in pattern.finditer(text, lo, hi):
            score = cue.weight - m.context_penalty * words_between(text, hit.end(), hi)
            key = (score, -order)
            if best is None or key > (best[0], best[1]):
                best = (score, -order, Decision(cue.measure, cue.id, hit.span()))
    if best is None or best[0] < m.min_score:
        return None
    return best[2]


def title_measure(title: str, rules: Compiled) -> Decision | None:
    """The measure a document's title gives its tables (`payments over £25k`: spend)."""
    for cue, pattern in rules.table_title_cues:
        if pattern.search(title):
            return Decision(cue.measure, cue.id, None)
    return None
