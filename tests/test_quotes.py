"""Quotations on real text: the UNISON report (corpus/000) with its broken marks, the NHE
news page (corpus/004), and wrapped lines copied from the Commons Library briefing."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from pipeline import components
from pipeline.extract import citations, cited_documents, normalise_lines
from pipeline.extract.citations import Analysis, Quote
from pipeline.model import Document, Line, sha256_bytes

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"


def document(name: str, text: str) -> Document:
    lines = text.split("\n")
    doc = Document(name, sha256_bytes(text.encode()), "text", {}, [Line(i + 1, t) for i, t in enumerate(lines)])
    return doc


@cache
def corpus(prefix: str) -> tuple[Document, Analysis]:
    path = next((ROOT / "corpus").glob(f"{prefix}_*.txt"))
    doc = document(path.name, path.read_text(encoding="utf-8"))
    return doc, citations.analyse(doc, normalise_lines(doc, RULES), citations.load_rules(RULES))


def segments(doc: Document, q: Quote) -> list[tuple[int, str]]:
    """(line number, raw text) of each segment, sliced from the source line."""
    out = []
    for seg in q.found.segments:
        raw = doc.lines[seg.line].text
        nl = citations.analyse(doc, normalise_lines(doc, RULES), citations.load_rules(RULES)).lines[seg.line]
        s, e = nl.to_raw(seg.start, seg.end)
        out.append((seg.line + 1, raw[s:e]))
    return out


def quote_at(prefix: str, line: int) -> Quote:
    _, a = corpus(prefix)
    found = [q for q in a.quotes if any(s.line + 1 == line for s in q.found.segments)]
    assert found, f"no quotation on line {line}"
    return found[0]


def page(q: Quote) -> tuple[int, int, str | None] | None:
    return (q.ref.ref.first, q.ref.ref.last, q.ref.ref.cites) if q.ref else None


def test_one_line_quotation_straight_marks() -> None:
    doc, _ = corpus("000")
    q = quote_at("000", 21)
    assert segments(doc, q) == [
        (
            21,
            "Planning by individual institutions will increasingly be supplemented with planning by place for local "
            "populations. For many years now, the NHS has emphasised an organisational separation and autonomy that "
            "doesn't make sense to staff or the patients and communities they serve.",
        )
    ]
    assert page(q) is None


def test_paragraphs_reopening_the_mark_are_one_quotation_with_its_page_reference() -> None:
    doc, _ = corpus("000")
    q = quote_at("000", 366)
    assert [ln for ln, _ in segments(doc, q)] == [366, 368, 370]
    assert segments(doc, q)[2][1].startswith("... Our ambition for the Cambridgeshire")
    assert page(q) == (11, 11, "STP")
    assert "reopened" in q.found.flags
    assert q.resolution.method == "named"


def test_closing_mark_lost_before_a_page_reference() -> None:
    # `"Up to October, ... observed by Councils with interest. (p42)`: no closing mark
    doc, _ = corpus("000")
    q = quote_at("000", 207)
    assert segments(doc, q) == [
        (
            207,
            "Up to October, BLMK's Priority 5 workstream has proceeded largely without Council input. The shift to an "
            "accountable care system, and the associated changes to commissioning, are being observed by Councils "
            "with interest.",
        )
    ]
    assert page(q) == (42, 42, None)
    assert "closing_lost" in q.found.flags


def test_stop_press_box_pasted_into_a_quotation() -> None:
    # line 145 runs into `**STOP PRESS**`; the box (147-151) has its own quotation; the
    # quotation ends on line 153 `supported by the L&D site;" (FBC p11)`
    doc, _ = corpus("000")
    q = quote_at("000", 145)
    assert segments(doc, q) == [
        (
            145,
            "A&E services are provided both at L&D and BHT, with the potential for the highest risk emergency activity "
            "out of hours being",
        ),
        (153, "supported by the L&D site;"),
    ]
    assert page(q) == (11, 11, "FBC")
    assert {"residue_trimmed", "resumed"} <= set(q.found.flags)
    box = quote_at("000", 149)
    assert segments(doc, box) == [
        (149, "are prepared to disengage with the BLMK STP and withdraw our resources from the process")
    ]


def test_repeated_paragraph_pasted_into_a_quotation_is_trimmed() -> None:
    # line 408 starts with a paragraph printed again at line 420, then the quotation resumes
    doc, _ = corpus("000")
    q = quote_at("000", 406)
    assert [ln for ln, _ in segments(doc, q)] == [404, 406, 408]
    assert segments(doc, q)[2] == (
        408,
        "in relation to activity growth above that agreed, in return for no fines and a benefit if the activity "
        "was below plan",
    )


def test_mangled_opening_mark() -> None:
    # `⁴Nor have NHS partners ...` : the superscript stands where the opening mark was
    doc, _ = corpus("000")
    q = quote_at("000", 229)
    assert segments(doc, q) == [
        (229, "Nor have NHS partners necessarily taken the completed document through their own governing processes.")
    ]
    assert doc.lines[228].text.index("Nor") == q.found.segments[0].start
    assert page(q) == (4, 4, "SSOP")
    assert q.resolution.method == "named"
    assert cited_documents.load_rules(RULES).by_id(q.resolution.document_id).short_name == "SSOP"


def test_double_single_quote_as_closing_mark() -> None:
    # `... a surplus of $\pounds 6.7m''$ – even though`
    doc, _ = corpus("000")
    q = quote_at("000", 977)
    assert segments(doc, q) == [(977, "Net value of control totals in 2017/18 is a surplus of $\\pounds 6.7m")]


def test_citation_alone_on_the_next_line() -> None:
    assert page(quote_at("000", 109)) == (12, 12, "Refreshing NHS Plans")
    assert page(quote_at("000", 624)) == (61, 61, "Finance Overview from June 2018 Board papers")
    assert page(quote_at("000", 965)) == (10, 10, "March Governing Body papers")


def test_pull_quote_printed_again_links_to_the_first() -> None:
    first, again = quote_at("000", 469), quote_at("000", 487)
    assert first.duplicate_of is None
    assert again.duplicate_of == first.id
    assert [s.line + 1 for s in again.found.segments] == [487, 489]
    assert page(again) == (5, 5, None)


def test_speakers() -> None:
    assert quote_at("000", 225).speaker == "Cllr Louise Jackson"  # `..., told Bedford Today:` on the line before
    assert quote_at("000", 203).speaker == "the STP"  # `the STP admitted:`
    assert quote_at("000", 495).speaker == "The STP"  # `The STP admits: "…"`
    assert quote_at("004", 23).speaker == "Prof Sir Bruce Keogh"  # `"…," said Prof Sir Bruce Keogh, NHS England's …`
    assert quote_at("004", 31).speaker == "Ham"  # `"…," Ham explained.`
    assert quote_at("004", 37).speaker == "Jeremy Taylor"  # `Jeremy Taylor, chief executive of …, said:`
    assert quote_at("000", 21).speaker is None


def test_not_quotations() -> None:
    _, a = corpus("000")
    texts = {q.text for q in a.quotes}
    assert "footprints" not in texts  # a scare quote
    # five words and an ellipsis: `"by securing additions system income ..."`
    assert not any(t.startswith("by securing additions") for t in texts)
    _, news = corpus("004")
    # a title: `We Own It's "It's our NHS: Don't Slash, Trash and Privatise" e-mail`
    assert not any("Slash, Trash" in q.text for q in news.quotes)


def test_lost_opening_mark_at_the_end_of_a_paragraph() -> None:
    # corpus/004: `The NHS needs no more pointless organisational upheaval. It needs no more top-down reorganisations."`
    q = quote_at("004", 156)
    assert (
        q.text == "The NHS needs no more pointless organisational upheaval. It needs no more top-down reorganisations."
    )
    assert "opening_lost" in q.found.flags


def test_wrapped_lines_commons_library() -> None:
    # ../shared/realdocs/commons-library-cbp10313-nhs-productivity-2025-07.md, lines 2125-2131
    text = (
        "health plan has committed to introduce “new arrangements for senior \n\n"
        "managers’ pay to reward high performance and withhold pay increases for \n\n"
        "executive leadership teams who do not meet….expectations”. 96 \n\n"
        "**Systems thinking **"
    )
    doc = document("commons.md", text)
    a = citations.analyse(doc, normalise_lines(doc, RULES), citations.load_rules(RULES))
    assert len(a.quotes) == 1
    assert segments(doc, a.quotes[0]) == [
        (1, "new arrangements for senior"),
        (3, "managers’ pay to reward high performance and withhold pay increases for"),
        (5, "executive leadership teams who do not meet….expectations"),
    ]


def test_reference_title_after_its_year_is_not_a_quotation() -> None:
    # ../shared/realdocs/commons-library-cbp10313-nhs-productivity-2025-07.md, lines 1125-1127 (a footnote);
    # the title is in sentence case, so its capitals do not mark it
    text = (
        "29 Stein T \\(2024\\) “Why our conversations about productivity in the NHS are not very productive”, \n\n"
        "Nuffield Trust blog "
    )
    doc = document("commons.md", text)
    assert citations.analyse(doc, normalise_lines(doc, RULES), citations.load_rules(RULES)).quotes == []
    # the same words quoted in prose are a quotation
    doc = document(
        "prose.md", "Stein argues that “our conversations about productivity in the NHS are not very productive”."
    )
    assert len(citations.analyse(doc, normalise_lines(doc, RULES), citations.load_rules(RULES)).quotes) == 1


REFORM = ROOT.parent / "shared" / "realdocs" / "reform-getting-into-shape-workforce-integrated-care-2017.md"


@pytest.mark.shared
def test_footnotes_and_running_head_inside_a_wrapped_quotation() -> None:
    # Reform, lines 1401-1421: `... where "different professional groups form 173 Candace Imison, ...` (a
    # footnote pasted onto the line), footnotes 174-180, the page number, the running head of the chapter
    # (`Getting into shape / Overcoming professional boundaries **4**`), then `groups and tribes… and do
    # not want to change."181`
    if not REFORM.exists():
        pytest.skip(f"../shared is absent: {REFORM} (its licence does not allow copying it into tests/data)")
    doc = document(REFORM.name, REFORM.read_text(encoding="utf-8"))
    a = citations.analyse(doc, normalise_lines(doc, RULES), citations.load_rules(RULES))
    (q,) = [q for q in a.quotes if any(s.line + 1 == 1401 for s in q.found.segments)]
    assert segments(doc, q) == [
        (1401, "different professional groups form"),
        (1421, "groups and tribes… and do not want to change."),
    ]


@pytest.mark.shared
def test_reference_title_before_the_kind_of_publication_is_not_a_quotation() -> None:
    # Reform's bibliography: `World Health Organization, "New global alliance seeks to address worldwide
    # shortage of doctors, nurses and other health workers", Press Release, 25 May 2006.` (sentence case)
    if not REFORM.exists():
        pytest.skip(f"../shared is absent: {REFORM} (its licence does not allow copying it into tests/data)")
    lines = REFORM.read_text(encoding="utf-8").split("\n")
    for n in (1865, 1949, 2025):
        doc = document("refs.md", lines[n - 1])
        assert citations.analyse(doc, normalise_lines(doc, RULES), citations.load_rules(RULES)).quotes == [], n


def test_extractor_rows_and_stable_ids() -> None:
    doc, _ = corpus("000")
    out = components.run(citations.COMPONENT, doc, RULES)
    rows = {r["first_line"]: r for r in out.records["quotes"]}
    row = rows[366]
    assert (row["last_line"], row["segments"], row["page_first"], row["cites"]) == (370, 3, 11, "STP")
    assert row["resolution"] == "named"
    assert row["page_ref_id"] is not None
    # segments: exact provenance, one per line, in order
    segs = [m for m in out.mentions if m.kind == "quote" and m.values["quote_id"] == row["id"]]
    assert [m.values["seq"] for m in segs] == [1, 2, 3]
    for m in out.mentions:
        assert doc.lines[m.line_index].text[m.start : m.end] == m.text
    # the same bytes give the same ids
    again = citations.analyse(doc, normalise_lines(doc, RULES), citations.load_rules(RULES))
    assert [q.id for q in again.quotes] == [r["id"] for r in out.records["quotes"]]


def test_bad_quote_rule_names_file_and_entry(tmp_path: Path) -> None:
    from pipeline.extract import quotes
    from pipeline.rules import RuleError

    text = (RULES / "quotes.yaml").read_text(encoding="utf-8")
    (tmp_path / "quotes.yaml").write_text(text.replace("reopen: '^", "reopen: '(^"), encoding="utf-8")
    with pytest.raises(RuleError, match=r"quotes.yaml, entry \(top level\): field `reopen`: pattern does not compile"):
        quotes.load_rules(tmp_path)
    (tmp_path / "quotes.yaml").write_text(
        text.replace("running_heads:", "running_heads: []\nold_heads:"), encoding="utf-8"
    )
    with pytest.raises(RuleError, match=r"quotes.yaml, entry \(top level\): field `running_heads`"):
        quotes.load_rules(tmp_path)


def test_quote_review_view_after_a_build(built_db: Path) -> None:
    import sqlite3

    con = sqlite3.connect(built_db)
    con.row_factory = sqlite3.Row
    assert con.execute("SELECT count(*) FROM documents WHERE status = 'failed'").fetchone()[0] == 0
    row = con.execute(
        "SELECT * FROM quote_review WHERE document_file LIKE '000_%' AND first_line = 145",
    ).fetchone()
    assert row["last_line"] == 153
    assert row["cites_as_written"] == "FBC" and row["cited_page"] == "11" and row["resolution"] == "named"
    assert row["cited_document"].startswith("Bedford Hospital and Luton & Dunstable Hospital merger")
    assert row["line_before"].startswith("Predictably there are hints in the FBC summary")
    assert row["line_after"].startswith('"Care of high dependency emergency paediatric patients')
    again = con.execute("SELECT duplicate_of FROM quote_review WHERE first_line = 487").fetchone()[0]
    first = con.execute("SELECT quote_id FROM quote_review WHERE first_line = 469").fetchone()[0]
    assert again == first
    # the cited documents are one table for the corpus, loaded once
    n = con.execute("SELECT count(*), count(DISTINCT id) FROM cited_documents").fetchone()
    assert n[0] == n[1] > 10
    # every quotation segment and page reference keeps exact provenance
    bad = con.execute(
        "SELECT count(*) FROM mentions WHERE kind IN ('quote', 'page_ref') "
        "AND substr(line_text, char_start + 1, char_end - char_start) <> text"
    ).fetchone()[0]
    assert bad == 0
