"""Tables for the terminal, drawn in one pass however many rows they hold.

Rich's Table measures and wraps every cell on every print: `threads list` on 100k threads
took 38 s, nearly all of it there. A list is read by scrolling or grepping, so it needs
aligned columns, not wrapping: each column is padded to its widest cell (in terminal
cells, so wide characters align), two spaces apart, the header in bold, and the whole
table goes to the console as one Text (never markup; the console strips control
characters). Line breaks and tabs inside a cell become spaces: a row is always one line,
so no cell can draw a row of its own.
"""

from __future__ import annotations

import re
from typing import Any

from rich.cells import cell_len
from rich.text import Text

_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]")
GAP = "  "


def one_line(value: Any) -> str:
    """A cell's text on one line (None is an empty cell)."""
    if value is None:
        return ""
    text = value.plain if isinstance(value, Text) else str(value)
    return _BREAKS.sub(" ", text)


class PlainTable:
    """Rows of cells under a header; `console.print(table)` draws it."""

    def __init__(self, *columns: str) -> None:
        self.columns = list(columns)
        self.rows: list[list[str]] = []

    def add_row(self, *values: Any) -> None:
        """One row: strings, numbers, None or rich Text (only its plain text is kept)."""
        self.rows.append([one_line(v) for v in values])

    @property
    def row_count(self) -> int:
        """How many rows were added."""
        return len(self.rows)

    def __rich__(self) -> Text:
        widths = [len(c) for c in self.columns]
        for row in self.rows:
            for index, cell in enumerate(row):
                size = len(cell) if cell.isascii() else cell_len(cell)
                if size > widths[index]:
                    widths[index] = size
        text = Text(end="")
        text.append(_line(self.columns, widths), style="bold")
        if self.rows:  # one append for every row: rich's cost is per piece, not per character
            text.append("\n" + "\n".join(_line(row, widths) for row in self.rows))
        return text


def _line(cells: list[str], widths: list[int]) -> str:
    padded = [
        cell + " " * (width - (len(cell) if cell.isascii() else cell_len(cell)))
        for cell, width in zip(cells, widths, strict=False)
    ]
    return GAP.join(padded).rstrip()
