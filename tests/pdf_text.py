"""The text an fpdf2 document shows, without poppler: the literal strings of its Tj operators
(core fonts), from every content stream. Each stream is inflated from its start to the end of
its zlib data, so compressed bytes that happen to read "endstream" cannot cut a page short."""

import re
import zlib


def pdf_text(pdf: bytes) -> str:
    lines = []
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            stream = zlib.decompressobj().decompress(pdf[match.end() :])
        except zlib.error:
            continue
        for text in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream):
            lines.append(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1"))
    return " ".join(lines)
