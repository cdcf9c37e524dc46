"""The OCR settings of ``rules/ocr.yaml``, checked when loaded (file and key named on error)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from pipeline.ingest import rule_file
from pipeline.rule_keys import KeyedRules, key
from pipeline.rules import Regex, rules_dir

FILE_NAME = "ocr.yaml"
ENGINES = ("rapidocr", "tesseract")
Sign = Annotated[str, StringConstraints(min_length=1, max_length=1)]


class OcrRules(KeyedRules):
    """rules/ocr.yaml: `enabled` ... `min_confidence` at the top, the rest `section.key` of the file."""

    enabled: bool
    engine: Literal["rapidocr", "tesseract"]
    dpi: int = Field(ge=72, le=1200)
    max_page_pixels: int = Field(ge=100_000, le=200_000_000)
    det_max_side: int = Field(ge=100, le=10000)
    det_max_upscale: float = Field(ge=1, le=100)
    min_confidence: float = Field(ge=0, le=1)
    rec_model: str = key("rapidocr", "rec_model", min_length=1)  # RapidOCR: `package/path/in/it.onnx`
    widen: float = key("rapidocr", "widen", ge=0, le=5)  # each line's box widened by this share of its height
    margin_keep: str = key("rapidocr", "margin_keep", min_length=1)  # marks kept when read in the widened margin
    split_gap: float = key("rapidocr", "split_gap", ge=0.1, le=100)  # a line cut at a gap this many heights wide
    dash_run: Regex = key("rapidocr", "dash_run")  # dashes read for one (`–-`), cut to the first
    stray_mark: Regex = key("rapidocr", "stray_mark")  # a mark read between a sign and its figure: left out
    row_overlap: float = key("lines", "row_overlap", gt=0, le=1)  # one row: boxes overlapping this share
    below_gap_min: float = key("lines", "below_gap_min", ge=-1, le=0)  # right below: gap window, in heights
    below_gap_max: float = key("lines", "below_gap_max", ge=0, le=5)
    below_centre_share: float = key("lines", "below_centre_share", ge=0, le=1)  # centred under: of the width
    tesseract_command: str = key("tesseract", "command", min_length=1)
    tesseract_language: str = key("tesseract", "language", min_length=1)
    tesseract_timeout_s: float = key("tesseract", "timeout_s", ge=1, le=3600)
    image_min_width_pt: float = key("images", "min_width_pt", ge=1, le=10000)
    image_min_height_pt: float = key("images", "min_height_pt", ge=1, le=10000)
    image_max_page_share: float = key("images", "max_page_share", ge=0, le=1)
    image_max_text_overlap: float = key("images", "max_text_overlap", ge=0, le=1)
    # a currency sign the recogniser reads for another, in a picture, written as the other where that one
    # stands before at least `sign_min_share` of its figures
    sign_lookalikes: dict[Sign, Sign] = key("images", "sign_lookalikes")
    sign_min_share: float = key("images", "sign_min_share", ge=0.5, le=1)
    min_space_width_em: float = key("lost_glyphs", "min_space_width_em", ge=0, le=5)
    min_ink_share: float = key("lost_glyphs", "min_ink_share", ge=0, le=1)
    dark_level: int = key("lost_glyphs", "dark_level", ge=1, le=255)


def ocr_rules_path(directory: Path | str | None = None) -> Path:
    return rules_dir(directory) / FILE_NAME


def ocr_rules_version(directory: Path | str | None = None) -> str:
    """A hash of the OCR rule file: the ingestion cache is keyed by it."""
    return rule_file.version(ocr_rules_path(directory))


def load_ocr_rules(directory: Path | str | None = None) -> OcrRules:
    return rule_file.load(OcrRules, ocr_rules_path(directory))
