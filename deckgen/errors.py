"""Errors and located problems.

The library never prints: every problem it finds is a :class:`Problem` value with a location, and the
functions that can fail raise a :class:`DeckgenError` subclass carrying all of them at once. The CLI turns
them into ``file:line:col: path: message`` lines and an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) in a source, with where it is.

    Sorted by file, then line, then column, so a list of problems reads top to bottom.
    """

    file: str
    """Path of the source file as given by the user (or the output path for write problems)."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    col: int
    """1-based column; 0 when unknown."""
    path: str
    """Dotted path to the value inside the document, e.g. ``judgments[3].speakers[0]``; may be empty."""
    message: str
    """What is wrong and, where possible, how to fix it."""
    severity: str = "error"
    """``"error"`` (the build cannot go on) or ``"warning"`` (it can)."""
    code: str = ""
    """For a card-quality warning, the lint rule that found it (``"answer-too-long"``, see
    :mod:`deckgen.lint`); empty otherwise."""

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col}" if self.col else f":{self.line}"
        prefix = "warning: " if self.severity == "warning" else ""
        path = f"{self.path}: " if self.path else ""
        code = f" [{self.code}]" if self.code else ""
        return f"{where}: {prefix}{path}{self.message}{code}"


class DeckgenError(Exception):
    """Base class of every error deckgen raises on purpose."""


class SourceError(DeckgenError):
    """The sources have one or more errors; ``problems`` lists all of them, sorted."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SelectionError(DeckgenError):
    """A selection (theme, speaker, tag, judgment, named deck) is unknown or matches nothing."""


class OutputError(DeckgenError):
    """The package or the ledger could not be written; earlier outputs are left untouched."""


def clip(value: str, limit: int = 40) -> str:
    """``value`` on one line and at most ``limit`` characters, for quoting source text in a message."""
    one_line = value.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
