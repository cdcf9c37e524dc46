"""Held-out evaluation: build a database of the held-out documents and score it.

    python scripts/evaluate_heldout.py [--db db/eval/heldout.db] [--misses N] [--json]

The gold is tests/gold/heldout (money, percent, page_ref, quote; see its README.md),
tests/gold/heldout-bodies (body; see its README.md) and tests/gold/heldout-facts (what each
amount of money is: subject, measure, period; see its README.md). The corpus/ documents it
covers are always built and scored. The ../shared/realdocs ones are built and scored only
where ../shared is; where it is absent their gold is left out, with a
message. Scoring uses ../shared/eval/score.py when it is there, else `score` below, which
computes the same measures (strict, exact and overlap precision/recall/F1, and how often the
values of overlapping matches agree) from the database's `mentions` view.

Facts are scored with ../shared/eval/score_facts.py when the built database has a `facts`
view or table; where it has none, or the scorer is absent, a one-line message says so and
that part is skipped.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "heldout"
GOLDS = (GOLD, ROOT / "tests" / "gold" / "heldout-bodies")
SHARED = ROOT.parent / "shared"
REALDOCS = SHARED / "realdocs"
SCORER = SHARED / "eval" / "score.py"
FACTS = ROOT / "tests" / "gold" / "heldout-facts"
FACT_SCORER = SHARED / "eval" / "score_facts.py"
KINDS = ("money", "percent", "page_ref", "body", "quote")
VALUES = {
    "money": ("low", "high", "currency"),
    "percent": ("low", "high"),
    "page_ref": ("page_first", "page_last", "cites"),
    "body": ("name", "type"),
    "quote": ("page_first", "page_last"),
}


def available_scopes() -> tuple[list[dict[str, Any]], dict[str, Path]]:
    """The gold's scopes whose document is at hand, and where each such document is."""
    scopes = [s for gold in GOLDS for s in json.loads((gold / "scope.json").read_text(encoding="utf-8"))]
    where: dict[str, Path] = {}
    kept, missing = [], set()
    for s in scopes:
        path = ROOT / "corpus" / s["doc"]
        if not path.exists():
            path = REALDOCS / s["doc"]
        if path.exists():
            where[s["doc"]] = path
            kept.append(s)
        else:
            missing.add(s["doc"])
    for doc in sorted(missing):
        print(f"skipped: {doc} is not in corpus/ and ../shared/realdocs is absent; its gold is left out")
    return kept, where


def gold_records(docs: Iterable[str]) -> list[dict[str, Any]]:
    wanted = set(docs)
    out = []
    for f in sorted(f for gold in GOLDS for f in gold.glob("*.jsonl")):
        for raw in f.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                row = json.loads(raw)
                if row["doc"] in wanted:
                    out.append(row)
    return out


def fact_gold(where: dict[str, Path]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The fact gold's scopes and records whose document is at hand (in `where`)."""
    scopes = [s for s in json.loads((FACTS / "scope.json").read_text(encoding="utf-8")) if s["doc"] in where]
    docs = {s["doc"] for s in scopes}
    rows = [json.loads(r) for r in (FACTS / "facts.jsonl").read_text(encoding="utf-8").splitlines() if r.strip()]
    return scopes, [r for r in rows if r["doc"] in docs]


def fact_docs(where: dict[str, Path]) -> dict[str, Path]:
    """`where` and the documents that only the fact gold covers, where they are at hand."""
    out = dict(where)
    for s in json.loads((FACTS / "scope.json").read_text(encoding="utf-8")):
        for path in (ROOT / "corpus" / s["doc"], REALDOCS / s["doc"]):
            if s["doc"] not in out and path.exists():
                out[s["doc"]] = path
    return out


def has_facts(db: Path) -> bool:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return (
            con.execute("select 1 from sqlite_master where name = 'facts' and type in ('table', 'view')").fetchone()
            is not None
        )
    finally:
        con.close()


def score_facts(db: Path, where: dict[str, Path], extra: list[str]) -> None:
    """Score the database's `facts` against tests/gold/heldout-facts, or say why not.

    With `--json` in `extra` the one-line reasons go to stderr, so stdout stays JSON."""
    say = sys.stderr if "--json" in extra else sys.stdout
    if not has_facts(db):
        print(f"facts: {db} has no `facts` view or table; fact scoring skipped", file=say)
        return
    if not FACT_SCORER.exists():
        print(f"facts: {FACT_SCORER} is absent; fact scoring skipped", file=say)
        return
    scopes, gold = fact_gold(where)
    with tempfile.TemporaryDirectory() as tmp:
        gold_dir = Path(tmp)
        (gold_dir / "scope.json").write_text(json.dumps(scopes), encoding="utf-8")
        lines = "".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold)
        (gold_dir / "facts.jsonl").write_text(lines, encoding="utf-8")
        subprocess.run([sys.executable, str(FACT_SCORER), str(db), str(gold_dir), *extra], check=True)


def build(where: dict[str, Path], db: Path) -> None:
    """Build `db` from the corpus (all of it, so its manifest holds) and the realdocs at hand."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        for path in where.values():
            if path.parent != ROOT / "corpus":
                shutil.copy2(path, corpus / path.name)
        db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pipeline", "build", "--corpus", str(corpus), "--db", str(db)], check=True
        )


def flat(g: dict[str, Any]) -> dict[str, Any]:
    """A gold record in the flat form of the `mentions` view."""
    g = dict(g)
    g["char_start"], g["char_end"] = g.pop("start"), g.pop("end")
    if g["kind"] == "page_ref":
        g["page_first"], g["page_last"] = g.pop("first"), g.pop("last")
    if g["kind"] == "quote":
        ref = g.pop("page_ref") or {}
        g["page_first"], g["page_last"], g["cites"] = ref.get("first"), ref.get("last"), ref.get("cites")
    return g


def _close(a: float | None, b: float | None, rel: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-9)


def _norm(s: str | None) -> str | None:
    return None if s is None else " ".join(str(s).replace("’", "'").replace("&", "and").casefold().split())


def values_agree(kind: str, g: dict[str, Any], p: dict[str, Any]) -> dict[str, bool]:
    if kind in ("money", "percent"):
        rel = 0.005 if kind == "money" else 1e-6
        out = {"amount": _close(g["low"], p["low"], rel) and _close(g["high"], p["high"], rel)}
        if kind == "money":
            out["currency"] = g["currency"] == p["currency"]
        return out
    if kind == "body":
        return {"name": _norm(g["name"]) == _norm(p["name"]), "type": g["type"] == p["type"]}
    pages = g["page_first"] == p["page_first"] and g["page_last"] == p["page_last"]
    if kind == "quote":
        return {"attribution": pages}
    gc, pc = _norm(g.get("cites")), _norm(p.get("cites"))
    cites = gc is None and pc is None if gc is None or pc is None else gc in pc or pc in gc
    return {"pages": pages, "cites": cites}


def _match(gold: list[dict[str, Any]], pred: list[dict[str, Any]], exact: bool) -> tuple[list, list, list]:
    groups: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
    for g in gold:
        groups[(g["doc_sha256"], g["line"])][0].append(g)
    for p in pred:
        groups[(p["doc_sha256"], p["line"])][1].append(p)
    pairs, fn, fp = [], [], []
    for gs, ps in groups.values():
        free = list(ps)
        for g in sorted(gs, key=lambda g: g["char_start"]):
            span = (g["char_start"], g["char_end"])
            hit = next(
                (
                    p
                    for p in free
                    if (
                        (p["char_start"], p["char_end"]) == span
                        if exact
                        else p["char_start"] < span[1] and span[0] < p["char_end"]
                    )
                ),
                None,
            )
            if hit is None:
                fn.append(g)
            else:
                free.remove(hit)
                pairs.append((g, hit))
        fp.extend(free)
    return pairs, fn, fp


def _prf(tp: int, fn: int, fp: int) -> str:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return "/".join(f"{round(x, 4):.3f}" for x in (p, r, f))  # rounded twice, as score.py does


def score(db: Path, scopes: list[dict[str, Any]], gold: list[dict[str, Any]], misses: int) -> None:
    """Print the scorer's table for `db` against `gold` within `scopes`."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("select * from mentions")]

    def in_scope(m: dict[str, Any]) -> bool:
        return any(
            m["doc_sha256"] == s["doc_sha256"]
            and s["lines"][0] <= m["line"] <= s["lines"][1]
            and m["kind"] in s["kinds"]
            for s in scopes
        )

    pred = [r for r in rows if r["kind"] in KINDS and in_scope(r)]
    broken = sum(r["line_text"][r["char_start"] : r["char_end"]] != r["text"] for r in rows)
    print(f"provenance: {len(rows)} mentions, {broken} broken")
    heads = "  ".join(f"{h:>17}" for h in ("strict P/R/F1", "exact P/R/F1", "overlap P/R/F1"))
    print(f"{'kind':9} {'gold':>5} {'pred':>5}  {heads}  values")
    for kind in KINDS:
        g_k = [flat(g) for g in gold if g["kind"] == kind]
        p_k = [p for p in pred if p["kind"] == kind]
        pairs, fn, fp = _match(g_k, p_k, exact=True)
        wrong = sum(not all(values_agree(kind, g, p).values()) for g, p in pairs)
        strict = _prf(len(pairs) - wrong, len(fn) + wrong, len(fp) + wrong)
        exact = _prf(len(pairs), len(fn), len(fp))
        pairs, fn, fp = _match(g_k, p_k, exact=False)
        checks: dict[str, list[bool]] = defaultdict(list)
        for g, p in pairs:
            for name, ok in values_agree(kind, g, p).items():
                checks[name].append(ok)
        vals = " ".join(f"{n}={round(sum(v) / len(v), 4):.3f}" for n, v in checks.items() if v)
        print(f"{kind:9} {len(g_k):5} {len(p_k):5}  {strict}  {exact}  {_prf(len(pairs), len(fn), len(fp))}  {vals}")
        for g in fn[:misses]:
            print(f"    miss: {json.dumps({k: g[k] for k in ('doc', 'line', 'text')}, ensure_ascii=False)}")
        for p in fp[:misses]:
            print(f"    false_alarm: {json.dumps({k: p[k] for k in ('doc', 'line', 'text')}, ensure_ascii=False)}")
        for g, p in [(g, p) for g, p in pairs if not all(values_agree(kind, g, p).values())][:misses]:
            got = {k: p[k] for k in VALUES[kind]}
            print(
                f"    wrong_value: {json.dumps({'line': g['line'], 'text': g['text'], 'got': got}, ensure_ascii=False)}"
            )


def main(argv: list[str]) -> None:
    db = Path(argv[argv.index("--db") + 1]) if "--db" in argv else ROOT / "db" / "eval" / "heldout.db"
    misses = int(argv[argv.index("--misses") + 1]) if "--misses" in argv else 20
    scopes, where = available_scopes()
    build(fact_docs(where), db)
    gold = gold_records(where)
    extra = ["--json"] if "--json" in argv else ["--misses", str(misses)]
    if SCORER.exists():
        with tempfile.TemporaryDirectory() as tmp:
            gold_dir = Path(tmp)
            (gold_dir / "scope.json").write_text(json.dumps(scopes), encoding="utf-8")
            lines = "".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold)
            (gold_dir / "heldout.jsonl").write_text(lines, encoding="utf-8")
            subprocess.run([sys.executable, str(SCORER), str(db), str(gold_dir), *extra], check=True)
    else:
        print(f"{SCORER} is absent: scoring with scripts/evaluate_heldout.py's own copy of its measures")
        score(db, scopes, gold, misses)
    score_facts(db, fact_docs(where), extra)


if __name__ == "__main__":
    main(sys.argv[1:])
