"""A quotation over a word hyphenated across two lines of a PDF reads whole (issue 6), while its segments
keep a span on each line and its id stays what it was (verdicts on it stay attached)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pipeline.extract import Context, extract_all
from pipeline.model import Document, Extraction
from tests.conftest import ingested

HARD = Path(__file__).resolve().parents[1] / "tests" / "data" / "hardpdfs"
IEEE = "twocolumn-cid-ieee-paper-issue-1061.pdf"  # its references quote titles broken across lines


@cache
def ieee() -> Document:
    return ingested(HARD, IEEE)  # through the session cache: test_pdf_hard and test_bodies_hyphens read it too


def quotes(doc: Document) -> tuple[dict[str, dict], Extraction]:
    out = extract_all(doc, Context(), only=["citations"])
    return {q["id"]: q for q in out.records["quotes"]}, out


def test_a_broken_word_is_whole_in_the_quotation_and_split_in_its_segments() -> None:
    doc = ieee()
    joined, out = quotes(doc)
    # the same document with no hyphen hints
    plain, _ = quotes(Document(doc.path, doc.sha256, doc.media_type, doc.meta, doc.lines))
    q = next(q for q in joined.values() if q["text"].startswith("Calibrating noise"))
    assert q["text"] == q["normalised"] == "Calibrating noise to sensitivity in private data analysis,"
    assert plain[q["id"]]["text"] == "Calibrat- ing noise to sensitivity in private data analysis,"  # same id
    segments = [m for m in out.mentions if m.kind == "quote" and m.values["quote_id"] == q["id"]]
    assert [m.text for m in segments] == ["Calibrat-", "ing noise to sensitivity in private data analysis,"]
    assert all(doc.lines[m.line_index].text[m.start : m.end] == m.text for m in segments)
    # a compound keeps its hyphen; quotations differ only where a broken word is joined
    assert any(q["text"] == "Optimal data-independent noise for diﬀerential privacy." for q in joined.values())
    changed = [i for i in joined if joined[i]["text"] != plain[i]["text"]]
    assert changed and all(
        plain[i]["text"].replace("- ", "").replace("-", "") == joined[i]["text"].replace("-", "") for i in changed
    )
    # `Data mining with diﬀerential pri-` / `vacy,` is five words read whole: not a quotation of six
    assert any(q["text"] == "Data mining with diﬀerential pri- vacy," for q in plain.values())
    assert not any(q["text"].startswith("Data mining with") for q in joined.values())
