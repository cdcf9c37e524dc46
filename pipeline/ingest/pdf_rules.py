"""The layout parameters of PDF reading, from ``rules/pdf_layout.yaml``, checked at load."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from pipeline.ingest import rule_file
from pipeline.rule_keys import KeyedRules, key
from pipeline.rules import IRegex, Regex, rules_dir

FILE_NAME = "pdf_layout.yaml"
Reader = Literal["pdfplumber", "pdfium"]  # where a PDF's characters come from (pdf.py, pdfium_chars.py)
READERS: tuple[str, ...] = get_args(Reader)
# pages the pdfium reader hands to pdfplumber, by what pdfium reads differently (pdfium_fallback.py)
Fallback = Literal[
    "unmapped_glyphs", "split_glyphs", "outside_page", "builtin_metrics", "doubled_glyphs", "threshold_ties"
]


class PdfLayout(KeyedRules):
    """rules/pdf_layout.yaml: each field is `section.key` of the file (lengths in em of the font size)."""

    same_line_em: float = key("lines", "same_line_em", ge=0.05, le=2)
    space_gap_em: float = key("words", "space_gap_em", ge=0.01, le=2)
    dedupe_em: float = key("words", "dedupe_em", ge=0, le=1)
    cell_separator: str = key("cells", "separator", min_length=1)
    cell_gap_em: float = key("cells", "gap_em", ge=0.1, le=20)
    after_space_gap_em: float = key("cells", "after_space_gap_em", ge=0.05, le=20)
    explicit_space_share: float = key("cells", "explicit_space_share", ge=0, le=1)
    min_gutter_pt: float = key("columns", "min_gutter_pt", ge=0.5, le=200)
    max_columns: int = key("columns", "max_columns", ge=1, le=12)
    min_column_width_share: float = key("columns", "min_width_share", ge=0.01, le=1)
    min_column_lines: int = key("columns", "min_lines", ge=1, le=1000)
    min_column_words: float = key("columns", "min_words", ge=0, le=100)
    min_column_fill_share: float = key("columns", "min_fill_share", ge=0, le=1)
    wide_share: float = key("columns", "wide_share", ge=0.05, le=1)
    band_share: float = key("running", "band_share", ge=0, le=0.5)
    repeat_share: float = key("running", "repeat_share", ge=0, le=1)
    repeat_min_pages: int = key("running", "min_pages", ge=1, le=10000)
    page_number_patterns: tuple[IRegex, ...] = key("running", "page_number_patterns")
    hyphen_end: Regex = key("hyphen", "end_pattern")
    hyphen_start: Regex = key("hyphen", "start_pattern")
    hyphen_keep: Regex = key("hyphen", "keep_pattern")
    min_text_chars: int = key("text_layer", "min_chars", ge=0, le=100000)
    unreadable_replacement: str = key("unreadable", "replacement", min_length=1, max_length=1)
    unreadable_max_share: float = key("unreadable", "max_share", ge=0, le=1)
    ignore_title_patterns: tuple[IRegex, ...] = key("metadata", "ignore_title_patterns")
    reader: Reader = key("reader", "name")
    reader_fallback: tuple[Fallback, ...] = key("reader", "fallback")


def layout_path(directory: Path | str | None = None) -> Path:
    return rules_dir(directory) / FILE_NAME


def layout_version(directory: Path | str | None = None) -> str:
    """A hash of the layout file: the ingestion cache is keyed by it."""
    return rule_file.version(layout_path(directory))


def load_layout(directory: Path | str | None = None) -> PdfLayout:
    return rule_file.load(PdfLayout, layout_path(directory))
