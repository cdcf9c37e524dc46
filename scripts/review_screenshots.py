"""Screenshots of the reviewers' pages for the README, taken in headless Chromium.

Serves a copy of db/nhs.db (build it first: make) with a throwaway reviews.db holding a few
verdicts (so the history and the progress chart show something), signs in, and saves:

    docs/review-audit-text.png   the audit page of an amount in a text document, after a verdict
    docs/review-audit-pdf.png    the audit page of an amount read from a PDF table: the page beside it
    docs/review-queue.png        the figures queue (money)
    docs/review-dashboard.png    the dashboard

Usage: .venv/bin/python scripts/review_screenshots.py [--out docs]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tests.reviews_support as rs  # noqa: E402
from pipeline.reviews import items, store  # noqa: E402

ACCOUNTS = {"alice": "screenshot-only password"}
TEXT_ITEM = (
    "money",
    "SELECT m.id FROM money m JOIN documents d ON d.id = m.document_id "
    "WHERE d.file LIKE '000_%' AND m.text LIKE '%pounds 22 billion%' ORDER BY m.line_id LIMIT 1",
)
PDF_ITEM = (
    "money",
    "SELECT m.id FROM money m JOIN documents d ON d.id = m.document_id "
    "WHERE d.file LIKE 'nhs-barking-%' AND m.basis = 'column_header' AND m.page = 2 "
    "ORDER BY m.line_id LIMIT 1",
)
# a few verdicts for the history and the progress chart: (kind, how many, verdict)
DEMO = [
    ("percent", 40, "confirmed"),
    ("money", 60, "confirmed"),
    ("money", 4, "wrong"),
    ("page_ref", 30, "confirmed"),
    ("page_ref", 3, "unsure"),
    ("body", 150, "confirmed"),
    ("body", 12, "wrong"),
]


def record_demo_verdicts(db: Path, reviews: Path, leave: set[str]) -> None:
    conn = sqlite3.connect(db)
    rc = store.connect(reviews)
    seen: set[str] = set(leave)  # the items photographed get their verdict through the page
    for kind, n, verdict in DEMO:
        ids = [
            r[0] for r in conn.execute("SELECT id FROM mentions WHERE kind = ? ORDER BY document_id, line, id", (kind,))
        ]
        picked = [i for i in ids if i not in seen][:n]
        for item_id in picked:
            seen.add(item_id)
            item = items.get_item(conn, kind, item_id)
            assert item is not None
            correct = "not this figure: a reference number" if verdict == "wrong" else None
            store.record(rc, store.make_verdict(items.target(conn, item), verdict, "alice", correct))
    rc.close()
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    chromium = rs.chromium_path()
    if chromium is None:
        sys.exit("Chromium is not installed: apt-get install -y chromium")
    source = ROOT / "db" / "nhs.db"
    if not source.is_file():
        sys.exit(f"{source} is not built: run make first")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "nhs.db"
        shutil.copyfile(source, db)
        rs.write_reviewers(Path(tmp), ACCOUNTS)
        with sqlite3.connect(db) as conn:
            text_id = conn.execute(TEXT_ITEM[1]).fetchone()[0]
            pdf_id = conn.execute(PDF_ITEM[1]).fetchone()[0]
        record_demo_verdicts(db, Path(tmp) / "reviews.db", {text_id, pdf_id})
        with rs.datasette(db) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(base + "/-/login")
            page.fill("#id_username", "alice")
            page.fill("#id_password", ACCOUNTS["alice"])
            page.click("input[type=submit]")
            page.wait_for_url(base + "/")

            url = f"{base}/-/audit/{TEXT_ITEM[0]}/{text_id}"
            page.goto(url)
            page.check("input[name=verdict][value=confirmed]")
            page.fill("#note", "Checked against the source line: the UNISON report's own figure.")
            page.click("form.verdict-form input[type=submit]")
            page.wait_for_url(url)
            page.screenshot(path=str(args.out / "review-audit-text.png"), full_page=True)

            page.goto(f"{base}/-/audit/{PDF_ITEM[0]}/{pdf_id}")
            page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
            page.screenshot(path=str(args.out / "review-audit-pdf.png"))

            page.goto(base + "/nhs/awaiting_review?kind=money")
            page.screenshot(path=str(args.out / "review-queue.png"))

            page.goto(base + "/-/dashboards/nhs-figures")
            page.wait_for_url("**body=*")
            for chart in ("money-by-year", "review-progress", "body-figures"):
                page.locator(f"#chart-{chart} svg, #chart-{chart} canvas").first.wait_for()
            page.screenshot(path=str(args.out / "review-dashboard.png"), full_page=True)
            browser.close()
    for name in ("audit-text", "audit-pdf", "queue", "dashboard"):
        print(args.out / f"review-{name}.png")


if __name__ == "__main__":
    main()
