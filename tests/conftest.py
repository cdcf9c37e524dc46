"""Shared fixtures: the project's corpus, ../shared when present, a built database."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    """Each corpus text file's lines as published, by file name."""
    return {p.name: p.read_text(encoding="utf-8").split("\n") for p in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full build of corpus/ into a temporary database (once per test session)."""
    from pipeline.build import build

    db = tmp_path_factory.mktemp("build") / "corpus.db"
    report = build(CORPUS, db)
    assert report.documents > 0
    return db
