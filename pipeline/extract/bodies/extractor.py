"""Bodies: proper-named organisations, linked to canonical bodies (kind `body`, table `body_mentions`).

The spaCy pipeline (nlp.py) runs over each line's normalised text; candidates.py
turns its spans into names; link.py links each name to a body. Abbreviations
defined in the document (`Health Education England (HEE)`, Schwartz-Hearst) then
become aliases of their bodies for the rest of the document. Spans map back to
raw offsets with NormLine.to_raw.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline import collector
from pipeline.components import Options
from pipeline.extract.bodies import BodyValues
from pipeline.extract.bodies.abbreviations import find_definitions
from pipeline.extract.bodies.body_rules import BodyRules, ResolveRules, load_rules
from pipeline.extract.bodies.candidates import Candidate, line_candidates
from pipeline.extract.bodies.gazetteer import GazetteerIndex
from pipeline.extract.bodies.linedocs import Annotator, LineDocs
from pipeline.extract.bodies.link import DocBody, FuzzyIndex, Linker
from pipeline.extract.bodies.ner import load_ner, ner_spans
from pipeline.extract.bodies.new_bodies import (
    committee_type,
    document_context_types,
    owner_place,
    shorten,
    title_words,
    type_by_words,
    written_name,
)
from pipeline.extract.bodies.nlp import GAZETTEER_PIPE, NAME, build_nlp, join_words
from pipeline.extract.bodies.prefilter import LineFilter, has_upper
from pipeline.extract.joined_lines import joints
from pipeline.model import Document, Extraction, Mention
from pipeline.normalise import NormLine

KIND = "body"
_WORD = re.compile(r"[A-Za-z][A-Za-z'&]*")  # words, for counting telling words over a whole document


@dataclass(frozen=True)
class Env:
    rules: BodyRules
    nlp: Language
    index: GazetteerIndex
    fuzzy: FuzzyIndex
    filter: LineFilter
    annotate: Annotator


@lru_cache(maxsize=4)
def environment(rules_dir: Path) -> Env:
    """Rules, spaCy pipeline and indexes for `rules_dir`: built once per process."""
    rules = load_rules(rules_dir)
    nlp = build_nlp(rules_dir)
    index = nlp.get_pipe(GAZETTEER_PIPE).index  # type: ignore[attr-defined]
    line_filter = LineFilter(nlp.tokenizer, rules.patterns, rules.resolve.stop_words, join_words(rules.resolve), index)
    fuzzy = FuzzyIndex(rules.bodies.values(), rules.resolve)
    return Env(rules, nlp, index, fuzzy, line_filter, Annotator(nlp, line_filter.groups))


@dataclass
class Found:
    line: int  # index into the document's lines
    start: int  # character offsets in the normalised line
    end: int
    body: DocBody
    how: str  # gazetteer | pattern | abbreviation | ner
    part: bool = False  # one line's part of a name broken across two lines
    then: Found | None = None  # the first part: the second part
    joiner: str = " "  # how the first part's text joins the second's: " ", "-" (a hyphen to drop), "" (kept)

    def written(self, text: str, then: str) -> str:
        """The whole name as written, from the raw texts of the first part (this) and the second."""
        if self.joiner == "-" and text.endswith("-"):
            text = text[:-1]  # the hyphen of a broken word
        sep = " " if self.joiner == " " else ""
        return " ".join(f"{text}{sep}{then}".split())


@collector.while_paused
def extract(doc: Document, lines: Sequence[NormLine], env: Env, earlier: Extraction, options: Options) -> Extraction:
    found, _ = find_bodies(doc, lines, env, options.get("spacy_model"))
    out = Extraction()
    used: dict[str, DocBody] = {}
    texts: dict[int, str] = {}  # id of a Found -> its raw text
    for f in sorted(found, key=lambda f: (f.line, f.start)):
        nl = lines[f.line]
        rs, re_ = nl.to_raw(f.start, f.end)
        text = nl.raw[rs:re_]
        if not text.strip():
            continue
        texts[id(f)] = text
        if not f.part:
            f.body.aliases.add(" ".join(text.split()))
        used[f.body.id] = f.body
        values = BodyValues(body_id=f.body.id, name=f.body.name, type=f.body.type, how=f.how)
        out.mentions.append(Mention(KIND, f.line, rs, re_, text, values))
    for f in found:  # a name broken across two lines is an alias as written whole, not its parts
        if f.then is not None and id(f) in texts and id(f.then) in texts:
            f.body.aliases.add(f.written(texts[id(f)], texts[id(f.then)]))
    out.records["bodies"] = [b.record() for b in sorted(used.values(), key=lambda b: b.id)]
    return out


def find_bodies(
    doc: Document, lines: Sequence[NormLine], env: Env, spacy_model: str | None = None
) -> tuple[list[Found], dict[str, DocBody]]:
    """Every body mention of one document (normalised offsets) and the document's bodies."""
    rules = env.rules.resolve
    idx = [i for i, nl in enumerate(lines) if nl.text.strip()]
    texts = [lines[i].text for i in idx]
    # only lines that can hold a name go through the whole pipeline (prefilter.py); the others are
    # made into Docs when the resolver looks at them
    needs = [env.filter.all] * len(texts) if spacy_model else env.filter.needs(texts)
    docs = LineDocs(texts, needs, env.annotate)
    extra: list[list[tuple[int, int]]] = [[] for _ in texts]
    if spacy_model:
        extra = ner_spans(load_ner(spacy_model), texts, docs, rules.ner_labels)
    linker = Linker(env.rules, env.index, env.fuzzy, _date(doc))
    per_line: list[list[tuple[Candidate, Found]]] = []
    named: set[str] = set()
    doc_context = _DocContext(texts, rules)
    for k, li in enumerate(idx):
        line_found: list[tuple[Candidate, Found]] = []
        per_line.append(line_found)
        if not needs[k]:
            continue  # no name can be on this line
        d = docs[k]
        for c in line_candidates(d, rules, env.index, extra[k], named, docs.words(k)):
            linked = _link(c, d, docs[max(0, k - 5) : k], line_found, linker, env, doc_context)
            if linked is None:
                continue
            f = Found(li, d[c.start].idx, _end_char(d, c.end), *linked)
            line_found.append((c, f))
    _broken_names(idx, texts, docs, per_line, linker, env, doc_context)
    _hyphenated_names(doc, lines, idx, docs, per_line, linker, env, doc_context)
    found = [f for line_found in per_line for _, f in line_found]
    found.extend(_abbreviations(idx, texts, docs, per_line, linker, env))
    found.extend(_short_forms(idx, texts, docs, per_line, rules))
    return found, linker.bodies


def _broken_names(
    idx: list[int],
    texts: list[str],
    docs: Sequence[Doc],
    per_line: list[list[tuple[Candidate, Found]]],
    linker: Linker,
    env: Env,
    doc_context: Callable[[], str],
) -> None:
    """Names broken across two lines by a converter (`... commissioned by NHS providers, Leeds City` /
    `Council, and the ICB ...`): each line's part is a mention of the whole name's body (resolve.yaml
    `line_breaks`). A name that is no known body counts only when it ends with one of `new_name_heads`, no
    word before that is generic, and its line has words before it (not a table's cell or a heading)."""
    rules = env.rules.resolve
    if not rules.line_break_words:
        return
    generic = frozenset().union(*(f.generic for f in rules.families.values()))
    next_words = tuple(rules.line_break_words)
    for k in range(len(docs) - 1):
        # cheap tests first: the next line's first token begins its text; a name word holds a capital
        if not texts[k + 1].lstrip().startswith(next_words) or not has_upper(texts[k].rsplit(None, 1)[-1]):
            continue
        a, b = docs[k], docs[k + 1]
        last = next((t for t in reversed(a) if not t.is_space), None)
        first = next((t for t in b if not t.is_space), None)
        if last is None or first is None or last.tag_ != NAME or first.text not in rules.line_break_words:
            continue
        cut = last.idx + len(last.text)  # line k's text ends here; line k+1's begins at cut + 1
        text = texts[k][:cut] + " " + texts[k + 1]
        need = env.filter.need(text)
        if not need:
            continue  # no name on the two lines joined (prefilter.py)
        # the spans the whole pipeline would give (the filter's groups and gazetteer: linedocs.py)
        joint, words = env.annotate.annotate(text, need)
        for c in line_candidates(joint, rules, env.index, words=words):
            start, end = joint[c.start].idx, _end_char(joint, c.end)
            if not (start < cut and end > cut + 1):
                continue
            linked = _link(c, joint, docs[max(0, k - 5) : k], [], linker, env, doc_context)
            if linked is None:
                continue
            body, how = linked
            known = how == "gazetteer" or body.source in ("gazetteer", "ods")
            if not known and (
                joint[c.end - 1].text not in rules.line_break_new_heads
                or not texts[k][:start].strip()
                or any(t.text in generic for t in joint[c.start : c.end - 1])
            ):
                continue  # `Brodie Clark CBE` / `Trust Chair`, `Board Assurance` / `Trust have been showcased`
            parts = [(k, start, cut), (k + 1, 0, end - cut - 1)]
            if any(_crosses(per_line[j], s, e) for j, s, e in parts):
                continue
            _add_parts(per_line, idx, parts, body, how, " ")


def _hyphenated_names(
    doc: Document,
    lines: Sequence[NormLine],
    idx: list[int],
    docs: Sequence[Doc],
    per_line: list[list[tuple[Candidate, Found]]],
    linker: Linker,
    env: Env,
    doc_context: Callable[[], str],
) -> None:
    """Names broken by a hyphen at a line's end (`Leeds Teaching Hos-` / `pitals NHS Trust`, hyphens.py): a
    name found across the break in the two lines joined is a mention of its body on each line, in place of
    what was found inside those parts (`Hos-` or `pitals NHS Trust` alone)."""
    at = {li: k for k, li in enumerate(idx)}
    for joint in joints(doc, lines):
        if joint.first not in at or joint.second not in at or not env.filter.need(joint.text):
            continue
        d, words = env.annotate.annotate(joint.text, env.filter.need(joint.text))
        k = at[joint.first]
        for c in line_candidates(d, env.rules.resolve, env.index, words=words):
            parts = [(at[li], s, e) for li, s, e in joint.parts(d[c.start].idx, _end_char(d, c.end))]
            if not parts or any(_crosses(per_line[j], s, e) for j, s, e in parts):
                continue
            linked = _link(c, d, docs[max(0, k - 5) : k], [], linker, env, doc_context)
            if linked is None:
                continue
            _add_parts(per_line, idx, parts, *linked, "" if joint.keep else "-")


def _add_parts(
    per_line: list[list[tuple[Candidate, Found]]],
    idx: list[int],
    parts: list[tuple[int, int, int]],
    body: DocBody,
    how: str,
    joiner: str,
) -> None:
    """The two lines' parts of one name broken across them, each a mention of its body in place of the
    mentions inside it."""
    (j1, s1, e1), (j2, s2, e2) = parts
    second = Found(idx[j2], s2, e2, body, how, part=True)
    for j, f in ((j1, Found(idx[j1], s1, e1, body, how, part=True, then=second, joiner=joiner)), (j2, second)):
        per_line[j][:] = [(c, g) for c, g in per_line[j] if not (f.start <= g.start and g.end <= f.end)]
        per_line[j].append((Candidate(-1, -1, "pattern"), f))


def _crosses(line_found: list[tuple[Candidate, Found]], s: int, e: int) -> bool:
    """Whether a mention of the line runs across an end of s..e."""
    return any(f.start < e and s < f.end and not (s <= f.start and f.end <= e) for _, f in line_found)


class _DocContext:
    """The type of a committee with no telling word near it: the type `committees.by_context` gives over the
    whole document when it gives nearly only that (a trust's board papers: `trust`), else `committees.default`."""

    def __init__(self, texts: Sequence[str], rules: ResolveRules) -> None:
        self.texts, self.rules = texts, rules
        self.value: str | None = None

    def __call__(self) -> str:
        if self.value is None:
            rules = self.rules
            self.value = rules.committee_default
            if rules.committee_fallback_share > 0:
                types = document_context_types(rules)
                words = _WORD.findall("\n".join(self.texts))
                counts = Counter(types[w] for w in words if w in types)
                if counts:
                    type_, n = counts.most_common(1)[0]
                    if n >= rules.committee_fallback_count and n >= rules.committee_fallback_share * counts.total():
                        self.value = type_
        return self.value


def _short_forms(
    idx: list[int],
    texts: list[str],
    docs: LineDocs,
    per_line: list[list[tuple[Candidate, Found]]],
    rules: ResolveRules,
) -> list[Found]:
    """`Watford General Hospital`, found in the document, makes `Watford General` a name of it there
    (resolve.yaml `short_forms`): every use not already part of a name is a mention of that body."""
    learnt: dict[tuple[str, ...], DocBody] = {}
    for k, line_found in enumerate(per_line):
        for c, f in line_found:
            if c.start < 0:
                continue
            line = docs.words(k).texts
            words = tuple(line[c.start : c.end])
            if c.end < len(line) and line[c.end].islower():  # (spaCy's `is_lower`)
                words = (*words, line[c.end])  # `Primary Health Properties plc`: a lowercase ending left outside
            if len(words) < 3:
                continue
            if any(words[-1] in r.heads and (r.last is None or words[-2] in r.last) for r in rules.short_forms):
                learnt.setdefault(words[:-1], f.body)
    if not learnt:
        return []
    extra: list[Found] = []
    for k in range(len(docs)):
        here = [(short, body) for short, body in learnt.items() if short[0] in texts[k]]
        if not here:
            continue
        line = docs.words(k).texts
        for short, body in here:
            n = len(short)
            for i in range(len(line) - n + 1):
                if tuple(line[i : i + n]) != short:
                    continue
                d = docs[k]
                s, e = d[i].idx, _end_char(d, i + n)
                if any(s < f.end and f.start < e for _, f in per_line[k]) or any(
                    s < f.end and f.start < e for f in extra if f.line == idx[k]
                ):
                    continue
                extra.append(Found(idx[k], s, e, body, "pattern"))
    return extra


def _link(
    c: Candidate,
    d: Doc,
    before: Sequence[Doc],
    line_found: list[tuple[Candidate, Found]],
    linker: Linker,
    env: Env,
    doc_context: Callable[[], str],
) -> tuple[DocBody, str] | None:
    rules = env.rules.resolve
    if c.source == "gazetteer":
        return linker.known(c.body_ids), "gazetteer"
    span = d[c.start : c.end]
    words = c.name.split() if c.name else _without_parentheses([t.text for t in span])
    if c.source == "ner":
        return linker.by_name(words, written_name(words, rules), rules.ner_type, None, "ner"), "ner"
    words = shorten(words, rules)
    fam = rules.families[c.family or "org"]
    if c.known_only:
        # `York and Scarborough acute trust`: the words name a body only when they name a known one
        if sum(t.tag_ == NAME for t in span) < rules.known_only_min_words:
            return None
        body = linker.find(words, fam.type)
        return (body, "pattern") if body else None
    type_ = fam.type
    name = written_name(words, rules, singular=c.family not in ("org", "union", "company"))
    if c.family == "committee":
        owner = _owner(c, d, line_found)
        if owner is not None:
            name = f"{owner_place(owner.name, rules)} {' '.join(title_words([t.text for t in span], rules))}"
            return linker.new(name, owner.type, "pattern"), "pattern"
        siblings = [f.body.type for prev, f in line_found if prev.family == "committee"]
        # committees named together belong together (`the chair of the Care Advisory Group (CAG), ...`)
        said = siblings[0] if siblings else committee_type([t.text for t in span], d, c.start, c.end, before, rules)
        type_ = said if said is not None else doc_context()
    elif c.family == "org":
        type_ = type_by_words(words, rules.org_types) or fam.type
    elif c.family == "council":
        type_ = type_by_words(words, rules.council_types) or fam.type
    family_type = fam.type if fam.type != "committee" else None
    if c.name is None and words and words[-1] in rules.plural_heads:
        # `Saving STPs`: a plural ending outside a list names a body only when the singular is known
        body = linker.find(words, family_type)
        return (body, "pattern") if body else None
    return linker.by_name(words, name, type_, family_type, "pattern"), "pattern"


def _without_parentheses(words: list[str]) -> list[str]:
    """`Bedfordshire, Luton and Milton Keynes (BLMK) STP` is named without its abbreviation."""
    out, depth = [], 0
    for w in words:
        depth += (w == "(") - (w == ")")
        if depth == 0 and w != ")":
            out.append(w)
    return out


def _owner(c: Candidate, d: Doc, line_found: list[tuple[Candidate, Found]]) -> DocBody | None:
    """The council whose board this is, written just before it: `Milton Keynes council's health and Wellbeing Board`."""
    if c.start < 2 or d[c.start - 1].text != "'s":
        return None
    for prev, f in reversed(line_found):
        if prev.end == c.start - 1 and f.body.type == "local_gov":
            return f.body
    return None


def _abbreviations(
    idx: list[int],
    texts: list[str],
    docs: LineDocs,
    per_line: list[list[tuple[Candidate, Found]]],
    linker: Linker,
    env: Env,
) -> list[Found]:
    """Abbreviations defined in the document, and every later use of them, as mentions of their bodies."""
    rules = env.rules.resolve
    learnt: dict[str, DocBody] = {}
    extra: list[Found] = []
    for k, text in enumerate(texts):
        if "(" not in text:
            continue
        for definition in find_definitions(text, rules.sf_max_chars):
            sf = definition.short
            if sf in rules.not_abbreviations or not any(ch.isupper() for ch in sf) or sf in learnt:
                continue
            body = _long_form_body(definition.long_start, definition.long_end, per_line[k])
            if body is None:
                body = _new_from_long_form(text[definition.long_start : definition.long_end], linker, env)
                if body is None:
                    continue
                f = Found(idx[k], definition.long_start, definition.long_end, body, "abbreviation")
                per_line[k].append((Candidate(-1, -1, "abbreviation"), f))
                extra.append(f)
            learnt[sf] = body
            body.aliases.add(sf)
    if not learnt:
        return extra
    used = re.compile("|".join(re.escape(sf) for sf in sorted(learnt, key=len, reverse=True)))
    for k in range(len(docs)):
        if not used.search(texts[k]):
            continue  # no token of the line can be a learnt abbreviation
        taken = [(f.start, f.end) for _, f in per_line[k]]
        for i, word in enumerate(docs.words(k).texts):
            body = learnt.get(word)
            if body is None:
                continue
            s = docs[k][i].idx
            e = s + len(word)
            same = [f for _, f in per_line[k] if (f.start, f.end) == (s, e)]
            if same:
                for f in same:  # a one-word gazetteer name defined otherwise in this document
                    if f.body.id != body.id:
                        f.body, f.how = body, "abbreviation"
                continue
            if any(s < te and ts < e for ts, te in taken):
                continue
            extra.append(Found(idx[k], s, e, body, "abbreviation"))
    return extra


def _long_form_body(start: int, end: int, line_found: list[tuple[Candidate, Found]]) -> DocBody | None:
    """The body found on the line whose name is (or ends) the long form."""
    for _, f in line_found:
        if f.start < end and start < f.end and f.end >= end:
            return f.body
    return None


def _new_from_long_form(long_form: str, linker: Linker, env: Env) -> DocBody | None:
    """A long form that names an organisation by its last word (`... Authority`), capitalised throughout."""
    rules = env.rules.resolve
    words = long_form.split()
    if len(words) < 2 or words[-1] not in rules.long_form_heads:
        return None
    if not all(w[:1].isupper() or w in rules.name_joiners for w in words):
        return None
    if words[0] in rules.stop_words:
        return None
    generic = rules.families["org"].generic | rules.families["committee"].generic
    if all(w in generic for w in words if w not in ("and", "&")):
        return None  # `Accountable Care Partnership (ACP)` names a model of care, not a body
    type_ = rules.long_form_types.get(words[-1], "other")
    return linker.by_name(words, written_name(words, rules), type_, None, "abbreviation")


def _end_char(d: Doc, end: int) -> int:
    last = d[end - 1]
    return last.idx + len(last.text)


def _date(doc: Document) -> str | None:
    date = doc.meta.get("date")
    return str(date) if date else None
