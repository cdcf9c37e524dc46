"""Page references and quotations of one document, attributed: the reviewers' audit trail.

`analyse` finds page references (`page_refs`) and quotations (`quotes`) in the document's
normalised lines, resolves each reference's cited document (`cited_documents`) and each
quotation's page reference, cited document, speaker (`speakers`) and earlier printing.
`extract` is the component (`COMPONENT`) writing both kinds, `page_ref` and `quote`, from one
analysis, so they always agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import collector
from pipeline.components import Component, Kind, Options
from pipeline.extract import cited_documents as cited
from pipeline.extract import page_refs, quotes, speakers
from pipeline.extract.joined_lines import joints
from pipeline.extract.page_refs import PageRef
from pipeline.extract.quotes import FoundQuote
from pipeline.model import Document, Extraction, Mention, Values, mention_id
from pipeline.normalise import NormLine, Rewrites, load_rewrites, normalise


@dataclass(frozen=True)
class Resolution:
    document_id: int | None
    method: str | None  # named | self | paragraph | section | None


@dataclass(frozen=True)
class Ref:
    line: int
    ref: PageRef
    resolution: Resolution
    quote: int | None  # index of the quotation it is attributed to


@dataclass(frozen=True)
class Quote:
    found: FoundQuote
    id: str
    raw_text: str
    text: str  # normalised
    ref: Ref | None
    resolution: Resolution
    speaker: str | None
    duplicate_of: str | None


@dataclass(frozen=True)
class Analysis:
    lines: list[NormLine]
    refs: list[Ref]
    quotes: list[Quote]
    cited_rows: list[dict[str, Any]]


@dataclass(frozen=True)
class CitationRules:
    """The rules of page references, quotations, cited documents and speakers, and the
    normalisation's rewrites (quotations renormalise some lines with their own rewrites first)."""

    page_refs: page_refs.PageRefRules
    quotes: quotes.QuoteRules
    cited: cited.CitedRules
    speakers: speakers.SpeakerRules
    rewrites: Rewrites


def load_rules(directory: Path) -> CitationRules:
    return CitationRules(
        page_refs.load_rules(directory),
        quotes.load_rules(directory),
        cited.load_rules(directory),
        speakers.load_rules(directory),
        load_rewrites(directory),
    )


def _quote_lines(lines: Sequence[NormLine], rules: CitationRules) -> list[NormLine]:
    """The document's lines normalised with the quotation rules' own rewrites first."""
    qrules = rules.quotes
    rewrites = (*qrules.pre_rewrites, *rules.rewrites)
    applies = quotes.pre_rewrites_apply(qrules)
    return [normalise(nl.raw, rewrites) if applies(nl.raw) else nl for nl in lines]


def _names_document(text: str, qrules: quotes.QuoteRules, crules: cited.CitedRules) -> bool:
    """A short quoted string that starts with a document's full name is its title, not a quotation
    (`"Delivering the Forward View: NHS planning guidance 2016/17 - 2020/21"`)."""
    if len(quotes.words(text, qrules)) > qrules.title.max_words:
        return False
    head = text.lstrip("*_ ")
    return any(len(alias.split()) > 1 and pat.match(head) for pat, _, alias in crules.alias_patterns)


def _masked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` with the quoted words blanked out (so a name inside a quotation is not read as
    the paragraph naming a document)."""
    chars = list(text)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def analyse(doc: Document, lines: Sequence[NormLine], rules: CitationRules) -> Analysis:
    ref_rules, qrules, crules, srules = rules.page_refs, rules.quotes, rules.cited, rules.speakers
    qlines = _quote_lines(lines, rules)
    texts = [nl.text for nl in qlines]
    names = [pat for pat, _, _ in crules.alias_patterns]
    may_refer = ref_rules.trigger.search  # (find_refs's own first test, without a call a line: most lines fail it)
    line_refs = [page_refs.find_refs(t, ref_rules, names) if may_refer(t) else [] for t in texts]
    furniture = [line.role != "body" for line in doc.lines]  # a PDF's headers, footers, page numbers
    found = [
        q
        for q in quotes.find_quotes(texts, line_refs, qrules, [nl.raw for nl in qlines], furniture, joints(doc, qlines))
        if not _names_document(q.text(texts), qrules, crules)
    ]
    footprints = cited.sections(texts, crules)

    spans: dict[int, list[tuple[int, int]]] = {}
    for q in found:
        for seg in q.segments:
            spans.setdefault(seg.line, []).append((max(seg.start - 1, 0), seg.end + 1))
    masked = {i: _masked(texts[i], s) for i, s in spans.items()}

    def plain(i: int) -> str:
        return masked.get(i, texts[i])

    def prev_content(i: int) -> int | None:
        return next((k for k in range(i - 1, -1, -1) if texts[k].strip()), None)

    def lead_in(q: FoundQuote) -> list[str]:
        line, start = q.opened
        before = plain(line)[: max(start - 1, 0)]
        out = [before]
        if not before.strip(" •●-*\t"):
            k = prev_content(line)
            if k is not None:
                out.insert(0, plain(k))
        return out

    attached = {(q.ref[0], q.ref[1].start): n for n, q in enumerate(found) if q.ref is not None}

    def resolve(i: int, ref: PageRef, quote: int | None) -> Resolution:
        fp = footprints[i]
        if ref.cites:
            return Resolution(cited.resolve_named(ref.cites, fp, crules), "named")
        if ref.self_ref:
            return Resolution(None, "self")
        context = [*(lead_in(found[quote]) if quote is not None else []), plain(i)[: ref.start]]
        doc_id = cited.last_named(context, fp, crules)
        if doc_id is not None:
            return Resolution(doc_id, "paragraph")
        doc_id = cited.section_document(fp, crules)
        if doc_id is not None:
            return Resolution(doc_id, "section")
        return Resolution(None, None)

    refs = []
    for i, rs in enumerate(line_refs):
        for ref in rs:
            qn = attached.get((i, ref.start))
            refs.append(Ref(i, ref, resolve(i, ref, qn), qn))
    by_pos = {(r.line, r.ref.start): r for r in refs}

    out: list[Quote] = []
    seen: list[tuple[str, str]] = []  # (duplicate key, quotation id)
    for n, q in enumerate(found):
        pieces = [qlines[s.line].raw[slice(*qlines[s.line].to_raw(s.start, s.end))] for s in q.segments]
        raw = " ".join(pieces)  # for the id, as before hyphen breaks were joined
        first = q.segments[0]
        line = doc.lines[first.line]
        raw_start = qlines[first.line].to_raw(first.start, first.end)[0]
        qid = hashlib.sha1(f"{doc.sha256}|{line.page or 0}|{line.number}|{raw_start}|{raw}".encode()).hexdigest()[:16]
        placed = by_pos.get((q.ref[0], q.ref[1].start)) if q.ref else None
        if placed is not None:
            res = placed.resolution
        else:
            doc_id = cited.last_named(lead_in(q), footprints[q.opened[0]], crules)
            res = Resolution(doc_id, "paragraph" if doc_id is not None else None)
        speaker = _speaker(q, n, found, out, texts, plain, prev_content, srules)
        text = q.text(texts)
        key = quotes.duplicate_key(text)
        dup = next(
            (qid0 for key0, qid0 in seen if key == key0 or (len(key) >= 30 and (key in key0 or key0 in key))), None
        )
        if dup is None:
            seen.append((key, qid))
        out.append(Quote(q, qid, q.join(pieces), text, placed, res, speaker, dup))
    return Analysis(list(qlines), refs, out, [d.row() for d in crules.documents])


def _speaker(
    q: FoundQuote,
    n: int,
    found: Sequence[FoundQuote],
    done: Sequence[Quote],
    texts: Sequence[str],
    plain: Any,
    prev_content: Any,
    rules: speakers.SpeakerRules,
) -> str | None:
    line, start = q.opened
    before = plain(line)[: max(start - 1, 0)]
    who = speakers.speaker_before(before, rules) if before.strip() else None
    if who is None and q.closed is not None:
        c, m = q.closed
        who = speakers.speaker_after(texts[c][m + 1 :], rules)
    if who is None and n > 0 and done:
        prev = found[n - 1]
        same_line = prev.last_line == line and not speakers.speaker_before(before, rules)
        if same_line and not before.strip(" ,.;:").count(" ") > 12:
            who = done[-1].speaker
    if who is None and not before.strip(" •●-*\t"):
        k = prev_content(line)
        if k is not None:
            who = speakers.speaker_before(plain(k), rules)
            if who is None and n > 0 and done and found[n - 1].last_line == k:
                who = done[-1].speaker
    return who


def _mention(kind: str, nl: NormLine, i: int, s: int, e: int, values: Values) -> Mention:
    rs, re_ = nl.to_raw(s, e)
    return Mention(kind, i, rs, re_, nl.raw[rs:re_], values)


def _ref_mention(a: Analysis, r: Ref) -> Mention:
    nl = a.lines[r.line]
    quote_id = a.quotes[r.quote].id if r.quote is not None else None
    return _mention(
        "page_ref",
        nl,
        r.line,
        r.ref.start,
        r.ref.end,
        PageRefValues(
            page_first=r.ref.first,
            page_last=r.ref.last,
            page_count=r.ref.count,
            cites=r.ref.cites,
            cited_document_id=r.resolution.document_id,
            resolution=r.resolution.method,
            quote_id=quote_id,
            normalised=nl.text[r.ref.start : r.ref.end],
        ),
    )


@collector.while_paused
def extract(
    doc: Document, lines: Sequence[NormLine], rules: CitationRules, earlier: Extraction, options: Options
) -> Extraction:
    """Page references (kind `page_ref`), then quotations (kind `quote`, with their `quotes` records),
    and the `cited_documents` they point at."""
    a = analyse(doc, lines, rules)
    out = Extraction(records={"cited_documents": list(a.cited_rows), "quotes": []})
    out.mentions = [_ref_mention(a, r) for r in a.refs]
    for q in a.quotes:
        for seq, seg in enumerate(q.found.segments, 1):
            out.mentions.append(
                _mention("quote", a.lines[seg.line], seg.line, seg.start, seg.end, QuoteValues(quote_id=q.id, seq=seq))
            )
        first, last = doc.lines[q.found.segments[0].line], doc.lines[q.found.segments[-1].line]
        ref_id = None
        if q.ref is not None:
            ref_id = mention_id(doc.sha256, doc.lines[q.ref.line], _ref_mention(a, q.ref))
        p = q.ref.ref if q.ref else None
        out.records["quotes"].append(
            {
                "id": q.id,
                "text": q.raw_text,
                "normalised": q.text,
                "words": len(quotes.words(q.text, rules.quotes)),
                "first_page": first.page,
                "first_line": first.number,
                "last_page": last.page,
                "last_line": last.number,
                "segments": len(q.found.segments),
                "page_first": p.first if p else None,
                "page_last": p.last if p else None,
                "page_count": p.count if p else None,
                "cites": p.cites if p else None,
                "page_ref_id": ref_id,
                "cited_document_id": q.resolution.document_id,
                "resolution": q.resolution.method,
                "speaker": q.speaker,
                "duplicate_of": q.duplicate_of,
                "flags": ",".join(q.found.flags) or None,
            }
        )
    return out


class PageRefValues(Values, frozen=True, kw_only=True):
    """The columns of a `page_refs` row besides its provenance."""

    page_first: int
    page_last: int
    page_count: int | None  # `page 61 of 225`: 225
    cites: str | None  # the document named beside the number, as written
    cited_document_id: int | None  # cited_documents.id, when resolved
    resolution: str | None  # named | self | paragraph | section
    quote_id: str | None  # the quotation it is attributed to
    normalised: str


class QuoteValues(Values, frozen=True, kw_only=True):
    """The columns of a `quote_segments` row (one line of a quotation) besides its provenance."""

    quote_id: str  # quotes.id
    seq: int  # 1, 2, ... along the quotation


COMPONENT: Component[CitationRules] = Component(
    name="citations",
    load_rules=load_rules,
    extract=extract,
    kinds={"page_ref": Kind("page_refs", PageRefValues), "quote": Kind("quote_segments", QuoteValues)},
    records=("quotes",),
    corpus_tables={"cited_documents": ()},
    rule_files=("page_refs.yaml", "quotes.yaml", "cited_documents.yaml", "amounts.yaml", "normalise.yaml"),
)
