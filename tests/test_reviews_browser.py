"""A reviewer's session in headless Chromium against Datasette on localhost.

Open the queue (quotations when the build has any, else the figures queue over the
generic `mentions` view), open an item, see its source line highlighted, sign in,
record `confirmed` and `wrong`; rebuild the database and find both verdicts still
attached; an anonymous visitor's attempt to record is refused with nothing written.

Set REVIEW_SCREENSHOT=docs/review-screenshot.png to save the README's screenshot.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest

import tests.reviews_support as rs

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ACCOUNTS = {"alice": "correct horse battery"}


@pytest.fixture(scope="module")
def chromium():
    path = rs.chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed: `apt-get install -y chromium` (.ci/run does it in CI)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed: make test")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def item_from_url(url: str) -> tuple[str, str]:
    m = re.search(r"/-/audit/([a-z_]+)/([^/?#]+)$", url)
    assert m, url
    return m.group(1), m.group(2)


def source_of(db: Path, kind: str, item_id: str) -> tuple[str, str]:
    """The item's text and its (first) source line, from the database."""
    with sqlite3.connect(db) as conn:
        if kind == "quote":
            sql = (
                "SELECT s.text, l.text FROM quote_segments s JOIN lines l ON l.id = s.line_id "
                "WHERE s.quote_id = ? ORDER BY s.seq LIMIT 1"
            )
        else:
            sql = "SELECT text, line_text FROM mentions WHERE id = ?"
        row = conn.execute(sql, (item_id,)).fetchone()
    assert row, (kind, item_id)
    return row[0], row[1]


def anonymous_attempt(browser, base: str, kind: str, item_id: str) -> int:
    """An anonymous visitor posts a verdict, with a valid CSRF token from the sign-in page."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/-/audit/{kind}/{item_id}")
    assert page.locator("form.verdict-form").count() == 0
    assert page.locator("p.sign-in").is_visible()
    page.goto(f"{base}/-/login")
    token = page.locator("input[name=csrftoken]").get_attribute("value")
    response = page.request.post(
        f"{base}/-/review/record",
        form={"kind": kind, "id": item_id, "verdict": "confirmed", "csrftoken": token or ""},
        max_redirects=0,
    )
    context.close()
    return response.status


def test_reviewer_session(chromium, tmp_path):
    db = rs.build_db(rs.CORPUS, tmp_path / "nhs.db")
    reviews = tmp_path / "reviews.db"
    rs.write_reviewers(tmp_path, ACCOUNTS)
    with sqlite3.connect(db) as conn:
        has_quotes = conn.execute("SELECT count(*) FROM quotes").fetchone()[0] > 0
    queue = "/nhs/quotations_awaiting_review" if has_quotes else "/nhs/awaiting_review"
    heading = "Quotations awaiting review" if has_quotes else "Figures awaiting review"

    with rs.datasette(db) as base:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(30_000)
        page = context.new_page()

        # the queue, then the first item in it
        page.goto(base + queue)
        assert heading in page.locator("h1").inner_text()
        first_links = page.locator("a.audit-link")
        assert first_links.count() > 1
        first_links.first.click()
        page.wait_for_url(re.compile(r"/-/audit/"))
        kind1, id1 = item_from_url(page.url)
        text1, line1 = source_of(db, kind1, id1)

        # the source line, with the item highlighted in it
        mark = page.locator("p.src-line.marked mark.mention").first
        assert mark.is_visible()
        assert mark.inner_text() == text1
        assert line1 in page.locator("p.src-line.marked").first.inner_text()
        assert page.locator("mark.mention").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 214, 0)"

        # not signed in: no form, and a forged post is refused
        assert anonymous_attempt(chromium, base, kind1, id1) == 403
        assert rs.verdict_count(reviews) == 0

        # sign in
        page.goto(base + "/-/login")
        page.fill("#id_username", "alice")
        page.fill("#id_password", ACCOUNTS["alice"])
        page.click("input[type=submit]")
        page.wait_for_url(base + "/")
        assert "alice" in page.locator("header .actor").inner_text().lower()

        # confirmed
        page.goto(f"{base}/-/audit/{kind1}/{id1}")
        page.check("input[name=verdict][value=confirmed]")
        page.fill("#note", "Checked against the source line.")
        page.click("form.verdict-form input[type=submit]")
        page.wait_for_url(f"{base}/-/audit/{kind1}/{id1}")
        assert page.locator(".current-verdict .verdict").inner_text() == "confirmed"
        assert page.locator(".current-verdict .reviewer").inner_text() == "alice"
        if os.environ.get("REVIEW_SCREENSHOT"):
            page.screenshot(path=os.environ["REVIEW_SCREENSHOT"], full_page=True)

        # the next item in the queue: wrong, with the correct value
        page.click("a.next-item")
        page.wait_for_url(re.compile(r"/-/audit/"))
        kind2, id2 = item_from_url(page.url)
        assert (kind2, id2) != (kind1, id1)
        page.check("input[name=verdict][value=wrong]")
        page.fill("#correct", "not a figure: part of a date")
        page.click("form.verdict-form input[type=submit]")
        page.wait_for_url(f"{base}/-/audit/{kind2}/{id2}")
        assert page.locator(".current-verdict .verdict").inner_text() == "wrong"
        assert page.locator(".current-verdict .correct").inner_text() == "not a figure: part of a date"
        assert rs.verdict_count(reviews) == 2

        # both have left the queue
        page.goto(base + queue)
        hrefs = page.locator("a.audit-link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert f"/-/audit/{kind1}/{id1}" not in hrefs and f"/-/audit/{kind2}/{id2}" not in hrefs
        context.close()

    # rebuild, as `make` does, and serve again
    out = rs.rebuild_cli(rs.CORPUS, db)
    assert "2 attached as recorded, 0 re-anchored, 0 orphaned" in out.stderr
    with rs.datasette(db) as base:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(f"{base}/-/audit/{kind1}/{id1}")
        assert page.locator(".current-verdict .verdict").inner_text() == "confirmed"
        page.goto(f"{base}/-/audit/{kind2}/{id2}")
        assert page.locator(".current-verdict .verdict").inner_text() == "wrong"
        assert page.locator(".current-verdict .correct").inner_text() == "not a figure: part of a date"
        page.goto(f"{base}/nhs/verdicts")
        listed = page.locator("a.audit-link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert sorted(listed) == sorted([f"/-/audit/{kind1}/{id1}", f"/-/audit/{kind2}/{id2}"])
        context.close()
        assert anonymous_attempt(chromium, base, kind2, id2) == 403
    assert rs.verdict_count(reviews) == 2


def sign_in(page, base: str, name: str = "alice") -> None:
    page.goto(base + "/-/login")
    page.fill("#id_username", name)
    page.fill("#id_password", ACCOUNTS[name])
    page.click("input[type=submit]")
    page.wait_for_url(base + "/")


def record_on_page(page, url: str, verdict: str, correct: str = "") -> None:
    page.goto(url)
    page.check(f"input[name=verdict][value={verdict}]")
    if correct:
        page.fill("#correct", correct)
    page.click("form.verdict-form input[type=submit]")
    page.wait_for_url(url)


def test_a_saved_audit_url_opens_the_same_item_after_lines_are_inserted_above_it(chromium, tmp_path):
    doc = "000_9697e79c8f4d460c.txt"
    corpus = rs.small_corpus(tmp_path / "corpus", [doc])
    db = rs.build_db(corpus, tmp_path / "nhs.db")
    rs.write_reviewers(tmp_path, ACCOUNTS)
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT id, text, line FROM mentions WHERE kind = 'percent' AND text IN "
            "(SELECT text FROM mentions WHERE kind = 'percent' GROUP BY text HAVING count(*) = 1) ORDER BY line"
        ).fetchall()
    (kept_id, kept_text, kept_line), (gone_id, gone_text, gone_line), (unreviewed_id, _, _) = rows[0], rows[-1], rows[1]
    assert len({kept_line, gone_line}) == 2
    with rs.datasette(db) as base:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(30_000)
        page = context.new_page()
        sign_in(page, base)
        saved = f"{base}/-/audit/percent/{kept_id}"  # the URL a reviewer bookmarks
        record_on_page(page, saved, "confirmed")
        record_on_page(page, f"{base}/-/audit/percent/{gone_id}", "wrong", "a different figure")
        context.close()

    # an edit elsewhere in the document: three lines above every item, and one figure changed
    path = corpus / doc
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[gone_line - 1] = lines[gone_line - 1].replace(gone_text, gone_text.replace("%", " per cent"), 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    rs.insert_lines_at_top(path, ["Updated version.", "", "An added paragraph."])
    out = rs.rebuild_cli(corpus, db)
    assert "1 re-anchored, 1 orphaned" in out.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM mentions WHERE id IN (?, ?)", (kept_id, gone_id)).fetchone()[0] == 0

    with rs.datasette(db) as base:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        response = page.goto(f"{base}/-/audit/percent/{kept_id}")
        assert response.status == 200
        kind, new_id = item_from_url(page.url)
        assert (kind, new_id != kept_id) == ("percent", True)  # sent on to the item's id in this build
        assert page.locator("p.src-line.marked mark.mention").first.inner_text() == kept_text
        assert page.locator("p.src-line.marked").first.get_attribute("data-line") == str(kept_line + 3)
        assert page.locator(".current-verdict .verdict").inner_text() == "confirmed"
        assert "re-anchored" in page.locator("table.verdict-history").inner_text()

        # an item whose verdict is orphaned says so; an unreviewed item's old id does not claim it
        response = page.goto(f"{base}/-/audit/percent/{gone_id}")
        assert response.status == 404 and "orphaned" in page.content()
        response = page.goto(f"{base}/-/audit/percent/{unreviewed_id}")
        assert response.status == 404
        body = page.locator("body").inner_text()
        assert "no verdict was recorded on it" in body and "orphaned" not in body
        context.close()


def test_the_pdf_page_is_readable_beside_the_source_line_with_the_item_boxed(chromium, tmp_path):
    db, mid, _ = rs.build_pdf_fixture(tmp_path, page_number=1)
    with rs.datasette(db) as base:
        context = chromium.new_context(viewport={"width": 1600, "height": 1000})
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(f"{base}/-/audit/money/{mid}")
        picture = page.locator("img.page-picture")
        picture.wait_for()
        page.wait_for_function("document.querySelector('img.page-picture').complete")
        natural = picture.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert natural[0] >= 1000, natural  # the whole page at 150 dpi or more
        shown, box = picture.bounding_box(), page.locator(".page-box").first.bounding_box()
        assert shown["x"] <= box["x"] and box["x"] + box["width"] <= shown["x"] + shown["width"]
        assert shown["y"] <= box["y"] and box["y"] + box["height"] <= shown["y"] + shown["height"]
        source = page.locator("p.src-line.marked").first.bounding_box()
        assert source["x"] + source["width"] <= shown["x"]  # beside the source line, not below it
        assert "AP Amount" in page.locator("dd.table-header").inner_text()
        assert page.locator("a.open-pdf").get_attribute("href").endswith("/source.pdf#page=1")
        if os.environ.get("REVIEW_SCREENSHOT_DIR"):
            page.screenshot(path=f"{os.environ['REVIEW_SCREENSHOT_DIR']}/audit-pdf.png")
        # zoom x2: the picture doubles and the box stays on it, scrolled into view
        page.click("a[href='#zoom-2']")
        page.wait_for_function(
            f"document.querySelector('img.page-picture').getBoundingClientRect().width > {shown['width'] * 1.9}"
        )
        zoomed, box2 = picture.bounding_box(), page.locator(".page-box").first.bounding_box()
        assert box2["width"] == pytest.approx(2 * box["width"], rel=0.05)
        view = page.locator(".page-view").bounding_box()
        assert view["y"] <= box2["y"] <= view["y"] + view["height"] and zoomed["x"] <= box2["x"]
        context.close()


def test_the_dashboard_draws_its_charts_from_this_machine_only(chromium, tmp_path):
    corpus = rs.small_corpus(tmp_path / "corpus", ["000_9697e79c8f4d460c.txt", rs.PDF_FIXTURE.name])
    db = rs.build_db(corpus, tmp_path / "nhs.db")
    with rs.datasette(db) as base:
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(30_000)
        page = context.new_page()
        hosts = set()
        page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
        page.goto(f"{base}/-/dashboards/nhs-figures")
        page.wait_for_url(re.compile(r"body=NHS\+England"))  # the default filter
        with sqlite3.connect(db) as conn:  # the facts chart is there when the build has the facts view
            has_facts = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'facts'").fetchone()[0] == 1
        charts = ["money-by-year", "review-progress", "body-figures", *(["money-by-measure"] if has_facts else [])]
        for name in charts:
            page.locator(f"#chart-{name} svg, #chart-{name} canvas").first.wait_for()
        assert page.locator("#card-money-by-measure").count() == int(has_facts)
        assert hosts == {base.split("/")[2]}  # vega and the data: all from this server
        if os.environ.get("REVIEW_SCREENSHOT_DIR"):
            page.screenshot(path=f"{os.environ['REVIEW_SCREENSHOT_DIR']}/dashboard.png", full_page=True)
        # the menu leads to the dashboard and to the problems table
        page.goto(base + "/")
        page.click("header details summary")
        labels = page.locator("header details .nav-menu-inner a").all_inner_texts()
        assert any(t.startswith("Problems") for t in labels) and any(t.startswith("Dashboard") for t in labels)
        assert page.locator("a[href='/nhs/problems']").count() >= 1
        context.close()
