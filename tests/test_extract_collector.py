"""Normalisation and the extractors of the five kinds run one document with Python's cycle collector
paused (pipeline/collector.py's `while_paused`, a speed measure, issue 15: each collection in between walks
every object the process holds) and leave it as they found it, also when the work fails. Their output is
the same either way (checked by `scripts/text_mentions.py dump` and `diff`)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import pytest

from pipeline import components
from pipeline.extract import Context, bodies, citations, money, percent
from pipeline.extract.bodies import extractor
from pipeline.ingest import ingest
from pipeline.manifest import load_manifest
from pipeline.model import Document, Extraction
from tests.conftest import CORPUS

NAME = "lch-trust-board-public-papers-2025-09-04.md"  # board papers: money, percentages, bodies, quotations


@pytest.fixture(scope="module")
def document() -> Document:
    entry = next(e for e in load_manifest(CORPUS) if e.file == NAME)
    return ingest(CORPUS, entry)


# each component with a function its `extract` calls once per document (looked up when called)
SPIED = [
    (money.COMPONENT, money.table_money, "read"),
    (percent.COMPONENT, percent, "find"),
    (citations.COMPONENT, citations, "analyse"),
    (bodies.COMPONENT, extractor, "find_bodies"),
]


def _spy(seen: list[bool], real: Callable[..., Any]) -> Callable[..., Any]:
    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    return spy


@pytest.mark.parametrize(("component", "module", "name"), SPIED, ids=[c.name for c, _, _ in SPIED])
def test_each_extractor_runs_with_the_collector_paused_and_turns_it_on_again(
    document, collector_state, monkeypatch, component, module, name
):
    ctx = Context()
    lines = components.normalise_lines(document, ctx.rules)
    seen: list[bool] = []
    monkeypatch.setattr(module, name, _spy(seen, getattr(module, name)))
    gc.enable()
    out = component.extract(document, lines, component.load_rules(ctx.rules), Extraction(), ctx.options)
    assert seen and not any(seen)
    assert gc.isenabled()
    assert out.mentions  # real work was done: this document holds every one of these kinds


def test_normalisation_runs_with_the_collector_paused(document, collector_state, monkeypatch):
    seen: list[bool] = []
    monkeypatch.setattr(components, "load_rewrites", _spy(seen, components.load_rewrites))
    gc.enable()
    lines = components.normalise_lines(document, Context().rules)
    assert len(lines) == len(document.lines) and seen == [False]
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off(document, collector_state):
    ctx = Context()
    gc.disable()
    lines = components.normalise_lines(document, ctx.rules)
    assert money.COMPONENT.extract(document, lines, money.COMPONENT.load_rules(ctx.rules), Extraction(), ctx.options)
    assert not gc.isenabled()


def test_the_collector_runs_again_after_an_extractor_fails(document, collector_state, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("an extractor that fails")

    ctx = Context()
    lines = components.normalise_lines(document, ctx.rules)
    monkeypatch.setattr(citations, "analyse", broken)
    gc.enable()
    with pytest.raises(RuntimeError, match="an extractor that fails"):
        citations.COMPONENT.extract(document, lines, citations.COMPONENT.load_rules(ctx.rules), Extraction(), {})
    assert gc.isenabled()
