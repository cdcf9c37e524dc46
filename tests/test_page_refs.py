"""Page references on real lines: the UNISON report (corpus/000), the Leeds Community
Healthcare board papers, the Commons Library briefing and other ../shared/realdocs files
(the few lines needed are copied here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import components
from pipeline.extract import citations, cited_documents
from pipeline.extract.page_refs import PageRef, find_refs, load_rules
from pipeline.model import Document, Line
from pipeline.normalise import load_rewrites, normalise

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
UNISON = ROOT / "corpus" / "000_9697e79c8f4d460c.txt"


def refs(raw: str) -> list[tuple[str, int, int, int | None, str | None]]:
    nl = normalise(raw, load_rewrites(RULES))
    out = []
    for r in find_refs(nl.text, load_rules(RULES)):
        s, e = nl.to_raw(r.start, r.end)
        out.append((raw[s:e], r.first, r.last, r.count, r.cites))
    return out


def one(raw: str) -> PageRef:
    found = find_refs(normalise(raw, load_rewrites(RULES)).text, load_rules(RULES))
    assert len(found) == 1, found
    return found[0]


SHAPES = [
    # corpus/000 (UNISON report)
    ("Continued overleaf, page 2", [("page 2", 2, 2, None, None)]),
    ("PAGE 3 Cambridgeshire &Peterborough STP", [("PAGE 3", 3, 3, None, None)]),
    ("Norfolk & Waveney STP PAGE 15 Suffolk & NE", [("PAGE 15", 15, 15, None, None)]),
    ("(Refreshing NHS Plans: p12).", [("p12", 12, 12, None, "Refreshing NHS Plans")]),
    (
        'supported by the L&D site;" (FBC p11)',
        [("p11", 11, 11, None, "FBC")],
    ),
    (
        "The STP however proposed a swift march to the establishment of an 'Accountable Care "
        "Organisation' in March 2018 (p24).",
        [("p24", 24, 24, None, None)],
    ),
    (
        "One thing that seems to unite all of the parties to the STP is a reluctance to consult "
        "publicly on their proposals. On page 31 the STP boasts that",
        [("page 31", 31, 31, None, None)],
    ),
    (
        "and only partially published. (pp17-18)",
        [("pp17-18", 17, 18, None, None)],
    ),
    (
        "which is not mentioned in the narrative of financial reports (May papers Finance Report p3).",
        [("p3", 3, 3, None, "May papers Finance Report")],
    ),
    (
        "The minutes of Luton CCG's March Board (May Board papers, page 6) heard that",
        [("page 6", 6, 6, None, "May Board papers")],
    ),
    (
        "last year increased to £7.9m (May papers, Finance report, p8).",
        [("p8", 8, 8, None, "May papers, Finance report")],
    ),
    (
        'block contracts should be avoided for all services." (MOU p 6)',
        [("p 6", 6, 6, None, "MOU")],
    ),
    ('"Transitional funding to support the management of implementation" (p 11/11)', [("p 11/11", 11, 11, 11, None)]),
    (
        "(Finance Overview from June 2018 Board papers, page 61 of 225)",
        [("page 61 of 225", 61, 61, 225, "Finance Overview from June 2018 Board papers")],
    ),
    (
        'associated frustration". (E&N Herts CCG May 2018 Board papers p356/487)',
        [("p356/487", 356, 356, 487, "E&N Herts CCG May 2018 Board papers")],
    ),
    ("(March Governing Body papers, p10/236)", [("p10/236", 10, 10, 236, "March Governing Body papers")]),
    (
        "This is set out in an astonishing financial report in the trust's May Board papers (Slide 46 p 90/96), "
        "which rejected a proposed control total",
        [("p 90/96", 90, 90, 96, "May Board papers")],
    ),
    (
        "would be a deficit of £27.8m in 2024 (FBC p83). Nobody could regard that as stable",
        [("p83", 83, 83, None, "FBC")],
    ),
    (
        'the same proposal as "Shared services" which are supposed to save £24.2m a year (chart p46) '
        'or the "system support cost" savings of £23.3m in the chart on p42.',
        [("p46", 46, 46, None, None), ("p42", 42, 42, None, None)],
    ),
    (
        "set out a highly ambitious quarter by quarter schedule for changes (Milestones pp19-23, "
        "Financial targets pp30-31).",
        [("pp19-23", 19, 23, None, "Milestones"), ("pp30-31", 30, 31, None, "Financial targets")],
    ),
    (
        "Primary Care is not discussed until page 25 of the skimpy 46 page STP, and then only",
        [("page 25", 25, 25, None, "STP")],
    ),
    # a heading named just before the bracket is what is cited
    (
        "and most of the ideas on the page headed Delivering Closer Integration With Social Care (p15) are vague,",
        [("p15", 15, 15, None, "Delivering Closer Integration With Social Care")],
    ),
    (
        '"Social care plans and assumptions have an impact on health and have not been included" (p45 emphasis added)',
        [("p45", 45, 45, None, None)],
    ),
    # corpus/004 (a campaign web page): a citation line
    (
        "Conservative Party manifesto, April 2010, p. 45",
        [("p. 45", 45, 45, None, "Conservative Party manifesto, April 2010")],
    ),
    # ../shared/realdocs
    ("Page 3 of 12", [("Page 3 of 12", 3, 3, 12, None)]),
    ("Page **1** of **6**", [("Page **1** of **6**", 1, 1, 6, None)]),
    (
        "The key changes for each strategic risk are outlined on page 3 of the attached BAF. ",
        [("page 3", 3, 3, None, "BAF")],
    ),
    (
        "The outputs of those discussions is visible on pages 4 and 5 of the attached BAF. It should be",
        [("pages 4 and 5", 4, 5, None, "BAF")],
    ),
    (
        "government can be found in the Budget book – see page 32 for example: HC 560 – ",
        [("page 32", 32, 32, None, None)],
    ),
    ("The notes on pages 151to 188 form part of these accounts. ", [("pages 151to 188", 151, 188, None, None)]),
    ("**2. Resetting the foundations: a new operating model**** p.12**", [("p.12", 12, 12, None, None)]),
    ("11 As above p13 ", [("p13", 13, 13, None, None)]),
    # the NHS England board meeting transcript: numbers written as words
    ("00:35:24.000 for improvement uh overall health and page seven for me", [("page seven", 7, 7, None, None)]),
]


@pytest.mark.parametrize(("line", "expected"), SHAPES)
def test_shapes(line: str, expected: list[tuple[str, int, int, int | None, str | None]]) -> None:
    assert refs(line) == expected


REALDOCS = ROOT.parent / "shared" / "realdocs"


def test_case_lines_are_real() -> None:
    """Every line above is copied from the corpus or from ../shared/realdocs, unchanged."""
    sources = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    if REALDOCS.is_dir():
        sources += [p.read_text(encoding="utf-8") for p in sorted([*REALDOCS.glob("*.md"), *REALDOCS.glob("*.txt")])]
    else:
        pytest.skip("../shared is absent: the realdocs lines cannot be checked")
    for line in [case[0] for case in SHAPES] + NOT_PAGE_REFS:
        assert any(line in src for src in sources), line


NOT_PAGE_REFS = [
    # corpus/000: page counts and a distance are not references to a page
    "The STP was not published until December 14 2016, and is the skimpiest of all 44 STPs, with just 32 pages,",
    'UNISON has commented that the 126-page full Business Case setting out the case for a "partnership"',
    "But ten pages further on we find the admission that no elected councillors had even been made aware",
    # LCH board papers: priority codes, not pages
    "number of P0, P1, P2 and P3 discharges. ",
    "The values are shown on the next page. ",
]


@pytest.mark.parametrize("line", NOT_PAGE_REFS)
def test_not_page_refs(line: str) -> None:
    assert refs(line) == []


def test_self_references() -> None:
    assert one("Page 3 of 12").self_ref == "footer"
    assert one("PAGE 9").self_ref == "contents-list"
    assert one("Continued overleaf, page 2").self_ref == "overleaf"
    assert one("in the Bedfordshire, Luton and Milton Keynes (BLMK) STP (see page 3) have warned").self_ref
    assert one("(STP p11)").self_ref is None


def _unison() -> Document:
    lines = UNISON.read_text(encoding="utf-8").split("\n")
    return Document("000.txt", "x" * 64, "text", {}, [Line(i + 1, t) for i, t in enumerate(lines)])


def test_resolution_of_the_unison_report() -> None:
    doc = _unison()
    out = components.run(citations.COMPONENT, doc, RULES)
    got = {(m.line_index + 1, m.text): m.values for m in out.mentions if m.kind == "page_ref"}
    crules = cited_documents.load_rules(RULES)

    def short(doc_id: int | None) -> str | None:
        return None if doc_id is None else crules.by_id(doc_id).short_name

    # named beside the number, resolved to the footprint's document
    v = got[(1141, "p83")]
    assert (v["cites"], v["resolution"], short(v["cited_document_id"])) == ("FBC", "named", "Colchester-Ipswich FBC")
    v = got[(153, "p11")]
    assert (v["resolution"], short(v["cited_document_id"])) == ("named", "BLMK FBC")
    v = got[(400, "p 6")]
    assert (v["resolution"], short(v["cited_document_id"])) == ("named", "C&P MoU")
    # a document's name just before a bracket holding only the reference: `The June Annex (p49) indicated`
    v = got[(790, "p49")]
    assert (v["cites"], v["resolution"], short(v["cited_document_id"])) == ("June Annex", "named", "MSE STP June Annex")
    # `The MoU goes on (p6)`: not beside the number, but the document last named in the paragraph
    v = got[(384, "p6")]
    assert (v["cites"], v["resolution"], short(v["cited_document_id"])) == (None, "paragraph", "C&P MoU")
    # a quotation's reference resolved from the lead-in to the quotation
    v = got[(141, "p18")]
    assert (v["resolution"], short(v["cited_document_id"])) == ("paragraph", "BLMK FBC")
    # no name in the paragraph: the STP of the footprint whose section the line sits in
    v = got[(207, "p42")]
    assert (v["resolution"], short(v["cited_document_id"])) == ("section", "BLMK STP")
    v = got[(1155, "p27")]
    assert (v["resolution"], short(v["cited_document_id"])) == ("section", "SNEE STP")
    # the report's own pages
    assert got[(39, "PAGE 3")]["resolution"] == "self"
    assert got[(79, "page 3")]["resolution"] == "self"
    # a national document
    v = got[(111, "p12")]
    assert (v["resolution"], short(v["cited_document_id"])) == ("named", "Refreshing NHS Plans")


def test_sections_follow_footprint_headings() -> None:
    texts = [line.text for line in _unison().lines]
    fps = cited_documents.sections(texts, cited_documents.load_rules(RULES))
    # the contents list (`Mid & South Essex STP`) opens no section; the headings do
    assert fps[44] is None
    assert (fps[124], fps[302], fps[512], fps[707], fps[890], fps[1100]) == ("blmk", "cp", "hwe", "mse", "nw", "snee")


def test_bad_rule_file_names_file_and_entry(tmp_path: Path) -> None:
    from pipeline.rules import RuleError

    (tmp_path / "cited_documents.yaml").write_text(
        "documents:\n  - {id: 1, name: A, aliases: [A]}\n  - {id: 1, name: B, aliases: [B]}\n", encoding="utf-8"
    )
    expected = r"cited_documents.yaml, entry documents\[1\] \(B\): field `id`: 1 is used by another entry"
    with pytest.raises(RuleError, match=expected):
        cited_documents.load_rules(tmp_path)


def test_the_line_trigger_hides_no_reference_the_patterns_find() -> None:
    """`trigger` (rules/page_refs.yaml) skips lines before the patterns run: on every line of the corpus
    text documents and of the ../shared/realdocs text files, and on edge cases, a line any pattern
    matches is a line the trigger finds (the trigger was `\\bp|page`; now it needs `pages?` and a
    space, or `p` before a digit, and lets most lines skip)."""
    rules = load_rules(RULES)
    rewrites = load_rewrites(RULES)
    paths = sorted([*(ROOT / "corpus").glob("*.txt"), *(ROOT / "corpus").glob("*.md")])
    if REALDOCS.is_dir():
        paths += sorted([*REALDOCS.glob("*.md"), *REALDOCS.glob("*.txt")])
    edge = ["p.12", "pp17-18", "Page **1** of **6**", "page seven", "PAGE 3", "PAGES 4 and 5", "pp. 251", "p 6"]
    lines = [(path.name, raw) for path in paths for raw in path.read_text(encoding="utf-8").splitlines()]
    matched = 0
    for name, raw in [*lines, *(("edge", e) for e in edge)]:
        text = normalise(raw, rewrites).text
        if any(p.search(text) for p in rules.patterns):
            matched += 1
            assert rules.trigger.search(text), (name, text)
    assert matched > 50  # the corpus cites pages often: the check has lines to look at
    for e in edge:
        assert find_refs(normalise(e, rewrites).text, rules), e
    passed = sum(rules.trigger.search(normalise(raw, rewrites).text) is not None for _, raw in lines)
    assert passed < 2 * matched  # lines without a reference mostly skip the patterns
