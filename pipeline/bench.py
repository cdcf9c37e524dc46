"""`make bench`: how fast the pipeline is on this machine, in one run.

    python -m pipeline.bench [--quick] [--jobs N] [--only pdf|ocr|stages|builds|longline|web]

Prints:
1. PDF pages per second through our ingestion vs plain pdfplumber ``extract_words`` on the same
   files, and the ratio (the overhead we add; the aim is at most 1.3). OCR is off here.
1b. OCR, apart: each PDF read with OCR on and off; the difference is what OCR costs, with the
   pages it read and the lines it added (a PDF whose pages all have a good text layer and no
   picture should cost nothing more).
2. Text lines and characters per second through each stage: normalisation and every extractor
   of the EXTRACTORS registry (whichever are registered), and all extractors together.
3. Builds, each in its own process as `python -m pipeline build` runs them (wall time; peak
   memory of the main process, which streams results into the database, and of the largest
   worker): the full corpus from an empty cache, a no-op rebuild, a rebuild after
   adding one document, and the corpus replicated 10x and 50x (time should grow linearly,
   memory stay flat).

4. Faults (pipeline/bench_faults.py): a long line against the same text on lines of its own, and
   the review site under 2,000 requests from 8 threads with 32,000-character URLs among them.

Uses the real documents of ../shared/realdocs when present (more PDF pages, more text, and a
document to add); otherwise only corpus/. Nothing here is a test: it measures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import yaml

from pipeline.build import build
from pipeline.extract import EXTRACTORS, Context, Extraction, load_extractor, normalise_lines
from pipeline.ingest import ingest
from pipeline.manifest import Entry, infer_entry, load_manifest, media_type_of
from pipeline.model import Document, Line

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REALDOCS = ROOT.parent / "shared" / "realdocs"
# realdocs that may not be shipped are still fine to time (nothing is copied into the project)
ADDED_DOC = "leeds-shared-research-and-innovation-strategy-2020-2030.pdf"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 207-page report and the 50x corpus")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="jobs for the builds")
    parser.add_argument(
        "--only", choices=("pdf", "ocr", "stages", "builds", "longline", "web"), help="run one part only"
    )
    parser.add_argument("--child", nargs=4, metavar=("CORPUS", "DB", "JOBS", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return
    print(f"nhs-figures benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, jobs {args.jobs}")
    print(f"real documents from {REALDOCS}: {'yes' if REALDOCS.is_dir() else 'absent, corpus only'}\n")
    if args.only in (None, "pdf"):
        bench_pdf(pdf_files(args.quick))
    if args.only in (None, "ocr"):
        bench_ocr(ocr_files(args.quick))
    if args.only in (None, "stages"):
        bench_stages(text_documents())
    if args.only in (None, "builds"):
        bench_builds(args.jobs, args.quick)
    if args.only in (None, "longline"):
        from pipeline.bench_faults import bench_long_lines

        bench_long_lines()
    if args.only in (None, "web"):
        from pipeline.bench_faults import bench_web

        bench_web()


# -- 1. PDF ingestion ---------------------------------------------------------------------------


def pdf_files(quick: bool) -> list[Path]:
    files = [CORPUS / e.file for e in load_manifest(CORPUS) if e.media_type == "pdf"]
    if REALDOCS.is_dir():
        names = {f.name for f in files}
        for p in sorted(REALDOCS.glob("*.pdf")):
            if p.name not in names and not (quick and "full-report" in p.name):
                files.append(p)
    return files


def bench_pdf(files: list[Path]) -> None:
    print("1. PDF ingestion (no cache): our lines with boxes vs pdfplumber extract_words")
    print(f"   {'file':58} {'pages':>5} {'words s':>8} {'ours s':>8} {'ratio':>6}")
    tot_pages = 0
    tot_words = tot_ours = 0.0
    for path in files:
        t_words, pages = _time_words(path)
        t_ours = _time_ours(path)
        tot_pages += pages
        tot_words += t_words
        tot_ours += t_ours
        print(f"   {path.name[:58]:58} {pages:5d} {t_words:8.2f} {t_ours:8.2f} {t_ours / t_words:6.2f}")
    print(
        f"   {'all':58} {tot_pages:5d} {tot_words:8.2f} {tot_ours:8.2f} {tot_ours / tot_words:6.2f}"
        f"   -> pdfplumber {tot_pages / tot_words:.1f} pages/s, ours {tot_pages / tot_ours:.1f} pages/s "
        f"(ratio {tot_ours / tot_words:.2f}; aim <= 1.3)\n"
    )


def _time_words(path: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        pages = 0
        for page in pdf.pages:
            page.extract_words()
            page.close()
            pages += 1
    return time.perf_counter() - t0, pages


def _time_ours(path: Path) -> float:
    t0 = time.perf_counter()
    ingest(path.parent, infer_entry(path.name), rules=_rules_without_ocr())
    return time.perf_counter() - t0


_NO_OCR: list[Path] = []


def _rules_without_ocr() -> Path:
    """A copy of rules/ with OCR turned off (made once per run, in a temporary folder)."""
    if not _NO_OCR:
        folder = Path(tempfile.mkdtemp(prefix="nhs-figures-bench-rules-")) / "rules"
        shutil.copytree(ROOT / "rules", folder)
        data = yaml.safe_load((folder / "ocr.yaml").read_text(encoding="utf-8"))
        data["enabled"] = False
        (folder / "ocr.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
        _NO_OCR.append(folder)
    return _NO_OCR[0]


# -- 1b. OCR ------------------------------------------------------------------------------------


def ocr_files(quick: bool) -> list[Path]:
    """The PDFs of part 1 and the scanned test PDFs."""
    scans = sorted((ROOT / "tests" / "data" / "hardpdfs").glob("scanned-*.pdf"))
    return [*pdf_files(quick), *scans]


def bench_ocr(files: list[Path]) -> None:
    from pipeline.ingest.ocr import engine_version
    from pipeline.ingest.ocr_rules import load_ocr_rules

    print(f"1b. OCR ({engine_version(load_ocr_rules())}): each PDF read with OCR on and off (no cache)")
    print(f"   {'file':58} {'pages':>5} {'ocr pp':>6} {'lines':>5} {'off s':>7} {'on s':>7} {'ocr s':>7}")
    tot_off = tot_on = 0.0
    tot_pages = tot_ocr_pages = 0
    for path in files:
        entry = infer_entry(path.name)
        t0 = time.perf_counter()
        off = ingest(path.parent, entry, rules=_rules_without_ocr())
        t_off = time.perf_counter() - t0
        t0 = time.perf_counter()
        on = ingest(path.parent, entry)
        t_on = time.perf_counter() - t0
        pages = len(on.hints.get("ocr_pages", []))
        added = sum(line.source == "ocr" for line in on.lines)
        tot_off += t_off
        tot_on += t_on
        tot_pages += on.page_count or 0
        tot_ocr_pages += pages
        print(
            f"   {path.name[:58]:58} {on.page_count or 0:5d} {pages:6d} {added:5d} {t_off:7.2f} {t_on:7.2f} "
            f"{t_on - t_off:7.2f}"
        )
        del off
    print(
        f"   {'all':58} {tot_pages:5d} {tot_ocr_pages:6d} {'':5} {tot_off:7.2f} {tot_on:7.2f} {tot_on - tot_off:7.2f}"
        f"   -> OCR {((tot_on - tot_off) / tot_ocr_pages) if tot_ocr_pages else 0:.1f} s per page it read "
        "(the first one loads the models)\n"
    )


# -- 2. Stages over text ------------------------------------------------------------------------


def text_documents() -> list[Document]:
    """Every corpus document's lines (PDFs as read), plus the real text documents."""
    docs = [ingest(CORPUS, e) for e in load_manifest(CORPUS)]
    if REALDOCS.is_dir():
        names = {d.path for d in docs}
        for p in sorted(REALDOCS.iterdir()):
            if p.name not in names and media_type_of(p.name) == "text":
                docs.append(ingest(REALDOCS, infer_entry(p.name)))
    return [d for d in docs if d.lines]


def bench_stages(docs: list[Document]) -> None:
    ctx = Context()
    n_lines = sum(len(d.lines) for d in docs)
    n_chars = sum(len(line.text) for d in docs for line in d.lines)
    print(f"2. Stages over {len(docs)} documents, {n_lines:,} lines, {n_chars:,} characters (one process)")
    print(f"   {'stage':28} {'seconds':>8} {'lines/s':>10} {'chars/s':>12} {'found':>7}")
    normalised = []
    t0 = time.perf_counter()
    for d in docs:
        normalised.append(normalise_lines(d, ctx.rules))
    t_norm = time.perf_counter() - t0
    _row("normalise", t_norm, n_lines, n_chars, None)
    so_far = [Extraction() for _ in docs]
    t_all = t_setup = 0.0
    times: dict[str, float] = {}
    for kind, spec in EXTRACTORS.items():
        t0 = time.perf_counter()
        extractor = load_extractor(spec)
        # the first call imports what the extractor needs and loads its rules (once per process, as in a
        # build's worker): timed apart, on a one-line document, so the rows give throughput
        extractor(_WARM_UP, normalise_lines(_WARM_UP, ctx.rules), Context(ctx.rules, {"so_far": Extraction()}))
        t_setup += time.perf_counter() - t0
        found = 0
        t0 = time.perf_counter()
        for d, lines, acc in zip(docs, normalised, so_far, strict=True):
            result = extractor(d, lines, Context(ctx.rules, {"so_far": acc}))
            acc.extend(result)
            found += len(result.mentions) + (len(result.records.get("money_facts", ())) if kind == "fact" else 0)
        dt = time.perf_counter() - t0
        times[kind] = dt
        t_all += dt
        _row(f"extract {kind}", dt, n_lines, n_chars, found)
    _row("all extractors", t_all, n_lines, n_chars, sum(len(a.mentions) for a in so_far))
    _row("normalise + all extractors", t_norm + t_all, n_lines, n_chars, None)
    print(f"   (setup, once per process: first call of each extractor, imports and rules: {t_setup:.2f} s)")
    if "fact" in times and t_all > times["fact"]:
        t_fact = times["fact"]
        print(
            f"   facts (one per amount of money) take {t_fact:.2f} s: {100 * t_fact / (t_all - t_fact):.1f}% added to "
            f"the other extractors' {t_all - t_fact:.2f} s (issue 9: at most 20%)"
        )
    print()


_WARM_UP = Document("warm-up.txt", "0" * 64, "text", {}, [Line(1, "NHS England paid £4.4m (4%) to Luton CCG.")])


def _row(name: str, seconds: float, lines: int, chars: int, found: int | None) -> None:
    seconds = max(seconds, 1e-9)
    shown = "" if found is None else f"{found:7d}"
    print(f"   {name:28} {seconds:8.3f} {lines / seconds:10,.0f} {chars / seconds:12,.0f} {shown}")


# -- 3. Builds ----------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float  # wall time of the whole command, start-up included
    main_mb: float  # peak memory of the process that streams the results into the database
    worker_mb: float  # peak memory of the largest worker process (0 when none)
    failed: int
    summary: str


def run_build(corpus: Path, db: Path, jobs: int, cache: Path | None) -> Run:
    """One build in its own process (as `python -m pipeline build`, through `build()`), measured."""
    cmd = [sys.executable, "-m", "pipeline.bench", "--child", str(corpus), str(db), str(jobs), str(cache or "")]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return Run(seconds, 0, 0, -1, (proc.stderr.strip().splitlines() or ["no output"])[-1])
    return Run(seconds, out["main_mb"], out["worker_mb"], out["failed"], out["summary"])


def _peak_mb() -> float:
    """This process's peak resident memory. Linux keeps ru_maxrss across exec, so a process
    started by a large one would report its parent's size: read VmHWM, which exec resets."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(corpus: str, db: str, jobs: str, cache: str) -> None:
    """The measured side of `run_build`: build, then report peak memory as JSON on stdout."""
    report = build(Path(corpus), Path(db), Context(options={"cache": cache or None}), jobs=int(jobs))
    main_mb = _peak_mb()
    # workers are forked (not exec'd) from this process, so their peaks are their own
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = f"{report.documents} documents, {len(report.failed)} failed"
    print(json.dumps({"main_mb": main_mb, "worker_mb": worker_mb, "failed": len(report.failed), "summary": summary}))


def bench_builds(jobs: int, quick: bool) -> None:
    print(f"3. Builds with --jobs {jobs}, each in a fresh process (wall time incl. start-up; peak RSS)")
    with tempfile.TemporaryDirectory(prefix="nhs-figures-bench-") as tmp_str:
        tmp = Path(tmp_str)
        entries = load_manifest(CORPUS)
        corpus = _copy_corpus(CORPUS, entries, tmp / "corpus", 1)
        cache = tmp / "cache"
        db = tmp / "nhs.db"
        _report("full build of corpus/ (empty cache)", run_build(corpus, db, jobs, cache), len(entries))
        _report("no-op rebuild (all from cache)", run_build(corpus, db, jobs, cache), len(entries))
        added = _document_to_add()
        shutil.copy(added, corpus / added.name)
        _report(f"one document added ({added.name[:30]})", run_build(corpus, db, jobs, cache), len(entries) + 1)
        t0 = time.perf_counter()
        subprocess.run(["make", "-q", "-C", str(ROOT), "db/nhs.db"], capture_output=True, check=False)
        print(f"   {'make: checking db/nhs.db is up to date':52} {time.perf_counter() - t0:8.2f}s")
        print("\n   corpus replicated (each copy made distinct by a trailing comment, so none is a duplicate):")
        for times in (1, 10) if quick else (1, 10, 50):
            rep = _copy_corpus(CORPUS, entries, tmp / f"x{times}", times)
            rep_cache = tmp / f"x{times}-cache"
            cold = run_build(rep, tmp / f"x{times}.db", jobs, rep_cache)
            _report(f"{times:>3}x, every document processed", cold, len(entries) * times)
            warm = run_build(rep, tmp / f"x{times}.db", jobs, rep_cache)
            _report(f"{times:>3}x, again: stages from the cache", warm, len(entries) * times)
            shutil.rmtree(rep)
            shutil.rmtree(rep_cache)
            (tmp / f"x{times}.db").unlink()


def _report(label: str, run: Run, docs: int) -> None:
    status = f"  FAILED: {run.summary}" if run.failed else ""
    workers = f"{run.worker_mb:5.0f} MB" if run.worker_mb else "    -   "
    print(
        f"   {label:50} {run.seconds:7.2f}s {run.seconds / docs * 1000:6.0f} ms/doc  "
        f"main {run.main_mb:4.0f} MB  largest worker {workers}{status}"
    )


def _document_to_add() -> Path:
    if (REALDOCS / ADDED_DOC).is_file():
        return REALDOCS / ADDED_DOC
    return ROOT / "tests" / "data" / "hardpdfs" / "multicolumn-3col-federal-register-2020-17221.pdf"


def _copy_corpus(src: Path, entries: Iterable[Entry], dest: Path, times: int) -> Path:
    """`times` copies of every listed document, with a manifest. Copies after the first end with
    a comment (a line of text; a PDF comment after %%EOF), so each has its own SHA-256."""
    dest.mkdir(parents=True)
    docs = []
    for k in range(times):
        for e in entries:
            name = e.file if times == 1 else f"r{k:02d}_{e.file}"
            data = (src / e.file).read_bytes()
            if k:
                data += f"\n% copy {k}\n".encode() if e.media_type == "pdf" else f"\n[copy {k}]".encode()
            (dest / name).write_bytes(data)
            meta = {key: v for key, v in e.meta.items() if key not in ("inferred", "sha256")}
            docs.append({**meta, "file": name})
    (dest / "manifest.yaml").write_text(yaml.safe_dump({"documents": docs}, allow_unicode=True), encoding="utf-8")
    return dest


if __name__ == "__main__":
    main()
