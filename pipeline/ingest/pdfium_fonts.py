"""Fonts that pdfminer measures by its own metrics, not the file's: where pdfium cannot agree.

pdfminer reads a font named as one of the standard 14 (and their aliases: `Arial`, `TimesNewRoman`;
`pdfminer.fontmetrics.FONT_METRICS`) with its built-in Adobe metrics, whatever the file says: its
descent (0 when the metrics have none, as Symbol's and ZapfDingbats') and widths. pdfium reads the
file's font descriptor, or its own font when there is none. Where the descents differ, every box of
the font differs in height (2 pt for a 9 pt Symbol bullet in the Federal Register), so a page with
such a font goes to pdfplumber (rule `builtin_metrics` of ``reader.fallback``). Checked per font
(a few a page), not per character.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable

import pypdfium2.raw as pdfium_c
from pdfminer.fontmetrics import FONT_METRICS

_NAME = ctypes.create_string_buffer(256)
_DESCENT = ctypes.c_float()
_EM = 1000.0  # pdfium scales a font's descent to a size; at this size it is in the font's units
_TOLERANCE = 0.5  # font units (thousandths of an em)


def pdfminer_descent(name: str) -> float | None:
    """The descent pdfminer gives a font of this base name from its built-in metrics, in font
    units; None when it reads the font's own descriptor."""
    metrics = FONT_METRICS.get(name)
    if metrics is None:
        return None
    value = metrics[0].get("Descent", 0)
    descent = float(value) if isinstance(value, int | float) else 0.0
    return -descent if descent > 0 else descent


def builtin_metrics_differ(fonts: Iterable[int]) -> list[str]:
    """The base names of those of pdfium's `fonts` (handles as integers) that pdfminer measures by
    its built-in metrics with a descent other than the one pdfium reads."""
    out: list[str] = []
    for handle in fonts:
        if not handle:
            continue
        font = ctypes.cast(handle, pdfium_c.FPDF_FONT)
        length = pdfium_c.FPDFFont_GetBaseFontName(font, _NAME, len(_NAME))
        if not length:
            continue
        name = _NAME.value.decode("latin-1")
        expected = pdfminer_descent(name)
        if expected is None:
            continue
        if not pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(_EM), ctypes.byref(_DESCENT)):
            out.append(name)
        elif abs(_DESCENT.value - expected) > _TOLERANCE:
            out.append(name)
    return out
