"""Per-document cache of stage results, so a rebuild redoes only what changed.

A result is stored under the document's SHA-256 and a key naming the versions of everything
the stage depends on (`ingest_key`, `extract_key`): the same bytes read by the same code with
the same rules give the same result. Files live in ``<root>/<stage>/<sha[:2]>/<sha>.<key>.msgpack``
(by default ``db/cache/``, which git ignores), are written atomically (temporary file, then
rename) so parallel workers and interrupted builds never leave a half-written entry, and older
entries of the same document and stage are removed when a new one is written.

An entry is plain data, never pickle: the stage's result (a `Document` or an `Extraction`) as
MessagePack, decoded into the same dataclasses with their field types checked (msgspec). Each
file opens with a magic line and the SHA-256 of the bytes that follow; an entry whose checksum,
encoding or types do not hold (a damaged byte, an edited value, a file of another version) is
never used: it is deleted, the stage runs again, and the build warns (`cache_damaged`). Delete
the folder at any time: the next build recomputes everything.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

import msgspec

from pipeline.model import Document, Extraction

PACKAGE_DIR = Path(__file__).resolve().parent


MAGIC = b"nhs-figures cache 2\n"
DIGEST = 32  # bytes of SHA-256 after the magic line
STAGE_TYPES: dict[str, type] = {"ingest": Document, "extract": Extraction}


def _decode(payload: bytes, kind: type) -> Any:
    if kind is Extraction:  # each mention's values into its kind's record (pipeline/components.py)
        from pipeline.components import decode_extraction

        return decode_extraction(payload)
    return msgspec.msgpack.decode(payload, type=kind)


def encode_entry(value: Any) -> bytes:
    payload = msgspec.msgpack.encode(value)
    return MAGIC + hashlib.sha256(payload).digest() + payload


def decode_entry(blob: bytes, kind: type) -> Any:
    """The value of a cache file's bytes; ValueError saying why when they are not a sound entry."""
    if not blob.startswith(MAGIC):
        raise ValueError("it does not start with the cache's header")
    digest, payload = blob[len(MAGIC) : len(MAGIC) + DIGEST], blob[len(MAGIC) + DIGEST :]
    if hashlib.sha256(payload).digest() != digest:
        raise ValueError("its checksum does not match its contents")
    try:
        return _decode(payload, kind)
    except msgspec.MsgspecError as exc:
        raise ValueError(f"its contents are not a {kind.__name__} ({exc})") from None


class Cache:
    def __init__(self, root: Path | str | None) -> None:
        self.root = Path(root) if root else None
        self.warnings: list[str] = []  # entries found damaged (and deleted) since the last `take_warnings`

    def _path(self, stage: str, sha: str, key: str) -> Path:
        assert self.root is not None
        return self.root / stage / sha[:2] / f"{sha}.{key}.msgpack"

    def get(self, stage: str, sha: str, key: str) -> Any | None:
        if self.root is None or not sha:
            return None
        path = self._path(stage, sha, key)
        try:
            blob = path.read_bytes()
        except OSError:
            return None  # absent (or unreadable): recompute
        try:
            return decode_entry(blob, STAGE_TYPES[stage])
        except ValueError as exc:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            self.warnings.append(
                f"the cached {stage} result {path} was damaged ({exc}), so it was deleted and the "
                f"{stage} stage ran again"
            )
            return None

    def take_warnings(self) -> list[str]:
        taken, self.warnings = self.warnings, []
        return taken

    def has(self, stage: str, sha: str, key: str) -> bool:
        return self.root is not None and bool(sha) and self._path(stage, sha, key).is_file()

    def put(self, stage: str, sha: str, key: str, value: Any) -> None:
        if self.root is None or not sha:
            return
        path = self._path(stage, sha, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(encode_entry(value))
            os.replace(tmp, path)
            for old in path.parent.glob(f"{sha}.*"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:
            return  # a cache that cannot be written only costs time

    def clear(self) -> None:
        if self.root is not None and self.root.is_dir():
            shutil.rmtree(self.root)


def _hash_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def ingest_code_version() -> str:
    """The code that turns a file into lines: pipeline/ingest/ and the document model."""
    files = [*(PACKAGE_DIR / "ingest").rglob("*.py"), PACKAGE_DIR / "model.py", PACKAGE_DIR / "rules.py"]
    return _hash_files(files)


def rules_hash(rules: Path) -> str:
    """A hash of every rule file (read afresh): a changed rule changes it."""
    h = hashlib.sha256()
    for p in sorted(rules.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(rules).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def stage_versions(rules: Path, cache: str | None = None) -> dict[str, str]:
    """The versions every cache key is made of, computed once per build. With the cache's folder, the
    extraction's version comes from its memo when nothing it is made of changed (pipeline/extraction_stamp.py)."""
    from pipeline.extraction_stamp import extraction_version
    from pipeline.ingest import ocr
    from pipeline.ingest.ocr_rules import load_ocr_rules, ocr_rules_version
    from pipeline.ingest.pdf_rules import layout_version

    return {
        "ingest_code": ingest_code_version(),
        # each component's modules (and the pipeline modules they import) and its rule files
        "extraction": extraction_version(rules, cache),
        "rules": rules_hash(rules),
        "layout": layout_version(rules),
        # the OCR rules and the engine with its version (`none` when OCR is off or absent)
        "ocr": f"{ocr_rules_version(rules)} {ocr.engine_version(load_ocr_rules(rules))}",
    }


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def ingest_key(versions: dict[str, str], media_type: str, password: str | None) -> str:
    """What a document's lines depend on besides its bytes: ingest code, layout rules, password, OCR
    rules, engine and engine version, and the PDF reader chosen on the command line (`pdf_reader`;
    the rule file's reader is in the layout's hash)."""
    parts = [versions["ingest_code"], versions["layout"], password or "", versions["ocr"]]
    if versions.get("pdf_reader"):
        parts.append(versions["pdf_reader"])
    return _digest("ingest", media_type, *parts)


def extract_key(versions: dict[str, str], ingest: str, meta: dict[str, Any]) -> str:
    """What a document's mentions depend on besides its lines: the components' code and rule files
    (`pipeline.components.extraction_version`), the build's options (such as --spacy-model) and the
    manifest entry (an extractor may read it)."""
    entry = repr(sorted((k, str(v)) for k, v in meta.items()))
    return _digest("extract", ingest, versions["extraction"], versions.get("options", ""), entry)
