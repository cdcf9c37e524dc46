"""Measure: what an amount is (deficit, surplus, control total, savings, gap, funding, capital, spend,
other), from the cue words of rules/facts.yaml `measure` around it in its sentence."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.facts.fact_rules import Compiled


@dataclass(frozen=True)
class Decision:
    """A field's value and why: the rule and the deciding words (paragraph offsets; None: no words)."""

    value: str | None
    rule: str
    span: tuple[int, int] | None = None


def words_between(text: str, a: int, b: int) -> int:
    return len(text[a:b].split()) if b > a else 0


def score_cues(
    text: str,
    sent: tuple[int, int],
    amount: tuple[int, int],
    clause: tuple[int, int],
    rules: Compiled,
    others: list[tuple[int, int]] = [],  # noqa: B006 (read only)
) -> Decision | None:
    """The best-scoring cue of the sentence for the amount at `amount` (offsets of `text`). A cue with
    another amount between it and this one, or nearer to another amount on its other side, belongs to
    that amount, not to this one."""
    m = rules.model.measure
    a, b = amount
    best: tuple[float, int, Decision] | None = None
    for order, (cue, pattern) in enumerate(rules.cues):
        for hit in pattern.finditer(text, sent[0], sent[1]):
            hs, he = hit.span()
            if he <= a:
                if cue.side == "after" or any(he <= o0 and o1 <= a for o0, o1 in others):
                    continue
                dist = words_between(text, he, a)
                if any(
                    o1 <= hs and words_between(text, o1, hs) <= min(m.own_noun_words, dist - 1) for o0, o1 in others
                ):
                    continue  # nearer to an amount before it: that amount's noun ("£29.5m funding ..., or £8.8m")
                score = cue.weight - m.distance_penalty * dist
            elif hs >= b:
                if cue.side == "before" or any(b <= o0 and o1 <= hs for o0, o1 in others):
                    continue
                dist = words_between(text, b, hs)
                if any(
                    he <= o0 and words_between(text, he, o0) <= min(m.own_noun_words, dist - 1) for o0, o1 in others
                ):
                    continue  # nearer to an amount after it ("..., and would necessitate efficiency savings of £80.5m")
                score = cue.weight - m.after_penalty * dist + (m.head_bonus if dist <= m.head_words else 0.0)
            else:
                continue  # inside the amount
            if dist > cue.max_words:
                continue
            if not (clause[0] <= hs and he <= clause[1]):
                score -= m.clause_penalty
            key = (score, -order)
            if best is None or key > (best[0], best[1]):
                best = (score, -order, Decision(cue.measure, cue.id, (hs, he)))
    if best is None or best[0] < m.min_score:
        return None
    return best[2]


def title_measure(title: str, rules: Compiled) -> Decision | None:
    """The measure a document's title gives its tables (`payments over £25k`: spend)."""
    for cue, pattern in rules.table_title_cues:
        if pattern.search(title):
            return Decision(cue.measure, cue.id, None)
    return None
