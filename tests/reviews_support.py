"""Helpers for the reviewers' tests: build a database, start Datasette, sign in."""

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
from pipeline.reviews import serve as reviews_serve

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def copy_corpus(dest: Path) -> Path:
    shutil.copytree(CORPUS, dest)
    return dest


def small_corpus(dest: Path, files: list[str]) -> Path:
    """A corpus of some of the project's documents, with their manifest entries."""
    dest.mkdir(parents=True)
    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
    entries = [e for e in manifest["documents"] if e["file"] in files]
    assert len(entries) == len(files), files
    for name in files:
        shutil.copyfile(CORPUS / name, dest / name)
    (dest / "manifest.yaml").write_text(yaml.safe_dump({"documents": entries}, allow_unicode=True), encoding="utf-8")
    return dest


def insert_lines_at_top(path: Path, lines: list[str]) -> None:
    path.write_bytes("".join(f"{line}\n" for line in lines).encode("utf-8") + path.read_bytes())


def build_db(corpus: Path, db: Path) -> Path:
    from tests.conftest import shared_cache

    cache = shared_cache()
    report = build(corpus, db, Context(options={"cache": cache} if cache else {}))
    assert report.ok, report.failed
    return db


def rebuild_cli(corpus: Path, db: Path) -> subprocess.CompletedProcess[str]:
    """A rebuild as `make` does it: the CLI, which re-attaches verdicts at the end."""
    from tests.conftest import shared_cache

    cache = shared_cache()
    cache_args = ["--cache", cache] if cache else []
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "-q", "--corpus", str(corpus), "--db", str(db), *cache_args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )


def _sid(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


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
    # what the tests check is what the pages say, not how fast a busy machine answers: the 1 s SQL
    # limit of make serve is measured by `make bench` (--only web), not here
    return reviews_serve.serve_command(db, port, ("sql_time_limit_ms", "30000"))


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
    header = next((r for r in rows if "AP Amount" in r["text"]), None)  # the column header, on page 1
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
            "basis": "column_header",
            "header_page": page_number if header else None,
            "header_line": header["line"] if header else None,
        }
    )
    load.finish(db)
    db.close()
    return db_path, mid, box
