"""Where the documents disagree, end to end: the two-document corpus of tests/data/discrepancies
built with the facts extractor, and reviewers' verdicts on facts across rebuilds."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml

import tests.reviews_support as rs
from pipeline.reviews import anchor, items, store
from pipeline.reviews.facts import FACT, CorrectionError, correction, parse_correction

DATA = rs.ROOT / "tests" / "data" / "discrepancies"
BOARD = "pah-finance-report-2018-05.txt"
BRIEFING = "west-essex-stp-update-2018-06.txt"


def corpus_of(dest: Path, files: tuple[str, ...] = (BOARD, BRIEFING)) -> Path:
    dest.mkdir(parents=True)
    manifest = yaml.safe_load((DATA / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["documents"] = [e for e in manifest["documents"] if e["file"] in files]
    (dest / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    for f in files:
        shutil.copyfile(DATA / f, dest / f)
    return dest


def query(db: Path, sql: str, params: tuple = ()) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def two_documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("disagree")
    return rs.build_db(corpus_of(root / "corpus"), root / "nhs.db")


def test_two_documents_with_different_deficits_for_one_trust_and_year_give_one_discrepancy(two_documents):
    found = query(two_documents, "SELECT * FROM discrepancies")
    assert len(found) == 1, found
    d = found[0]
    assert (d["measure"], d["period"], d["documents"], d["claims"]) == ("deficit", "2017/18", 2, 2)
    assert "Princess Alexandra" in d["subject"]
    facts = query(two_documents, "SELECT * FROM discrepancy_review ORDER BY seq")
    # the board paper's figure and its pull-quote are one claim; the briefing's is the other
    assert [(f["doc"], f["amount"], f["claim"]) for f in facts] == [
        (BOARD, "£32.6m", 1),
        (BOARD, "£32.6m", 1),
        (BRIEFING, "£34.2m", 2),
    ]
    assert [f["line"] for f in facts] == [7, 10, 6]
    for f in facts:  # provenance: the line sliced at the fact's offsets is its text
        line = query(two_documents, "SELECT char_start, char_end FROM facts WHERE id = ?", (f["fact_id"],))[0]
        assert f["line_text"][line["char_start"] : line["char_end"]] == f["amount"]
    assert json.loads(d["fact_ids"]) == [f["fact_id"] for f in facts]
    assert d["rule"] == "discrepancies/v1"


def test_the_ccgs_42m_beside_42_1m_and_repeated_are_no_discrepancy(two_documents):
    ccg = query(
        two_documents,
        "SELECT text, doc FROM facts WHERE measure = 'deficit' AND period = '2017/18' AND subject LIKE '%West Essex%'",
    )
    assert sorted(f["text"] for f in ccg) == ["£42.1m", "£42m", "£42m"]  # the facts are there ...
    assert query(two_documents, "SELECT * FROM discrepancies WHERE subject LIKE '%West Essex%'") == []  # ... and agree


def test_one_document_that_repeats_its_figure_gives_none(tmp_path):
    db = rs.build_db(corpus_of(tmp_path / "corpus", (BOARD,)), tmp_path / "nhs.db")
    assert query(db, "SELECT count(*) AS n FROM facts WHERE text = '£32.6m'")[0]["n"] == 2
    assert query(db, "SELECT * FROM discrepancies") == []


def fact_target(db: Path, fact_id: str) -> store.Target:
    conn = sqlite3.connect(db)
    item = items.get_item(conn, FACT, fact_id)
    assert item is not None
    t = items.target(conn, item)
    conn.close()
    return t


def set_manifest_sha(corpus: Path, file: str) -> None:
    import hashlib

    manifest = corpus / "manifest.yaml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    for e in data["documents"]:
        if e["file"] == file:
            e["sha256"] = hashlib.sha256((corpus / file).read_bytes()).hexdigest()
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_verdict_on_a_fact_survives_a_rebuild_and_is_reanchored_after_an_edit(tmp_path):
    corpus = corpus_of(tmp_path / "corpus")
    db = rs.build_db(corpus, tmp_path / "nhs.db")
    fact = query(db, "SELECT * FROM facts WHERE doc = ? AND text = '£34.2m'", (BRIEFING,))[0]
    t = fact_target(db, fact["id"])
    assert t.item_kind == FACT and t.recorded_values["measure"] == "deficit"
    reviews = tmp_path / "reviews.db"
    rc = store.connect(reviews)
    fix = correction(None, None, "2016/17")
    store.record(rc, store.make_verdict(t, "wrong", "alice", correct=fix, note="the briefing means the year before"))
    rc.close()

    out = rs.rebuild_cli(corpus, db)  # nothing changed: attached as recorded
    assert "1 attached as recorded, 0 re-anchored, 0 orphaned" in out.stderr
    assert "1 group of facts disagrees (same body, measure and year" in out.stderr

    # an edit elsewhere in the document: two lines added above the fact
    path = corpus / BRIEFING
    path.write_text("DRAFT - for discussion\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    set_manifest_sha(corpus, BRIEFING)
    rs.rebuild_cli(corpus, db)
    report = anchor.reanchor_files(db, reviews)
    assert (report.same, report.reanchored, report.orphaned) == (0, 1, [])
    rc = store.connect(reviews)
    [current] = store.current(rc)
    assert current["item_kind"] == FACT and current["anchor"] == "reanchored"
    assert current["line"] == fact["line"] + 2 and current["item_id"] != fact["id"]
    now = query(db, "SELECT * FROM facts WHERE id = ?", (current["item_id"],))[0]
    assert now["text"] == "£34.2m" and now["doc"] == BRIEFING
    assert parse_correction(current["correct"]) == {"period": "2016/17"}
    rc.close()


def test_a_correction_names_only_what_is_wrong_and_is_checked():
    assert correction("Princess Alexandra Hospital NHS Trust", "surplus", None) == (
        "subject: Princess Alexandra Hospital NHS Trust; measure: surplus"
    )
    assert correction("none", None, "None") == "subject: none; period: none"
    assert correction(None, None, None) is None
    assert parse_correction("measure: control_total; period: 2018/19") == {
        "measure": "control_total",
        "period": "2018/19",
    }
    with pytest.raises(CorrectionError, match="measure must be one of"):
        correction(None, "overspend", None)
    with pytest.raises(CorrectionError, match="2017/18, 2016/17-2020/21"):
        correction(None, None, "2017-18")


def test_a_fact_whose_measure_changed_after_its_verdict_is_listed_as_changed(two_documents, tmp_path):
    db = tmp_path / "nhs.db"
    shutil.copyfile(two_documents, db)
    fact = query(db, "SELECT * FROM facts WHERE doc = ? AND text = '£9.5m'", (BRIEFING,))[0]
    reviews = tmp_path / "reviews.db"
    rc = store.connect(reviews)
    store.record(rc, store.make_verdict(fact_target(db, fact["id"]), "confirmed", "bob"))
    rc.close()
    new = "control_total" if fact["measure"] != "control_total" else "deficit"
    with sqlite3.connect(db) as conn:  # as if a later extractor read `its control total ... is a deficit` anew
        conn.execute("UPDATE money_facts SET measure = ? WHERE money_id = ?", (new, fact["id"]))
    report = anchor.reanchor_files(db, reviews)
    assert report.same == 1
    meta = yaml.safe_load((rs.ROOT / "db" / "metadata.yaml").read_text(encoding="utf-8"))
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    conn.execute("ATTACH DATABASE ? AS reviews", (f"file:{reviews}?mode=ro",))
    changed = [dict(r) for r in conn.execute(meta["databases"]["nhs"]["queries"]["changed_since_last_review"]["sql"])]
    conn.close()
    assert [(c["kind"], c["change"], c["changes"]) for c in changed] == [
        ("fact", "values changed", f"measure: {fact['measure']} -> {new}")
    ]
