"""OCR engines: a rendered image in, lines of text with boxes and the recogniser's confidence out.

Two engines, chosen by ``engine`` in ``rules/ocr.yaml``:

- ``rapidocr`` (the default): RapidOCR on ONNX Runtime (`rapidocr-onnxruntime`, a dependency of
  the package) finds the lines with its PP-OCRv4 detector, and reads them with the recognition model
  named by ``rapidocr.rec_model`` (PP-OCRv6 small, shipped inside the `rapidocr` wheel, whose
  character set has `£`). Every model ships inside a wheel, so it works after ``make`` with nothing
  downloaded at run time. The recogniser places each character it reads; a line is cut where two
  characters are far apart (``split_gap``), and each character's box is centred where it was read.
- ``tesseract``: the ``tesseract`` command, when installed apart (``apt install tesseract-ocr``).
  It gives a box per word; each character gets an equal share of its word's box.

Both are loaded on first use only, so a build that needs no OCR never imports them.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import io
import itertools
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.ingest import ocr_cache
from pipeline.ingest.ocr_rules import OcrRules
from pipeline.ingest.pdf_layout import PageLine
from pipeline.model import BBox

RAPIDOCR_PACKAGE = "rapidocr-onnxruntime"
RAPIDOCR_MODULE = "rapidocr_onnxruntime"


class OcrError(RuntimeError):
    pass


@dataclass(frozen=True)
class OcrText:
    """One line read from an image: its text, its box and its characters' boxes in image pixels."""

    text: str
    box: BBox
    confidence: float  # 0-1, as the recogniser gives it
    char_boxes: tuple[BBox | None, ...]


@dataclass(frozen=True)
class OcrLine(PageLine):
    """A page line read by OCR (`lines.source = 'ocr'`)."""

    confidence: float = 0.0
    source: str = "ocr"


def available(rules: OcrRules) -> bool:
    if rules.engine == "tesseract":
        return shutil.which(rules.tesseract_command) is not None
    return importlib.util.find_spec(RAPIDOCR_MODULE) is not None and rec_model_path(rules) is not None


def rec_model_path(rules: OcrRules) -> Path | None:
    """The file of ``rapidocr.rec_model`` (`package/path`) in its installed package, or None when the
    package or the file is not there. The package is found, not imported."""
    package, _, inner = rules.rec_model.partition("/")
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / inner
        if inner and path.is_file():
            return path
    return None


def engine_version(rules: OcrRules) -> str:
    """The engine and its version (part of the ingestion cache key), or `none` when it is absent."""
    if not rules.enabled or not available(rules):
        return "none"
    if rules.engine == "tesseract":
        return _tesseract_version(rules.tesseract_command)
    package = rules.rec_model.partition("/")[0]
    try:
        rec_version = importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        rec_version = "unknown"
    return (
        f"{RAPIDOCR_PACKAGE} {importlib.metadata.version(RAPIDOCR_PACKAGE)}, "
        f"rec {rules.rec_model} ({package} {rec_version})"
    )


def engine_label(rules: OcrRules) -> str:
    return "Tesseract" if rules.engine == "tesseract" else "RapidOCR"


def read_image(image: Any, rules: OcrRules) -> list[OcrText]:
    """The lines of a PIL image, those the recogniser doubts (below ``min_confidence``) left out;
    from the OCR cache (`ocr_cache`) when this image was read before with the same engine and rules."""
    key = ocr_cache.key(image, rules, engine_version(rules))
    found = ocr_cache.get(key)
    if found is None:
        found = _tesseract(image, rules) if rules.engine == "tesseract" else _rapidocr(image, rules)
        ocr_cache.put(key, found)
    return corrected(found, rules)


def corrected(found: list[OcrText], rules: OcrRules) -> list[OcrText]:
    """What the engine read, a dash read twice cut to one (`dash_run`), a stray mark after a
    currency sign left out (`stray_mark`) and the lines it
    doubts left out. Applied after the cache, which holds the engine's own reading, so these
    settings can change without reading any image again."""
    if rules.engine != "tesseract":
        found = [no_stray_mark(one_dash(t, rules), rules) for t in found]
    return [t for t in found if t.confidence >= rules.min_confidence and t.text.strip()]


def one_dash(found: OcrText, rules: OcrRules) -> OcrText:
    """A run of dashes the recogniser read for one (`£65,500–- £77,999`) cut to its first, which
    takes the run's box: the range is then read whole."""
    text, boxes = found.text, list(found.char_boxes)
    for m in reversed(list(rules.dash_run.finditer(text))):
        placed = [b for b in boxes[m.start() : m.end()] if b is not None]
        box = (placed[0][0], placed[0][1], placed[-1][2], placed[-1][3]) if placed else None
        text = text[: m.start()] + text[m.start()] + text[m.end() :]
        boxes[m.start() : m.end()] = [box]
    return found if text == found.text else OcrText(text, found.box, found.confidence, tuple(boxes))


def no_stray_mark(found: OcrText, rules: OcrRules) -> OcrText:
    """A mark read between a currency sign and its figure (`€.50` for a blurred `£50`) left out,
    with its box, so the amount is read (and its sign judged among the picture's, `usual_sign`)."""
    marks = [m.start() for m in rules.stray_mark.finditer(found.text)]
    if not marks:
        return found
    keep = [i for i in range(len(found.text)) if i not in set(marks)]
    text = "".join(found.text[i] for i in keep)
    return OcrText(text, found.box, found.confidence, tuple(found.char_boxes[i] for i in keep))


def to_page_lines(
    found: list[OcrText], scale: float, dx: float, dy: float, height: float, band: float
) -> list[OcrLine]:
    """OCR lines in page points: pixel p of an image whose origin is at (dx, dy) on the page is at
    dx + p * scale. `band` is the height of the running header / footer band."""

    def place(b: BBox) -> BBox:
        return (dx + b[0] * scale, dy + b[1] * scale, dx + b[2] * scale, dy + b[3] * scale)

    out: list[OcrLine] = []
    for t in found:
        bbox = place(t.box)
        boxes = tuple(place(b) if b is not None else None for b in t.char_boxes)
        where = "top" if bbox[3] <= band else "bottom" if bbox[1] >= height - band else None
        out.append(OcrLine(t.text, boxes, bbox, where, confidence=round(t.confidence, 4)))
    return out


def split_box(text: str, box: BBox) -> tuple[BBox | None, ...]:
    """Each character an equal share of the box's width (spaces get none)."""
    x0, top, x1, bottom = box
    step = (x1 - x0) / max(len(text), 1)
    return tuple(
        None if ch.isspace() else (x0 + k * step, top, x0 + (k + 1) * step, bottom) for k, ch in enumerate(text)
    )


def _rapidocr_engine(rules: OcrRules) -> Any:
    path = rec_model_path(rules)
    if path is None:
        raise OcrError(
            f"the recognition model {rules.rec_model} (rapidocr.rec_model in rules/ocr.yaml) is not installed; "
            "run `make` to install it"
        )
    return _rapidocr_engine_for(str(path))


@lru_cache(maxsize=2)
def _rapidocr_engine_for(rec_model: str) -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise OcrError(f"{RAPIDOCR_PACKAGE} is not installed ({exc}); run `make` to install it") from None
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    # one thread: a build already runs one worker per core
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, rec_model_path=rec_model)


def placed_chars(text: str, centres: Sequence[float], box: BBox, split_gap: float) -> list[OcrText]:
    """A recognised line as one or more lines with a box per character: `centres` are where the
    recogniser read each character of `text` (page-image x), `box` the line's box. Each character's
    box is centred on its place, as wide as the line's median pitch; the line is cut where the gap
    between two characters exceeds `split_gap` line heights. Confidence is filled in by the caller."""
    x0, top, x1, bottom = box
    keep = [i for i, ch in enumerate(text) if not ch.isspace()]
    if not keep or len(centres) != len(text):
        return [OcrText(" ".join(text.split()), box, 0.0, split_box(" ".join(text.split()), box))]
    steps = sorted(centres[b] - centres[a] for a, b in itertools.pairwise(keep) if b == a + 1)
    pitch = steps[len(steps) // 2] if steps else min(x1 - x0, bottom - top)
    pieces: list[list[int]] = [[keep[0]]]
    for a, b in itertools.pairwise(keep):
        if centres[b] - centres[a] - pitch > split_gap * (bottom - top):
            pieces.append([])
        pieces[-1].append(b)
    out: list[OcrText] = []
    for piece in pieces:
        chars: list[str] = []
        boxes: list[BBox | None] = []
        for k, i in enumerate(piece):
            if k and i > piece[k - 1] + 1:  # spaces between two characters read: one space
                chars.append(" ")
                boxes.append(None)
            c = centres[i]
            chars.append(text[i])
            boxes.append((max(x0, c - pitch / 2), top, min(x1, c + pitch / 2), bottom))
        first, last = boxes[0], boxes[-1]
        assert first is not None and last is not None
        out.append(OcrText("".join(chars), (first[0], top, last[2], bottom), 0.0, tuple(boxes)))
    return out


def _rapidocr(image: Any, rules: OcrRules) -> list[OcrText]:
    """RapidOCR's steps run here so that text is found on a smaller copy of the image (at most
    `det_max_side` pixels: finding costs most, and lines are found as well at ~100 dpi) and read
    from the full-size one."""
    import numpy as np

    det_max_side = rules.det_max_side
    engine = _rapidocr_engine(rules)
    try:
        full = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])  # BGR, as RapidOCR reads
        k = min(1.0, det_max_side / max(image.width, image.height))
        small = (
            full
            if k == 1.0
            else np.asarray(
                image.convert("RGB").resize((max(round(image.width * k), 1), max(round(image.height * k), 1)))
            )[:, :, ::-1].copy()
        )
        boxes, _ = _detect(engine, small, rules.det_max_upscale)
        if boxes is None or len(boxes) == 0:
            return []
        boxes = (np.asarray(engine.sorted_boxes(boxes), dtype=np.float32) / k).astype(np.float32)
        found = boxes
        boxes = widen(found, rules.widen, full.shape[1])
        crops = engine.get_crop_img_list(full, boxes)
        # no upside-down check (RapidOCR's `cls`): on short crops such as `(90%)` it turns them
        # round and reads `(%06)`; pages are turned by their /Rotate before rendering
        read, _ = engine.text_rec(crops, True)  # True: where each character was read
    except OcrError:
        raise
    except Exception as exc:
        raise OcrError(f"RapidOCR failed: {type(exc).__name__}: {exc}") from None
    out: list[OcrText] = []
    for points, edges, (text, score, info) in zip(boxes, found, read, strict=True):
        box = (
            float(points[:, 0].min()),
            float(points[:, 1].min()),
            float(points[:, 0].max()),
            float(points[:, 1].max()),
        )
        # info: columns of the recogniser's output over the crop's width, the characters' columns
        # (grouped in words) and their confidences, one per character of `text`
        text = str(text)
        columns, cols = float(info[0]), [c for word in info[2] for c in word]
        confidences = list(info[4]) if len(info[4]) == len(text) else [float(score)] * len(text)
        upright = box[3] - box[1] < 1.5 * (box[2] - box[0])  # RapidOCR turns a tall crop on its side
        scale = (box[2] - box[0]) / columns if columns and upright and len(cols) == len(text) else 0.0
        centres = [box[0] + (c + 0.5) * scale for c in cols] if scale else []
        if centres:  # what was read in the widened margin is kept only if it is a clipped mark
            tol = 0.15 * (box[3] - box[1])
            lo, hi = float(edges[:, 0].min()) - tol, float(edges[:, 0].max()) + tol
            keep = [i for i, ch in enumerate(text) if ch.isspace() or lo <= centres[i] <= hi or ch in rules.margin_keep]
            text = "".join(text[i] for i in keep)
            centres = [centres[i] for i in keep]
            confidences = [confidences[i] for i in keep]
        if not text.strip():
            continue
        for piece, chars in _with_indices(placed_chars(text, centres, box, rules.split_gap), text):
            share = [confidences[i] for i in chars] or [float(score)]
            out.append(OcrText(piece.text, piece.box, sum(share) / len(share), piece.char_boxes))
    out.sort(key=lambda t: (round(t.box[1] / 4), t.box[0]))
    return out


def _detect(engine: Any, image: Any, max_upscale: float) -> Any:
    """RapidOCR's detector on `image`, enlarged at most `max_upscale` times. The detector scales an
    image up until its shorter side is `limit_side_len` pixels (736): a picture that is one line of
    text, 1,100 x 48 pixels, went to it at 16,500 x 736 (some 8 s and 2.4 GB for that one strip),
    though lines are found as well at a few times their height."""
    detector = engine.text_det
    limit = detector.limit_side_len
    detector.limit_side_len = min(limit, max(32, round(min(image.shape[:2]) * max_upscale)))
    try:
        return detector(image)
    finally:
        detector.limit_side_len = limit


def widen(boxes: Any, share: float, width: int) -> Any:
    """Quadrilaterals (top-left, top-right, bottom-right, bottom-left) widened on each side by
    `share` of their height, within the image: the detector's boxes clip a trailing dash
    (`£65,500 –` was read `£65,500`)."""
    out = boxes.copy()
    for quad in out:
        pad = share * float(max(quad[:, 1]) - min(quad[:, 1]))
        quad[[0, 3], 0] = (quad[[0, 3], 0] - pad).clip(0, width - 1)
        quad[[1, 2], 0] = (quad[[1, 2], 0] + pad).clip(0, width - 1)
    return out


def _with_indices(pieces: list[OcrText], text: str) -> list[tuple[OcrText, list[int]]]:
    """Each piece of `text` (from `placed_chars`, in order) with the indices of its characters in `text`."""
    out: list[tuple[OcrText, list[int]]] = []
    at = 0
    for piece in pieces:
        indices: list[int] = []
        for ch in piece.text:
            if ch.isspace():
                continue
            while at < len(text) and text[at] != ch:
                at += 1
            if at < len(text):
                indices.append(at)
                at += 1
        out.append((piece, indices))
    return out


@lru_cache(maxsize=4)
def _tesseract_version(command: str) -> str:
    try:
        proc = subprocess.run([command, "--version"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "tesseract unknown"
    first = (proc.stdout or proc.stderr).decode("utf-8", "replace").strip().splitlines()
    return first[0] if first else "tesseract unknown"


def _tesseract(image: Any, rules: OcrRules) -> list[OcrText]:
    with tempfile.TemporaryDirectory(prefix="nhs-figures-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        try:
            proc = subprocess.run(
                [rules.tesseract_command, str(png), "stdout", "-l", rules.tesseract_language, "tsv"],
                capture_output=True,
                timeout=rules.tesseract_timeout_s,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise OcrError(f"{rules.tesseract_command} did not run: {exc}") from None
    if proc.returncode != 0:
        raise OcrError(f"{rules.tesseract_command} failed: {proc.stderr.decode('utf-8', 'replace').strip()[:300]}")
    return lines_from_tsv(proc.stdout.decode("utf-8", "replace"))


def lines_from_tsv(tsv: str) -> list[OcrText]:
    """Tesseract's TSV words grouped into its lines (pixels; confidence the mean of its words' / 100)."""
    grouped: dict[tuple[str, str, str], list[tuple[str, BBox, float]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        x, y, w, h = (float(row[k]) for k in ("left", "top", "width", "height"))
        key = (row["block_num"], row["par_num"], row["line_num"])
        grouped.setdefault(key, []).append((text, (x, y, x + w, y + h), float(row.get("conf") or 0)))
    out: list[OcrText] = []
    for words in grouped.values():
        chars: list[BBox | None] = []
        for i, (text, box, _) in enumerate(words):
            if i:
                chars.append(None)
            chars.extend(split_box(text, box))
        boxes = [b for _, b, _ in words]
        bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        confidence = sum(c for _, _, c in words) / len(words) / 100
        out.append(OcrText(" ".join(w for w, _, _ in words), bbox, confidence, tuple(chars)))
    return out
