"""Pausing Python's cyclic garbage collector while a large, acyclic object graph is built.

Loading a source, generating its notes and packaging them allocate millions of objects (YAML nodes and
their marks, notes, genanki notes) that all stay alive until the step ends. The cyclic collector keeps
re-scanning them as they accumulate, at a cost that grows faster than the number of notes
(``benchmarks/README.md`` has the measurements). None of these structures contains reference cycles, so
reference counting frees them either way; pausing the collector only skips the useless scans. Anything
cyclic made meanwhile is collected once the collector is back on. :func:`deckgen.builds.build_decks`,
:func:`deckgen.builds.check` and the CLI's commands that load sources (``build``, ``check``, ``list``,
``stats``) keep it paused from loading to their last line of output: between the steps, and while the report
is printed, the loaded source and its notes are all still alive, and a full collection then scans all of
them again.

Imports only the standard library.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def paused_gc(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate ``func`` so that it runs with the cyclic collector off, restoring it afterwards.

    Nested calls are fine: only the outermost call that found the collector on turns it back on.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return func(*args, **kwargs)
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper
