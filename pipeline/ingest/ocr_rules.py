"""The OCR settings of ``rules/ocr.yaml``, checked when loaded (file and key named on error)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from pipeline.ingest.pdf_rules import _Reader
from pipeline.rules import RuleError, read_yaml, rules_dir

FILE_NAME = "ocr.yaml"
ENGINES = ("rapidocr", "tesseract")


@dataclass(frozen=True)
class OcrRules:
    enabled: bool
    engine: str
    dpi: int
    det_max_side: int
    min_confidence: float  # 0-1
    rec_model: str  # RapidOCR: the recognition model, `package/path/in/it.onnx`
    widen: float  # RapidOCR: each line's box is widened by this share of its height on each side
    margin_keep: str  # RapidOCR: the marks kept when read in the widened margin of a line's box
    split_gap: float  # RapidOCR: a line is cut at a gap wider than this many line heights
    dash_run: regex.Pattern[str]  # RapidOCR: dashes read for one (`–-`), cut to the first
    pound_misread: regex.Pattern[str]  # RapidOCR: a letter read for `£` before an amount
    tesseract_command: str
    tesseract_language: str
    tesseract_timeout_s: float
    image_min_width_pt: float
    image_min_height_pt: float
    image_max_page_share: float
    image_max_text_overlap: float
    sign_lookalikes: dict[str, str]  # a currency sign the recogniser reads for another, in a picture
    sign_min_share: float  # ... written as the other where that one is this usual among its figures
    min_space_width_em: float
    min_ink_share: float
    dark_level: int


def ocr_rules_path(directory: Path | str | None = None) -> Path:
    return rules_dir(directory) / FILE_NAME


def ocr_rules_version(directory: Path | str | None = None) -> str:
    """A hash of the OCR rule file: the ingestion cache is keyed by it."""
    try:
        return hashlib.sha256(ocr_rules_path(directory).read_bytes()).hexdigest()[:16]
    except FileNotFoundError:
        raise RuleError(ocr_rules_path(directory), "file not found") from None


def load_ocr_rules(directory: Path | str | None = None) -> OcrRules:
    path = ocr_rules_path(directory)
    return _load(str(path), path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=8)
def _load(path_str: str, _mtime: int) -> OcrRules:
    path = Path(path_str)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise RuleError(path, "expected a mapping (enabled, engine, dpi, ..., images, lost_glyphs)")
    top = _Reader(path, {"ocr": data})
    r = _Reader(path, data)
    engine = top.text("ocr", "engine", nonempty=True)
    if engine not in ENGINES:
        raise RuleError(path, f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}", entry="engine")
    return OcrRules(
        enabled=top.flag("ocr", "enabled"),
        engine=engine,
        dpi=int(top.num("ocr", "dpi", 72, 1200, integer=True)),
        det_max_side=int(top.num("ocr", "det_max_side", 100, 10000, integer=True)),
        min_confidence=top.num("ocr", "min_confidence", 0, 1),
        rec_model=r.text("rapidocr", "rec_model", nonempty=True),
        widen=r.num("rapidocr", "widen", 0, 5),
        margin_keep=r.text("rapidocr", "margin_keep", nonempty=True),
        split_gap=r.num("rapidocr", "split_gap", 0.1, 100),
        dash_run=r.pattern("rapidocr", "dash_run"),
        pound_misread=r.pattern("rapidocr", "pound_misread"),
        tesseract_command=r.text("tesseract", "command", nonempty=True),
        tesseract_language=r.text("tesseract", "language", nonempty=True),
        tesseract_timeout_s=r.num("tesseract", "timeout_s", 1, 3600),
        image_min_width_pt=r.num("images", "min_width_pt", 1, 10000),
        image_min_height_pt=r.num("images", "min_height_pt", 1, 10000),
        image_max_page_share=r.num("images", "max_page_share", 0, 1),
        image_max_text_overlap=r.num("images", "max_text_overlap", 0, 1),
        sign_lookalikes=_lookalikes(path, r),
        sign_min_share=r.num("images", "sign_min_share", 0.5, 1),
        min_space_width_em=r.num("lost_glyphs", "min_space_width_em", 0, 5),
        min_ink_share=r.num("lost_glyphs", "min_ink_share", 0, 1),
        dark_level=int(r.num("lost_glyphs", "dark_level", 1, 255, integer=True)),
    )


def _lookalikes(path: Path, r: _Reader) -> dict[str, str]:
    value = r._get("images", "sign_lookalikes")
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and len(k) == 1 and len(v) == 1 for k, v in value.items()
    ):
        raise RuleError(
            path, f"expected a mapping of one sign to another, got {value!r}", entry="images.sign_lookalikes"
        )
    return dict(value)
