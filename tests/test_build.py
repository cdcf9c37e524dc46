"""The build is robust: bad inputs are named and recorded while the rest builds, exit codes say
what happened, an interrupted build leaves the previous database intact, and a folder with no
manifest still builds."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
import yaml
from click.testing import CliRunner

from pipeline import components
from pipeline.build import build
from pipeline.cli import cli
from pipeline.extract import Context
from pipeline.model import Extraction
from pipeline.rules import RULES_DIR
from tests.conftest import CORPUS, ROOT, shared_cache

NEWS = "004_bd442f22357b032f.txt"  # 259 lines, with £ and curly quotes
SUMMARY = "002_62097de39271b703.txt"
HOMERTON = "homerton-university-hospital-nhsft-expenditure-over-threshold-2020-04.pdf"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_corpus(folder: Path, files: dict[str, bytes | None], shas: dict[str, str] | None = None) -> Path:
    """A corpus folder with a manifest listing `files` (None: listed but absent)."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for name, data in files.items():
        if data is not None:
            (folder / name).write_bytes(data)
        row = {"file": name, "title": name, "kind": "report"}
        if shas and name in shas:
            row["sha256"] = shas[name]
        docs.append(row)
    (folder / "manifest.yaml").write_text(yaml.safe_dump({"documents": docs}), encoding="utf-8")
    return folder


def run(corpus: Path, db: Path, *extra: str):
    return CliRunner().invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db), "--jobs", "1", *extra])


def good() -> dict[str, bytes]:
    return {"news.txt": (CORPUS / NEWS).read_bytes(), "summary.txt": (CORPUS / SUMMARY).read_bytes()}


def test_all_built_exits_0(tmp_path):
    corpus = make_corpus(tmp_path / "c", good())
    result = run(corpus, tmp_path / "x.db")
    assert result.exit_code == 0, result.output
    assert "2 documents (0 failed)" in result.output


def bad_inputs() -> dict[str, tuple[bytes | None, str | None, str]]:
    """file -> (bytes or None, sha256 for the manifest, expected reason)."""
    return {
        "missing.txt": (None, None, "missing"),
        "empty.txt": (b"", None, "empty"),
        "really-a-pdf.txt": ((CORPUS / HOMERTON).read_bytes(), None, "binary"),
    }


@pytest.mark.parametrize("bad", sorted(bad_inputs()))
def test_a_bad_input_is_named_once_recorded_and_the_others_still_build(tmp_path, bad):
    data, expected_sha, reason = bad_inputs()[bad]
    files = {**good(), bad: data}
    corpus = make_corpus(tmp_path / "c", files, {bad: expected_sha} if expected_sha else None)
    db_path = tmp_path / "x.db"
    result = run(corpus, db_path, "--quiet")
    assert result.exit_code == 1, result.output
    mentioning = [line for line in result.output.splitlines() if bad in line]
    assert len(mentioning) == 1, result.output  # one clear message naming the file ...
    assert f"[{reason}]" in mentioning[0]
    db = sqlite_utils.Database(db_path)
    [problem] = list(db["problems"].rows)  # ... recorded in the database
    assert (problem["file"], problem["reason"], problem["severity"]) == (bad, reason, "error")
    status = {r["file"]: r["status"] for r in db["documents"].rows}
    assert status == {"news.txt": "built", "summary.txt": "built", bad: "failed"}
    assert db.execute("SELECT count(*) FROM lines").fetchone()[0] == 259 + 16


def test_an_edited_source_is_built_as_a_new_version_with_the_change_listed(tmp_path):
    """A file whose bytes no longer match the manifest is a new version of the document: built, not dropped."""
    text = (CORPUS / NEWS).read_text(encoding="utf-8")
    assert "£4.5 billion" in text
    edited = text.replace("£4.5 billion", "£5.4 billion").encode("utf-8")
    old_sha, new_sha = sha(CORPUS / NEWS), hashlib.sha256(edited).hexdigest()
    corpus = make_corpus(tmp_path / "c", {**good(), "news.txt": edited}, {"news.txt": old_sha})
    db_path = tmp_path / "x.db"
    result = run(corpus, db_path, "--quiet")
    assert result.exit_code == 0, result.output  # built: a warning, not a failure
    [said] = [line for line in result.output.splitlines() if "news.txt" in line]
    assert "[sha_mismatch]" in said and old_sha in said and new_sha in said
    db = sqlite_utils.Database(db_path)
    [problem] = list(db["problems"].rows)
    assert (problem["file"], problem["reason"], problem["severity"]) == ("news.txt", "sha_mismatch", "warning")
    assert old_sha in problem["message"] and new_sha in problem["message"]
    doc = next(db["documents"].rows_where("file = ?", ["news.txt"]))
    assert (doc["status"], doc["sha256"]) == ("built_with_warnings", new_sha)
    amounts = [r[0] for r in db.execute("SELECT text FROM money WHERE document_id = ?", [doc["id"]]).fetchall()]
    assert "£5.4 billion" in amounts and "£4.5 billion" not in amounts  # the new version's figures


def test_windows_1252_is_decoded_with_a_warning_naming_the_encoding_the_file_and_the_line(tmp_path):
    text = (CORPUS / NEWS).read_text(encoding="utf-8")
    data = text.encode("cp1252", errors="replace")
    corpus = make_corpus(tmp_path / "c", {"windows-1252.txt": data})
    result = run(corpus, tmp_path / "x.db")
    assert result.exit_code == 0, result.output
    lines = text.split("\n")
    first = next(i for i, t in enumerate(lines) if t != t.encode("ascii", errors="ignore").decode())
    assert f"[encoding] windows-1252.txt: not UTF-8 (line {first + 1}" in result.output
    assert "decoded as Windows-1252" in result.output and "iconv" in result.output
    stored = [r["text"] for r in sqlite_utils.Database(tmp_path / "x.db").query("SELECT text FROM lines ORDER BY id")]
    assert stored == data.decode("cp1252").split("\n")  # the stored lines are the decoded text


def test_a_broken_manifest_exits_2_and_leaves_the_database_alone(tmp_path):
    corpus = make_corpus(tmp_path / "c", good())
    db_path = tmp_path / "x.db"
    assert run(corpus, db_path).exit_code == 0
    before = db_path.read_bytes()
    (corpus / "manifest.yaml").write_text("documents:\n  - file: news.txt\n    title: [unclosed\n", encoding="utf-8")
    result = run(corpus, db_path)
    assert result.exit_code == 2
    assert "manifest.yaml" in result.output and "not valid YAML" in result.output
    assert db_path.read_bytes() == before


def test_a_broken_rule_file_exits_2_naming_file_and_entry(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    data = yaml.safe_load((rules / "percent.yaml").read_text(encoding="utf-8"))
    data["patterns"][0]["pattern"] = "(?P<low>[0-9"
    (rules / "percent.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    corpus = make_corpus(tmp_path / "c", good())
    result = run(corpus, tmp_path / "x.db", "--rules", str(rules))
    assert result.exit_code == 2
    assert "percent.yaml, entry patterns[0] (range): field `pattern`: pattern does not compile" in result.output
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_interrupted_build_leaves_the_previous_database_intact(tmp_path, monkeypatch, jobs):
    corpus = make_corpus(tmp_path / "c", {**good(), "third.txt": (CORPUS / "003_4bd6cd02c4d551ad.txt").read_bytes()})
    db_path = tmp_path / "x.db"
    ctx = Context(options={"cache": None})
    build(corpus, db_path, ctx)
    before = db_path.read_bytes()

    def interrupted(doc, lines, rules, earlier, options):
        if doc.path == "summary.txt":
            raise KeyboardInterrupt
        return Extraction()

    components.register(components.Component("interrupted", load_rules=lambda rules_dir: None, extract=interrupted))
    try:
        with pytest.raises(KeyboardInterrupt):
            build(corpus, db_path, ctx, jobs=jobs)
    finally:
        components.unregister("interrupted")
    assert db_path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".x.db")] == []


@pytest.mark.slow
def test_a_killed_build_leaves_the_previous_database_intact(tmp_path):
    corpus = make_corpus(tmp_path / "c", good())
    db_path = tmp_path / "x.db"
    assert run(corpus, db_path).exit_code == 0
    before = db_path.read_bytes()
    for name in ("nhs-north-central-london-ccg-payments-over-30k-2021-03.pdf", HOMERTON):
        shutil.copy(CORPUS / name, corpus / name)  # unlisted: inferred, and slow enough to kill
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "pipeline", "build", "--corpus", str(corpus), "--db", str(db_path)]
    proc = subprocess.Popen([*cmd, "--no-cache", "--jobs", "1", "-q"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".x.db.building-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(tmp_path.glob(".x.db.building-*")), "the build never started writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert db_path.read_bytes() == before
    # the next build removes the killed build's temporary file and completes (PDFs from the session's cache)
    cache = ["--cache", shared] if (shared := shared_cache()) else []
    assert subprocess.run([*cmd, "--jobs", "1", "-q", *cache], cwd=ROOT, env=env, capture_output=True).returncode == 0
    assert not list(tmp_path.glob(".x.db.building-*"))
    assert len(list(sqlite_utils.Database(db_path)["documents"].rows)) == 4


def test_a_folder_without_manifest_infers_entries_and_says_so(tmp_path):
    folder = tmp_path / "my papers"
    folder.mkdir()
    shutil.copy(CORPUS / NEWS, folder / "kings-fund-news.txt")
    shutil.copy(ROOT / "tests/data/hardpdfs/rotated270-german-gazette-issue-1054.pdf", folder / "gazette.pdf")
    db_path = tmp_path / "x.db"
    result = run(folder, db_path)
    assert result.exit_code == 0, result.output
    assert "no manifest.yaml" in result.output
    assert "Note: kings-fund-news.txt has no manifest entry" in result.output
    docs = {r["file"]: r for r in sqlite_utils.Database(db_path)["documents"].rows}
    assert docs["kings-fund-news.txt"]["title"] == "kings fund news"
    assert docs["kings-fund-news.txt"]["inferred"] == 1
    assert docs["gazette.pdf"]["title"] == "Gemeinsames Ministerialblatt Nr. 52 vom 29. Oktober 2008"
    assert docs["gazette.pdf"]["date"] == "2023-12-07"
    assert docs["gazette.pdf"]["media_type"] == "pdf" and docs["gazette.pdf"]["page_count"] == 1


def test_pdf_mentions_carry_page_and_a_box_inside_their_line(built_db):
    db = sqlite_utils.Database(built_db)
    rows = list(
        db.query(
            "SELECT m.page, m.x0, m.top, m.x1, m.bottom, l.page AS l_page, l.x0 AS lx0, l.top AS ltop, "
            "l.x1 AS lx1, l.bottom AS lbottom, m.char_start, m.char_end, m.text, l.text AS line_text "
            "FROM percentages m JOIN lines l ON l.id = m.line_id JOIN documents d ON d.id = m.document_id "
            "WHERE d.media_type = 'pdf'"
        )
    )
    assert len(rows) >= 10
    for r in rows:
        assert r["page"] == r["l_page"] and r["page"] is not None
        assert r["line_text"][r["char_start"] : r["char_end"]] == r["text"]
        assert r["lx0"] - 0.01 <= r["x0"] < r["x1"] <= r["lx1"] + 0.01
        assert r["ltop"] - 0.01 <= r["top"] < r["bottom"] <= r["lbottom"] + 0.01
    pages = {r["doc"]: r["page"] for r in db.query("SELECT doc, page FROM mentions")}
    assert any(p is None for p in pages.values()) and any(p is not None for p in pages.values())


def test_the_same_file_twice_is_built_once_and_the_copy_reported(tmp_path):
    corpus = make_corpus(tmp_path / "c", {**good(), "news-copy.txt": (CORPUS / NEWS).read_bytes()})
    db_path = tmp_path / "x.db"
    result = run(corpus, db_path, "--quiet")
    assert result.exit_code == 1
    assert "[duplicate] news-copy.txt: the same file as news.txt" in result.output
    db = sqlite_utils.Database(db_path)
    status = {r["file"]: r["status"] for r in db["documents"].rows}
    assert status == {"news.txt": "built", "summary.txt": "built", "news-copy.txt": "failed"}
    assert db.execute("SELECT count(*) FROM percentages").fetchone()[0] == 3
