"""OCR results cached per image, so a rebuild that reads a PDF again (its ingest code or layout
rules changed) does not OCR its pages again.

An entry is keyed by the SHA-256 of the image's pixels (with its mode and size), the engine with
its version and recognition model (`ocr.engine_version`), and the OCR settings that change what the
engine reads (`READ_SETTINGS`): the same picture read by the same engine with the same settings gives
the same lines. An entry holds the engine's own reading; `ocr.corrected` mends it after. Entries live in
``<cache>/ocr/<key[:2]>/<key>.msgpack`` beside the per-document cache (`pipeline/cache.py`, whose
entry format, checksum and atomic writes they share); a damaged entry is deleted and the image
read again. The folder is set per build by `use` (`pipeline/build.py`); with none set, nothing is
cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.cache import decode_entry, encode_entry

if TYPE_CHECKING:
    from pipeline.ingest.ocr import OcrText
    from pipeline.ingest.ocr_rules import OcrRules

_root: list[Path | None] = [None]

# The settings of `OcrRules` that change what the engine reads from an image (the rest, such as
# `min_confidence`, `dash_run`, `stray_mark` and the line-assembly settings, are applied to the
# engine's reading after the cache: changing them reads nothing again).
READ_SETTINGS = (
    "engine",
    "det_max_side",
    "det_max_upscale",
    "rec_model",
    "widen",
    "margin_keep",
    "split_gap",
    "tesseract_command",
    "tesseract_language",
)


def use(root: Path | str | None) -> None:
    """Cache OCR results under `root` (None: do not cache)."""
    _root[0] = Path(root) if root else None


def key(image: Any, rules: OcrRules, engine: str) -> str:
    h = hashlib.sha256()
    settings = rules.model_dump(include=set(READ_SETTINGS))
    h.update(f"{image.mode} {image.width}x{image.height}|{engine}|{sorted(settings.items())!r}|".encode())
    h.update(image.tobytes())
    return h.hexdigest()[:40]


def _path(k: str) -> Path | None:
    root = _root[0]
    return None if root is None else root / k[:2] / f"{k}.msgpack"


def get(k: str) -> list[OcrText] | None:
    from pipeline.ingest.ocr import OcrText

    path = _path(k)
    if path is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    try:
        return list(decode_entry(blob, list[OcrText]))
    except ValueError:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        return None


def put(k: str, found: list[OcrText]) -> None:
    path = _path(k)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(encode_entry(found))
        os.replace(tmp, path)
    except OSError:
        return  # a cache that cannot be written only costs time
