"""Measure: what an amount is (deficit, surplus, control total, savings, gap, funding, capital, spend,
other), from the cue words of rules/facts.yaml `measure` around it in its sentence."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.facts.rules import Compiled


@dataclass(frozen=True)
class Decision:
    """A field's value and why: the rule and the deciding words (paragraph offsets; None: no words)."""

    value: str | None
    rule: str
    span: tuple[int, int] | None = None


def words_between(text: str, a: int, b: int) -> int:
    return len(text[a:b].split()) if b > a else 0


def score_cues(
    text: str, sent: tuple[int, int], amount: tuple[int, int], clause: tuple[int, int], rules: Compiled
) -> Decision | None:
    """The best-scoring cue of the sentence for the amount at `amount` (offsets of `text`)."""
    m = rules.model.measure
    a, b = amount
    best: tuple[float, int, Decision] | None = None
    for order, (cue, pattern) in enumerate(rules.cues):
        for hit in pattern.finditer(text, sent[0], sent[1]):
            hs, he = hit.span()
            if he <= a:
                if cue.side == "after":
                    continue
                dist = words_between(text, he, a)
            elif hs >= b:
                if cue.side == "before":
                    continue
                dist = words_between(text, b, hs)
            else:
                continue  # inside the amount
            if dist > cue.max_words:
                continue
            score = cue.weight - m.distance_penalty * dist
            if not (clause[0] <= hs and he <= clause[1]):
                score -= m.clause_penalty
            key = (score, -order)
            if best is None or key > (best[0], best[1]):
                best = (score, -order, Decision(cue.measure, cue.id, (hs, he)))
    if best is None or best[0] < m.min_score:
        return None
    return best[2]


def title_measure(title: str, rules: Compiled) -> Decision | None:
    """A measure the document's title says for its tables (`payments over £25k`: spend)."""
    best: tuple[float, Decision] | None = None
    for cue, pattern in rules.cues:
        hit = pattern.search(title)
        if hit and (best is None or cue.weight > best[0]):
            best = (cue.weight, Decision(cue.measure, cue.id, None))
    return best[1] if best else None
