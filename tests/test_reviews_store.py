"""The reviews store: append-only history, validation, concurrent reviewers, export -> import."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

import tests.reviews_support as rs
from pipeline.cli import cli
from pipeline.reviews import anchor, items, store
from pipeline.reviews.store import ReviewError


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("built")
    db = rs.build_db(rs.CORPUS, d / "nhs.db")
    assert sqlite_utils.Database(db)["quotes"].count > 0
    return db


def targets_of(db: Path, kind: str, n: int) -> list[store.Target]:
    conn = sqlite3.connect(db)
    if kind == "quote":
        ids = [r[0] for r in conn.execute("SELECT id FROM quotes ORDER BY document_id, first_line LIMIT ?", (n,))]
    else:
        sql = "SELECT id FROM mentions WHERE kind = ? ORDER BY document_id, line, char_start LIMIT ?"
        ids = [r[0] for r in conn.execute(sql, (kind, n))]
    out = []
    for i in ids:
        item = items.get_item(conn, kind, i)
        assert item is not None
        out.append(items.target(conn, item))
    conn.close()
    return out


def test_mention_target_key_is_its_mention_id(built):
    for t in targets_of(built, "percent", 10):
        assert t.target_key == t.item_id
        assert t.exact and t.exact in json.dumps(t.exact)


def test_selector_is_the_document_text_around_the_item(built):
    conn = sqlite3.connect(built)
    t = targets_of(built, "percent", 1)[0]
    line = conn.execute(
        "SELECT l.text FROM lines l JOIN documents d ON d.id = l.document_id WHERE d.file = ? AND l.line = ?",
        (t.doc, t.line),
    ).fetchone()[0]
    assert line[t.char_start : t.char_end] == t.exact
    assert line[: t.char_start].endswith(t.prefix.split("\n")[-1])
    assert line[t.char_end :].startswith(t.suffix.split("\n")[0])
    assert len(t.prefix) <= items.CONTEXT_CHARS and len(t.suffix) <= items.CONTEXT_CHARS


def test_a_later_verdict_supersedes_and_the_history_is_kept(built, tmp_path):
    reviews = store.connect(tmp_path / "reviews.db")
    t = targets_of(built, "percent", 1)[0]
    store.record(reviews, store.make_verdict(t, "unsure", "alice", note="check the table"))
    store.record(reviews, store.make_verdict(t, "wrong", "bob", correct="4.5%"))
    store.record(reviews, store.make_verdict(t, "confirmed", "alice"))
    nhs = sqlite3.connect(built)
    anchor.reanchor(nhs, reviews)
    history = store.item_history(reviews, t.item_kind, t.item_id)
    assert [h["verdict"] for h in history] == ["confirmed", "wrong", "unsure"]
    current = store.current(reviews)
    assert len(current) == 1 and current[0]["verdict"] == "confirmed" and current[0]["verdicts_on_item"] == 3
    with pytest.raises(sqlite3.IntegrityError, match="never changed"):
        reviews.execute("UPDATE verdicts SET verdict = 'wrong'")
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        reviews.execute("DELETE FROM verdicts")
    assert rs.verdict_count(tmp_path / "reviews.db") == 3


def test_bad_verdicts_are_refused_with_the_reason(built, tmp_path):
    t = targets_of(built, "percent", 1)[0]
    with pytest.raises(ReviewError, match="correct text or value"):
        store.make_verdict(t, "wrong", "alice")
    with pytest.raises(ReviewError, match="one of confirmed, wrong, unsure"):
        store.make_verdict(t, "fine", "alice")
    with pytest.raises(ReviewError, match="reviewer is missing"):
        store.make_verdict(t, "confirmed", "  ")
    reviews = store.connect(tmp_path / "reviews.db")
    with pytest.raises(sqlite3.IntegrityError):  # the table refuses it too, whoever writes
        reviews.execute(
            "INSERT INTO verdicts (uid, target_key, item_kind, item_id, doc, doc_sha256, line, char_start, char_end,"
            " exact, prefix, suffix, verdict, reviewer, created) VALUES ('u', 'k', 'percent', 'i', 'd', 's', 1, 0, 1,"
            " 'x', '', '', 'wrong', 'alice', '2025-01-01T00:00:00+00:00')"
        )


def _record_many(args: tuple[str, str, list[dict], int]) -> list[str]:
    path, reviewer, target_rows, rounds = args
    uids = []
    conn = store.connect(Path(path))
    for i in range(rounds):
        for row in target_rows:
            t = store.target_from_row(row)
            v = store.make_verdict(t, ("confirmed", "unsure")[i % 2], reviewer, note=f"round {i}")
            uids.append(store.record(conn, v))
    conn.close()
    return uids


def test_two_reviewers_writing_at_once_lose_nothing(built, tmp_path):
    """Two processes record verdicts on the same items at the same time, while a third re-anchors."""
    path = tmp_path / "reviews.db"
    store.connect(path).close()
    rows = [{**t.__dict__, "recorded_values": json.dumps(t.recorded_values)} for t in targets_of(built, "percent", 5)]
    rounds = 30
    stop = threading.Event()
    anchored = []

    def reanchor_loop() -> None:  # as a build finishing while reviewers work
        while True:
            anchored.append(anchor.reanchor_files(built, path).targets)
            if stop.wait(0.02):
                break

    t = threading.Thread(target=reanchor_loop)
    t.start()
    try:
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            jobs = [(str(path), "alice", rows, rounds), (str(path), "bob", rows, rounds)]
            results = pool.map(_record_many, jobs)
    finally:
        stop.set()
        t.join()
    all_uids = results[0] + results[1]
    assert len(set(all_uids)) == len(all_uids) == 2 * rounds * len(rows)
    conn = store.connect(path)
    assert {r["uid"] for r in store.export_rows(conn)} == set(all_uids)
    per_reviewer = dict(conn.execute("SELECT reviewer, count(*) FROM verdicts GROUP BY reviewer").fetchall())
    assert per_reviewer == {"alice": rounds * len(rows), "bob": rounds * len(rows)}
    anchor.reanchor_files(built, path)
    current = store.current(conn)
    assert len(current) == len(rows)  # one verdict in force per item: the latest of its 60
    for c in current:
        latest = conn.execute(
            "SELECT max(created) FROM verdicts WHERE target_key = (SELECT target_key FROM anchors WHERE item_id = ?)",
            (c["item_id"],),
        ).fetchone()[0]
        assert c["created"] == latest
    assert anchored, "the re-anchoring thread ran alongside the writers"


# --- export -> import ----------------------------------------------------------------------------


def _seed(built: Path, path: Path, reviewer: str, n: int, offset: int = 0) -> None:
    conn = store.connect(path)
    ts = targets_of(built, "percent", offset + n)[offset:] + targets_of(built, "quote", 2)
    for i, t in enumerate(ts):
        kind = ("confirmed", "wrong", "unsure")[i % 3]
        correct = "£1.2bn, not “1.2%”" if kind == "wrong" else None
        note = f"{reviewer}: line one,\nline two; «quoted», tab\there" if i % 2 else None
        store.record(conn, store.make_verdict(t, kind, reviewer, correct=correct, note=note))
    conn.close()


def _rows(path: Path) -> list[dict]:
    conn = store.connect(path)
    out = store.export_rows(conn)
    conn.close()
    return out


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_export_import_round_trip_loses_and_duplicates_nothing(built, tmp_path, suffix):
    a = tmp_path / "a.db"
    _seed(built, a, "alice", 6)
    out = tmp_path / f"alice{suffix}"
    runner = CliRunner()
    r = runner.invoke(cli, ["reviews", "export", "--reviews", str(a), "-o", str(out)])
    assert r.exit_code == 0, r.output
    b = tmp_path / "b.db"
    r = runner.invoke(cli, ["reviews", "import", str(out), "--reviews", str(b), "--db", str(built)])
    assert r.exit_code == 0, r.output
    assert "8 verdicts, 8 added, 0 already present" in r.output
    assert _rows(b) == _rows(a)
    r = runner.invoke(cli, ["reviews", "import", str(out), "--reviews", str(b), "--db", str(built)])
    assert "8 verdicts, 0 added, 8 already present" in r.output
    assert _rows(b) == _rows(a)
    assert "8 attached as recorded" in r.output  # imported verdicts are attached to the build


def test_merging_two_reviewers_files(built, tmp_path):
    runner = CliRunner()
    a, b, merged = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "merged.db"
    _seed(built, a, "alice", 4)
    _seed(built, b, "bob", 4, offset=2)  # overlapping items, different reviewer
    fa, fb = tmp_path / "alice.jsonl", tmp_path / "bob.csv"
    runner.invoke(cli, ["reviews", "export", "--reviews", str(a), "-o", str(fa)])
    r = runner.invoke(cli, ["reviews", "import", str(fa), "--reviews", str(b), "--db", str(built)])  # bob has alice's
    assert r.exit_code == 0, r.output
    runner.invoke(cli, ["reviews", "export", "--reviews", str(b), "-o", str(fb)])
    r = runner.invoke(cli, ["reviews", "import", str(fa), str(fb), "--reviews", str(merged), "--db", str(built)])
    assert r.exit_code == 0, r.output
    want = {r["uid"] for r in _rows(a)} | {r["uid"] for r in _rows(b)}
    got = [r["uid"] for r in _rows(merged)]
    assert len(got) == len(set(got)) == len(want) and set(got) == want


def test_a_bad_row_refuses_the_whole_file_and_says_where(built, tmp_path):
    a = tmp_path / "a.db"
    _seed(built, a, "alice", 3)
    runner = CliRunner()
    out = tmp_path / "alice.jsonl"
    runner.invoke(cli, ["reviews", "export", "--reviews", str(a), "-o", str(out)])
    lines = out.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[2])
    row["verdict"] = "maybe"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([*lines[:2], json.dumps(row), *lines[3:]]) + "\n", encoding="utf-8")
    target = tmp_path / "target.db"
    r = runner.invoke(cli, ["reviews", "import", str(bad), "--reviews", str(target), "--db", str(built)])
    assert r.exit_code == 2
    assert f"{bad}, line 3: verdict must be one of confirmed, wrong, unsure" in r.output
    assert "Nothing was imported" in r.output
    assert rs.verdict_count(target) == 0
    row = json.loads(lines[1])
    row["note"] = "changed after export"
    edited = tmp_path / "edited.jsonl"
    edited.write_text(json.dumps(row) + "\n", encoding="utf-8")
    r = runner.invoke(cli, ["reviews", "import", str(edited), "--reviews", str(target), "--db", str(built)])
    assert r.exit_code == 2 and "line 1: uid" in r.output and "edited" in r.output
