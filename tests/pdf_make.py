"""Small PDFs made for the OCR tests, written byte by byte (no PDF library needed).

`lost_glyph_pdf`: a line in Helvetica whose font maps digits and `%` to a space (its ToUnicode
CMap), so the page shows "Almost all (90%) of staff" while the text layer holds
"Almost all (   ) of staff", as some published PDFs do.
`chart_pdf`: a page with a text layer and a raster picture holding chart labels (`45%`, `30%`) that
are in no text layer.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from pdfminer.fontmetrics import FONT_METRICS
from PIL import Image, ImageDraw, ImageFont

LOST = "0123456789%"


def _cmap() -> bytes:
    lost = sorted(ord(c) for c in LOST)
    chars = [f"<{c:02X}> <0020>" for c in lost]
    ranges = []
    start = 0x20
    for c in [*lost, 0x7F]:
        if start < c:
            ranges.append(f"<{start:02X}> <{c - 1:02X}> <{start:04X}>")
        start = c + 1
    body = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Lost def /CMapType 2 def\n1 begincodespacerange <00> <FF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n" + "\n".join(chars) + "\nendbfchar\n"
        f"{len(ranges)} beginbfrange\n" + "\n".join(ranges) + "\nendbfrange\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )
    return body.encode("ascii")


def _widths() -> str:
    """Helvetica's widths of codes 32-126, as a published font gives them."""
    metrics = FONT_METRICS["Helvetica"][1]
    widths = " ".join(str(metrics.get(chr(c), 556)) for c in range(32, 127))
    return f"/FirstChar 32 /LastChar 126 /Widths [{widths}]"


def _stream(dictionary: str, data: bytes) -> bytes:
    return f"<< {dictionary} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _text_ops(lines: list[tuple[str, float, float, int, str]]) -> str:
    """PDF text operators: (text, x, y from the bottom, size, font resource name) each."""
    ops = []
    for text, x, y, size, font in lines:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"BT /{font} {size} Tf {x} {y} Td ({escaped}) Tj ET")
    return "\n".join(ops)


def _page_pdf(content: str, image: Image.Image | None = None) -> bytes:
    fonts = "/F1 5 0 R /F2 6 0 R"
    xobjects = " /XObject << /Im1 9 0 R >>" if image is not None else ""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        f"/Resources << /Font << {fonts} >>{xobjects} >> >>".encode(),
        _stream("", content.encode("latin-1")),
        f"<< /Type /Font /Subtype /TrueType /BaseFont /NHSFrutiger /Encoding /WinAnsiEncoding {_widths()} "
        "/ToUnicode 7 0 R /FontDescriptor 8 0 R >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        _stream("", _cmap()),
        b"<< /Type /FontDescriptor /FontName /NHSFrutiger /Flags 32 /FontBBox [-166 -225 1000 931] "
        b"/ItalicAngle 0 /Ascent 718 /Descent -207 /CapHeight 718 /StemV 88 >>",
    ]
    if image is not None:
        rgb = image.convert("RGB")
        objects.append(
            _stream(
                f"/Type /XObject /Subtype /Image /Width {rgb.width} /Height {rgb.height} "
                "/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode",
                zlib.compress(rgb.tobytes()),
            )
        )
    return _pdf(objects)


def lost_glyph_pdf(path: Path) -> Path:
    """Line 2 is drawn with the lost-glyph font: `Almost all (90%) of staff said they would stay.`"""
    content = _text_ops(
        [
            ("Survey of the workforce in 2022: the headlines", 72, 720, 14, "F2"),
            ("Almost all (90%) of staff said they would stay.", 72, 690, 14, "F1"),
            ("The rest of this page has an ordinary text layer and costs 4.5m in total.", 72, 660, 11, "F2"),
        ]
    )
    path.write_bytes(_page_pdf(content))
    return path


def chart_pdf(path: Path) -> Path:
    """A text line, and below it a picture of a bar chart labelled `45%` and `30%`."""
    image = Image.new("RGB", (900, 450), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=44)
    draw.rectangle((150, 150, 300, 420), fill=(68, 114, 196))
    draw.text((170, 90), "45%", fill="black", font=font)
    draw.rectangle((550, 250, 700, 420), fill=(68, 114, 196))
    draw.text((560, 190), "30%", fill="black", font=font)
    content = (
        _text_ops([("Figure 3: Distribution of spending by role", 72, 720, 12, "F2")])
        + "\nq 360 0 0 180 72 500 cm /Im1 Do Q"
    )
    path.write_bytes(_page_pdf(content, image))
    return path


def label_pdf(path: Path, text: str, size: int = 28) -> Path:
    """One line in Helvetica (WinAnsi, so `£` is drawn), as a chart label would be: rendered, it
    is a picture of the label in a font that has the sign."""
    path.write_bytes(_page_pdf(_text_ops([(text, 72, 700, size, "F2")])))
    return path
