"""Progress bars on stderr, only when a person is watching."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tui.cli.common import err, on_terminal

Phase = Callable[[str, int], Callable[[int], None]]


@contextmanager
def progress_bars(enabled: bool | None = None) -> Iterator[Phase | None]:
    """Yield a `start(label, total) -> advance(n)` function, or None off a terminal."""
    if not (on_terminal() if enabled is None else enabled):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err.console,
        transient=True,
    )

    def start(label: str, total: int) -> Callable[[int], None]:
        task = bars.add_task(label, total=total)
        return lambda n: bars.advance(task, n)

    with bars:
        yield start


@contextmanager
def import_progress(enabled: bool | None = None) -> Iterator[Callable[[str], None] | None]:
    """Yield `say(phase)` that shows the phase an import is in on one transient line, or
    None off a terminal (cron logs stay clean)."""
    if not (on_terminal() if enabled is None else enabled):
        yield None
        return
    with err.console.status("import: starting") as status:
        yield lambda phase: status.update(f"import: {phase}")
