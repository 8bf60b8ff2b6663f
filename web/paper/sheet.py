"""The printed sheet: A4, black on white, headings and rules, who and when on every page.

Made for a black-and-white printer and a hurried reader: nothing is told by colour alone
(a severe allergy says so in words), headings are bold and underlined by a rule, and each
page names the patient, their INS and the day it was printed, with "page N / M" at the
foot, so a page that strays from the others still says whose it is.

The font is DejaVu Sans (Unicode, free licence), taken from the system's fonts when it is
there (Debian's fonts-dejavu-core, which almost every system has). Without it the sheet
still prints, in the PDF core font Helvetica with the Windows-1252 characters (« œ », « … »,
the French quotes); a narrow no-break space becomes a no-break space and a character
outside that set a question mark, so nothing is ever refused for want of a font.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

# Where Linux distributions, Alpine, Homebrew and macOS put DejaVu Sans (fonts-dejavu-core,
# dejavu-sans-fonts, font-dejavu...). The first folder that holds both files is used.
FONT_FOLDERS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/local/share/fonts",
    "/usr/local/share/fonts/dejavu",
    "/opt/homebrew/share/fonts",
    "/Library/Fonts",
)
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu"
CORE_FAMILY, CORE_ENCODING = "helvetica", "cp1252"
# What the core font's encoding lacks, written with what it has.
_CORE_SPACES = str.maketrans({"\u202f": "\u00a0", "\u2009": " ", "\u2007": "\u00a0"})

MARGIN = 15.0  # mm, on every side
LINE = 5.0  # mm, the height of a line of body text
BODY, SMALL, HEADING, TITLE = 10.0, 8.0, 12.0, 16.0  # font sizes, in points
ELLIPSIS = "…"


def font_files(folders: tuple[str, ...] = FONT_FOLDERS) -> tuple[Path, Path] | None:
    """The regular and bold DejaVu Sans files, from the first folder that has both."""
    for folder in folders:
        regular, bold = Path(folder) / REGULAR, Path(folder) / BOLD
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


@cache
def _document_class() -> type[Any]:
    """fpdf2's document, with the sheet's header, footer and core-font text. Loaded with the
    first sheet printed: fpdf2 brings fontTools and Pillow, a third of a second of CPU that a
    server's start would otherwise pay."""
    from fpdf import FPDF

    class Document(FPDF):
        sheet: Sheet

        def header(self) -> None:
            self.sheet.header()

        def footer(self) -> None:
            self.sheet.footer()

        def normalize_text(self, text: str) -> str:
            if self.is_ttf_font:
                return str(super().normalize_text(text))
            shown = text.translate(_CORE_SPACES).encode(CORE_ENCODING, errors="replace")
            return shown.decode("latin-1")

    return Document


class Sheet:
    """An A4 document whose pages carry who it is about and when it was printed. fpdf2's
    methods (`cell`, `ln`, `add_page`, `pages_count`...) are those of its document."""

    def __init__(self, *, lang: str, title: str, owner: str, details: str, foot: str,
                 fonts: tuple[Path, Path] | bool | None = True) -> None:
        """``fonts``: the regular and bold font files, None for the core font, True (the
        default) to look for DejaVu Sans in the system's folders."""
        self.document = _document_class()(orientation="P", unit="mm", format="A4")
        self.document.sheet = self
        files = font_files() if fonts is True else fonts
        if isinstance(files, tuple):
            regular, bold = files
            self.family = FAMILY
            self.add_font(FAMILY, "", str(regular))
            self.add_font(FAMILY, "B", str(bold))
        else:
            self.family = CORE_FAMILY
            self.document.core_fonts_encoding = CORE_ENCODING
        self.set_lang(lang)
        self.set_title(title)
        self.set_creator("Carnet")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN + 6)
        self.set_text_color(0)
        self.set_draw_color(0)
        self.owner, self.details, self.foot = owner, details, foot
        self.cut = False  # whether a list or a line was shortened to fit

    def __getattr__(self, name: str) -> Any:
        if name == "document":  # not made yet: no document to ask
            raise AttributeError(name)
        return getattr(self.document, name)

    # --- On every page ---------------------------------------------------------------

    def header(self) -> None:
        self.set_font(self.family, "B", BODY)
        self.cell(self.epw, LINE, self.fitted(self.owner), new_x="LMARGIN",
                  new_y="NEXT")
        self.set_font(self.family, "", SMALL)
        self.cell(self.epw, 4, self.fitted(self.details), new_x="LMARGIN",
                  new_y="NEXT")
        self.rule(0.4)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(self.family, "", SMALL)
        self.cell(self.epw / 2, 4, self.foot)
        self.cell(self.epw / 2, 4, f"{self.page_no()} / {{nb}}", align="R")

    # --- Building blocks ----------------------------------------------------------------

    def rule(self, width: float = 0.2) -> None:
        self.set_line_width(width)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())

    def title_block(self, title: str, subtitle: str) -> None:
        self.set_font(self.family, "B", TITLE)
        self.cell(self.epw, 8, title, new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.family, "", SMALL)
        self.multi_cell(self.epw, 4, subtitle, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def heading(self, text: str) -> None:
        """A section's heading, ruled underneath; kept with at least two lines after it."""
        if self.get_y() + 8 + 2 * LINE > self.page_break_trigger:
            self.add_page()
        self.ln(2)
        self.set_font(self.family, "B", HEADING)
        self.cell(self.epw, 6, text, new_x="LMARGIN", new_y="NEXT")
        self.rule()
        self.ln(1)

    def subheading(self, text: str) -> None:
        self.set_font(self.family, "B", BODY)
        self.cell(self.epw, LINE, text, new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str, *, size: float = BODY, max_lines: int | None = None) -> None:
        """Text wrapped to the page; with `max_lines`, the lines past it are left out and the
        last one kept ends with an ellipsis."""
        self.set_font(self.family, "", size)
        height = LINE if size >= BODY else 4
        if max_lines is None:
            self.multi_cell(self.epw, height, text, align="L", new_x="LMARGIN",
                            new_y="NEXT")
            return
        wrapped = self.multi_cell(self.epw, height, text, align="L", dry_run=True,
                                  output="LINES")
        lines = [str(line) for line in wrapped] if isinstance(wrapped, list) else [text]
        if len(lines) > max_lines:
            lines = [*lines[:max_lines - 1], self.fitted(lines[max_lines - 1] + ELLIPSIS)]
            self.cut = True
        for line in lines:
            self.cell(self.epw, height, line, new_x="LMARGIN", new_y="NEXT")

    def item(self, text: str, *, tag: str = "", one_line: bool = False) -> None:
        """A list entry: a bullet, a word in bold (« GRAVE ») when there is one, the text;
        on one line cut with an ellipsis (`one_line`), or wrapped."""
        indent = 4.0
        self.set_x(self.l_margin)
        self.set_font(self.family, "", BODY)
        self.cell(indent, LINE, "•")
        width = self.epw - indent
        if tag:
            self.set_font(self.family, "B", BODY)
            tag_width = self.get_string_width(tag + " ") + 0.5
            self.cell(tag_width, LINE, tag + " ")
            width -= tag_width
            self.set_font(self.family, "", BODY)
        if one_line:
            self.cell(width, LINE, self.fitted(text, width), new_x="LMARGIN",
                      new_y="NEXT")
        else:
            self.multi_cell(width, LINE, text, align="L", new_x="LMARGIN",
                            new_y="NEXT")

    def fact(self, label: str, value: str) -> None:
        """« Label: value », the label in bold, the value wrapped beside it."""
        self.set_x(self.l_margin)
        self.set_font(self.family, "B", BODY)
        label_width = min(self.get_string_width(label) + 3, self.epw / 2)
        self.cell(label_width, LINE, label)
        self.set_font(self.family, "", BODY)
        self.multi_cell(self.epw - label_width, LINE, value, align="L", new_x="LMARGIN",
                        new_y="NEXT")

    def note(self, text: str) -> None:
        self.paragraph(text, size=SMALL)

    def fitted(self, text: str, width: float | None = None) -> str:
        """`text`, cut with an ellipsis so that it holds on one line of `width` mm."""
        room = (width if width is not None else self.epw) - 1
        if self.get_string_width(text) <= room:
            return text
        self.cut = True
        low, high = 0, len(text)
        while low < high:  # the longest start that fits with its ellipsis
            middle = (low + high + 1) // 2
            if self.get_string_width(text[:middle].rstrip() + ELLIPSIS) <= room:
                low = middle
            else:
                high = middle - 1
        return text[:low].rstrip() + ELLIPSIS

    def pdf_bytes(self) -> bytes:
        return bytes(self.document.output())


