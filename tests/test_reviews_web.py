"""Datasette serving the built database as `make serve` does: metadata, canned queries, the
audit page, who may record a verdict, two reviewers at once, the PDF page picture."""

from __future__ import annotations

import io
import re
import sqlite3
import threading
from pathlib import Path

import httpx
import pytest
import yaml
from PIL import Image

import tests.reviews_support as rs
from pipeline.reviews import pagecrop

ACCOUNTS = {"alice": "alice-pass", "bob": "bob-pass"}
META = yaml.safe_load((rs.ROOT / "db" / "metadata.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    d = tmp_path_factory.mktemp("site")
    db = rs.build_db(rs.CORPUS, d / "nhs.db")
    rs.write_reviewers(d, ACCOUNTS)
    with rs.datasette(db) as base:
        yield base, db, d / "reviews.db"


def csrf(client: httpx.Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)


def sign_in(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = csrf(client, "/-/login")
    r = client.post("/-/login", data={"username": name, "password": ACCOUNTS[name], "csrftoken": token})
    assert r.status_code == 302 and "ds_actor" in client.cookies, r.text[:300]
    return client


def record(client: httpx.Client, kind: str, item_id: str, verdict: str, **extra: str) -> httpx.Response:
    token = csrf(client, f"/-/audit/{kind}/{item_id}")
    return client.post(
        "/-/review/record", data={"kind": kind, "id": item_id, "verdict": verdict, "csrftoken": token, **extra}
    )


def first_ids(db: Path, sql: str, n: int) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute(sql + " LIMIT ?", (n,))]


def test_metadata_describes_every_table_and_column(site):
    _, db, reviews = site
    for name, path in (("nhs", db), ("reviews", reviews)):
        tables = META["databases"][name]["tables"]
        with sqlite3.connect(path) as conn:
            names = [
                r[0]
                for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
                if not r[0].startswith(("sqlite_", "lines_fts"))
            ]
            missing = []
            for t in names:
                meta = tables.get(t) or {}
                if not meta.get("description"):
                    missing.append(t)
                if t in ("current_verdicts", "verdict_history", "orphaned_verdicts"):
                    continue  # views over verdicts: their columns are described there
                cols = [r[1] for r in conn.execute(f"PRAGMA table_info([{t}])")]
                missing += [f"{t}.{c}" for c in cols if not (meta.get("columns") or {}).get(c)]
        assert not missing, f"db/metadata.yaml lacks descriptions for {name}: {missing}"


def test_every_table_page_opens_with_its_facets(site):
    base, _, _ = site
    for name in ("nhs", "reviews"):
        for table, meta in META["databases"][name]["tables"].items():
            if meta.get("hidden"):
                continue
            r = httpx.get(f"{base}/{name}/{table}", timeout=30)
            if r.status_code == 404:  # a kind's table not in this build
                continue
            assert r.status_code == 200, (table, r.text[:300])
            for facet in meta.get("facets", []):
                assert f'data-column="{facet}"' in r.text, (table, facet)


def test_every_canned_query_runs(site):
    base, _, _ = site
    queries = META["databases"]["nhs"]["queries"]
    for name in (
        "quotations_awaiting_review",
        "awaiting_review",
        "figures_for_body",
        "largest_amounts_by_document",
        "page_refs_by_cited_document",
        "verdicts",
        "verdicts_by_reviewer",
        "changed_since_last_review",
    ):
        assert name in queries
    for name in queries:
        r = httpx.get(f"{base}/nhs/{name}.json", params={"_shape": "objects"}, timeout=30)
        assert r.status_code == 200 and r.json()["ok"], (name, r.text[:300])
    r = httpx.get(f"{base}/nhs/lines.json", params={"_search": "transformation", "_shape": "objects"}, timeout=30)
    assert r.status_code == 200 and r.json()["rows"]
    assert all("transform" in row["text"].lower() for row in r.json()["rows"])


def test_tables_link_each_item_to_its_audit_page(site):
    base, db, _ = site
    page = httpx.get(f"{base}/nhs/mentions", params={"kind": "percent"}, timeout=30).text
    ids = first_ids(db, "SELECT id FROM mentions WHERE kind = 'percent'", 1000)
    linked = re.findall(r'<a href="/-/audit/percent/([0-9a-f]+)">', page)
    assert linked and set(linked) <= set(ids)
    qid = first_ids(db, "SELECT id FROM quotes", 1)[0]  # a table's row page links its id to the audit page
    page = httpx.get(f"{base}/nhs/quotes/{qid}", timeout=30).text
    assert f'<a href="/-/audit/quote/{qid}">' in page


def test_quotation_audit_page_shows_speaker_cited_document_and_every_segment(site):
    base, db, _ = site
    sql = (
        "SELECT q.id FROM quotes q WHERE q.speaker IS NOT NULL AND "
        "(SELECT count(*) FROM quote_segments s WHERE s.quote_id = q.id) > 1"
    )
    qid = first_ids(db, sql, 1)[0]
    page = httpx.get(f"{base}/-/audit/quote/{qid}", timeout=30).text
    with sqlite3.connect(db) as conn:
        speaker = conn.execute("SELECT speaker FROM quotes WHERE id = ?", (qid,)).fetchone()[0]
        segs = conn.execute(
            "SELECT s.text, l.text FROM quote_segments s JOIN lines l ON l.id = s.line_id WHERE quote_id = ?", (qid,)
        ).fetchall()
    marks = re.findall(r'<mark class="mention">(.*?)</mark>', page, re.S)
    assert [m.replace("&#39;", "'") for m in marks] == [s[0] for s in segs]
    assert f'<dd class="speaker">{speaker}</dd>' in page
    cited = first_ids(db, "SELECT id FROM quotes WHERE cites IS NOT NULL AND page_first IS NOT NULL", 1)[0]
    with sqlite3.connect(db) as conn:
        cites, first = conn.execute("SELECT cites, page_first FROM quotes WHERE id = ?", (cited,)).fetchone()
    page = httpx.get(f"{base}/-/audit/quote/{cited}", timeout=30).text
    assert f'<dd class="cited-document">{cites}' in page and f'<dd class="cited-page">p{first}' in page
    # a quotation segment found in the mentions view opens its whole quotation
    seg = first_ids(db, f"SELECT id FROM quote_segments WHERE quote_id = '{qid}' AND seq = 1", 1)[0]
    r = httpx.get(f"{base}/-/audit/quote/{seg}", timeout=30)
    assert r.status_code == 302 and r.headers["location"].endswith(f"/-/audit/quote/{qid}")


def test_anonymous_visitors_read_but_cannot_record(site):
    base, db, reviews = site
    before = rs.verdict_count(reviews)
    mid = first_ids(db, "SELECT id FROM mentions WHERE kind = 'percent'", 1)[0]
    anon = httpx.Client(base_url=base, timeout=30)
    page = anon.get(f"/-/audit/percent/{mid}")
    assert page.status_code == 200 and "/-/review/record" not in page.text and "Sign in" in page.text
    token = csrf(anon, "/-/login")  # a valid CSRF token, but no signed-in reviewer
    r = anon.post("/-/review/record", data={"kind": "percent", "id": mid, "verdict": "confirmed", "csrftoken": token})
    assert r.status_code == 403 and "Sign in as a reviewer" in r.text
    r = anon.post("/-/review/record", data={"kind": "percent", "id": mid, "verdict": "confirmed"})
    assert r.status_code == 403
    assert rs.verdict_count(reviews) == before


def test_a_signed_in_reviewer_records_and_a_wrong_verdict_needs_the_correct_value(site):
    base, db, reviews = site
    mid = first_ids(db, "SELECT id FROM mentions WHERE kind = 'percent' ORDER BY id DESC", 1)[0]
    alice = sign_in(base, "alice")
    before = rs.verdict_count(reviews)
    r = record(alice, "percent", mid, "wrong")
    assert r.status_code == 302 and rs.verdict_count(reviews) == before
    assert "correct text or value" in alice.get(r.headers["location"]).text
    r = record(alice, "percent", mid, "wrong", correct="0.5%", note="misread")
    assert r.status_code == 302 and rs.verdict_count(reviews) == before + 1
    page = alice.get(r.headers["location"]).text
    assert 'class="verdict verdict-wrong">wrong' in page and '<span class="correct">0.5%</span>' in page
    with sqlite3.connect(reviews) as conn:
        row = conn.execute("SELECT reviewer, verdict, correct, note FROM verdicts ORDER BY id DESC").fetchone()
    assert row == ("alice", "wrong", "0.5%", "misread")


def test_two_reviewers_recording_at_once(site):
    base, db, reviews = site
    ids = first_ids(db, "SELECT id FROM mentions WHERE kind = 'percent' ORDER BY line DESC", 6)
    clients = {name: sign_in(base, name) for name in ACCOUNTS}
    before = rs.verdict_count(reviews)
    errors: list[str] = []

    def work(name: str) -> None:
        for i in ids:
            r = record(clients[name], "percent", i, "confirmed" if name == "alice" else "unsure", note=name)
            if r.status_code != 302:
                errors.append(f"{name} {i}: {r.status_code}")

    threads = [threading.Thread(target=work, args=(n,)) for n in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert rs.verdict_count(reviews) == before + 2 * len(ids)
    r = httpx.get(f"{base}/nhs/verdicts_by_reviewer.json", params={"_shape": "objects"}, timeout=30)
    counts = {row["reviewer"]: row for row in r.json()["rows"]}
    assert counts["bob"]["unsure"] == len(ids) and counts["alice"]["confirmed"] >= len(ids)


def test_pdf_page_picture_is_the_whole_page_with_the_mention_boxed(tmp_path):
    db, mid, box = rs.build_pdf_fixture(tmp_path)
    pdf = tmp_path / "corpus" / rs.PDF_FIXTURE.name
    width, height = pagecrop.page_size(pdf, 9)
    with rs.datasette(db) as base:
        page = httpx.get(f"{base}/-/audit/money/{mid}", timeout=30)
        assert page.status_code == 200 and 'class="page-picture"' in page.text
        r = httpx.get(f"{base}/-/audit/money/{mid}/page.png", timeout=60)
        source = httpx.get(f"{base}/-/audit/money/{mid}/source.pdf", timeout=30)
    assert f'href="/-/audit/money/{mid}/source.pdf#page=9"' in page.text
    assert source.status_code == 200 and source.content == pdf.read_bytes()  # the PDF itself, from the corpus
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    cached = list((tmp_path / "cache" / "audit").glob("*.png"))
    assert len(cached) == 1 and cached[0].read_bytes() == r.content
    image = Image.open(io.BytesIO(r.content)).convert("RGB")
    scale = pagecrop.resolution_for(width) / 72
    assert scale >= 150 / 72 and image.width >= 1000  # the whole page, readable
    assert image.size == (pytest.approx(width * scale, abs=2), pytest.approx(height * scale, abs=2))
    x0, y0, x1, y1 = (int(box[0] * scale), int(box[1] * scale), int(box[2] * scale), int(box[3] * scale))
    inside = [image.getpixel((x, y)) for x in range(x0, x1) for y in range(y0, y1)]
    assert any(r < 100 and g < 100 and b < 100 for r, g, b in inside), "the amount's glyphs are inside the box"
    assert any(r > 240 and g > 200 and b < r - 30 for r, g, b in inside), "the box is tinted yellow"
    pad = round(pagecrop.PAD * scale)
    for lo, hi in ((x0 - pad - 2, x0 + 1), (x1, x1 + pad + 3)):  # the outline's sides, in the padding
        side = {image.getpixel((x, y)) for y in range(y0, y1) for x in range(lo, hi)}
        assert pagecrop.STROKE in side, f"red outline between x={lo} and {hi}"


def test_the_pdf_is_served_only_from_the_corpus_and_only_as_built(tmp_path):
    db, mid, _ = rs.build_pdf_fixture(tmp_path)
    pdf = tmp_path / "corpus" / rs.PDF_FIXTURE.name
    with sqlite3.connect(db) as conn:  # a documents row naming a file outside the corpus
        conn.execute("UPDATE documents SET file = '../nhs.db'")
    with rs.datasette(db) as base:
        outside = httpx.get(f"{base}/-/audit/money/{mid}/source.pdf", timeout=30)
    assert outside.status_code == 404 and "not in the corpus" in outside.text
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE documents SET file = ?", (pdf.name,))
    pdf.write_bytes(pdf.read_bytes() + b"\n% changed\n")
    with rs.datasette(db) as base:
        changed = httpx.get(f"{base}/-/audit/money/{mid}/source.pdf", timeout=30)
    assert changed.status_code == 404 and "has changed since this build" in changed.text


def test_datasette_get_prints_json_only_and_writes_no_file(tmp_path, built_db):
    """`datasette db/nhs.db --get ...` (as in the README) gives JSON on stdout and leaves no reviews.db."""
    import json
    import shutil
    import subprocess
    import sys

    db = tmp_path / "nhs.db"
    shutil.copyfile(built_db, db)
    before = sorted(p.name for p in tmp_path.iterdir())
    command = [sys.executable, "-m", "datasette", str(db), "-m", str(rs.ROOT / "db" / "metadata.yaml")]
    command += ["--plugins-dir", str(rs.ROOT / "plugins"), "--template-dir", str(rs.ROOT / "templates")]
    answers = {}
    for path in ("/nhs/money.json?_shape=array", "/nhs/verdicts.json?_shape=array"):
        out = subprocess.run([*command, "--get", path], cwd=rs.ROOT, capture_output=True, text=True, check=True)
        answers[path.split(".")[0]] = json.loads(out.stdout)  # nothing but the JSON on stdout
    assert len(answers["/nhs/money"]) > 0 and answers["/nhs/verdicts"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no reviews.db, nothing else


def test_amounts_are_readable_beside_numbers_that_stay_numeric(site):
    base, _, _ = site
    with httpx.Client(base_url=base, timeout=30) as c:
        page = c.get("/nhs/money", params={"text": "6,797,998.00"}).text
        assert '<span class="amount">£6,797,998.00</span> <small class="number">6797998.0</small>' in page
        [row] = c.get("/nhs/money.json", params={"_shape": "array", "text": "£1.7bn"}).json()
        assert row["low"] == 1.7e9 and isinstance(row["low"], float)
        queue = c.get("/nhs/awaiting_review.json", params={"_shape": "array", "kind": "money"}).json()
        assert {"amount", "low"} <= set(queue[0]) and isinstance(queue[0]["low"], float)
        assert "£1.7bn" in {r["amount"] for r in queue}


def test_pages_lead_with_content_not_sql_or_column_descriptions(site):
    base, _, _ = site
    with httpx.Client(base_url=base, timeout=30) as c:
        for name, title in (("awaiting_review", "Figures awaiting review"), ("verdicts", "Verdicts in force")):
            page = c.get(f"/nhs/{name}").text
            assert re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip() == f"{title} · nhs"
            before_rows = page.split('<table class="rows-and-columns"')[0]
            assert '<pre id="sql-query">' not in before_rows and "<textarea" not in before_rows  # no SQL shown
            assert "Edit SQL" in page  # the SQL is one click away
        page = c.get("/nhs/money").text
        before_rows = page.split('<table class="rows-and-columns"')[0]
        assert '<details class="column-descriptions-folded">' in before_rows  # folded, not open
        assert re.search(r"What the \d+ columns mean", before_rows)
        assert "Stable mention id" in page  # still there, one click away
