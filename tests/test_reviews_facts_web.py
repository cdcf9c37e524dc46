"""Facts in Datasette as `make serve` shows them: the fact's audit page (subject, measure,
period and why), a verdict with a correction from the browser, the facts canned queries."""

from __future__ import annotations

import sqlite3

import httpx
import pytest
import yaml

import tests.reviews_support as rs
from tests.test_discrepancies_build import BRIEFING, corpus_of
from tests.test_reviews_web import ACCOUNTS, record, sign_in

META = yaml.safe_load((rs.ROOT / "db" / "metadata.yaml").read_text(encoding="utf-8"))
QUERIES = ("body_finances_by_year", "where_documents_disagree", "deficits_over", "facts_awaiting_review")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    d = tmp_path_factory.mktemp("facts-site")
    db = rs.build_db(corpus_of(d / "corpus"), d / "nhs.db")
    rs.write_reviewers(d, ACCOUNTS)
    with rs.datasette(db) as base:
        yield base, db, d / "reviews.db"


def fact_of(db, text: str, doc: str = BRIEFING) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM facts WHERE text = ? AND doc = ?", (text, doc)).fetchone()
    conn.close()
    assert row is not None
    return dict(row)


def test_the_audit_page_of_a_fact_says_whose_what_and_when(site):
    base, db, _ = site
    f = fact_of(db, "£34.2m")
    page = httpx.get(f"{base}/-/audit/fact/{f['id']}", timeout=30)
    assert page.status_code == 200
    assert "Financial fact" in page.text and '<mark class="mention">£34.2m</mark>' in page.text
    for label, value in (("Subject", f["subject"]), ("Measure", "deficit"), ("Period", "2017/18")):
        assert f"<dt>{label}</dt><dd>{value}" in page.text, label
    assert "/nhs/facts_awaiting_review" in page.text


def test_a_reviewer_corrects_a_facts_period_and_a_bad_measure_is_refused(site):
    base, db, reviews = site
    f = fact_of(db, "£34.2m")
    alice = sign_in(base, "alice")
    refused = record(alice, "fact", f["id"], "wrong", measure="overspend")
    assert refused.status_code == 302 and rs.verdict_count(reviews) == 0
    r = record(alice, "fact", f["id"], "wrong", period="2016/17", note="the year before")
    assert r.status_code == 302
    with sqlite3.connect(reviews) as conn:
        rows = conn.execute("SELECT item_kind, item_id, verdict, correct FROM verdicts").fetchall()
    assert rows == [("fact", f["id"], "wrong", "period: 2016/17")]
    page = httpx.get(f"{base}/-/audit/fact/{f['id']}", timeout=30).text
    assert "period: 2016/17" in page
    awaiting = httpx.get(f"{base}/nhs/facts_awaiting_review.json", params={"_shape": "objects"}, timeout=30).json()
    assert f"/-/audit/fact/{f['id']}" not in {row["audit"] for row in awaiting["rows"]}
    disagree = httpx.get(f"{base}/nhs/where_documents_disagree.json", params={"_shape": "objects"}, timeout=30)
    assert [r["judged_wrong"] for r in disagree.json()["rows"]] == ["£34.2m: period: 2016/17"]


def test_the_facts_queries_run_and_link_every_source(site):
    base, _, _ = site
    for name in QUERIES:
        assert name in META["databases"]["nhs"]["queries"]
        r = httpx.get(f"{base}/nhs/{name}.json", params={"_shape": "objects"}, timeout=30)
        assert r.status_code == 200 and r.json()["ok"], (name, r.text[:300])
    disagree = httpx.get(f"{base}/nhs/where_documents_disagree.json", params={"_shape": "objects"}, timeout=30)
    [row] = disagree.json()["rows"]
    assert row["amounts"] == "£32.6m; £34.2m" and row["documents"] == 2
    html = httpx.get(f"{base}/nhs/where_documents_disagree", timeout=30).text
    assert html.count('class="audit-link" href="/-/audit/fact/') == 3
    finances = httpx.get(
        f"{base}/nhs/body_finances_by_year.json", params={"_shape": "objects", "body": "Princess Alexandra"}, timeout=30
    ).json()["rows"]
    deficit = next(r for r in finances if r["measure"] == "deficit" and r["period"] == "2017/18")
    assert deficit["disputed"] == 1 and deficit["documents"] == 2
    deficits = httpx.get(f"{base}/nhs/deficits_over.json", params={"_shape": "objects"}, timeout=30).json()["rows"]
    # every deficit over £10m, planned or actual, and none of the larger amounts that are not:
    # pay and non-pay costs (£181.3m, £96.4m), agency staff (£14.8m), a savings target (£12.5m),
    # an allocation (£1.1bn)
    assert {d["amount"] for d in deficits} == {"£32.6m", "£25.9m", "£42m", "£42.1m", "£28.7m", "£34.2m", "£52.9m"}
    assert [d["amount"] for d in deficits][:2] == ["£52.9m", "£42.1m"]  # largest first


def test_a_disputed_facts_audit_page_links_the_facts_it_disagrees_with(site):
    base, db, _ = site
    briefing = fact_of(db, "£34.2m")
    page = httpx.get(f"{base}/-/audit/fact/{briefing['id']}", timeout=30).text
    assert "<h2>Where the documents disagree</h2>" in page
    conn = sqlite3.connect(db)
    board = [r[0] for r in conn.execute("SELECT id FROM facts WHERE text = '£32.6m' ORDER BY line")]
    conn.close()
    assert len(board) == 2
    for other in board:  # the board paper's figure and its pull-quote, each linked, each differing
        assert f'<strong>differs</strong>: <a href="/-/audit/fact/{other}">£32.6m</a>' in page
    pull_quote = httpx.get(f"{base}/-/audit/fact/{board[1]}", timeout=30).text
    assert f'agrees: <a href="/-/audit/fact/{board[0]}">£32.6m</a>' in pull_quote
    ccg = httpx.get(f"{base}/-/audit/fact/{fact_of(db, '£42m')['id']}", timeout=30).text
    assert "Where the documents disagree</h2>" not in ccg
