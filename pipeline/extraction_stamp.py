"""The extraction's cache version, kept so that a build with nothing to do need not import the extractors.

`pipeline.components.extraction_version` hashes each component's modules and rule files; to list them
it imports every component (spaCy and the rest: about half a second, more than the whole of a build
with nothing to do). For the built-in components that version is a function of bytes only: the source
files of the `pipeline` package (every module a built-in component runs is in it) and the files of the
rules folder. So it is kept in the cache folder (``<cache>/versions/extraction.json``) under a stamp of
those bytes, and a later build whose stamp is the same reads it instead of importing the registry.
Editing any file of the package or the rules folder changes the stamp, and the version is computed
afresh. With a component added by `register` (a plugin, whose code may live anywhere), or without a
cache, nothing is kept: the version is always computed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline.uptodate import write_json_atomic

PACKAGE_DIR = Path(__file__).resolve().parent
MEMO = Path("versions") / "extraction.json"
KEEP = 16  # stamps remembered (a test session alternates rules folders over one cache)


def _update(h: hashlib._Hash, base: Path, files: list[Path]) -> None:
    for p in sorted(files):
        h.update(p.relative_to(base).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")


def inputs_stamp(rules: Path) -> str | None:
    """A hash of everything the built-in components' extraction version is made of (the package's
    source files and the rules folder's files), or None when a registered component may depend on
    more (its code outside the package)."""
    from pipeline import components  # the registry module alone: the components are imported lazily

    if components.registered():
        return None
    h = hashlib.sha256()
    _update(h, PACKAGE_DIR, list(PACKAGE_DIR.rglob("*.py")))
    h.update(b"\1rules\1")
    _update(h, rules, [p for p in rules.rglob("*") if p.is_file()])
    return h.hexdigest()


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def extraction_version(rules: Path, cache: str | None) -> str:
    """`pipeline.components.extraction_version(rules)`, from the cache folder's memo when the package's
    source and the rules are byte for byte those it was computed from."""
    from pipeline import components

    stamp = inputs_stamp(rules) if cache else None
    if stamp is None or cache is None:
        return components.extraction_version(rules)
    path = Path(cache) / MEMO
    memo = _read(path)
    kept = memo.get(stamp)
    if kept is not None:
        return kept
    version = components.extraction_version(rules)
    memo.pop(stamp, None)
    memo[stamp] = version
    _PENDING[str(path)] = dict(list(memo.items())[-KEEP:])
    return version


# memos computed but not yet written: a build writes them when it has written its database (`keep`),
# so a build that stops early (a worker that cannot see the cache) leaves the cache folder as it was
_PENDING: dict[str, dict[str, str]] = {}


def keep(cache: str | None) -> None:
    """Write the memo computed for the cache folder `cache`, if any."""
    if cache:
        path = Path(cache) / MEMO
        memo = _PENDING.pop(str(path), None)
        if memo is not None:
            write_json_atomic(path, memo)
