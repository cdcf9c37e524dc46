"""The extraction's version kept in the cache folder (pipeline/extraction_stamp.py): the same as the
registry's, computed afresh when a rule file or the package's source changes, never kept with a
registered component, and a build with nothing to do imports no extractor."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import components, extraction_stamp
from pipeline.build import build
from pipeline.extract import Context
from pipeline.rules import RULES_DIR
from tests.components import staff
from tests.conftest import ROOT
from tests.test_uptodate import small_corpus


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def test_the_kept_version_is_the_registrys_and_a_rule_edit_computes_it_again(tmp_path, rules, monkeypatch):
    cache = str(tmp_path / "cache")
    first = extraction_stamp.extraction_version(rules, cache)
    assert first == components.extraction_version(rules)
    assert not (tmp_path / "cache").exists()  # written by a build once its database is written
    extraction_stamp.keep(cache)
    memo = json.loads((tmp_path / "cache" / extraction_stamp.MEMO).read_text(encoding="utf-8"))
    assert list(memo.values()) == [first]

    # with the same bytes the registry is not asked again
    def asked(_: Path) -> str:
        raise AssertionError("the registry was asked although nothing changed")

    monkeypatch.setattr(components, "extraction_version", asked)
    assert extraction_stamp.extraction_version(rules, cache) == first
    monkeypatch.undo()

    # a component's rule file edited: a new stamp, the version computed again, and it differs
    (rules / "money.yaml").write_text((rules / "money.yaml").read_text(encoding="utf-8") + "\n# edited\n")
    edited = extraction_stamp.extraction_version(rules, cache)
    assert edited == components.extraction_version(rules) != first
    extraction_stamp.keep(cache)
    # a rule file no component reads: a new stamp, but the same version
    (rules / "limits.yaml").write_text((rules / "limits.yaml").read_text(encoding="utf-8") + "\n# edited\n")
    assert extraction_stamp.extraction_version(rules, cache) == edited
    extraction_stamp.keep(cache)
    memo = json.loads((tmp_path / "cache" / extraction_stamp.MEMO).read_text(encoding="utf-8"))
    assert len(memo) == 3


def test_the_stamp_covers_every_source_file_of_every_component_and_follows_an_edit(tmp_path, rules, monkeypatch):
    package = extraction_stamp.PACKAGE_DIR
    stamped = set(package.rglob("*.py"))
    used = {p for c in components.components() for p in components.module_files(c.code_modules())}
    used |= set(components.module_files(components.DRIVER_MODULES))
    assert used and used <= stamped

    # a component's source edited (in a copy of the package): another stamp
    copy = tmp_path / "pipeline"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(extraction_stamp, "PACKAGE_DIR", copy)
    before = extraction_stamp.inputs_stamp(rules)
    money = copy / "extract" / "money.py"
    money.write_text(money.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert extraction_stamp.inputs_stamp(rules) != before


def test_with_a_registered_component_nothing_is_kept(tmp_path, rules):
    components.register(staff.COMPONENT)
    try:
        assert extraction_stamp.inputs_stamp(rules) is None
        with_staff = extraction_stamp.extraction_version(rules, str(tmp_path / "cache"))
        assert with_staff == components.extraction_version(rules)
        assert not (tmp_path / "cache" / extraction_stamp.MEMO).exists()
    finally:
        components.unregister("staff")
    assert extraction_stamp.extraction_version(rules, str(tmp_path / "cache")) != with_staff


NO_OP = """
import sys
from pathlib import Path
from pipeline.build import build
from pipeline.extract import Context
corpus, db, cache = map(Path, sys.argv[1:4])
report = build(corpus, db, Context(options={"cache": str(cache)}))
heavy = sorted(m for m in sys.modules if m == "spacy" or m.startswith(("pipeline.extract.", "pipeline.facts")))
print(report.unchanged, heavy)
"""


def test_a_build_with_nothing_to_do_imports_no_extractor(tmp_path):
    corpus = small_corpus(tmp_path / "c")
    db, cache = tmp_path / "nhs.db", tmp_path / "cache"
    assert not build(corpus, db, Context(options={"cache": str(cache)})).unchanged
    args = [sys.executable, "-c", NO_OP, str(corpus), str(db), str(cache)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[0] == "True []", done.stderr

    # the kept version lost: computed again (the extractors imported), and the database still kept
    shutil.rmtree(tmp_path / "cache" / "versions")
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.startswith("True ['pipeline.extract."), done.stdout
