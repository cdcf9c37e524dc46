"""Time the body extractor: `python -m pipeline.extract.bodies.timing [FILE ...]`.

Prints the time to import spaCy, to build the pipeline and indexes from the
rules (once per process), and the throughput of extraction in characters per
second over the given text files (default: the documents of corpus/).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    t0 = time.perf_counter()
    import spacy  # noqa: F401

    t1 = time.perf_counter()
    from pipeline.extract import Context, normalise_lines
    from pipeline.extract.bodies.extractor import environment, extract
    from pipeline.model import Document, Extraction, Line

    ctx = Context()
    t2 = time.perf_counter()
    env = environment(Path(ctx.rules))
    t3 = time.perf_counter()
    root = Path(__file__).resolve().parents[3]
    files = [Path(a) for a in argv] or sorted((root / "corpus").glob("*.txt"))
    docs = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        docs.append(Document(f.name, "0" * 64, "text", {}, [Line(i + 1, t) for i, t in enumerate(text.split("\n"))]))
    chars = sum(len(line.text) for d in docs for line in d.lines)
    mentions = 0
    t4 = time.perf_counter()
    for d in docs:
        mentions += len(extract(d, normalise_lines(d, ctx.rules), env, Extraction(), ctx.options).mentions)
    t5 = time.perf_counter()
    print(f"import spacy:           {t1 - t0:6.2f} s")
    print(f"build nlp and indexes:  {t3 - t2:6.2f} s (once per process)")
    print(f"extract {len(docs)} documents:   {t5 - t4:6.2f} s, {chars} chars, {mentions} mentions")
    print(f"throughput:             {chars / (t5 - t4):,.0f} chars/s")


if __name__ == "__main__":
    main(sys.argv[1:])
