"""Every mention and record the components find in corpus/ and ../shared/realdocs, as one JSON file,
and the CPU seconds of normalisation and of each component; or two such files compared.

    python scripts/text_mentions.py dump out.json [--docs docs.pickle] [--profile out.prof]
    python scripts/text_mentions.py diff before.json after.json

`dump` reads every document of corpus/ (as the manifest says) and every file of ../shared/realdocs
(PDFs too, with the default reader, OCR off), keeps the documents read in `--docs` (read again only
when absent, so that a second dump times only extraction), runs normalisation and every component in
registry order as a build does, and writes each document's mentions (kind, line, span, text, values)
and records. `diff` exits 1 and shows examples where two dumps differ. Used to check that a speed
change of the extractors leaves their output identical (issue 15).
"""

from __future__ import annotations

import cProfile
import json
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import msgspec

from pipeline import components
from pipeline.extract import Context, normalise_lines
from pipeline.ingest import ingest
from pipeline.manifest import infer_entry, load_manifest, media_type_of
from pipeline.model import Document, Extraction

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REALDOCS = ROOT.parent / "shared" / "realdocs"


def read_documents() -> list[Document]:
    from pipeline.bench import _rules_without_ocr

    rules = _rules_without_ocr()
    docs = [ingest(CORPUS, e, rules=rules) for e in load_manifest(CORPUS)]
    if REALDOCS.is_dir():
        for p in sorted(REALDOCS.iterdir()):
            if media_type_of(p.name) in ("text", "pdf"):
                docs.append(ingest(REALDOCS, infer_entry(p.name), rules=rules))
    return [d for d in docs if d.lines]


def documents(cache: Path | None) -> list[Document]:
    if cache is not None and cache.is_file():
        loaded: list[Document] = pickle.loads(cache.read_bytes())
        return loaded
    docs = read_documents()
    if cache is not None:
        cache.write_bytes(pickle.dumps(docs))
    return docs


def extract(docs: list[Document]) -> tuple[list[Extraction], dict[str, float]]:
    ctx = Context()
    seconds: dict[str, float] = {}
    t0 = time.process_time()
    normalised = [normalise_lines(d, ctx.rules) for d in docs]
    seconds["normalise"] = time.process_time() - t0
    found = [Extraction() for _ in docs]
    for c in components.components():
        rules = c.load_rules(ctx.rules)
        t0 = time.process_time()
        for d, lines, acc in zip(docs, normalised, found, strict=True):
            earlier = Extraction(list(acc.mentions), {t: list(rows) for t, rows in acc.records.items()})
            acc.extend(c.extract(d, lines, rules, earlier, ctx.options))
        seconds[c.name] = time.process_time() - t0
    return found, seconds


def as_json(docs: list[Document], found: list[Extraction]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for d, ex in zip(docs, found, strict=True):
        mentions = [[m.kind, m.line_index, m.start, m.end, m.text, msgspec.to_builtins(m.values)] for m in ex.mentions]
        out[d.path] = {"mentions": mentions, "records": msgspec.to_builtins(ex.records)}
    return out


def dump(out: Path, cache: Path | None, profile: Path | None) -> None:
    docs = documents(cache)
    chars = sum(len(ln.text) for d in docs for ln in d.lines)
    prof = cProfile.Profile() if profile else None
    if prof:
        prof.enable()
    found, seconds = extract(docs)
    if prof and profile:
        prof.disable()
        prof.dump_stats(profile)
    out.write_text(json.dumps(as_json(docs, found), sort_keys=True, ensure_ascii=False))
    print(f"{len(docs)} documents, {chars:,} characters, {sum(len(f.mentions) for f in found):,} mentions")
    for name, s in seconds.items():
        print(f"  {name:10} {s:7.3f} s {chars / max(s, 1e-9):14,.0f} chars/s")


def diff(a: Path, b: Path) -> int:
    da, db = json.loads(a.read_text()), json.loads(b.read_text())
    differ = 0
    for doc in sorted(set(da) | set(db)):
        ea, eb = da.get(doc), db.get(doc)
        if ea == eb:
            continue
        differ += 1
        if ea is None or eb is None:
            print(f"{doc}: only in {'after' if ea is None else 'before'}")
            continue
        ma = {json.dumps(m, sort_keys=True) for m in ea["mentions"]}
        mb = {json.dumps(m, sort_keys=True) for m in eb["mentions"]}
        print(f"{doc}: {len(ma - mb)} mentions only before, {len(mb - ma)} only after")
        for label, extra in (("before", ma - mb), ("after", mb - ma)):
            for m in sorted(extra)[:5]:
                print(f"    {label}: {m[:300]}")
        if ea["mentions"] != eb["mentions"] and ma == mb:
            print("    (the same mentions in another order)")
        for table in sorted(set(ea["records"]) | set(eb["records"])):
            if ea["records"].get(table) != eb["records"].get(table):
                print(f"    records of {table} differ")
    print("identical" if not differ else f"{differ} document(s) differ")
    return 1 if differ else 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "dump":
        opts = dict(zip(argv[2::2], argv[3::2], strict=False))
        cache, prof = opts.get("--docs"), opts.get("--profile")
        dump(Path(argv[1]), Path(cache) if cache else None, Path(prof) if prof else None)
        return 0
    if len(argv) == 3 and argv[0] == "diff":
        return diff(Path(argv[1]), Path(argv[2]))
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
