"""Text pictures both programs draw (the command line and the app): charts and flag marks.

Plain strings, no Textual and no Rich: `stats` prints them, the lead's figures screen
styles them. The numbers they picture come from `store.figures`.
"""

from __future__ import annotations

from store.enums import Severity

SPARK = "▁▂▃▄▅▆▇█"
BAR = "█"
# The mark after a flag code: `drafts list` shows blocking ones, the queue shows both.
FLAG_MARK = {Severity.BLOCK: "!", Severity.WARN: "~"}


def sparkline(values: list[int]) -> str:
    """A one-line picture of a series, e.g. daily volume."""
    if not values:
        return ""
    top = max(values) or 1
    return "".join(SPARK[min(len(SPARK) - 1, round(v / top * (len(SPARK) - 1)))] for v in values)


def bar(count: int, top: int, width: int = 30) -> str:
    """A horizontal bar for a count relative to the largest one."""
    if top <= 0:
        return ""
    return BAR * max(1 if count else 0, round(count / top * width))
