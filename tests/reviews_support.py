"""Helpers for the reviewers' tests: build a database, add quotations, start Datasette, sign-ins.

Until the quotation extractor is merged, `add_fixture_quotes` fills the agreed
`quotes` / `quote_segments` tables from real quotations in the corpus (lines
with a quoted passage of six words or more, in straight or curly marks, a
passage continued in the next paragraph, and a page reference after the
closing mark), so the audit of a quotation can be tested. It does nothing when
the build already has quotations.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
import yaml

from pipeline import load
from pipeline.build import build
from pipeline.extract import Context

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
QUOTED = re.compile(r"[“\"](?P<q>[^“”\"]{20,}?)(?:[”\"]|$)")
SPEAKER = re.compile(r"(?P<who>[A-Z][\w’']+(?: [A-Z][\w’']+)*) (?:said|explained|admitted|told)\b")
PAGE_AFTER = re.compile(r"\s*\((?:(?P<cites>[A-Z][A-Za-z ]*?):?\s)?pp?\s?(?P<first>\d+)(?:-(?P<last>\d+))?\)")


def copy_corpus(dest: Path) -> Path:
    shutil.copytree(CORPUS, dest)
    return dest


def build_db(corpus: Path, db: Path) -> Path:
    report = build(corpus, db, Context())
    assert report.ok, report.failed
    return db


def rebuild_cli(corpus: Path, db: Path) -> subprocess.CompletedProcess[str]:
    """A rebuild as `make` does it: the CLI, which re-attaches verdicts at the end."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "-q", "--corpus", str(corpus), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )


def _sid(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


def add_fixture_quotes(db_path: Path) -> int:
    """Quotations found in the built lines, in the agreed tables. Returns how many were added."""
    db = sqlite_utils.Database(db_path)
    if db.execute("SELECT count(*) FROM quotes").fetchone()[0]:
        return 0
    docs = {r["id"]: r["sha256"] for r in db.query("SELECT id, sha256 FROM documents")}
    lines = list(db.query("SELECT id, document_id, page, line, text FROM lines ORDER BY id"))
    quotes, segments, cited = [], [], {}
    open_quote: dict | None = None
    for ln in lines:
        text = ln["text"]
        if not text.strip():
            continue
        if open_quote and open_quote["document_id"] == ln["document_id"] and text.startswith("“"):
            m = QUOTED.match(text)
            if m:
                _segment(open_quote, segments, ln, m.start("q"), m.end("q"))
                open_quote["text"] += " " + m.group("q")
                if m.group(0).endswith(("”", '"')):
                    open_quote = None
                continue
        open_quote = None
        for m in QUOTED.finditer(text):
            words = m.group("q").split()
            if len(words) < 6:
                continue
            qid = _sid(docs[ln["document_id"]], "quote", ln["id"], m.start("q"))
            q = {
                "id": qid,
                "document_id": ln["document_id"],
                "text": m.group("q"),
                "first_line": ln["line"],
                "last_line": ln["line"],
                "page_first": None,
                "page_last": None,
                "page_count": None,
                "cites": None,
                "cited_document_id": None,
                "resolution": None,
                "speaker": None,
                "duplicate_of": None,
                "_segments": [],
            }
            who = SPEAKER.search(text)
            if who:
                q["speaker"] = who.group("who")
            page = PAGE_AFTER.match(text, m.end())
            if page:
                q["page_first"] = int(page.group("first"))
                q["page_last"] = int(page.group("last") or page.group("first"))
                q["cites"] = page.group("cites")
                name = page.group("cites") or "STP"
                cited.setdefault(name, len(cited) + 1)
                q["cited_document_id"] = cited[name]
                q["resolution"] = "named" if page.group("cites") else "section"
            _segment(q, segments, ln, m.start("q"), m.end("q"))
            quotes.append(q)
            if not m.group(0).endswith(("”", '"')):
                open_quote = q
    for q in quotes:
        q["last_line"] = q.pop("_segments")[-1]
    db["cited_documents"].insert_all({"id": i, "name": n, "short_name": n} for n, i in cited.items())
    db["quotes"].insert_all(quotes)
    db["quote_segments"].insert_all(segments)
    db.execute("DROP VIEW IF EXISTS mentions_quote")
    db.execute(
        "CREATE VIEW mentions_quote AS SELECT s.id, 'quote' AS kind, s.document_id, d.sha256 AS doc_sha256, "
        "d.file AS doc, s.page, s.line, s.char_start, s.char_end, s.text, l.text AS line_text, NULL AS low, "
        "NULL AS high, NULL AS currency, q.page_first, q.page_last, q.cites, NULL AS name, NULL AS type "
        "FROM quote_segments s JOIN quotes q ON q.id = s.quote_id JOIN documents d ON d.id = s.document_id "
        "JOIN lines l ON l.id = s.line_id"
    )
    load.finish(db)
    db.close()
    return len(quotes)


def _segment(q: dict, segments: list, ln: dict, start: int, end: int) -> None:
    seq = len(q["_segments"])
    q["_segments"].append(ln["line"])
    segments.append(
        {
            "id": _sid(q["id"], seq),
            "document_id": ln["document_id"],
            "line_id": ln["id"],
            "page": ln["page"],
            "line": ln["line"],
            "char_start": start,
            "char_end": end,
            "text": ln["text"][start:end],
            "quote_id": q["id"],
            "seq": seq,
        }
    )


def write_reviewers(directory: Path, accounts: dict[str, str]) -> Path:
    """reviewers.yaml beside the database (hashes with few iterations: these are test passwords)."""
    from datasette_auth_passwords.utils import hash_password

    path = directory / "reviewers.yaml"
    data = {
        "reviewers": {
            n: {"name": n.title(), "password_hash": hash_password(p, iterations=1000)} for n, p in accounts.items()
        }
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_command(db: Path, port: int) -> list[str]:
    """The command of `make serve`, on another database and port (no --reload: tests restart it)."""
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "-i",
        str(db),
        "-m",
        str(ROOT / "db" / "metadata.yaml"),
        "--plugins-dir",
        str(ROOT / "plugins"),
        "--template-dir",
        str(ROOT / "templates"),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]


@contextmanager
def datasette(db: Path) -> Iterator[str]:
    """A Datasette serving `db` as `make serve` does; yields its base URL."""
    port = free_port()
    log = db.with_name(f"datasette-{port}.log")
    with open(log, "w") as out:
        proc = subprocess.Popen(serve_command(db, port), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"Datasette exited ({proc.returncode}):\n{log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Datasette did not start in 60s:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def verdict_count(reviews_db: Path) -> int:
    if not reviews_db.exists():
        return 0
    with sqlite3.connect(reviews_db) as c:
        return int(c.execute("SELECT count(*) FROM verdicts").fetchone()[0])


def chromium_path() -> str | None:
    for p in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if p and Path(p).is_file():
            return p
    return None


PDF_FIXTURE = ROOT / "tests" / "data" / "nhs-barking-dagenham-ccg-invoices-over-25k-2014-15.pdf"
AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})+\.\d\d")


def build_pdf_fixture(directory: Path, page_number: int = 9) -> tuple[Path, str, tuple[float, float, float, float]]:
    """A database of one real PDF page, as PDF ingestion will give it: lines with their boxes on
    the page, and the first amount of money on it as a mention with its box. Returns (db, mention id, box)."""
    import pdfplumber

    from pipeline.model import Line, Mention, mention_id, sha256_bytes

    corpus = directory / "corpus"
    corpus.mkdir()
    pdf_path = corpus / PDF_FIXTURE.name
    shutil.copyfile(PDF_FIXTURE, pdf_path)
    sha = sha256_bytes(pdf_path.read_bytes())
    db_path = directory / "nhs.db"
    db = sqlite_utils.Database(db_path)
    load.create_schema(db)
    db["builds"].insert(
        {"started": "2025-01-01T00:00:00+00:00", "code_version": "test", "rules_version": "test", "corpus": str(corpus)}
    )
    db["documents"].insert(
        {
            "id": 1,
            "file": pdf_path.name,
            "sha256": sha,
            "title": "Invoices over £25k",
            "publisher": "NHS Barking and Dagenham CCG",
            "date": "2015",
            "media_type": "pdf",
            "status": "built",
            "page_count": 12,
        }
    )
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[page_number - 1]
        text_lines = page.extract_text_lines()
        words = page.extract_words()
    rows = [
        {
            "id": i,
            "document_id": 1,
            "page": page_number,
            "line": i,
            "text": t["text"],
            "role": "body",
            "x0": t["x0"],
            "top": t["top"],
            "x1": t["x1"],
            "bottom": t["bottom"],
        }
        for i, t in enumerate(text_lines, 1)
    ]
    db["lines"].insert_all(rows)
    word = next(w for w in words if AMOUNT.fullmatch(w["text"]))
    line = next(r for r in rows if r["top"] - 1 <= word["top"] <= r["bottom"] and word["text"] in r["text"])
    start = line["text"].index(word["text"])
    end = start + len(word["text"])
    value = float(word["text"].replace(",", ""))
    mid = mention_id(sha, Line(line["line"], line["text"], page_number), Mention("money", 0, start, end, word["text"]))
    box = (word["x0"], word["top"], word["x1"], word["bottom"])
    db["money"].insert(
        {
            "id": mid,
            "document_id": 1,
            "line_id": line["id"],
            "page": page_number,
            "line": line["line"],
            "char_start": start,
            "char_end": end,
            "text": word["text"],
            "x0": box[0],
            "top": box[1],
            "x1": box[2],
            "bottom": box[3],
            "currency": "GBP",
            "low": value,
            "high": value,
        }
    )
    load.finish(db)
    db.close()
    return db_path, mid, box
