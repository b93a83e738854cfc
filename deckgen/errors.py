"""Errors and located problems: the base of every other module.

The library never prints: every problem it finds is a :class:`Problem` value with a location and a
:class:`Severity`, and the functions that can fail raise a :class:`DeckgenError` subclass carrying all of
them at once. The CLI turns them into ``file:line:col: key.path: message`` lines and an exit code.

Imports only the standard library (``difflib`` lazily, in :func:`suggest`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from typing import NamedTuple


class Severity(str, enum.Enum):
    """How bad a problem is: an ``ERROR`` stops the build, a ``WARNING`` does not. Compares equal to its
    value (``Severity.WARNING == "warning"``)."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Loc:
    """Where a value was written: the file as the user named it, 1-based line and column, and its key path
    inside the document (``judgments[3].cards[0]``)."""

    file: str
    line: int
    col: int
    key_path: str


class Problem(NamedTuple):
    """One thing wrong (or worth a warning) in a source or an output, with where it is.

    Sorted by file, then line, then column, so a list of problems reads top to bottom. A named tuple, so that
    the tens of thousands of warnings a large source can have are cheap to make and sort (in C, as tuples).
    """

    file: str
    """Path of the source file as given by the user (or of the output, ledger or record concerned)."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    col: int
    """1-based column; 0 when unknown."""
    key_path: str
    """Dotted path to the value inside the document, e.g. ``judgments[3].speakers[0]``; may be empty."""
    message: str
    """What is wrong and, where possible, how to fix it."""
    severity: Severity = Severity.ERROR
    code: str = ""
    """For a card-quality warning, the lint rule that found it (``"answer-too-long"``, see
    :mod:`deckgen.lint_rules`); empty otherwise."""

    @classmethod
    def at(cls, loc: Loc, message: str, severity: Severity = Severity.ERROR, code: str = "") -> Problem:
        """A problem at ``loc`` (file, line, column and key path)."""
        return cls(loc.file, loc.line, loc.col, loc.key_path, message, severity, code)

    @classmethod
    def in_file(cls, file: str | PathLike[str], message: str, severity: Severity = Severity.ERROR) -> Problem:
        """A problem about the whole file ``file`` (a path; line 0)."""
        return cls(str(file), 0, 0, "", message, severity)

    @property
    def is_error(self) -> bool:
        """Whether the build cannot go on."""
        return self.severity == Severity.ERROR

    def __str__(self) -> str:
        """``file:line:col: [warning: ]key.path: message [code]``, on one line and safe for a terminal
        (:func:`printable`)."""
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col}" if self.col else f":{self.line}"
        prefix = "warning: " if self.severity == Severity.WARNING else ""
        key_path = f"{self.key_path}: " if self.key_path else ""
        code = f" [{self.code}]" if self.code else ""
        return printable(f"{where}: {prefix}{key_path}{self.message}{code}")


class DeckgenError(Exception):
    """Base class of every error deckgen raises on purpose."""


class SourceError(DeckgenError):
    """The sources have one or more errors; ``problems`` lists all of them (warnings too), sorted."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SelectionError(DeckgenError):
    """A selection (theme, speaker, tag, judgment, named deck) is unknown or matches nothing."""


class OutputError(DeckgenError):
    """The package, the ledger or another output could not be written; earlier outputs are left untouched."""


class BusyError(DeckgenError):
    """Another process holds a lock that was asked for without waiting (:func:`deckgen.files.locked`)."""


class ServeError(DeckgenError):
    """A live preview cannot be served: its port is in use or not allowed."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C once a command had written some of its files: ``written`` says which ("the ledger x.json
    was"), for the message that the interruption then gives."""

    def __init__(self, written: str):
        super().__init__(written)
        self.written = written


class UsageError(DeckgenError):
    """Options that cannot be used together (``--deck`` with ``--theme``, ``-o`` for several decks); the CLI
    reports it as a usage error (exit status 2)."""


_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff]"
)
"""What a message never shows raw: C0 and C1 control characters (ESC starts the terminal's own commands),
DEL, the line and paragraph separators, the bidirectional controls (which reorder what a terminal shows),
the characters that show as nothing and join or split no letters (the soft hyphen, the zero-width space, the
word joiner, the byte-order mark: ``'t\u200b1'`` and ``'t1'`` would read alike), and lone surrogates (from
file names that are not UTF-8, which a terminal cannot be sent). The joiners that are part of a spelling
(ZWJ, ZWNJ) are shown."""
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escaped(ch: str) -> str:
    """One character as a Python escape: ``\\n``, ``\\x1b``, ``\\u200b``, or ``\\U000e0001`` past the BMP (never
    ``\\ue0001``, which reads as U+E000 and a ``1``)."""
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    if ord(ch) < 0x100:
        return f"\\x{ord(ch):02x}"
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def _escape(m: re.Match[str]) -> str:
    return escaped(m.group())


def printable(text: str) -> str:
    """``text`` on one line and safe to send to a terminal: each character of :data:`_UNPRINTABLE` written as
    an escape (``\\n``, ``\\x1b``, ``\\u2028``)."""
    return _UNPRINTABLE.sub(_escape, text)


QUOTED = 80
"""Characters of source text a message quotes at most (:func:`clip`)."""


def clip(value: str, limit: int = QUOTED) -> str:
    """``value`` on one line (:func:`printable`) and at most ``limit`` characters, for quoting source text in
    a message."""
    one_line = printable(value)
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


LISTED = 10
"""Items a message lists before it only counts the rest (:func:`clip_list`)."""


def clip_list(items: Iterable[object], limit: int = LISTED) -> str:
    """``items`` joined by ``, ``, each clipped, at most ``limit`` of them and then ``… and N more``."""
    shown = [clip(str(i)) for i in items]
    more = f" … and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or ``""``: one that differs from ``word`` only in
    case (``T1`` for ``t1``, ``Q`` for ``q``, which difflib's ratio puts below its cutoff), else the closest
    by difflib, its ratio at least 0.6, compared without case."""
    import difflib

    by_case = {c.casefold(): c for c in reversed(list(choices))}  # the first of the choices that fold alike
    folded = word.casefold()
    close = [folded] if folded in by_case else difflib.get_close_matches(folded, list(by_case), n=1, cutoff=0.6)
    return f" (did you mean '{clip(by_case[close[0]])}'?)" if close else ""


_BLANK_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Zs"})
_BLANK_SYMBOLS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Letters and symbols drawn as blank space: the Hangul fillers and the blank Braille pattern."""


def only_invisible(text: str) -> bool:
    """Whether ``text`` shows as nothing: every character a format character (category Cf: zero-width space
    and joiners, U+2060, a byte-order mark, a soft hyphen), a combining mark with nothing to mark (Mn, Me:
    U+034F, a variation selector), a space (Zs), or one of :data:`_BLANK_SYMBOLS`. Stops at the first
    character that shows."""
    import unicodedata

    return all(unicodedata.category(ch) in _BLANK_CATEGORIES or ch in _BLANK_SYMBOLS for ch in text)


def code_points(text: str) -> str:
    """``text``'s characters as code points, for a message about characters that show as nothing
    (``"\u200b\u2060"`` → ``"U+200B U+2060"``), at most :data:`deckgen.errors.QUOTED` of them."""
    return clip(" ".join(f"U+{ord(ch):04X}" for ch in text))
