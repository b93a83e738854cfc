"""deckgen: turn YAML sources of numbered judgments into Anki decks.

The library API (nothing here prints or exits; the CLI in :mod:`deckgen.cli` is one client of it):

* :func:`load_sources`, :func:`load_file` — YAML files/folders → validated :class:`Source` objects
* :func:`generate` — a source → its :class:`Note` objects, with stable keys and GUIDs
* :func:`lint` — a source and its notes → card-quality warnings (:class:`Problem` values)
* :func:`build` — a source → an ``.apkg`` and its build ledger (:class:`BuildResult`)
* :func:`build_decks`, :func:`check`, :func:`list_notes`, :func:`list_inventory`, :func:`write_preview`,
  :func:`collect_stats`, :func:`source_schema`, :func:`write_starter` — what the commands ``build``,
  ``check``, ``list``, ``preview``, ``stats``, ``schema`` and ``init`` run
* :func:`install_decks`, :func:`login`, :func:`logout`, :func:`sync_decks` — what ``deckgen install``,
  ``login``, ``logout`` and ``sync`` run (they need the optional ``anki`` package); :class:`DeckChoice`
  names the decks ``install`` and ``sync`` build

Every name of :data:`__all__` but the version is listed in ``_API`` with the module that defines it, and is
imported from there on first use: importing the package costs nothing, so that ``deckgen --help`` starts as fast as
Click allows (``benchmarks/README.md``). No module is named like a name of the API (the functions
``generate``, ``build`` and ``lint`` live in :mod:`deckgen.notes`, :mod:`deckgen.builds` and
:mod:`deckgen.lint_rules`), so importing a module never hides a function of the same name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_API = {
    "BuildResult": "builds",
    "CheckResult": "builds",
    "DeckChoice": "builds",
    "build": "builds",
    "build_decks": "builds",
    "check": "builds",
    "DeckgenError": "errors",
    "OutputError": "errors",
    "Problem": "errors",
    "SelectionError": "errors",
    "ServeError": "errors",
    "Severity": "errors",
    "SourceError": "errors",
    "UsageError": "errors",
    "InstallResult": "install",
    "install_decks": "install",
    "lint": "lint_rules",
    "list_inventory": "listing",
    "list_notes": "listing",
    "load_file": "load",
    "load_sources": "load",
    "Selection": "model",
    "Source": "model",
    "Note": "notes",
    "generate": "notes",
    "source_schema": "schema",
    "write_preview": "preview",
    "LivePreview": "live",
    "write_starter": "starter",
    "collect_stats": "stats",
    "deck_stats": "stats",
    "SyncResult": "sync",
    "login": "sync",
    "logout": "sync",
    "sync_decks": "sync",
}
"""Each public name → the module of deckgen that defines it."""

__all__ = [
    "BuildResult",
    "CheckResult",
    "DeckChoice",
    "DeckgenError",
    "InstallResult",
    "LivePreview",
    "Note",
    "OutputError",
    "Problem",
    "Selection",
    "SelectionError",
    "ServeError",
    "Severity",
    "Source",
    "SourceError",
    "SyncResult",
    "UsageError",
    "__version__",
    "build",
    "build_decks",
    "check",
    "collect_stats",
    "deck_stats",
    "generate",
    "install_decks",
    "lint",
    "list_inventory",
    "list_notes",
    "load_file",
    "load_sources",
    "login",
    "logout",
    "source_schema",
    "sync_decks",
    "write_preview",
    "write_starter",
]

if TYPE_CHECKING:
    from .builds import BuildResult, CheckResult, DeckChoice, build, build_decks, check
    from .errors import (
        DeckgenError,
        OutputError,
        Problem,
        SelectionError,
        ServeError,
        Severity,
        SourceError,
        UsageError,
    )
    from .install import InstallResult, install_decks
    from .lint_rules import lint
    from .listing import list_inventory, list_notes
    from .live import LivePreview
    from .load import load_file, load_sources
    from .model import Selection, Source
    from .notes import Note, generate
    from .preview import write_preview
    from .schema import source_schema
    from .starter import write_starter
    from .stats import collect_stats, deck_stats
    from .sync import SyncResult, login, logout, sync_decks


def __getattr__(name: str) -> Any:
    if name in _API:
        from importlib import import_module

        value = getattr(import_module(f".{_API[name]}", __name__), name)
        globals()[name] = value  # found directly from now on
        return value
    raise AttributeError(f"module 'deckgen' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public namespace: :data:`__all__` and the module's dunders, not the helpers of this file (``Any``,
    ``TYPE_CHECKING``, ``annotations``, ``_API``) nor the submodules imported so far."""
    return sorted({*__all__, *(name for name in globals() if name.startswith("__") and name.endswith("__"))})
