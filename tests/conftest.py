"""Shared fixtures: the project's corpus, ../shared when present, a built database.

Tests run in parallel (pytest-xdist, `-n 2` in `make test`): what one worker builds for the whole
session (`built_db`, the stage cache `build_cache`) is built once under a file lock in the folder
all workers share, and read by the others.
"""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
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


# accounts tables of real annual reports in tests/data (LTHT, LCH, LYPFT), read by the facts' cost tests
ACCOUNTS_TABLES = (
    "ltht-accounts-tables.md",
    "ltht-accounts-notes.md",
    "lch-accounts-notes-11-13.md",
    "lypft-accounts-sofp.md",
)


@pytest.fixture(scope="session")
def accounts_table_lines() -> list[str]:
    """Every line of the accounts tables of tests/data (`ACCOUNTS_TABLES`), in order."""
    data = ROOT / "tests" / "data"
    return [line for name in ACCOUNTS_TABLES for line in (data / name).read_text(encoding="utf-8").split("\n")]


@pytest.fixture(scope="session")
def fact_rules() -> Any:
    """The facts' compiled rules (rules/facts.yaml)."""
    from pipeline.extract import Context
    from pipeline.facts import load_rules

    return load_rules(Context().rules)


@pytest.fixture(scope="session")
def accounts_rules() -> Any:
    """The accounts tables' rules (rules/facts_accounts.yaml)."""
    from pipeline.extract import Context
    from pipeline.facts.accounts import load_accounts

    found = load_accounts(Context().rules)
    assert found is not None
    return found


@pytest.fixture(scope="session")
def corpus_lines() -> dict[str, list[str]]:
    """Each corpus text file's lines (.txt, .md) as published, by file name."""
    return {
        p.name: p.read_text(encoding="utf-8").split("\n")
        for p in sorted(CORPUS.iterdir())
        if p.suffix in (".txt", ".md")
    }


def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this test session shared by every xdist worker (each worker's own temporary
    folder is a subfolder of it); without xdist, the session's temporary folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (other xdist workers wait)."""
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


BUILD_CACHE: Path | None = None  # set by `build_cache`


def shared_cache() -> str | None:
    """The session's stage cache (`build_cache`), for builds made outside a fixture: a corpus built
    by several tests is read and extracted once."""
    return str(BUILD_CACHE) if BUILD_CACHE else None


@pytest.fixture(scope="session", autouse=True)
def build_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One stage cache (pipeline/cache.py) for the builds of the session that do not test the cache
    itself: a document already read and extracted with the same code and rules is not read again.
    Entries are content-addressed and written atomically, so workers may share it."""
    global BUILD_CACHE
    BUILD_CACHE = session_dir(tmp_path_factory) / "build-cache"
    return BUILD_CACHE


def ingested(folder: Path, name: str, rules: Path | None = None, pdf_reader: str | None = None) -> Any:
    """`ingest(folder, infer_entry(name), rules=..., pdf_reader=...)`, a PDF through the session's stage
    cache: a PDF that `built_db` or another test (in any worker) has read with the same rules and reader is
    not read again, and one being read by another worker is waited for (a lock per file and key). With the
    project's rules and reader the key is the one a build gives it; other rules or readers are kept in a
    folder of their own (the stage cache keeps one entry per file and stage, and would drop the build's)."""
    from pipeline.cache import Cache, ingest_key
    from pipeline.ingest import apply_entry, ingest, ingest_data, read_source
    from pipeline.ingest.pdf_rules import load_layout
    from pipeline.manifest import infer_entry
    from pipeline.rules import rules_dir

    entry = infer_entry(name)
    options: dict[str, object] = {"rules": rules} if rules else {}
    if pdf_reader:
        options["pdf_reader"] = pdf_reader
    if entry.media_type != "pdf" or BUILD_CACHE is None:
        return ingest(folder, entry, **options)
    data, doc = read_source(folder, entry)
    if data is None:
        return doc
    versions = dict(_stage_versions(rules or rules_dir()))
    if pdf_reader and pdf_reader != load_layout(rules or rules_dir()).reader:
        versions["pdf_reader"] = pdf_reader  # the rules' own reader reads the same as no choice
    key = ingest_key(versions, doc.media_type, entry.meta.get("password"))
    own = versions["rules"] != _stage_versions(rules_dir())["rules"] or "pdf_reader" in versions
    cache = Cache(BUILD_CACHE.parent / f"ingest-{key}" if own else BUILD_CACHE)
    (BUILD_CACHE.parent / "locks").mkdir(exist_ok=True)
    with locked(BUILD_CACHE.parent / "locks" / f"{doc.sha256[:20]}.{key}"):
        cached = cache.get("ingest", doc.sha256, key)
        if cached is not None:
            return apply_entry(cached, entry)
        doc = ingest_data(folder, entry, data, doc, **options)
        cache.put("ingest", doc.sha256, key, doc)
    return doc


@cache
def _stage_versions(rules: Path) -> dict[str, str]:
    from pipeline.cache import stage_versions

    return stage_versions(rules)


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory, build_cache: Path) -> Path:
    """A full build of corpus/ into a temporary database, once per session for all workers.
    Read it, never write it (copy it first)."""
    from pipeline.build import build
    from pipeline.extract import Context

    folder = session_dir(tmp_path_factory)
    db = folder / "built" / "corpus.db"
    with locked(folder / "built.lock"):
        if not db.exists():
            report = build(CORPUS, db, Context(options={"cache": str(build_cache)}))
            assert report.documents > 0 and report.ok, report.failed
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


# The files that cost most CPU, heaviest first (issue 15, CPU seconds of each file in the whole suite,
# `-n 2`, 2026-12-04, after the detector's cap on thin strips): a worker takes one file at a time in
# this order, so the long files start at once on both workers and the short ones fill in around
# them (longest first: the two workers end together). A file renamed or gone is only left out.
HEAVIEST = (
    "test_pdf_hard.py",  # ../shared/hardpdfs built with OCR (85 s before the cap)
    "test_pdfium_reader.py",  # both readers over every PDF (39 s)
    "test_pdfium_arrays.py",  # the compiled path against the Python one over the real documents (26 s)
    "test_faults.py",  # a line of 40,000 amounts, killed builds (24 s)
    "test_dask_executor.py",  # two local clusters (20 s)
    "test_ocr.py",  # two scans (17 s)
    "test_reviews_web.py",  # Datasette over a build (16 s)
    "test_table_money.py",  # the 36-page workforce survey with OCR (pay bands, 15 s)
    "test_provenance.py",  # the corpus built again from scratch (14 s)
    "test_facts.py",  # `built_db` (12 s)
    "test_reviews_anchor.py",  # rebuilds after edits (10 s)
    "test_cache.py",
    "test_package_install.py",
    "test_facts_offsets.py",
    "test_build.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The heaviest files first (`HEAVIEST`), then the files holding slow tests, those with the most
    first (the order within a file is kept). `make test` hands each file whole to a worker in this
    order (`--dist loadfile --no-loadscope-reorder`; without the latter pytest-xdist starts the files
    with the most tests first, which put the heaviest files, with few tests each, last), so the long
    files start at once and the short ones fill in around them, instead of a long file starting last
    and running alone at the end."""
    slow: dict[Path, int] = {}
    for item in items:
        if item.get_closest_marker("slow"):
            slow[item.path] = slow.get(item.path, 0) + 1

    def rank(item: pytest.Item) -> tuple[int, int]:
        name = item.path.name
        return (HEAVIEST.index(name) if name in HEAVIEST else len(HEAVIEST), -slow.get(item.path, 0))

    items.sort(key=rank)


@pytest.fixture
def collector_state() -> Iterator[None]:
    """Python's cycle collector put back as the test found it (tests that switch it on or off)."""
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()
