"""What every command of the CLI shares (this package's and those joining it through entry
points, e.g. dev/neglect_synthetic's ``generate``): date options and progress display. Kept
apart from ``cli`` so that a command module can import it while ``cli`` is loading it."""

from __future__ import annotations

import datetime as dt
import sys

import click


def iso_date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2026-10-31") from exc


class Progress:
    """A rich progress bar on a terminal, one line per stage otherwise (CI logs)."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            transient=False,
            disable=not sys.stderr.isatty(),
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self):
        self._progress.__enter__()
        return self

    def __exit__(self, *exc):
        self._progress.__exit__(*exc)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=total)
            if not sys.stderr.isatty():
                click.echo(f"{stage} …", err=True)
        self._progress.update(self._tasks[stage], completed=done)
