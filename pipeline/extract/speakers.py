"""Who or what a quotation is attributed to, where its sentence names a speaker.

Before the quotation: the subject of the last speech verb of the lead-in
(`Cllr Louise Jackson, responsible for ..., told Bedford Today: "…"` -> `Cllr Louise Jackson`,
`the STP admitted: "…"` -> `the STP`). After it: `"…," said Prof Sir Bruce Keogh, …` ->
`Prof Sir Bruce Keogh`; `"…," Ham explained.` -> `Ham`. Word lists: ``rules/quotes.yaml``
(`speakers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from pipeline.rules import RuleError, compile_pattern, read_yaml, require

TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’&.\-]*|&|,|[^\s\p{L}\p{N}]")


@dataclass(frozen=True)
class SpeakerRules:
    verb: regex.Pattern[str]
    passive: regex.Pattern[str]
    role_words: frozenset[str]
    joining_words: frozenset[str]
    determiners: frozenset[str]
    skip_words: frozenset[str]
    connectives: frozenset[str]
    pronouns: frozenset[str]
    relative_words: frozenset[str]


@lru_cache(maxsize=4)
def load_rules(directory: Path) -> SpeakerRules:
    path = directory / "quotes.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict) or "speakers" not in data:
        raise RuleError(path, "missing `speakers`")
    sp = data["speakers"]
    keys = (
        "verbs",
        "passive",
        "role_words",
        "joining_words",
        "determiners",
        "skip_words",
        "connectives",
        "pronouns",
        "relative_words",
    )
    require(path, "speakers", sp, keys)
    verbs = sorted((str(v) for v in sp["verbs"]), key=len, reverse=True)
    alts = "|".join(regex.escape(v).replace(r"\ ", r"\s+") for v in verbs)
    return SpeakerRules(
        verb=compile_pattern(path, "speakers.verbs", rf"(?<![\w-])(?:{alts})(?![\w-])"),
        passive=compile_pattern(path, "speakers.passive", sp["passive"]),
        role_words=frozenset(str(w).lower() for w in sp["role_words"]),
        joining_words=frozenset(str(w).lower() for w in sp["joining_words"]),
        determiners=frozenset(str(w) for w in sp["determiners"]),
        skip_words=frozenset(str(w).lower() for w in sp["skip_words"]),
        connectives=frozenset(str(w) for w in sp["connectives"]),
        pronouns=frozenset(str(w) for w in sp["pronouns"]),
        relative_words=frozenset(str(w).lower() for w in sp["relative_words"]),
    )


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
    if rules.passive.search(head) or regex.search(r"(?i)\b(?:which|who|that)\s*$", head):
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
    open the clause, up to a participle, a relative word or a comma (six at most)."""
    while tokens and tokens[0] in rules.connectives:
        tokens = tokens[1:]
    if not tokens or not (tokens[0][:1].isupper() or tokens[0] in rules.determiners):
        return []
    run: list[str] = []
    for tok in tokens[:6]:
        if tok == "," or tok.lower() in rules.relative_words or (len(run) > 0 and tok.lower().endswith("ing")):
            break
        run.append(tok)
    else:
        return []  # no boundary within six words: not a subject we can read
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
