"""Verdicts outlive rebuilds: attached again when nothing changed, re-anchored by their
TextQuoteSelector when the document changed, and kept as orphans when their item is gone."""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from pathlib import Path

import yaml
from click.testing import CliRunner

import tests.reviews_support as rs
from pipeline.cli import cli
from pipeline.reviews import anchor, audit, items, store

DOC = "000_9697e79c8f4d460c.txt"  # the UNISON report: repeated percentages, figures alone on a line, quotations


def target(db: Path, kind: str, item_id: str) -> store.Target:
    conn = sqlite3.connect(db)
    item = items.get_item(conn, kind, item_id)
    assert item is not None
    t = items.target(conn, item)
    conn.close()
    return t


def before(m: dict) -> str:
    """The words just before a mention: a twin with the same words before it is ambiguous by design."""
    return m["line_text"][max(0, m["char_start"] - 16) : m["char_start"]] + m["text"]


def mentions_of(db: Path, doc: str) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM mentions WHERE doc = ? AND kind = 'percent'", (doc,))]
    conn.close()
    return rows


def set_manifest_sha(corpus: Path, file: str) -> None:
    manifest = corpus / "manifest.yaml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    new = hashlib.sha256((corpus / file).read_bytes()).hexdigest()
    old = next(e["sha256"] for e in data["documents"] if e["file"] == file)
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def canned(nhs: Path, reviews: Path, name: str, **params: str) -> list[dict]:
    """Run a canned query of db/metadata.yaml as Datasette does, with reviews.db attached."""
    meta = yaml.safe_load((rs.ROOT / "db" / "metadata.yaml").read_text(encoding="utf-8"))
    sql = meta["databases"]["nhs"]["queries"][name]["sql"]
    conn = sqlite3.connect(nhs)
    conn.row_factory = sqlite3.Row
    conn.execute("ATTACH DATABASE ? AS reviews", (f"file:{reviews}?mode=ro",))
    rows = [dict(r) for r in conn.execute(sql, params)]
    conn.close()
    return rows


def test_an_unchanged_rebuild_attaches_every_verdict_as_recorded(tmp_path):
    db = rs.build_db(rs.CORPUS, tmp_path / "nhs.db")
    reviews = tmp_path / "reviews.db"
    conn = store.connect(reviews)
    picked = mentions_of(db, DOC)[:4]
    for m in picked:
        store.record(conn, store.make_verdict(target(db, "percent", m["id"]), "confirmed", "alice"))
    conn.close()
    out = rs.rebuild_cli(rs.CORPUS, db)
    assert "4 attached as recorded, 0 re-anchored, 0 orphaned" in out.stderr
    conn = store.connect(reviews)
    assert sorted(c["item_id"] for c in store.current(conn)) == sorted(m["id"] for m in picked)
    assert store.orphans(conn) == []


def test_edited_source_line_orphans_its_verdict_and_the_others_follow_the_text(tmp_path):
    corpus = rs.copy_corpus(tmp_path / "corpus")
    db = rs.build_db(corpus, tmp_path / "nhs.db")
    ms = mentions_of(db, DOC)
    texts = Counter(m["text"] for m in ms)
    per_line = Counter(m["line"] for m in ms)
    singles = [m for m in ms if texts[m["text"]] == 1 and per_line[m["line"]] == 1]
    twins = [
        m
        for m in ms
        if texts[m["text"]] > 1
        and per_line[m["line"]] == 1
        and not any(o is not m and before(o) == before(m) for o in ms)
    ]
    edited, kept, removed = singles[0], singles[-1], twins[0]
    assert len({edited["line"], kept["line"], removed["line"]}) == 3
    conn = sqlite3.connect(db)
    quote_id = conn.execute(
        "SELECT q.id FROM quotes q JOIN documents d ON d.id = q.document_id WHERE d.file = ? ORDER BY q.first_line",
        (DOC,),
    ).fetchone()[0]
    conn.close()
    reviews = tmp_path / "reviews.db"
    rc = store.connect(reviews)
    t_edit, t_kept, t_removed = (target(db, "percent", m["id"]) for m in (edited, kept, removed))
    t_quote = target(db, "quote", quote_id)
    store.record(rc, store.make_verdict(t_edit, "confirmed", "alice"))
    store.record(rc, store.make_verdict(t_kept, "wrong", "alice", correct="a different figure"))
    store.record(rc, store.make_verdict(t_removed, "unsure", "bob", note="which year?"))
    store.record(rc, store.make_verdict(t_quote, "confirmed", "bob"))
    rc.close()

    # Edit the source between builds: a new first line, the edited figure changed, one line deleted.
    path = corpus / DOC
    lines = path.read_text(encoding="utf-8").split("\n")
    line = lines[edited["line"] - 1]
    new_figure = "".join(str((int(c) + 1) % 10) if c.isdigit() else c for c in edited["text"])
    lines[edited["line"] - 1] = line[: edited["char_start"]] + new_figure + line[edited["char_end"] :]
    del lines[removed["line"] - 1]
    lines.insert(0, "Added at the top between builds.")
    path.write_text("\n".join(lines), encoding="utf-8")
    set_manifest_sha(corpus, DOC)

    out = rs.rebuild_cli(corpus, db)
    assert "orphaned" in out.stderr
    report = anchor.reanchor_files(db, reviews)
    assert report.same == 0 and report.reanchored == 2
    assert {t.target_key for t in report.orphaned} == {t_edit.target_key, t_removed.target_key}

    rc = store.connect(reviews)
    assert rs.verdict_count(reviews) == 4  # nothing dropped
    current = {c["item_kind"]: c for c in store.current(rc)}
    moved = current["percent"]
    assert moved["verdict"] == "wrong" and moved["anchor"] == "reanchored"
    now = target(db, "percent", moved["item_id"])
    assert now.exact == t_kept.exact and now.item_id != t_kept.item_id
    assert now.line == t_kept.line + (1 if kept["line"] < removed["line"] else 0)
    assert current["quote"]["anchor"] == "reanchored"
    assert target(db, "quote", current["quote"]["item_id"]).exact == t_quote.exact
    orphans = store.orphans(rc)
    assert sorted(o["exact"] for o in orphans) == sorted([edited["text"], removed["text"]])
    # the removed figure's twin elsewhere in the document did not take its verdict
    twin_ids = {m["id"] for m in mentions_of(db, DOC) if m["text"] == removed["text"]}
    assert not twin_ids & {c["item_id"] for c in store.current(rc)}

    r = CliRunner().invoke(cli, ["reviews", "orphans", "--reviews", str(reviews)])
    assert r.exit_code == 0 and "2 orphaned verdicts" in r.output and "which year?" not in r.output
    assert removed["text"] in r.output and edited["text"] in r.output

    changed = canned(db, reviews, "changed_since_last_review")
    assert Counter(c["change"] for c in changed) == {"orphaned: no longer in the build": 2, "document changed": 2}
    awaiting = canned(db, reviews, "awaiting_review", kind="percent")
    assert moved["item_id"] not in {a["audit"].rsplit("/", 1)[1] for a in awaiting}


def test_a_changed_value_is_reported_against_the_verdict(tmp_path):
    db = rs.build_db(rs.CORPUS, tmp_path / "nhs.db")
    m = mentions_of(db, DOC)[0]
    reviews = tmp_path / "reviews.db"
    rc = store.connect(reviews)
    store.record(rc, store.make_verdict(target(db, "percent", m["id"]), "confirmed", "alice"))
    with sqlite3.connect(db) as conn:  # as if the extractor now read the figure differently
        conn.execute("UPDATE percentages SET low = low * 10, high = high * 10 WHERE id = ?", (m["id"],))
    report = anchor.reanchor_files(db, reviews)
    assert report.same == 1
    change = rc.execute("SELECT changes FROM anchors").fetchone()[0]
    assert change == f"high: {m['high']} -> {m['high'] * 10}; low: {m['low']} -> {m['low'] * 10}"
    rows = canned(db, reviews, "changed_since_last_review")
    assert [r["change"] for r in rows] == ["values changed"]
    # reviewed again as it is now: no longer listed, and the first verdict is still in the history
    store.record(rc, store.make_verdict(target(db, "percent", m["id"]), "wrong", "bob", correct=m["text"]))
    anchor.reanchor_files(db, reviews)
    assert canned(db, reviews, "changed_since_last_review") == []
    assert [h["verdict"] for h in store.item_history(rc, "percent", m["id"])] == ["wrong", "confirmed"]


def test_choose_follows_the_context_not_the_first_match(tmp_path):
    """Each occurrence of a repeated figure is told apart by its own prefix and suffix."""
    db = rs.build_db(rs.CORPUS, tmp_path / "nhs.db")
    ms = mentions_of(db, DOC)
    text = Counter(m["text"] for m in ms).most_common(1)[0][0]
    twins = [target(db, "percent", m["id"]) for m in ms if m["text"] == text]
    other = next(target(db, "percent", m["id"]) for m in ms if m["text"] != text)
    assert len(twins) >= 2
    cands = [anchor.Candidate(t.target_key, t.prefix, t.suffix, t.line) for t in twins]
    for i, t in enumerate(twins):
        moved = store.Target(**{**t.__dict__, "target_key": "changed", "line": t.line + 5})
        got = anchor.choose(moved, cands)
        assert got is not None and got[0] == i
    stranger = store.Target(
        **{**twins[0].__dict__, "target_key": "changed", "prefix": other.prefix, "suffix": other.suffix}
    )
    assert anchor.choose(stranger, cands) is None


def test_an_edited_source_is_a_new_version_and_its_verdicts_follow_with_the_version_they_were_made_on(tmp_path):
    corpus = rs.small_corpus(tmp_path / "corpus", [DOC])
    db = rs.build_db(corpus, tmp_path / "nhs.db")
    old_sha = hashlib.sha256((corpus / DOC).read_bytes()).hexdigest()
    ms = mentions_of(db, DOC)
    texts = Counter(m["text"] for m in ms)
    m = next(m for m in ms if texts[m["text"]] == 1)
    reviews = tmp_path / "reviews.db"
    rc = store.connect(reviews)
    store.record(rc, store.make_verdict(target(db, "percent", m["id"]), "confirmed", "alice"))
    rc.close()

    # the file changes and the manifest is not updated: built as a new version, not dropped
    rs.insert_lines_at_top(corpus / DOC, ["A paragraph added above, after the review.", ""])
    new_sha = hashlib.sha256((corpus / DOC).read_bytes()).hexdigest()
    out = rs.rebuild_cli(corpus, db)
    assert "0 attached as recorded, 1 re-anchored, 0 orphaned" in out.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT sha256, status FROM documents WHERE file = ?", (DOC,)).fetchone() == (
            new_sha,
            "built_with_warnings",
        )
        [(reason, severity, message)] = conn.execute("SELECT reason, severity, message FROM problems").fetchall()
        assert (reason, severity) == ("sha_mismatch", "warning") and old_sha in message and new_sha in message
        conn.execute("ATTACH DATABASE ? AS reviews", (f"file:{reviews}?mode=ro",))
        followed = audit.follow(conn, "percent", m["id"])  # the id saved before the edit
    assert followed.why == "moved" and followed.item_id != m["id"]
    assert target(db, "percent", followed.item_id).line == m["line"] + 2

    rc = store.connect(reviews)
    [now] = store.current(rc)
    assert (now["item_id"], now["anchor"], now["verdict"]) == (followed.item_id, "reanchored", "confirmed")
    assert now["made_on_sha256"] == old_sha  # the version the verdict was made on
    [changed] = canned(db, reviews, "changed_since_last_review")
    assert changed["change"] == "document changed" and changed["reviewed_line"] == m["line"]
