"""`make bench`: how fast the pipeline is on this machine, in one run.

    python -m pipeline.bench [--quick|--large] [--jobs N] [--only NAME] [--passes N] [--times N] [--repeat N]

Each measurement is one function registered in MEASUREMENTS (run in that order; `--only NAME` runs
one): to add a row of your own, write a function taking the parsed arguments and decorate it with
``@measurement("name")`` (``by_default=False``: only with ``--only`` or ``--large``). The default run
is sized to finish in under 10 minutes, ``--quick`` (the corpus PDFs only, the reference readers on
the first of them that hold 15 pages, one pass of the stages, no document added, no OCR, long lines
or web load) in under 2, on a quiet 2-core machine: no part repeats what another
did (the stages take part 1's PDF lines), and the parts that only scale (OCR of many pages, the
corpus replicated, the longest lines, 2,000 requests) are smaller unless ``--large``, which also
adds the corpus replicated 3x, 10x and 50x and the Dask part (hours). Each part prints its sample
sizes and repeats.

- ``pdf``: PDF pages per second through our ingestion vs plain pdfplumber ``extract_words`` vs
  pypdfium2's characters with boxes and sizes, and the ratios, on the same pages: every reader on
  the corpus PDFs; over the PDFs of realdocs too only the default reader and pypdfium2 (every reader
  with --large). A reader of our ingestion is one more entry of ``_readers``.
- ``ocr``: the scanned test PDF with the fewest pages (every scanned test PDF and every PDF with
  --large) read with OCR on and off; the difference is what OCR costs, with the pages it read and
  the lines it added (the ``pdf`` rows read with OCR off).
- ``stages``: characters per second through normalisation and every component of the registry
  (pipeline/components.py; citations writes page_ref and quote from one analysis), all
  kinds against money alone, and each against its ceiling: one compiled regex scan of the same text
  for what that kind looks for; medians of ``--passes`` passes (3; 1 with --quick), each stage timed after a
  garbage collection (not counted), and what facts
  add to the other extractors pass by pass (issue 9).
- ``builds``: builds, each in its own process as `python -m pipeline build` runs them (wall and CPU
  time; peak memory of the main process and of the largest worker): the full corpus from an empty
  cache, a no-op rebuild, a new database from the cache, a rebuild after adding one document, and
  with --large the corpus replicated 3x, 10x and 50x (time should grow linearly, memory stay flat).
  With --quick, OCR off and no document added, and the full build finds the PDFs as part 1 read them
  in its cache (each PDF is read once per reader).
- ``longline`` and ``web`` (pipeline/bench_faults.py): 10,000 amounts (40,000 with --large) on one
  line against the same on lines of their own, the same for 0.33 MB (1.3 MB) of text (each a build in
  this process, CPU seconds), and the review site under 500 requests (2,000) from 8 threads with
  32,000-character URLs.
- ``dask``: the corpus replicated 20x (``--times``), every document processed, built locally with
  --jobs N and on a LocalCluster of N worker processes (``--executor dask``), cluster start-up
  included; ``--repeat`` paired runs, and the ratio of each pair (the aim is at most 1.3).

Times in-process are CPU seconds of this process (on a shared machine wall time mostly measures
the other work); builds give both. Each part ends with its wall time and its CPU seconds, those of
this process (one thread at work: its wall time on a quiet machine) and of its children (builds, site).
Uses ../shared/realdocs when present. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import regex
import yaml

from pipeline import components
from pipeline.build import build
from pipeline.extract import Context, normalise_lines
from pipeline.ingest import apply_entry, ingest
from pipeline.ingest.pdf_rules import load_layout
from pipeline.manifest import Entry, infer_entry, load_manifest, media_type_of
from pipeline.model import Document, Extraction, Line
from pipeline.normalise import NormLine

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REALDOCS = ROOT.parent / "shared" / "realdocs"
# realdocs that may not be shipped are still fine to time (nothing is copied into the project)
ADDED_DOC = "leeds-shared-research-and-innovation-strategy-2020-2030.pdf"


Measurement = Callable[[argparse.Namespace], None]
MEASUREMENTS: dict[str, Measurement] = {}
ON_REQUEST: set[str] = set()  # measurements run only with --only NAME or --large (they take many minutes)


def measurement(name: str, by_default: bool = True) -> Callable[[Measurement], Measurement]:
    def register(func: Measurement) -> Measurement:
        MEASUREMENTS[name] = func
        if not by_default:
            ON_REQUEST.add(name)
        return func

    return register


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="PDFs of corpus/ only; no OCR, replicated corpus, long lines or web load"
    )
    parser.add_argument(
        "--large",
        action="store_true",
        help="also OCR every PDF, build the corpus replicated 10x and 50x, and run the Dask part (an hour or more)",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="jobs for the builds")
    parser.add_argument("--only", choices=sorted(MEASUREMENTS), help="run one measurement only")
    parser.add_argument("--repeat", type=int, default=1, help="paired runs of the Dask part")
    parser.add_argument(
        "--passes", type=int, default=0, help="passes of the stages part, whose figures are medians (3; 1 with --quick)"
    )
    parser.add_argument("--port", type=int, default=0, help="port of the web part's site on 127.0.0.1 (0: a free one)")
    parser.add_argument("--times", type=int, default=20, help="copies of the corpus in the Dask part")
    parser.add_argument("--child", nargs=4, metavar=("CORPUS", "DB", "JOBS", "CACHE"), help=argparse.SUPPRESS)
    parser.add_argument("--child-executor", default="local", help=argparse.SUPPRESS)
    parser.add_argument("--child-rules", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        corpus, db, jobs, cache = args.child
        _child(corpus, db, jobs, cache, executor=args.child_executor, rules=args.child_rules)
        return
    print(f"nhs-figures benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, jobs {args.jobs}")
    print(f"real documents from {REALDOCS}: {'yes' if REALDOCS.is_dir() else 'absent, corpus only'}\n")
    t0, cpu0 = time.perf_counter(), _cpu()
    for name, func in MEASUREMENTS.items():
        if args.only == name or (args.only is None and (args.large or name not in ON_REQUEST)):
            if args.quick and args.only is None and name in ("ocr", "web", "longline"):
                continue
            w0, c0 = time.perf_counter(), _cpu()
            func(args)
            wall, cpu = time.perf_counter() - w0, _cpu()
            own, kids = cpu[0] - c0[0], cpu[1] - c0[1]
            print(f"   [{name}: {wall:.0f} s wall, {own + kids:.0f} CPU s: {own:.0f} own, {kids:.0f} children]\n")
    for folder in [*(db.parent for db in _BUILT), *(rules.parent for rules in _NO_OCR)]:
        _remove(folder)  # the builds' database kept for the web part (not run with --quick), rules without OCR
    wall, (own, kids) = time.perf_counter() - t0, _cpu()
    own, kids = own - cpu0[0], kids - cpu0[1]
    bar = "" if args.only or args.large else f" (bar: under {2 if args.quick else 10} minutes on a quiet machine)"
    print(
        f"benchmark finished in {wall:.0f} s (wall){bar}, {own + kids:.0f} CPU s: {own:.0f} in this process (one "
        f"thread working at a time, so its wall time on a quiet machine), {kids:.0f} in its children (builds, site)"
    )


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process, and of the processes it waited for (builds, the review site)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


# -- 1. PDF ingestion ---------------------------------------------------------------------------


def pdf_files(quick: bool) -> list[Path]:
    """The corpus PDFs, and (not with --quick) those of ../shared/realdocs."""
    files = [CORPUS / e.file for e in load_manifest(CORPUS) if e.media_type == "pdf"]
    if REALDOCS.is_dir() and not quick:
        names = {f.name for f in files}
        for p in sorted(REALDOCS.glob("*.pdf")):
            if p.name not in names:
                files.append(p)
    return files


def _readers() -> dict[str, Callable[[Path], float]]:
    """What the PDF part times on the same pages, each returning CPU seconds: plain pdfplumber and pypdfium2
    (the references), and our ingestion (lines with boxes) with each PDF reader it has. A reader of our
    ingestion is one more entry here (`ours/<reader>`), e.g. a pdfium character source."""
    return {
        "pdfplumber": _time_words,
        "pdfium chars": _time_pdfium,
        "ours": _time_ours,
        "ours/pdfium": lambda path: _time_ours(path, "pdfium"),
    }


@measurement("pdf")
def bench_pdf(args: argparse.Namespace) -> None:
    files = pdf_files(args.quick)
    readers = _readers()
    default = f"ours/{load_layout().reader}" if f"ours/{load_layout().reader}" in readers else "ours"
    # every reader times the corpus PDFs (the ratios are of those pages); the PDFs of realdocs only the
    # default reader and bare pdfium (the default reader's pages/s over every PDF), except with --large:
    # pdfplumber and the other reader of ours would add minutes and no figure an issue asks for
    corpus = _reference_pdfs(args.quick)
    everywhere = set(readers) if args.large else {default, "pdfium chars"}
    print("1. PDF ingestion (no cache, CPU seconds): our ingestion (lines with boxes) vs pdfplumber extract_words")
    print("   vs pypdfium2 characters with boxes and font sizes (what a pdfium reader starts from), same pages;")
    print(f"   `ours` reads with pdfplumber, `ours/pdfium` with pdfium; the default reader is {default!r}")
    # each reader's first call imports its libraries and compiles its code (numba, for pdfium): timed apart
    t0 = time.process_time()
    for read in readers.values():
        read(_PDF_WARM_UP)
    print(f"   (setup: each reader's first call, on a one-page PDF, {time.process_time() - t0:.2f} s, not counted)")
    print(f"   {'file':46} {'pages':>5} " + " ".join(f"{name[:13]:>13}" for name in readers))
    same = {"pages": 0, **dict.fromkeys(readers, 0.0)}  # the pages every reader read
    every = {"pages": 0, **dict.fromkeys(everywhere, 0.0)}  # every page of `files`
    for path in files:
        pages = _page_count(path)
        times = {name: read(path) for name, read in readers.items() if path in corpus or name in everywhere}
        for totals in (same, every) if path in corpus else (every,):
            totals["pages"] += pages
            for name in totals.keys() - {"pages"}:
                totals[name] += times[name]
        print(f"   {path.name[:46]:46} {pages:5d} " + " ".join(_cell(times.get(name)) for name in readers))
    _pdf_totals(f"{len(corpus)} corpus PDFs, every reader", same, readers)
    rate = {k: same["pages"] / max(float(same[k]), 1e-9) for k in readers}
    ratios = ", ".join(f"{name} {rate[name] / rate['pdfplumber']:.2f}x" for name in readers if name != "pdfplumber")
    print(f"   pages/s against pdfplumber on the same {same['pages']} pages: {ratios}")
    if every["pages"] > same["pages"]:
        _pdf_totals(f"all {len(files)} PDFs", every, readers)
    # the default reader and bare pypdfium2 read every page (`everywhere`)
    rate_all = every["pages"] / max(float(every[default]), 1e-9)
    bare = every["pages"] / max(float(every["pdfium chars"]), 1e-9)
    print(
        f"   default reader ({default}) over all {int(every['pages'])} pages: {rate_all:.1f} pages/s (aim >= 40), "
        f"{rate_all / bare:.2f}x bare pypdfium2 characters on the same pages"
    )
    print()


_PDF_WARM_UP = ROOT / "tests" / "data" / "hardpdfs" / "table-rotated90-senate-expenditures.pdf"


def _reference_pdfs(quick: bool, quick_pages: int = 15) -> set[Path]:
    """The PDFs every reader reads: the corpus PDFs; with --quick the first of them (manifest order)
    that hold `quick_pages` pages (pdfplumber alone took half a minute over all 43 corpus pages)."""
    out, pages = set(), 0
    for e in load_manifest(CORPUS):
        if e.media_type == "pdf" and not (quick and pages >= quick_pages):
            out.add(CORPUS / e.file)
            pages += _page_count(CORPUS / e.file)
    return out


def _cell(seconds: float | None) -> str:
    return f"{'-':>13}" if seconds is None else f"{seconds:13.2f}"


def _pdf_totals(label: str, totals: dict[str, float], readers: dict[str, Callable[[Path], float]]) -> None:
    pages = int(totals["pages"])
    cells = " ".join(_cell(totals.get(name)) for name in readers)
    rates = " ".join(
        f"{'-':>13}" if name not in totals else f"{pages / max(totals[name], 1e-9):13.1f}" for name in readers
    )
    print(f"   {label + ' (s)':46} {pages:5d} {cells}")
    print(f"   {'  pages/s':46} {'':5} {rates}")


def _page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def _time_words(path: Path) -> float:
    import pdfplumber  # here, not above: the builds' child processes import this module

    t0 = time.process_time()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.close()
    return time.process_time() - t0


def _time_pdfium(path: Path) -> float:
    """Every character's text, box and font size through pypdfium2 (no layout)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    t0 = time.process_time()
    pdf = pdfium.PdfDocument(path)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            text = page.get_textpage()
            for j in range(text.count_chars()):
                text.get_charbox(j)
                pdfium_c.FPDFText_GetUnicode(text, j)
                pdfium_c.FPDFText_GetFontSize(text, j)
            text.close()
            page.close()
    finally:
        pdf.close()
    return time.process_time() - t0


# the documents part 1 read, by (file, reader): the stages part takes its PDFs' lines from here
# rather than reading them again
_READ: dict[tuple[Path, str], Document] = {}


def _time_ours(path: Path, reader: str = "pdfplumber") -> float:
    t0 = time.process_time()
    doc = ingest(path.parent, infer_entry(path.name), rules=_rules_without_ocr(), pdf_reader=reader)
    seconds = time.process_time() - t0
    _READ[(path, reader)] = doc
    return seconds


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


def ocr_files(large: bool) -> list[Path]:
    """The scanned test PDF with the fewest pages (one: OCR takes 5-20 s a page here, and its first page
    loads the models); with --large every scanned test PDF and the PDFs of part 1 too (many minutes)."""
    scans = sorted((ROOT / "tests" / "data" / "hardpdfs").glob("scanned-*.pdf"))
    if large:
        return [*pdf_files(quick=False), *scans]
    return sorted(scans, key=lambda p: (_page_count(p), p.name))[:1]


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


@measurement("ocr")
def bench_ocr_part(args: argparse.Namespace) -> None:
    bench_ocr(ocr_files(args.large))


# -- 2. Stages over text ------------------------------------------------------------------------


def text_documents() -> list[Document]:
    """Every corpus document's lines (PDFs as read by the default reader with OCR off: by part 1 when it
    ran, else here), plus the real text documents."""
    reader = load_layout().reader
    docs = []
    for e in load_manifest(CORPUS):
        read = _READ.get((CORPUS / e.file, reader))
        if read is None:  # part 1 did not run (--only stages): read as it does, with OCR off
            read = ingest(CORPUS, e, rules=_rules_without_ocr()) if e.media_type == "pdf" else ingest(CORPUS, e)
        docs.append(apply_entry(read, e))
    if REALDOCS.is_dir():
        names = {d.path for d in docs}
        for p in sorted(REALDOCS.iterdir()):
            # SOURCES.md says where the real documents come from; it is not one of them
            if p.name not in names and p.name != "SOURCES.md" and media_type_of(p.name) == "text":
                docs.append(ingest(REALDOCS, infer_entry(p.name)))
    return [d for d in docs if d.lines]


# The ceiling of each kind: one compiled regex scanning the same text for the bare shape of what
# that kind finds (a yardstick of this benchmark, not a rule of the pipeline).
CEILINGS: dict[str, str] = {
    "money": r"[£$€]\s?\d[\d,.]*(?:\s?(?:bn|m|k|million|billion))?",
    "percent": r"\d[\d.]*\s?(?:%|per ?cent)",
    "page_ref": r"\b(?:pp?\.?|pages?)\s?\d+",
    "quote": r"\"[^\"]{20,}\"",
    "body": r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)* (?:Trust|CCGs?|Council|Hospital|Board|Committee)\b",
}


@measurement("stages")
def bench_stages(args: argparse.Namespace) -> None:
    docs = text_documents()
    n_corpus = len(load_manifest(CORPUS))  # text_documents gives corpus/'s documents first
    ctx = Context()
    passes = args.passes if args.passes > 0 else 1 if args.quick else 3
    n_lines = sum(len(d.lines) for d in docs)
    n_chars = sum(len(line.text) for d in docs for line in d.lines)
    print(f"2. Stages over {len(docs)} documents, {n_lines:,} lines, {n_chars:,} characters (one process, CPU s;")
    print(f"   the median of {passes} pass{'es' if passes > 1 else ''} over every document, each a fresh extraction)")
    print(f"   {'stage':34} {'seconds':>8} {'lines/s':>10} {'chars/s':>12} {'found':>7} {'ceiling x':>9}")
    comps = components.components()
    names = {c.name: "+".join(list(c.kinds) or ["fact" if c.name == "facts" else c.name]) for c in comps}
    t_setup = 0.0
    loaded = []
    for component in comps:
        # loading the rules imports what the component needs (once per process, as in a build's
        # worker), and so does its first run: timed apart, on a one-line document, so the rows give throughput
        t0 = time.process_time()
        rules = component.load_rules(ctx.rules)
        component.extract(_WARM_UP, normalise_lines(_WARM_UP, ctx.rules), rules, Extraction(), ctx.options)
        t_setup += time.process_time() - t0
        loaded.append(rules)
    runs: list[dict[str, float]] = []  # per pass: stage -> seconds
    found: dict[str, int] = {}
    so_far: list[Extraction] = []
    normalised: list[list[NormLine]] = []
    for _ in range(passes):
        seconds: dict[str, float] = {}
        gc.collect()  # (each stage starts with no garbage pending: see the next comment)
        t0 = time.process_time()
        normalised = [normalise_lines(d, ctx.rules) for d in docs]
        seconds["normalise"] = time.process_time() - t0
        so_far = [Extraction() for _ in docs]
        for component, rules in zip(comps, loaded, strict=True):
            n = 0
            # a full garbage collection of everything the passes keep (~0.2 s here) falls in whichever stage
            # happens to allocate past the collector's threshold, one pass in three or so: collected before each
            # stage, outside its time, so a stage's seconds are its own work (timeit turns the collector off)
            gc.collect()
            t0 = time.process_time()
            for k, (d, lines, acc) in enumerate(zip(docs, normalised, so_far, strict=True)):
                if k == n_corpus:  # the documents of corpus/ come first: their time apart too (issue 9)
                    seconds[f"corpus {names[component.name]}"] = time.process_time() - t0
                result = component.extract(d, lines, rules, acc, ctx.options)
                acc.extend(result)
                n += len(result.mentions) + len(result.records.get("money_facts", ()))
            seconds[names[component.name]] = time.process_time() - t0
            seconds.setdefault(f"corpus {names[component.name]}", seconds[names[component.name]])
            found[names[component.name]] = n
        runs.append(seconds)
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0] if not k.startswith("corpus ")}
    _row("normalise", med["normalise"], n_lines, n_chars, None)
    text = "\n".join(nl.text for lines in normalised for nl in lines)
    for component in comps:
        kinds = names[component.name].split("+")
        ceiling = sum(_scan(CEILINGS[k], text) for k in kinds if k in CEILINGS)
        _row(
            f"extract {' + '.join(kinds)}",
            med[names[component.name]],
            n_lines,
            n_chars,
            found[names[component.name]],
            ceiling,
        )
    t_all = sum(v for k, v in med.items() if k != "normalise")
    t_norm = med["normalise"]
    _row("all extractors", t_all, n_lines, n_chars, sum(len(a.mentions) for a in so_far))
    _row("normalise + all extractors", t_norm + t_all, n_lines, n_chars, None)
    t_kinds = t_all - med.get("fact", 0.0)  # the five kinds of mention (facts are records about money)
    _row("the five kinds (no facts)", t_kinds, n_lines, n_chars, None)
    _row("normalise + the five kinds", t_norm + t_kinds, n_lines, n_chars, None)
    print(f"   (setup, once per process: first call of each extractor, imports and rules: {t_setup:.2f} s)")
    if "money" in med:
        money = max(med["money"], 1e-9)
        print(
            f"   all kinds take {t_all / money:.1f}x the time of money alone; the five kinds {t_kinds / money:.1f}x, "
            f"with normalisation {(t_norm + t_kinds) / money:.1f}x"
        )
    if "fact" in med and t_all > med["fact"]:
        _facts_share(runs)
    print("   ceiling x: how many times slower than one compiled regex scan of the same text for that kind\n")


def _facts_share(runs: list[dict[str, float]]) -> None:
    """Issue 9: what facts add to the extraction of the corpus, pass by pass (facts and the other
    extractors timed in the same pass), against the five kinds alone and with normalisation; and over
    the documents of corpus/ alone."""
    shares, with_norm, corpus = [], [], []
    for r in runs:
        others = sum(v for k, v in r.items() if k not in ("fact", "normalise") and not k.startswith("corpus "))
        shares.append(100 * r["fact"] / max(others, 1e-9))
        with_norm.append(100 * r["fact"] / max(others + r["normalise"], 1e-9))
        own = sum(v for k, v in r.items() if k.startswith("corpus ") and k != "corpus fact")
        corpus.append(100 * r["corpus fact"] / max(own, 1e-9))
    t_fact = statistics.median(r["fact"] for r in runs)
    each = ", ".join(f"{x:.1f}%" for x in shares)
    print(
        f"   facts (one per amount of money) take {t_fact:.2f} s: {statistics.median(shares):.1f}% added to the "
        f"other extractors (passes: {each}; issue 9: at most 20%), {statistics.median(with_norm):.1f}% with "
        "normalisation counted as extraction;"
    )
    print(f"   over the documents of corpus/ alone {statistics.median(corpus):.1f}%")


def _scan(pattern: str, text: str) -> float:
    """CPU seconds of one compiled regex scanning `text` (the best of 3)."""
    compiled = regex.compile(pattern)
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        sum(1 for _ in compiled.finditer(text))
        best = min(best, time.process_time() - t0)
    return best


_WARM_UP = Document("warm-up.txt", "0" * 64, "text", {}, [Line(1, "NHS England paid £4.4m (4%) to Luton CCG.")])


def _row(name: str, seconds: float, lines: int, chars: int, found: int | None, ceiling: float = 0.0) -> None:
    seconds = max(seconds, 1e-9)
    shown = "" if found is None else f"{found:7d}"
    times = f" {seconds / ceiling:9.1f}" if ceiling > 0 else ""
    print(f"   {name:34} {seconds:8.3f} {lines / seconds:10,.0f} {chars / seconds:12,.0f} {shown:>7}{times}")


# -- 3. Builds ----------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float  # wall time of the whole command, start-up included
    cpu: float  # user + system seconds of the command and its workers
    main_mb: float  # peak memory of the process that streams the results into the database
    worker_mb: float  # peak memory of the largest worker process (0 when none)
    failed: int
    summary: str
    parsed: int = 0  # PDFs the build read (not from its cache)


def run_build(
    corpus: Path, db: Path, jobs: int, cache: Path | None, executor: str = "local", rules: Path | None = None
) -> Run:
    """One build in its own process (as `python -m pipeline build`, through `build()`), measured; with
    `rules`, that rules folder instead of rules/."""
    cmd = [sys.executable, "-m", "pipeline.bench", "--child", str(corpus), str(db), str(jobs), str(cache or "")]
    cmd += ["--child-executor", executor, "--child-rules", str(rules or "")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return Run(seconds, cpu, 0, 0, -1, (proc.stderr.strip().splitlines() or ["no output"])[-1])
    return Run(seconds, cpu, out["main_mb"], out["worker_mb"], out["failed"], out["summary"], out["parsed"])


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


def _child(corpus: str, db: str, jobs: str, cache: str, executor: str = "local", rules: str = "") -> None:
    """The measured side of `run_build`: build, then report peak memory as JSON on stdout."""
    ctx = (
        Context(rules=Path(rules), options={"cache": cache or None})
        if rules
        else Context(options={"cache": cache or None})
    )
    if executor == "dask":
        from pipeline.executors.dask import DaskExecutor

        with DaskExecutor(jobs=int(jobs), dashboard=None) as runner:  # its start-up is part of the time
            report = build(Path(corpus), Path(db), ctx, executor=runner)
    else:
        report = build(Path(corpus), Path(db), ctx, jobs=int(jobs))
    main_mb = _peak_mb()
    # workers are forked (not exec'd) from this process, so their peaks are their own
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = f"{report.documents} documents, {len(report.failed)} failed"
    out = {"main_mb": main_mb, "worker_mb": worker_mb, "failed": len(report.failed), "summary": summary}
    print(json.dumps({**out, "parsed": report.parsed}))


@measurement("builds")
def bench_builds(args: argparse.Namespace) -> None:
    # no replicated corpus but with --large (the full build is the 1x one; 3x cost 3 more minutes and
    # showed what 10x and 50x show better: time linear in the documents, memory flat)
    jobs, copies = args.jobs, (3, 10, 50) if args.large else ()
    print(f"3. Builds with --jobs {jobs}, each in a fresh process (wall and CPU time incl. start-up; peak RSS)")
    tmp = Path(tempfile.mkdtemp(prefix="nhs-figures-bench-"))
    try:
        _builds(tmp, jobs, copies, args.quick)
    finally:
        _remove(tmp)


_BUILT: list[Path] = []  # the corpus database the builds part made (a copy), for the web part


def _remove(folder: Path) -> None:
    """Remove a temporary folder. A cache folder can still gain an entry while it is removed (a
    worker of a build that was interrupted), which made rmtree fail with "Directory not empty":
    retry, and never fail the benchmark over its own clean-up."""
    for _ in range(5):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.5)
    print(f"   (could not remove {folder} entirely; delete it by hand)")


def _builds(tmp: Path, jobs: int, copies: tuple[int, ...], quick: bool = False) -> None:
    entries = load_manifest(CORPUS)
    corpus = _copy_corpus(CORPUS, entries, tmp / "corpus", 1)
    cache = tmp / "cache"
    db = tmp / "nhs.db"
    # --quick: OCR off (as in the rest of a quick run; it is a third of the corpus build, the models' loading
    # in each worker and three pages of one PDF, and the OCR part times it when not --quick)
    rules = _rules_without_ocr() if quick else None
    full = "full build of corpus/ (empty cache)"
    if quick:  # the PDFs' lines as part 1 read them (same reader, OCR off): each PDF read once per reader
        seeded = _seed_ingest_cache(cache, CORPUS, entries, _rules_without_ocr())
        full = f"full build (OCR off, {seeded} PDFs from part 1)"
    first = run_build(corpus, db, jobs, cache, rules=rules)
    _report(full, first, len(entries))
    if quick and first.parsed:
        print(f"   ({first.parsed} PDFs read again by the build: part 1's reads were not found in its cache)")
    _report("no-op rebuild (nothing changed: kept)", run_build(corpus, db, jobs, cache, rules=rules), len(entries))
    again = run_build(corpus, tmp / "again.db", jobs, cache, rules=rules)
    _report("new database, stages from the cache", again, len(entries))
    # the web part serves this database rather than building the corpus once more
    _BUILT.append(Path(tempfile.mkdtemp(prefix="nhs-figures-bench-db-")) / "nhs.db")
    shutil.copy(tmp / "again.db", _BUILT[-1])
    if not quick:  # --quick: no document added (a 32-page PDF read afresh, a quarter of its time)
        added = _document_to_add()
        shutil.copy(added, corpus / added.name)
        _report(f"one document added ({added.name[:30]})", run_build(corpus, db, jobs, cache), len(entries) + 1)
    t0 = time.perf_counter()
    subprocess.run(["make", "-q", "-C", str(ROOT), "db/nhs.db"], capture_output=True, check=False)
    print(f"   {'make: checking db/nhs.db is up to date':52} {time.perf_counter() - t0:8.2f}s")
    if copies:
        print("\n   corpus replicated (each copy made distinct by a trailing comment, so none is a duplicate):")
    for times in copies:
        rep = _copy_corpus(CORPUS, entries, tmp / f"x{times}", times)
        rep_cache = tmp / f"x{times}-cache"
        cold = run_build(rep, tmp / f"x{times}.db", jobs, rep_cache)
        _report(f"{times:>3}x, every document processed", cold, len(entries) * times)
        warm = run_build(rep, tmp / f"x{times}-again.db", jobs, rep_cache)
        _report(f"{times:>3}x, new database, stages from the cache", warm, len(entries) * times)
        _remove(rep)
        _remove(rep_cache)
        for name in (f"x{times}.db", f"x{times}-again.db"):
            (tmp / name).unlink(missing_ok=True)


def _seed_ingest_cache(cache: Path, read_from: Path, entries: list[Entry], rules: Path) -> int:
    """Put the PDFs of `entries` as part 1's default reader read them from `read_from` (OCR off) into the build's
    ingest cache, under the key a build with `rules` looks for, so that --quick's build does not read them a second
    time (the ingestion is part 1's measurement). Returns how many were put; a PDF part 1 did not read is read by
    the build."""
    from pipeline.cache import Cache, ingest_key, stage_versions

    reader, versions, store, put = load_layout(rules).reader, stage_versions(rules), Cache(cache), 0
    for e in entries:
        doc = _READ.get((read_from / e.file, reader))
        if e.media_type == "pdf" and doc is not None:
            store.put("ingest", doc.sha256, ingest_key(versions, "pdf", e.meta.get("password")), doc)
            put += 1
    return put


@measurement("dask", by_default=False)
def bench_dask_part(args: argparse.Namespace) -> None:
    bench_dask(args.jobs, args.times, args.repeat)


def bench_dask(jobs: int, times: int, repeat: int) -> None:
    """The corpus replicated `times`x, no cache: --jobs N locally against a LocalCluster of N workers."""
    print(f"5. Dask: corpus/ replicated {times}x, every document processed (no cache), wall time incl. start-up")
    print(f"   local: --jobs {jobs}; dask: --executor dask, a LocalCluster of {jobs} worker processes")
    entries = load_manifest(CORPUS)
    docs = len(entries) * times
    ratios = []
    with tempfile.TemporaryDirectory(prefix="nhs-figures-bench-") as tmp_str:
        tmp = Path(tmp_str)
        corpus = _copy_corpus(CORPUS, entries, tmp / "corpus", times)
        for k in range(1, repeat + 1):
            local = run_build(corpus, tmp / "local.db", jobs, None)
            _report(f"run {k}: local, --jobs {jobs}", local, docs)
            distributed = run_build(corpus, tmp / "dask.db", jobs, None, executor="dask")
            _report(f"run {k}: dask, {jobs} workers", distributed, docs)
            ratios.append(distributed.seconds / local.seconds)
            print(f"   run {k}: dask / local = {ratios[-1]:.2f}", flush=True)
    ratios.sort()
    print(
        f"   dask / local over {repeat} paired run{'s' if repeat > 1 else ''}: min {ratios[0]:.2f}, "
        f"median {ratios[len(ratios) // 2]:.2f}, max {ratios[-1]:.2f} (aim <= 1.3)\n"
    )


def _report(label: str, run: Run, docs: int) -> None:
    status = f"  FAILED: {run.summary}" if run.failed else ""
    workers = f"{run.worker_mb:5.0f} MB" if run.worker_mb else "    -   "
    print(
        f"   {label:50} {run.seconds:7.2f}s (cpu {run.cpu:6.2f}s) {run.seconds / docs * 1000:6.0f} ms/doc  "
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


@measurement("longline")
def bench_longline(args: argparse.Namespace) -> None:
    from pipeline.bench_faults import bench_long_lines

    bench_long_lines(40_000 if args.large else 10_000)


@measurement("web")
def bench_review_site(args: argparse.Namespace) -> None:
    from pipeline.bench_faults import bench_web

    built = next((db for db in _BUILT if db.is_file()), None)
    try:
        bench_web(2000 if args.large else 500, db=built, port=args.port)
    finally:
        for db in _BUILT:
            _remove(db.parent)


if __name__ == "__main__":
    main()
