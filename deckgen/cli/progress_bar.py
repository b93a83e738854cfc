"""The library's progress callback (see :mod:`deckgen.progress`) shown as a rich progress bar on stderr."""

from __future__ import annotations

import sys
import threading
from typing import Any

PROGRESS_DELAY = 1.0
"""Seconds a build runs before its progress bar appears (on a terminal only)."""


class ProgressBar:
    """A progress bar on stderr that is also a progress callback, ``bar(step, done, total)``.

    Use as a context manager around the work; it yields the callback, or None when stderr is not a terminal.
    The bar appears only once the work has run for :data:`PROGRESS_DELAY` seconds: a timer thread then imports
    rich and starts it, so quick builds never load rich.progress and print nothing extra. It is transient:
    it disappears when the work is done, before the summary is printed.
    """

    def __init__(self, step: str):
        self.state = (step, 0, 0)
        self.lock = threading.Lock()
        self.bar: Any = None  # rich.progress.Progress, once shown
        self.task: Any = None
        self.closed = False
        self.timer = threading.Timer(PROGRESS_DELAY, self._show)
        self.timer.daemon = True

    def __enter__(self) -> ProgressBar | None:
        if not sys.stderr.isatty():
            return None
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()
        with self.lock:
            self.closed = True
            if self.bar is not None:
                self.bar.stop()

    def __call__(self, step: str, done: int, total: int) -> None:
        """The progress callback: ``done`` of ``total`` items of ``step`` are finished."""
        with self.lock:
            new_step = step != self.state[0]
            self.state = (step, done, total)
            if self.bar is None:
                return
            if new_step:  # a fresh task: rich cannot turn a known total back into an unknown one
                self.bar.remove_task(self.task)
                self.task = self.bar.add_task(step, completed=done, total=total or None)
            else:
                self.bar.update(self.task, completed=done)

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

        with self.lock:
            if self.closed:
                return
            step, done, total = self.state
            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task(step, completed=done, total=total or None)
            self.bar.start()
