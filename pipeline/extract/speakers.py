"""Who or what a quotation is attributed to, where its sentence names a speaker.

Before the quotation: the subject of the last speech verb of the lead-in
(`Cllr Louise Jackson, responsible for ..., told Bedford Today: "…"` -> `Cllr Louise Jackson`,
`the STP admitted: "…"` -> `the STP`). After it: `"…," said Prof Sir Bruce Keogh, …` ->
`Prof Sir Bruce Keogh`; `"…," Ham explained.` -> `Ham`. Word lists: ``rules/quotes.yaml``
(`speakers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import regex
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr

from pipeline.rules import Regex, RuleModel, load_model

TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’&.\-]*|&|,|[^\s\p{L}\p{N}]")


def _lower(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


Words = frozenset[str]
LowerWords = Annotated[frozenset[str], AfterValidator(_lower)]  # matched without regard to case


def _alternatives(words: Sequence[str]) -> str:
    """`said|goes\\s+on|...`: the words as one alternation, longest first, spaces matching any space."""
    return "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


class SpeakerRules(RuleModel):
    """`speakers` of rules/quotes.yaml."""

    verbs: tuple[str, ...]
    passive: Regex
    role_words: LowerWords
    joining_words: LowerWords
    determiners: Words
    skip_words: LowerWords
    connectives: Words
    pronouns: Words
    relative_words: LowerWords
    refers_back: tuple[str, ...]
    opening_subject_max_words: int = Field(ge=1)
    _verb: regex.Pattern[str] = PrivateAttr()
    _refers_back: regex.Pattern[str] = PrivateAttr()

    def model_post_init(self, context: Any) -> None:
        self._verb = regex.compile(rf"(?<![\w-])(?:{_alternatives(self.verbs)})(?![\w-])", regex.VERSION1)
        self._refers_back = regex.compile(rf"(?i)\b(?:{_alternatives(self.refers_back)})\s*$")

    @property
    def verb(self) -> regex.Pattern[str]:
        """Any of `verbs`, as a whole word."""
        return self._verb

    @property
    def ends_referring_back(self) -> regex.Pattern[str]:
        """A lead-in ending with one of `refers_back` (`..., which goes on`)."""
        return self._refers_back


class _QuotesFile(BaseModel):
    """rules/quotes.yaml, of which this module reads `speakers` (quotes.py checks the rest)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    speakers: SpeakerRules


@lru_cache(maxsize=4)
def load_rules(directory: Path) -> SpeakerRules:
    return load_model(_QuotesFile, directory / "quotes.yaml").speakers


def _is_name_word(tok: str, rules: SpeakerRules) -> bool:
    return tok[:1].isupper() or tok[:1].isdigit() or tok.lower() in rules.role_words


def _run_before(tokens: list[str], rules: SpeakerRules) -> list[str]:
    """The name at the end of `tokens`: capitalised words, role words and the words joining them."""
    k = len(tokens)
    while k > 0 and (tokens[k - 1].lower() in rules.skip_words or tokens[k - 1].endswith("ly")):
        k -= 1
    run: list[str] = []
    while k > 0:
        tok = tokens[k - 1]
        before = tokens[k - 2] if k > 1 else ""
        joins = bool(run) and bool(before) and (_is_name_word(before, rules) or before.lower() in rules.joining_words)
        if _is_name_word(tok, rules) and tok not in rules.determiners and tok not in rules.connectives:
            run.insert(0, tok)
        elif tok.lower() in rules.joining_words and joins and before not in rules.determiners:
            run.insert(0, tok)  # `Chair of the ...`, `Centre for Health and the Public Interest`
        elif tok in rules.determiners and run and before.lower() in rules.joining_words:
            run.insert(0, tok)
        else:
            break
        k -= 1
    if run and k > 0 and tokens[k - 1] in rules.determiners:
        run.insert(0, tokens[k - 1])
    while run and run[0][:1].isdigit():
        run.pop(0)  # `On page 31 the STP boasts`: the number is not the speaker's
    if all(t in rules.pronouns for t in run):
        return []
    while run and run[-1].lower() in rules.joining_words:
        run.pop()
    return run


def _join(tokens: list[str]) -> str:
    return " ".join(t.strip("'’‘\"") for t in tokens).replace(" ,", ",").strip()


def _clause(text: str) -> str:
    """The last sentence of `text` (its final colon or comma dropped)."""
    text = text.rstrip(" :,-–—\t")
    parts = regex.split(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?\p{Lu})|;\s+|:\s+", text)
    return parts[-1] if parts else text


def speaker_before(lead: str, rules: SpeakerRules) -> str | None:
    """The subject of the last speech verb in the lead-in to a quotation."""
    clause = _clause(lead)
    for v in rules.verb.finditer(clause):
        who = _subject(clause[: v.start()], rules)
        if who:
            return who
    return None


def _subject(head: str, rules: SpeakerRules) -> str | None:
    """The speaker named in `head`, the words before a speech verb."""
    if rules.passive.search(head) or rules.ends_referring_back.search(head):
        return None  # `was told`; `..., which goes on`: the speaker is not named here
    if head.rstrip().endswith(","):  # `Jeremy Taylor, chief executive of ..., said`
        first = regex.split(r",\s*", head.strip())
        parts = [p for p in first if p and p.split()[0] not in rules.connectives]
        head = parts[0] if parts else ""
    tokens = TOKEN.findall(head)
    run = _run_before(tokens, rules)
    if run and run[0].lower() in rules.role_words and "," in tokens:
        # `Steve Cowan, leader of ... council said`: the name stands before the apposition
        cut = len(tokens) - 1 - tokens[::-1].index(",")
        named = _run_before(tokens[:cut], rules)
        if named and any(t[:1].isupper() for t in named):
            run = named
    if not run:
        run = _opening_subject(tokens, rules)
    if not any(t[:1].isupper() or t.lower() in rules.role_words for t in run):
        return None
    return _join(run) or None


def _opening_subject(tokens: list[str], rules: SpeakerRules) -> list[str]:
    """`Local health campaigners responding to the JHOSC findings told ...`: the words that
    open the clause, up to a participle, a relative word or a comma (`opening_subject_max_words` at most)."""
    while tokens and tokens[0] in rules.connectives:
        tokens = tokens[1:]
    if not tokens or not (tokens[0][:1].isupper() or tokens[0] in rules.determiners):
        return []
    run: list[str] = []
    for tok in tokens[: rules.opening_subject_max_words]:
        if tok == "," or tok.lower() in rules.relative_words or (len(run) > 0 and tok.lower().endswith("ing")):
            break
        run.append(tok)
    else:
        return []  # no boundary within so many words: not a subject we can read
    return [] if all(t in rules.pronouns or t in rules.determiners for t in run) else run


def speaker_after(after: str, rules: SpeakerRules) -> str | None:
    """`, said Prof Sir Bruce Keogh, ...` or `, Ham explained.` straight after the closing mark."""
    text = after.lstrip(" ,.;:")
    m = rules.verb.match(text)
    if m:
        tokens = TOKEN.findall(text[m.end() :])
        run: list[str] = []
        for tok in tokens:
            if tok in rules.determiners and not run:
                run.append(tok)
            elif _is_name_word(tok, rules) or (run and tok.lower() in rules.joining_words):
                run.append(tok)
            else:
                break
        while run and (run[-1].lower() in rules.joining_words or run[-1] in rules.determiners):
            run.pop()
        return _join(run) or None
    cut = regex.match(r"[^.,;:!?\"]{1,80}", text)
    if not cut:
        return None
    verbs = list(rules.verb.finditer(cut.group(0)))
    if not verbs or verbs[0].end() != len(cut.group(0).rstrip()):
        return None
    run = _run_before(TOKEN.findall(cut.group(0)[: verbs[0].start()]), rules)
    return _join(run) or None
