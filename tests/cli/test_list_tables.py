"""The CLI's list tables (tui/cli/tables.py): aligned, one line per row, data never markup."""

from __future__ import annotations

import io

from rich.text import Text

from tui.cli.tables import PlainTable
from tui.cli.terminal import console


def _printed(table: PlainTable) -> list[str]:
    screen = console()
    screen.file = io.StringIO()
    screen.print(table)
    return screen.file.getvalue().splitlines()


def test_columns_line_up_under_their_headers_with_wide_characters():
    grid = PlainTable("thread", "candidate", "state")
    grid.add_row("c-1:r-1:inmail", "李小龍", "drafted")
    grid.add_row("c-22:r-1:email", Text("Ada Park"), None)
    lines = _printed(grid)
    assert lines[0].split() == ["thread", "candidate", "state"]
    # "candidate" starts where every name starts; 李小龍 is 6 terminal cells wide.
    column = lines[0].index("candidate")
    assert lines[1][column:].startswith("李小龍")
    assert lines[2][column:].startswith("Ada Park")
    assert lines[2].rstrip() == lines[2]  # no trailing padding


def test_a_cell_cannot_draw_a_row_of_its_own():
    grid = PlainTable("candidate", "state")
    grid.add_row("Eve\nc-2  suppressed", "drafted")
    grid.add_row("[bold]Mal[/bold]\x1b[2J", "waiting")
    lines = _printed(grid)
    assert len(lines) == 3
    assert lines[1].startswith("Eve c-2  suppressed")
    assert "[bold]Mal[/bold]" in lines[2]
    assert "\x1b" not in "".join(lines)


def test_a_hundred_thousand_rows_print_as_many_lines():
    grid = PlainTable("thread", "state")
    for i in range(100_000):
        grid.add_row(f"c{i}:r1:inmail", "drafted")
    lines = _printed(grid)
    assert len(lines) == 100_001
    assert lines[-1].split() == ["c99999:r1:inmail", "drafted"]
