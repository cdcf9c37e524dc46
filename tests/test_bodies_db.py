"""Bodies in the database: one canonical body per name, found from any of its aliases, across documents;
and the optional statistical NER path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import spacy
import sqlite_utils
import yaml

from pipeline import components
from pipeline.build import build
from pipeline.extract import Context
from pipeline.extract.bodies import COMPONENT as BODIES
from pipeline.extract.bodies.ner import NerModelError, load_ner
from pipeline.model import Document, Line

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
FILES = ("000_9697e79c8f4d460c.txt", "002_62097de39271b703.txt")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, build_cache: Path) -> sqlite_utils.Database:
    """A database built from two real documents of the corpus (the UNISON report and its web summary)."""
    corpus = tmp_path_factory.mktemp("corpus")
    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
    entries = [e for e in manifest["documents"] if e["file"] in FILES]
    (corpus / "manifest.yaml").write_text(yaml.safe_dump({"documents": entries}), encoding="utf-8")
    for f in FILES:
        shutil.copy(CORPUS / f, corpus / f)
    path = tmp_path_factory.mktemp("db") / "nhs.db"
    report = build(corpus, path, Context(options={"cache": str(build_cache)}))
    assert report.ok
    return sqlite_utils.Database(path)


def test_a_query_for_one_body_returns_the_mentions_of_all_its_aliases(db: sqlite_utils.Database) -> None:
    pah = db.execute("SELECT id FROM bodies WHERE ods_code = 'RQW'").fetchone()[0]
    texts = {r[0] for r in db.execute("SELECT text FROM body_mentions WHERE body_id = ?", [pah])}
    assert {"PAH", "Princess Alexandra Hospital", "Princess Alexandra Hospital Trust", "Princess Alexandra"} <= texts
    names = {r[0] for r in db.execute("SELECT DISTINCT name FROM body_mentions WHERE body_id = ?", [pah])}
    assert names == {"Princess Alexandra Hospital NHS Trust"}


def test_mentions_view_gives_canonical_name_and_type(db: sqlite_utils.Database) -> None:
    rows = list(db.query("SELECT text, name, type, line_text, char_start, char_end FROM mentions WHERE kind = 'body'"))
    assert rows
    assert all(r["line_text"][r["char_start"] : r["char_end"]] == r["text"] for r in rows)
    by_text = {r["text"]: (r["name"], r["type"]) for r in rows}
    assert by_text["CUHFT"] == ("Cambridge University Hospitals NHS Foundation Trust", "trust")


def test_bodies_are_corpus_wide_one_row_per_body_with_merged_aliases(db: sqlite_utils.Database) -> None:
    blmk = "bedfordshire-luton-and-milton-keynes-stp"
    docs = {r[0] for r in db.execute("SELECT DISTINCT document_id FROM body_mentions WHERE body_id = ?", [blmk])}
    assert len(docs) == 2  # both documents name the footprint
    assert db.execute("SELECT count(*) FROM bodies WHERE id = ?", [blmk]).fetchone()[0] == 1
    aliases = json.loads(db.execute("SELECT aliases FROM bodies WHERE id = ?", [blmk]).fetchone()[0])
    assert "BLMK" in aliases and "Bedfordshire, Luton and Milton Keynes (BLMK) STP" in aliases


def test_bodies_found_by_patterns_get_their_own_canonical_row(db: sqlite_utils.Database) -> None:
    row = db.execute("SELECT name, type, source FROM bodies WHERE id = 'broomfield-hospital'").fetchone()
    assert row == ("Broomfield Hospital", "trust", "pattern")


def test_every_mention_points_at_a_body(db: sqlite_utils.Database) -> None:
    orphans = db.execute(
        "SELECT count(*) FROM body_mentions m LEFT JOIN bodies b ON b.id = m.body_id WHERE b.id IS NULL"
    ).fetchone()[0]
    assert orphans == 0


# ---------------------------------------------------------------- optional statistical NER


@pytest.fixture(scope="module")
def tiny_pipeline(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny spaCy pipeline saved to disk, whose `ner` marks two names as ORG (nothing downloaded)."""
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("entity_ruler", name="ner")
    ner.add_patterns(  # type: ignore[attr-defined]
        [
            {"label": "ORG", "pattern": "Vicarage Lane"},  # a football ground: the rules do not know it
            {"label": "ORG", "pattern": "NHS England boss"},  # overlaps a gazetteer name: the rules win
            {"label": "PERSON", "pattern": "Simon Stevens"},  # not an ORG: ignored
        ]
    )
    path = tmp_path_factory.mktemp("model") / "tiny_ner"
    nlp.to_disk(path)
    return str(path)


def test_spacy_model_ner_adds_bodies_the_rules_miss_and_loses_conflicts(tiny_pipeline: str) -> None:
    lines = (CORPUS / FILES[0]).read_text(encoding="utf-8").split("\n")
    doc = Document("t.txt", "0" * 64, "text", {"date": "2018"}, [Line(1, lines[102]), Line(2, lines[580])])
    ctx = Context(options={"spacy_model": tiny_pipeline})
    found = {m.text: m.values for m in components.run(BODIES, doc, ctx.rules, options=ctx.options).mentions}
    assert found["Vicarage Lane"]["how"] == "ner" and found["Vicarage Lane"]["type"] == "other"
    assert found["NHS England"]["how"] == "gazetteer"
    assert "NHS England boss" not in found and "Simon Stevens" not in found
    without = {m.text for m in components.run(BODIES, doc, Context().rules).mentions}
    assert "Vicarage Lane" not in without


def test_spacy_model_that_cannot_be_loaded_says_why(tmp_path: Path) -> None:
    with pytest.raises(NerModelError, match="could not be loaded"):
        load_ner(str(tmp_path / "no-such-pipeline"))
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "no_ner")
    with pytest.raises(NerModelError, match="no `ner`"):
        load_ner(str(tmp_path / "no_ner"))
