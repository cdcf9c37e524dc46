"""Score OCR against tests/gold/heldout-ocr: figures printed only in images (and lost glyphs).

    python scripts/evaluate_ocr.py [--json] [--gold tests/gold/blind-ocr] [--rules DIR] [--cache DIR]

`--rules`: a rules folder other than rules/ (to compare settings); `--cache`: keep what OCR read of
each picture there (pipeline/ingest/ocr_cache.py), so a second run with settings applied after
the engine (`ocr_cache.READ_SETTINGS` unchanged) reads no picture again.

Reads the scoped pages of each document (../shared/realdocs) through PDF ingestion with OCR on,
runs the money and percent extractors over them, and matches the mentions found on OCR lines
(`source = 'ocr'`) with the gold of the page by kind and value (currency, low, high), one to one.
Prints, per kind, gold, found, matched, precision, recall and F1, the misses, and the seconds each
page took (rendering and OCR; with a warm cache, rendering only). The text-layer
figures are scored by `make eval` (scripts/evaluate_heldout.py).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pdfplumber

from pipeline import components
from pipeline.extract import Context, normalise_lines
from pipeline.extract import money as money_extractor
from pipeline.extract import percent as percent_extractor
from pipeline.ingest import ocr_cache, ocr_page
from pipeline.ingest.ocr_rules import load_ocr_rules
from pipeline.ingest.pdf import _read_page_text
from pipeline.ingest.pdf_rules import load_layout
from pipeline.model import Document, Line, Values

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "heldout-ocr"
REALDOCS = ROOT.parent / "shared" / "realdocs"


def key(kind: str, values: Values) -> tuple[Any, ...]:
    return (kind, values.get("currency") if kind == "money" else None, float(values["low"]), float(values["high"]))


def found_on_page(
    path: Path, number: int, rules_dir: Path | None = None
) -> tuple[list[tuple[Any, ...]], list[str], float]:
    layout = load_layout()
    state = ocr_page.for_document(load_ocr_rules(rules_dir))
    doc = Document(path.name, "0" * 64, "pdf")
    t0 = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        lines = _read_page_text(doc, pdf.pages[number - 1], number, layout, state)
    seconds = time.perf_counter() - t0
    doc.lines = [
        Line(i, pl.text, page=number, bbox=pl.bbox, **ocr_page.line_fields(pl)) for i, pl in enumerate(lines, 1)
    ]
    norm = normalise_lines(doc)
    keys, texts = [], []
    for extractor in (money_extractor, percent_extractor):
        for m in components.run(extractor.COMPONENT, doc, Context().rules, norm).mentions:
            if doc.lines[m.line_index].source == "ocr":
                keys.append(key(m.kind, m.values))
                texts.append(m.text)
    return keys, texts, seconds


def option(name: str) -> Path | None:
    return Path(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else None


def main() -> int:
    if not REALDOCS.is_dir():
        print("skipped: ../shared/realdocs is absent")
        return 0
    gold_dir = option("--gold") or GOLD
    rules_dir = option("--rules")
    ocr_cache.use(option("--cache"))
    gold = [json.loads(r) for r in (gold_dir / "figures.jsonl").read_text(encoding="utf-8").splitlines() if r.strip()]
    scope = json.loads((gold_dir / "scope.json").read_text(encoding="utf-8"))
    tally: dict[str, Counter[str]] = {"money": Counter(), "percent": Counter()}
    misses: list[str] = []
    page_seconds: list[float] = []
    for s in scope:
        for page in s["pages"]:
            keys, _, seconds = found_on_page(REALDOCS / s["doc"], page, rules_dir)
            page_seconds.append(seconds)
            found = Counter(keys)
            want = Counter(key(g["kind"], g) for g in gold if g["doc"] == s["doc"] and g["page"] == page)
            hit = found & want
            for k, n in want.items():
                tally[k[0]]["gold"] += n
            for k, n in found.items():
                tally[k[0]]["found"] += n
            for k, n in hit.items():
                tally[k[0]]["matched"] += n
            for k, n in (want - found).items():
                misses.append(f"{s['doc']} p{page}: missed {k} x{n}")
            for k, n in (found - want).items():
                misses.append(f"{s['doc']} p{page}: extra {k} x{n}")
    out = {}
    for kind, t in tally.items():
        t.update(dict.fromkeys(("gold", "found", "matched"), 0))  # zeros where nothing was counted
        p = t["matched"] / t["found"] if t["found"] else 0.0
        r = t["matched"] / t["gold"] if t["gold"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[kind] = {**t, "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}
    out["seconds"] = round(sum(page_seconds), 1)
    out["page_seconds"] = [round(x, 1) for x in page_seconds]
    out["median_page_seconds"] = round(statistics.median(page_seconds), 1) if page_seconds else 0.0
    if "--json" in sys.argv:
        print(json.dumps({"scores": out, "misses": misses}, indent=1))
    else:
        for kind in ("money", "percent"):
            o = out[kind]
            print(
                f"{kind:8} gold {o['gold']:4} found {o['found']:4} matched {o['matched']:4}  "
                f"P {o['precision']:.3f}  R {o['recall']:.3f}  F1 {o['f1']:.3f}"
            )
        print(
            f"{len(page_seconds)} pages read in {out['seconds']} s (median {out['median_page_seconds']} s a page: "
            f"{', '.join(map(str, out['page_seconds']))})"
        )
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
