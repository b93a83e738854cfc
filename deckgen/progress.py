"""Progress reports from long library calls, for a client that wants to show them (the CLI's progress bar).

A progress callback is ``progress(step, done, total)``: ``step`` says in a few words what is being done
(``"making notes"``), ``done`` of ``total`` items are finished (``total`` is 0 when unknown). The library
never prints; it only calls the callback, at most about a hundred times per step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: see the module docstring."""

T = TypeVar("T")


def each(items: Iterable[T], total: int, step: str, progress: Progress | None) -> Iterator[T]:
    """Yield ``items`` (``total`` of them), telling ``progress`` about every hundredth and about the end."""
    if progress is None:
        yield from items
        return
    stride = max(1, -(-total // 100))  # about a hundred reports, whatever the total
    for i, item in enumerate(items):
        if i % stride == 0:
            progress(step, i, total)
        yield item
    progress(step, total, total)
