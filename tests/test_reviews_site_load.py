"""The review site's cost per page (make bench --only web measures the time; this checks the cause).

datasette-render-markdown looks up its configuration for every text cell a page shows, and each
look-up asked the review plugin's get_metadata, which deep-copied the dashboards every time: about
7,000 copies for a 1,000-row canned query, 3-10 CPU seconds on the event loop. Under load every
other request waited behind it (a 414 included) and SQL threads starved of the GIL hit the 1 s SQL
time limit (status 400). Now the plugin answers once per request, and datasette-dashboards' in-place
filling of a chart's query still stays within the request that made it."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from datasette.app import Datasette
from datasette.plugins import pm

ROOT = Path(__file__).resolve().parents[1]
META = yaml.safe_load((ROOT / "db" / "metadata.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def site(built_db: Path, tmp_path: Path) -> Iterator[tuple[Datasette, ModuleType]]:
    db = tmp_path / "nhs.db"
    shutil.copy(built_db, db)
    before = set(pm.get_plugins())
    ds = Datasette(
        immutables=[str(db)],
        metadata=META,
        plugins_dir=str(ROOT / "plugins"),
        template_dir=str(ROOT / "templates"),
    )
    plugin = next(p for p in set(pm.get_plugins()) - before if getattr(p, "__name__", "") == "nhs_review.py")
    try:
        yield ds, plugin
    finally:
        pm.unregister(plugin)


def get(ds: Datasette, path: str) -> Any:
    return asyncio.run(ds.client.get(path))


def test_a_canned_query_page_makes_the_plugins_metadata_once(site, monkeypatch):
    ds, plugin = site
    made: list[int] = []
    original = plugin.dashboards

    def counted(datasette: Any) -> dict[str, Any]:
        made.append(1)
        return original(datasette)  # type: ignore[no-any-return]

    monkeypatch.setattr(plugin, "dashboards", counted)
    page = get(ds, "/nhs/facts_awaiting_review")
    assert page.status_code == 200 and page.text.count('class="audit-link"') >= 1000  # 1,000 rows shown
    assert len(made) == 1  # was about 7,000: once per text cell
    assert get(ds, "/nhs/facts_awaiting_review.json?_shape=objects").status_code == 200
    assert len(made) == 2  # afresh for the next request


def test_a_dashboard_filter_stays_in_the_request_that_gave_it(site):
    ds, _ = site
    filtered = get(ds, "/-/dashboards/nhs-figures/body-figures?body=Luton")
    assert filtered.status_code == 200 and "body=Luton" in filtered.text and ":body" in filtered.text
    plain = get(ds, "/-/dashboards/nhs-figures/body-figures")  # the [[ ... :body ... ]] clause left out
    assert plain.status_code == 200 and "Luton" not in plain.text and ":body" not in plain.text


def test_an_audit_page_reads_the_manifest_again_only_when_it_changes(tmp_path, monkeypatch):
    import pipeline.manifest
    from pipeline.reviews import audit

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "locked.pdf").write_bytes(b"%PDF-1.4\n")
    manifest = corpus / "manifest.yaml"
    manifest.write_text("documents:\n  - file: locked.pdf\n    password: first\n", encoding="utf-8")
    reads: list[Path] = []
    original = pipeline.manifest.load_manifest

    def counted(folder: Path) -> Any:
        reads.append(folder)
        return original(folder)

    monkeypatch.setattr(pipeline.manifest, "load_manifest", counted)
    for _ in range(3):  # three audit pages of the same PDF
        assert audit.pdf_source(corpus, {"file": "locked.pdf"}) == (corpus / "locked.pdf", "first")
    assert len(reads) == 1  # was once per page: 25 ms of YAML on the event loop each
    manifest.write_text("documents:\n  - file: locked.pdf\n    password: second-and-longer\n", encoding="utf-8")
    assert audit.pdf_source(corpus, {"file": "locked.pdf"}) == (corpus / "locked.pdf", "second-and-longer")
    assert audit.pdf_source(corpus, {"file": "other.pdf"}) == (corpus / "other.pdf", None)
    assert len(reads) == 2


def test_a_pages_size_is_measured_once_per_version_of_the_pdf(tmp_path, monkeypatch):
    import pdfplumber

    from pipeline.reviews import pagecrop

    pdf = tmp_path / "report.pdf"
    shutil.copy(next(p for p in sorted((ROOT / "corpus").glob("*.pdf"))), pdf)
    opened: list[str] = []
    original = pdfplumber.open

    def counted(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(pdfplumber, "open", counted)
    first = pagecrop.page_size(pdf, 1)
    assert pagecrop.page_size(pdf, 1) == first and len(opened) == 1  # was opened for every audit page
    pdf.write_bytes(pdf.read_bytes() + b"\n")  # a new version of the file: measured again
    assert pagecrop.page_size(pdf, 1) == first and len(opened) == 2
