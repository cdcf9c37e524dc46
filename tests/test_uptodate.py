"""A rebuild with nothing changed keeps the database (pipeline/uptodate.py); any change rebuilds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import sqlite_utils
import yaml
from click.testing import CliRunner

from pipeline.build import build
from pipeline.cli import cli
from pipeline.extract import Context
from tests.conftest import CORPUS

FILES = ("004_bd442f22357b032f.txt", "002_62097de39271b703.txt")


def small_corpus(folder: Path) -> Path:
    folder.mkdir()
    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
    entries = [e for e in manifest["documents"] if e["file"] in FILES]
    (folder / "manifest.yaml").write_text(yaml.safe_dump({"documents": entries}), encoding="utf-8")
    for f in FILES:
        shutil.copy(CORPUS / f, folder / f)
    return folder


def rows(db: Path) -> dict[str, list[dict]]:
    d = sqlite_utils.Database(db)
    return {t: list(d[t].rows) for t in ("documents", "lines", "money", "percentages", "body_mentions")}


def test_nothing_changed_keeps_the_database_and_any_change_rebuilds_it(tmp_path, build_cache):
    corpus = small_corpus(tmp_path / "c")
    db = tmp_path / "nhs.db"
    ctx = Context(options={"cache": str(build_cache)})
    first = build(corpus, db, ctx)
    assert not first.unchanged and first.documents == 2
    written = db.stat().st_mtime_ns
    before = rows(db)

    again = build(corpus, db, ctx)
    assert again.unchanged and db.stat().st_mtime_ns == written
    assert (again.documents, again.mentions, again.failed) == (first.documents, first.mentions, first.failed)
    assert (again.parsed, again.extracted) == (0, 0)

    # the database touched since it was written: written afresh, the same rows
    os.utime(db, ns=(written, written + 1_000_000_000))
    touched = build(corpus, db, ctx)
    assert not touched.unchanged and rows(db) == before

    # a changed manifest entry: rebuilt with the new title
    manifest = yaml.safe_load((corpus / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["documents"][0]["title"] = "A new title"
    (corpus / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    retitled = build(corpus, db, ctx)
    assert not retitled.unchanged
    titles = {r["file"]: r["title"] for r in sqlite_utils.Database(db)["documents"].rows}
    assert titles[manifest["documents"][0]["file"]] == "A new title"

    # a changed document: rebuilt with its new line
    path = corpus / FILES[1]
    path.write_text(path.read_text(encoding="utf-8") + "\nA deficit of £7.5m was added.", encoding="utf-8")
    for entry in manifest["documents"]:
        if entry["file"] == FILES[1]:
            entry.pop("sha256", None)
    (corpus / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    edited = build(corpus, db, ctx)
    assert not edited.unchanged and edited.extracted == 1
    money = [r["text"] for r in sqlite_utils.Database(db)["money"].rows]
    assert "£7.5m" in money

    # another database path: its own build
    assert not build(corpus, tmp_path / "other.db", ctx).unchanged


def test_the_command_line_says_the_database_is_up_to_date(tmp_path, build_cache):
    corpus = small_corpus(tmp_path / "c")
    args = ["build", "--corpus", str(corpus), "--db", str(tmp_path / "x.db"), "--cache", str(build_cache), "-j", "1"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "Built " in first.output
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "Unchanged: " in again.output and "is up to date (2 documents, 0 failed" in again.output
