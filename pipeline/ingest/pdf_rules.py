"""The layout parameters of PDF reading, from ``rules/pdf_layout.yaml``, checked at load."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from pipeline.rules import RuleError, compile_pattern, read_yaml, rules_dir

FILE_NAME = "pdf_layout.yaml"
READERS = ("pdfplumber", "pdfium")  # where a PDF's characters come from (pdf.py, pdfium_chars.py)


@dataclass(frozen=True)
class PdfLayout:
    same_line_em: float
    space_gap_em: float
    dedupe_em: float
    cell_separator: str
    cell_gap_em: float
    after_space_gap_em: float
    explicit_space_share: float
    min_gutter_pt: float
    max_columns: int
    min_column_width_share: float
    min_column_lines: int
    min_column_words: float
    min_column_fill_share: float
    wide_share: float
    band_share: float
    repeat_share: float
    repeat_min_pages: int
    page_number_patterns: tuple[regex.Pattern[str], ...]
    hyphen_end: regex.Pattern[str]
    hyphen_start: regex.Pattern[str]
    hyphen_keep: regex.Pattern[str]
    min_text_chars: int
    unreadable_replacement: str
    unreadable_max_share: float
    ignore_title_patterns: tuple[regex.Pattern[str], ...]
    reader: str = "pdfplumber"


def layout_path(directory: Path | str | None = None) -> Path:
    return rules_dir(directory) / FILE_NAME


def layout_version(directory: Path | str | None = None) -> str:
    """A hash of the layout file: the ingestion cache is keyed by it."""
    try:
        return hashlib.sha256(layout_path(directory).read_bytes()).hexdigest()[:16]
    except FileNotFoundError:
        raise RuleError(layout_path(directory), "file not found") from None


def load_layout(directory: Path | str | None = None) -> PdfLayout:
    path = layout_path(directory)
    return _load(str(path), path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=8)
def _load(path_str: str, _mtime: int) -> PdfLayout:
    path = Path(path_str)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise RuleError(path, "expected a mapping of sections (lines, words, cells, ...)")
    r = _Reader(path, data)
    return PdfLayout(
        same_line_em=r.num("lines", "same_line_em", 0.05, 2),
        space_gap_em=r.num("words", "space_gap_em", 0.01, 2),
        dedupe_em=r.num("words", "dedupe_em", 0, 1),
        cell_separator=r.text("cells", "separator", nonempty=True),
        cell_gap_em=r.num("cells", "gap_em", 0.1, 20),
        after_space_gap_em=r.num("cells", "after_space_gap_em", 0.05, 20),
        explicit_space_share=r.num("cells", "explicit_space_share", 0, 1),
        min_gutter_pt=r.num("columns", "min_gutter_pt", 0.5, 200),
        max_columns=int(r.num("columns", "max_columns", 1, 12, integer=True)),
        min_column_width_share=r.num("columns", "min_width_share", 0.01, 1),
        min_column_lines=int(r.num("columns", "min_lines", 1, 1000, integer=True)),
        min_column_words=r.num("columns", "min_words", 0, 100),
        min_column_fill_share=r.num("columns", "min_fill_share", 0, 1),
        wide_share=r.num("columns", "wide_share", 0.05, 1),
        band_share=r.num("running", "band_share", 0, 0.5),
        repeat_share=r.num("running", "repeat_share", 0, 1),
        repeat_min_pages=int(r.num("running", "min_pages", 1, 10000, integer=True)),
        page_number_patterns=r.patterns("running", "page_number_patterns"),
        hyphen_end=r.pattern("hyphen", "end_pattern"),
        hyphen_start=r.pattern("hyphen", "start_pattern"),
        hyphen_keep=r.pattern("hyphen", "keep_pattern"),
        min_text_chars=int(r.num("text_layer", "min_chars", 0, 100000, integer=True)),
        unreadable_replacement=r.text("unreadable", "replacement", nonempty=True, single=True),
        unreadable_max_share=r.num("unreadable", "max_share", 0, 1),
        ignore_title_patterns=r.patterns("metadata", "ignore_title_patterns"),
        reader=r.choice("reader", "name", READERS),
    )


class _Reader:
    """Typed access to `section.key` of the layout file, raising RuleError naming file and key."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def _get(self, section: str, key: str) -> Any:
        sec = self.data.get(section)
        if not isinstance(sec, dict):
            raise RuleError(self.path, f"missing section `{section}` (a mapping)")
        if key not in sec:
            raise RuleError(self.path, "missing key", entry=f"{section}.{key}")
        return sec[key]

    def num(self, section: str, key: str, lo: float, hi: float, integer: bool = False) -> float:
        value = self._get(section, key)
        ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
        if isinstance(value, bool) or not ok_type:
            want = "a whole number" if integer else "a number"
            raise RuleError(self.path, f"expected {want}, got {value!r}", entry=f"{section}.{key}")
        if not lo <= value <= hi:
            raise RuleError(self.path, f"{value!r} is outside {lo}..{hi}", entry=f"{section}.{key}")
        return float(value)

    def text(self, section: str, key: str, nonempty: bool = False, single: bool = False) -> str:
        value = self._get(section, key)
        if not isinstance(value, str) or (nonempty and not value):
            raise RuleError(self.path, f"expected a non-empty string, got {value!r}", entry=f"{section}.{key}")
        if single and len(value) != 1:
            raise RuleError(self.path, f"expected exactly one character, got {value!r}", entry=f"{section}.{key}")
        return value

    def choice(self, section: str, key: str, allowed: tuple[str, ...]) -> str:
        value = self._get(section, key)
        if value not in allowed:
            raise RuleError(self.path, f"expected one of {', '.join(allowed)}, got {value!r}", entry=f"{section}.{key}")
        return str(value)

    def flag(self, section: str, key: str) -> bool:
        value = self._get(section, key)
        if not isinstance(value, bool):
            raise RuleError(self.path, f"expected true or false, got {value!r}", entry=f"{section}.{key}")
        return value

    def pattern(self, section: str, key: str) -> regex.Pattern[str]:
        return compile_pattern(self.path, f"{section}.{key}", self._get(section, key))

    def patterns(self, section: str, key: str) -> tuple[regex.Pattern[str], ...]:
        value = self._get(section, key)
        if not isinstance(value, list):
            raise RuleError(self.path, "expected a list of patterns", entry=f"{section}.{key}")
        return tuple(
            compile_pattern(self.path, f"{section}.{key}[{i}]", p, regex.IGNORECASE) for i, p in enumerate(value, 1)
        )
