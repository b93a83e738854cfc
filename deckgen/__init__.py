"""deckgen: turn YAML sources of numbered judgments into Anki decks.

The library API (nothing here prints or exits; the CLI in :mod:`deckgen.cli` is one client):

* :func:`deckgen.load.load_sources` — YAML files/folders → validated :class:`deckgen.model.Source` objects
* :func:`deckgen.generate.generate` — a source → notes with stable keys and GUIDs
* :func:`deckgen.build.build` — a source → an ``.apkg`` and its build ledger

Submodules are imported on first use so that importing :mod:`deckgen` (and ``deckgen --help``) stays fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "load_sources": "load",
    "generate": "generate",
    "build": "build",
    "Selection": "select",
    "DeckgenError": "errors",
    "SourceError": "errors",
    "SelectionError": "errors",
    "OutputError": "errors",
    "Problem": "errors",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'deckgen' has no attribute {name!r}")
