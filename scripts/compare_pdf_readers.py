"""Read PDFs with both character sources (pdfplumber, pdfium) and print where their lines differ.

    python scripts/compare_pdf_readers.py [--rules DIR] FILE.pdf ...

Lines are compared by page and number: text, role, source; boxes within `TOLERANCE` points
(the line's and every character's). Used by tests/test_pdfium_reader.py and to find the known
differences it lists.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.ingest import ingest
from pipeline.manifest import infer_entry
from pipeline.model import Document, Line

TOLERANCE = 0.5  # points


def read(path: Path, reader: str, rules: Path | None = None) -> Document:
    return ingest(path.parent, infer_entry(path.name), rules=rules, pdf_reader=reader)


def _box_off(a: tuple[float, ...] | None, b: tuple[float, ...] | None) -> float:
    if a is None or b is None:
        return 0.0 if a is b else float("inf")
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def line_differences(a: list[Line], b: list[Line]) -> list[str]:
    """What differs between two readings' lines, one message per line (empty: they agree)."""
    out: list[str] = []
    by_key = {(ln.page, ln.number): ln for ln in b}
    seen = set()
    for la in a:
        key = (la.page, la.number)
        lb = by_key.get(key)
        seen.add(key)
        if lb is None:
            out.append(f"page {la.page} line {la.number}: only in the first: {la.text!r}")
            continue
        if (la.text, la.role, la.source) != (lb.text, lb.role, lb.source):
            out.append(f"page {la.page} line {la.number}: {la.text!r} ({la.role}) vs {lb.text!r} ({lb.role})")
            continue
        off = max(
            [_box_off(la.bbox, lb.bbox)]
            + [_box_off(x, y) for x, y in zip(la.char_boxes or (), lb.char_boxes or (), strict=True)]
        )
        if off > TOLERANCE:
            out.append(f"page {la.page} line {la.number}: boxes differ by {off:.2f} pt: {la.text!r}")
    for lb in b:
        if (lb.page, lb.number) not in seen:
            out.append(f"page {lb.page} line {lb.number}: only in the second: {lb.text!r}")
    return out


def main(args: list[str]) -> int:
    rules = None
    if args[:1] == ["--rules"]:
        rules, args = Path(args[1]), args[2:]
    differ = 0
    for p in args:
        path = Path(p)
        a, b = read(path, "pdfplumber", rules), read(path, "pdfium", rules)
        diffs = line_differences(a.lines, b.lines)
        pa = sorted((x.reason, x.page) for x in a.problems)
        pb = sorted((x.reason, x.page) for x in b.problems)
        same = "same" if pa == pb else f"{pa} vs {pb}"
        print(f"{path.name}: {len(a.lines)} vs {len(b.lines)} lines, {len(diffs)} differ; problems {same}")
        for d in diffs[:8]:
            print("   ", d[:300])
        differ += bool(diffs)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
