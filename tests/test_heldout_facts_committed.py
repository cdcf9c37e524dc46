"""The blind fact gold sets made by a blind annotator on real NHS documents, committed with them in their
docs/ (tests/gold/heldout-facts-blind6, -blind7, -blind9) or named in ../shared/realdocs (-blind8, whose
document checks skip where ../shared is absent): records well formed and in scope, each one's text the
document's line sliced at its offsets, each document the file its SHA-256 names, no other gold on their
lines, and a build of the documents reporting a money row for every amount not noted as one the build
missed when the set was made. Nothing here scores the facts."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import shared_cache
from tests.test_heldout_facts import MEASURES, period_ok

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"
FIELDS = ("doc_sha256", "doc", "page", "line", "start", "end", "kind", "text", "currency", "low", "high")
MISSED = "build did not report"  # the note of an amount the build's money table did not report
PARTLY = "the build reported only"  # the note of an amount the build reports with another span


@dataclass(frozen=True)
class GoldSet:
    name: str
    sizes: tuple[int, int]  # the number of records, at least and at most
    documents: int
    missed: int  # records noted MISSED when the set was made (the README's count)
    # lines the project's tests already used when the set was made, which it must leave out
    used: tuple[tuple[str, frozenset[int]], ...] = ()
    # documents not committed in the set's docs/: the folder they are in and the files of it the set uses
    elsewhere: tuple[Path, tuple[str, ...]] | None = None

    @property
    def folder(self) -> Path:
        return GOLD / self.name


LYPFT = "LYPFT Annual-Report-and-Accounts-2024-25.md"
LTHT = "ltht-annual-report-2024-25.md"
REALDOCS = ROOT.parent / "shared" / "realdocs"
# LTHT lines the project's tests used when blind8 was made: Table 2 and note 17.4 (tests/data/ltht-accounts-
# cell-lines.md, -tables.md), the staff costs table, note 19, lines of tests/data/amount_lines.jsonl
LTHT_USED = frozenset({*range(4967, 5143), *range(18725, 18831), 19097, 18197, 19375, 19376, 19377})
LTHT_USED |= frozenset({*range(33865, 33986), *range(34001, 34034)})
SETS = (
    GoldSet(
        "heldout-facts-blind6", (250, 300), 5, 57, ((LYPFT, frozenset({*range(1, 19), 1917, 1918, 1919, 5347, 17277})),)
    ),
    GoldSet("heldout-facts-blind7", (200, 250), 3, 2),
    GoldSet(  # lines of tests/data's LTHT excerpts (SOURCES.md) and of tests/test_money.py, _table_cell_lines_pages.py
        "heldout-facts-blind9",
        (180, 260),
        1,
        0,
        (
            (
                "ltht-annual-report-2024-25.md",
                frozenset(
                    {
                        *range(4967, 5143),
                        *range(17283, 17601),
                        18197,
                        19097,
                        *range(31509, 31586),
                        *range(31857, 31978),
                        *range(32031, 32152),
                        *range(33865, 33986),
                        34033,
                        *range(34607, 34724),
                        *range(34865, 35080),
                        *range(35185, 35204),
                        *range(35395, 35560),
                        *range(35677, 35832),
                        *range(36181, 36571),
                    }
                ),
            ),
        ),
    ),
    GoldSet("heldout-facts-blind8", (180, 260), 1, 35, ((LTHT, LTHT_USED),), (REALDOCS, (LTHT,))),
)
by_name = pytest.mark.parametrize("gold", SETS, ids=[s.name for s in SETS])


def _records(gold: GoldSet) -> list[dict]:
    text = (gold.folder / "facts.jsonl").read_text(encoding="utf-8")
    return [json.loads(r) for r in text.splitlines() if r.strip()]


def _scope(folder: Path) -> list[dict]:
    return json.loads((folder / "scope.json").read_text(encoding="utf-8"))


def _documents(gold: GoldSet) -> dict[str, Path]:
    """The set's documents by file name: committed in its docs/ (SOURCES.md is about them, not one of them),
    or the files its `elsewhere` names (skipped where that folder is absent)."""
    if gold.elsewhere is None:
        return {p.name: p for p in sorted((gold.folder / "docs").iterdir()) if p.name != "SOURCES.md"}
    folder, names = gold.elsewhere
    if not folder.is_dir():
        pytest.skip(f"{gold.name}: its documents are in {folder}, which is absent here (they are not committed)")
    return {name: folder / name for name in names}


@by_name
def test_facts_are_well_formed_and_in_scope(gold: GoldSet) -> None:
    facts = _records(gold)
    assert gold.sizes[0] <= len(facts) <= gold.sizes[1]
    scopes = _scope(gold.folder)
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


@by_name
def test_records_locate_their_text_in_the_committed_documents(gold: GoldSet) -> None:
    """Each document is the file its SHA-256 names, and each record's text is its line at start:end."""
    documents = _documents(gold)
    sha = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in documents.items()}
    lines = {name: path.read_bytes().decode("utf-8").split("\n") for name, path in documents.items()}
    for s in _scope(gold.folder):
        assert sha[s["doc"]] == s["doc_sha256"], s
        assert 1 <= s["lines"][0] <= s["lines"][1] <= len(lines[s["doc"]]), s
        for doc, used in gold.used:
            assert s["doc"] != doc or not used & set(range(s["lines"][0], s["lines"][1] + 1)), s
    for f in _records(gold):
        assert sha[f["doc"]] == f["doc_sha256"], f
        assert lines[f["doc"]][f["line"] - 1][f["start"] : f["end"]] == f["text"], f


@by_name
def test_lines_are_no_other_golds(gold: GoldSet) -> None:
    """No other gold (tests/gold/*, ../shared/gold/dev) has a line of the set's ranges (a tuning gold may
    take other lines of its documents, as tests/gold/tuning-facts-boldacc does of blind6's)."""
    others = [s for d in sorted(GOLD.iterdir()) if d != gold.folder and (d / "scope.json").exists() for s in _scope(d)]
    dev = ROOT.parent / "shared" / "gold" / "dev" / "scope.json"
    if dev.exists():
        others += json.loads(dev.read_text(encoding="utf-8"))
    mine = _scope(gold.folder)

    def overlaps(s: dict) -> bool:
        same = [m for m in mine if s.get("doc_sha256") == m["doc_sha256"] or s["doc"] == m["doc"]]
        if "lines" not in s:
            return bool(same)
        a, b = s["lines"]
        return any(a <= m["lines"][1] and m["lines"][0] <= b for m in same)

    assert [s for s in others if overlaps(s)] == []


@pytest.fixture(scope="module", params=SETS, ids=[s.name for s in SETS])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[GoldSet, Path]:
    """A build of a set's committed documents (text files: no OCR), as its README tells the lead to make."""
    from pipeline.build import build
    from pipeline.extract import Context

    gold: GoldSet = request.param
    folder = tmp_path_factory.mktemp(gold.name)
    corpus = folder / "corpus"
    corpus.mkdir()
    for name, path in _documents(gold).items():
        shutil.copyfile(path, corpus / name)
    db = folder / "gold.db"
    report = build(corpus, db, Context(options={"cache": shared_cache()} if shared_cache() else {}))
    assert report.documents == gold.documents and report.ok, report.failed
    return gold, db


def test_amounts_are_money_rows_of_a_build(built: tuple[GoldSet, Path]) -> None:
    """Every amount not noted as missed is a money row of the build: the same span and value, or (noted)
    a row overlapping it; the set's count of missed amounts is its README's."""
    gold, db = built
    con = sqlite3.connect(db)
    rows: dict[tuple[str, int], list[tuple[int, int, float, float, str]]] = {}
    query = (
        "SELECT d.sha256, m.line, m.char_start, m.char_end, m.low, m.high, m.currency"
        " FROM money m JOIN documents d ON d.id = m.document_id"
    )
    for sha, line, start, end, low, high, currency in con.execute(query):
        rows.setdefault((sha, line), []).append((start, end, low, high, currency))
    con.close()
    facts = _records(gold)
    for f in facts:
        if MISSED in f["note"]:
            continue
        here = rows.get((f["doc_sha256"], f["line"]), [])
        if PARTLY in f["note"]:
            assert [r for r in here if r[0] < f["end"] and f["start"] < r[1]], f
        else:
            assert (f["start"], f["end"], f["low"], f["high"], f["currency"]) in here, f
    assert sum(MISSED in f["note"] for f in facts) == gold.missed
