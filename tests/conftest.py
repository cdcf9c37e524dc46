"""Shared fixtures: the project's corpus, ../shared when present, a built database."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared (realdocs, hardpdfs, gold); tests using it skip where it is absent."""
    if not (SHARED / "gold").is_dir():
        pytest.skip("../shared is absent: this test reads its real documents or gold, which the project does not ship")
    return SHARED


@pytest.fixture(scope="session")
def corpus_lines() -> dict[str, list[str]]:
    """Each corpus text file's lines (.txt, .md) as published, by file name."""
    return {
        p.name: p.read_text(encoding="utf-8").split("\n")
        for p in sorted(CORPUS.iterdir())
        if p.suffix in (".txt", ".md")
    }


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full build of corpus/ into a temporary database (once per test session)."""
    from pipeline.build import build

    db = tmp_path_factory.mktemp("build") / "corpus.db"
    report = build(CORPUS, db)
    assert report.documents > 0
    return db


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A copy of the project's rules/ that a test may break."""
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def edit_yaml(path: Path, change: Callable[[Any], None]) -> None:
    """Load a YAML rule file, let `change` alter it in place, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
