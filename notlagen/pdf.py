"""What the printed documents (consent form, cash vouchers) share: fpdf2 with the core fonts."""

from __future__ import annotations

from fpdf import FPDF

# The PDF core fonts cover Latin-1; typographic characters outside it are written plainly.
_PLAIN = str.maketrans(
    {"„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "€": "EUR"}
)


def plain(text) -> str:
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


class Document(FPDF):
    """An A4 page with headings and paragraphs in Helvetica."""

    def __init__(self, title: str):
        super().__init__(format="A4")
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=18)
        self.set_title(plain(title))

    def heading(self, text: str, size: int = 14) -> None:
        self.set_font("helvetica", "B", size)
        self.multi_cell(0, 7, plain(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def paragraph(self, text: str, bold: bool = False, size: float = 10.5) -> None:
        self.set_font("helvetica", "B" if bold else "", size)
        self.multi_cell(0, size / 2 + 0.25, plain(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def field(self, label: str, value: str) -> None:
        """A label and its value on one line, as a form prints them."""
        self.set_font("helvetica", "", 9)
        self.cell(55, 6, plain(label))
        self.set_font("helvetica", "B", 10.5)
        self.multi_cell(0, 6, plain(value), new_x="LMARGIN", new_y="NEXT")

    def render(self) -> bytes:
        return bytes(self.output())
