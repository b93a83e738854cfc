"""deckgen: turn YAML sources of numbered judgments into Anki decks.

The library API (nothing here prints or exits; the CLI in :mod:`deckgen.cli` is one client of it):

* :func:`load_sources`, :func:`load_file` — YAML files/folders → validated :class:`Source` objects
* :func:`generate` — a source → its :class:`Note` objects, with stable keys and GUIDs
* :func:`lint` — a source and its notes → card-quality warnings (:class:`Problem` values)
* :func:`build` — a source → an ``.apkg`` and its build ledger (:class:`BuildResult`)
* :func:`build_decks`, :func:`check`, :func:`list_notes`, :func:`list_inventory`, :func:`write_preview`,
  :func:`collect_stats` — what the commands ``build``, ``check``, ``list``, ``preview`` and ``stats`` run

Every name is imported here eagerly. The modules :mod:`deckgen.build`, :mod:`deckgen.generate` and
:mod:`deckgen.lint` share their names with the functions they define: ``deckgen.build`` *is* the function,
so import a module's other contents by name (``from deckgen.lint import RULES``). Importing the package
loads no heavy dependency: genanki, PyYAML, markdown-it-py, nh3 and platformdirs are imported by the
functions that need them.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .build import BuildResult, CheckResult, build, build_decks, check
from .errors import DeckgenError, OutputError, Problem, SelectionError, Severity, SourceError, UsageError
from .generate import Note, generate
from .lint import lint
from .listing import list_inventory, list_notes
from .load import load_file, load_sources
from .model import Selection, Source
from .preview import write_preview
from .stats import collect_stats, deck_stats

__all__ = [
    "BuildResult",
    "CheckResult",
    "DeckgenError",
    "Note",
    "OutputError",
    "Problem",
    "SelectionError",
    "Severity",
    "Source",
    "SourceError",
    "UsageError",
    "Selection",
    "__version__",
    "build",
    "build_decks",
    "check",
    "collect_stats",
    "deck_stats",
    "generate",
    "lint",
    "list_inventory",
    "list_notes",
    "load_file",
    "load_sources",
    "write_preview",
]
