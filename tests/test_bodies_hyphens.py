"""Body names broken by a hyphen at a line's end (issue 6): joined for matching, one mention on each line
with exact raw provenance, both linked to the same body."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pipeline import components
from pipeline.extract import Context, bodies
from pipeline.ingest.hyphen_breaks import find_hyphen_joins, hyphen_joins
from pipeline.ingest.pdf_rules import load_layout
from pipeline.model import Document, Extraction, Line
from tests.conftest import ingested

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
IEEE = "twocolumn-cid-ieee-paper-issue-1061.pdf"  # a real two-column paper, copied in tests/data/hardpdfs


def mentions(doc: Document) -> list[tuple[int, str, str, str, tuple[str, ...]]]:
    """(line index, text, body id, name) of every body mention, checking each one's raw provenance."""
    out: Extraction = components.run(bodies.COMPONENT, doc, Context().rules)
    for m in out.mentions:
        assert doc.lines[m.line_index].text[m.start : m.end] == m.text
    aliases = {b["id"]: b["aliases"] for b in out.records["bodies"]}
    return [
        (m.line_index, m.text, m.values["body_id"], m.values["name"], tuple(aliases[m.values["body_id"]]))
        for m in out.mentions
    ]


@cache
def ieee() -> Document:
    # through the session cache: test_pdf_hard and test_quotes_hyphens read (and OCR) the same paper
    return ingested(ROOT / "tests" / "data" / "hardpdfs", IEEE)


def retypeset(*lines: str) -> Document:
    """Real lines as a PDF prints them, one after the other, with the hyphen breaks ingestion records."""
    rows = [Line(i + 1, text, page=1) for i, text in enumerate(lines)]
    joins = find_hyphen_joins(rows, load_layout())
    return Document("test.pdf", "0" * 64, "pdf", {"date": "2025"}, rows, hints={"hyphen_joins": joins})


def test_a_name_broken_by_a_hyphen_in_a_real_pdf_is_one_body_on_both_lines() -> None:
    doc = ieee()
    found = mentions(doc)
    breaks = {(j.first, j.second) for j in hyphen_joins(doc)}
    # `... supported by the European Com-` / `mission (projects H2020-644024 "CLARUS" ...`
    com = [f for f in found if f[1] == "European Com-"]
    assert len(com) == 1
    first, _, body, name, aliases = com[0]
    second = next(f for f in found if f[0] != first and f[2] == body and f[1] == "mission")
    assert (first, second[0]) in breaks
    assert name == "European Commission" and "European Commission" in aliases
    assert "mission" not in aliases and "European Com-" not in aliases  # the parts are no names of it
    # `Department of Computer Engi-` / `neering and Mathematics`: no body named `... Engi-` any more
    engi = next(f for f in found if f[1] == "Department of Computer Engi-")
    assert engi[3] == "Department of Computer Engineering"
    assert any(f[0] != engi[0] and f[1] == "neering" and f[2] == engi[2] for f in found)
    assert not any(f[3].endswith("-") for f in found)


def test_a_trust_broken_inside_a_word_is_the_known_trust_on_both_lines() -> None:
    # corpus/lch-trust-board-public-papers-2025-09-04.md line 2255, as a narrow PDF column would break it
    text = (CORPUS / "lch-trust-board-public-papers-2025-09-04.md").read_text(encoding="utf-8").split("\n")[2254]
    assert text.startswith("The new chair of Leeds Teaching Hospitals NHS Trust \\(LTHT\\)")
    cut = text.index("pitals")
    doc = retypeset(text[:cut] + "-", text[cut:])
    found = mentions(doc)
    parts = [(f[0], f[1]) for f in found if f[2] == "leeds-teaching-hospitals-nhs-trust"]
    assert parts[:2] == [(0, "Leeds Teaching Hos-"), (1, "pitals NHS Trust")]
    assert "Leeds Teaching Hospitals NHS Trust" in found[0][4]
    assert not any(
        f[1] in ("Leeds Teaching Hos-", "Hos-") and f[2] != "leeds-teaching-hospitals-nhs-trust" for f in found
    )


def test_a_county_broken_by_a_hyphen_names_its_stp() -> None:
    # corpus/000_9697e79c8f4d460c.txt line 305 (the UNISON report), broken as `Cambridge-` / `shire and ...`
    text = (CORPUS / "000_9697e79c8f4d460c.txt").read_text(encoding="utf-8").split("\n")[304]
    assert text.startswith("Cambridgeshire and Peterborough STP is coterminous")
    doc = retypeset("Cambridge-", text[len("Cambridge") :])
    found = mentions(doc)
    stp = [f for f in found if f[3] == "Cambridgeshire and Peterborough STP"]
    assert [(f[0], f[1]) for f in stp] == [(0, "Cambridge-"), (1, "shire and Peterborough STP")]
    assert stp[0][2] == stp[1][2]


def test_breaks_that_name_nothing_change_nothing() -> None:
    doc = ieee()
    plain = Document(doc.path, doc.sha256, doc.media_type, doc.meta, doc.lines)  # no hyphen hints
    joined, alone = mentions(doc), mentions(plain)
    changed = {f[0] for f in set(joined) ^ set(alone)}
    named = {(j.first, j.second) for j in hyphen_joins(doc)}
    # only lines on each side of the two breaks inside body names differ (of the paper's many breaks)
    assert len(named) > 20 and len(changed) == 4
    assert all(any(i in pair for pair in named) for i in changed)


def test_the_parts_of_a_broken_name_are_no_aliases_of_its_body() -> None:
    # corpus/lch-trust-board-public-papers-2025-09-04.md lines 2245 and 2247, broken by a converter:
    # "... commissioned by NHS providers, Leeds City" / "Council, and the ICB is well underway ..."
    text = (CORPUS / "lch-trust-board-public-papers-2025-09-04.md").read_text(encoding="utf-8").split("\n")
    lines = [Line(1, text[2244]), Line(2, text[2246])]
    found = mentions(Document("lch.md", "0" * 64, "text", {}, lines))
    council = [f for f in found if f[3] == "Leeds City Council"]
    assert [(f[0], f[1]) for f in council] == [(0, "Leeds City"), (1, "Council")]
    assert "Leeds City Council" in council[0][4]
    assert "Council" not in council[0][4] and "Leeds City" not in council[0][4]
