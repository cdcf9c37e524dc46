"""The seventh blind fact gold (tests/gold/heldout-facts-blind7, three real NHS documents committed in its
docs/): records well formed and in scope, each one's text the committed document's line sliced at its
offsets, each document the file its SHA-256 names, and a build of the documents reporting a money row
for every amount not noted as one the build misses. Nothing here scores the facts."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import shared_cache
from tests.test_heldout_facts import MEASURES, period_ok

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"
BLIND7 = GOLD / "heldout-facts-blind7"
DOCS = BLIND7 / "docs"
FIELDS = ("doc_sha256", "doc", "page", "line", "start", "end", "kind", "text", "currency", "low", "high")
MISSED = "build did not report"  # the note of an amount the build's money table does not report
PARTLY = "the build reported only"  # the note of an amount the build reports with another span


def _records() -> list[dict]:
    return [json.loads(r) for r in (BLIND7 / "facts.jsonl").read_text(encoding="utf-8").splitlines() if r.strip()]


def _scope(gold: Path) -> list[dict]:
    return json.loads((gold / "scope.json").read_text(encoding="utf-8"))


def _documents() -> dict[str, Path]:
    """The committed documents by file name (SOURCES.md is about them, not one of them)."""
    return {p.name: p for p in sorted(DOCS.iterdir()) if p.name != "SOURCES.md"}


def test_blind7_facts_are_well_formed_and_in_scope() -> None:
    facts = _records()
    assert 200 <= len(facts) <= 250
    scopes = _scope(BLIND7)
    keys = set()
    for f in facts:
        assert all(k in f for k in (*FIELDS, "subject", "measure", "period", "note")), f
        assert f["kind"] == "fact" and f["page"] is None and f["measure"] in MEASURES and period_ok(f["period"]), f
        assert f["subject"] is None or (f["subject"] == f["subject"].strip() and f["subject"]), f
        assert f["currency"] == "GBP" and f["low"] <= f["high"] and f["note"].strip(), f
        assert f["end"] - f["start"] == len(f["text"]) > 0, f
        inside = [
            s for s in scopes if s["doc_sha256"] == f["doc_sha256"] and s["lines"][0] <= f["line"] <= s["lines"][1]
        ]
        assert inside and all(s["doc"] == f["doc"] for s in inside), f"outside scope.json: {f}"
        key = (f["doc_sha256"], f["line"], f["start"])
        assert key not in keys, f"two facts for one amount: {f}"
        keys.add(key)


def test_blind7_records_locate_their_text_in_the_committed_documents() -> None:
    """Each document is the file its SHA-256 names, and each record's text is its line at start:end."""
    documents = _documents()
    sha = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in documents.items()}
    lines = {name: path.read_bytes().decode("utf-8").split("\n") for name, path in documents.items()}
    for s in _scope(BLIND7):
        assert sha[s["doc"]] == s["doc_sha256"], s
        assert 1 <= s["lines"][0] <= s["lines"][1] <= len(lines[s["doc"]]), s
    for f in _records():
        assert sha[f["doc"]] == f["doc_sha256"], f
        assert lines[f["doc"]][f["line"] - 1][f["start"] : f["end"]] == f["text"], f


def test_blind7_lines_are_no_other_golds() -> None:
    """No other gold (tests/gold/*, ../shared/gold/dev) has a line range in these documents."""
    others = [s for d in sorted(GOLD.iterdir()) if d != BLIND7 and (d / "scope.json").exists() for s in _scope(d)]
    dev = ROOT.parent / "shared" / "gold" / "dev" / "scope.json"
    if dev.exists():
        others += json.loads(dev.read_text(encoding="utf-8"))
    mine = {s["doc_sha256"] for s in _scope(BLIND7)} | {s["doc"] for s in _scope(BLIND7)}
    assert [s for s in others if "lines" in s and (s.get("doc_sha256") in mine or s["doc"] in mine)] == []


@pytest.fixture(scope="module")
def blind7_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of the committed documents (text files: no OCR), as the README tells the lead to make."""
    from pipeline.build import build
    from pipeline.extract import Context

    folder = tmp_path_factory.mktemp("blind7")
    corpus = folder / "corpus"
    corpus.mkdir()
    for name, path in _documents().items():
        shutil.copyfile(path, corpus / name)
    db = folder / "blind7.db"
    report = build(corpus, db, Context(options={"cache": shared_cache()} if shared_cache() else {}))
    assert report.documents == 3 and report.ok, report.failed
    return db


def test_blind7_amounts_are_money_rows_of_a_build(blind7_db: Path) -> None:
    """Every amount not noted as missed is a money row of the build: the same span and value, or (noted)
    a row overlapping it; the set's count of missed amounts is the README's."""
    con = sqlite3.connect(blind7_db)
    rows: dict[tuple[str, int], list[tuple[int, int, float, float, str]]] = {}
    query = (
        "SELECT d.sha256, m.line, m.char_start, m.char_end, m.low, m.high, m.currency"
        " FROM money m JOIN documents d ON d.id = m.document_id"
    )
    for sha, line, start, end, low, high, currency in con.execute(query):
        rows.setdefault((sha, line), []).append((start, end, low, high, currency))
    con.close()
    facts = _records()
    for f in facts:
        if MISSED in f["note"]:
            continue
        here = rows.get((f["doc_sha256"], f["line"]), [])
        if PARTLY in f["note"]:
            assert [r for r in here if r[0] < f["end"] and f["start"] < r[1]], f
        else:
            assert (f["start"], f["end"], f["low"], f["high"], f["currency"]) in here, f
    assert sum(MISSED in f["note"] for f in facts) == 2
