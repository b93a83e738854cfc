"""A safe, located reader of YAML node trees: the generic half of loading, with nothing of deckgen's format.

Safe by construction: a document is only *composed* into a node tree (PyYAML's C parser where present, the
pure-Python one otherwise) and never *constructed*, so no tag can run code; any tag outside YAML's core
schema (``!!python/...``, ``!!binary``, custom ``!tags``) is an error, and so is a merge key (``<<``).
Text is the scalar exactly as typed, so YAML 1.1 surprises (``no``, ``1911``, ``02142``, ``1:10``, dates)
come out as the text the person wrote, except YAML's null (``~``, ``null``, nothing), which is empty;
control characters in text are errors. Aliases are followed with a bound on the expanded size, in values
and in characters of text (keys included), so an alias bomb is refused quickly, and a problem in a node
reached again through an alias is reported once. A file must be UTF-8 (a UTF-16 one is refused with a
hint); a syntax error says where and what to check.

:func:`yaml_files` finds the files to read, :func:`compose` turns a file's bytes into a node tree, and a
:class:`NodeReader` reads values out of it, collecting every problem as a :class:`deckgen.errors.Problem`
with ``file:line:col`` and a key path.

PyYAML is imported lazily (on the first file read), so that importing this module stays cheap.
"""

from __future__ import annotations

import codecs
import errno
import functools
import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from .errors import Loc, Problem, Severity, SourceError, clip, clip_list, code_points, only_invisible, suggest

if TYPE_CHECKING:
    from yaml import MarkedYAMLError
    from yaml.error import Mark
    from yaml.reader import ReaderError

YAML_SUFFIXES = (".yaml", ".yml")
"""The files a folder contributes (:func:`yaml_files`)."""
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}
_NULL = _CORE + "null"
_MERGE = _CORE + "merge"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Characters no text may hold: control characters (but tab and line breaks) and lone surrogates (which a
double-quoted ``\\ud800`` makes, and which UTF-8 cannot store)."""


def format_character_at(text: str) -> int | None:
    """The index of the first format character (Unicode category Cf: a zero-width space or joiner, a
    direction mark or override, a byte-order mark, a soft hyphen) in ``text`` that is not part of its spelling
    (:func:`_shapes`), or None. A text that Python calls printable (``str.isprintable``: no character of a
    category Other or Separator but the space) holds none, so most texts are passed over without a look at
    each character."""
    if text.isprintable():
        return None
    return next(
        (i for i, ch in enumerate(text) if unicodedata.category(ch) == "Cf" and not _shapes(text, i)),
        None,
    )


_JOINING_SCRIPTS = (
    "ARABIC", "EXTENDED ARABIC", "SYRIAC", "NKO", "MONGOLIAN", "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI",
    "ORIYA", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "MYANMAR", "KHMER", "TIBETAN",
)  # fmt: skip
"""Scripts whose spelling uses the zero-width non-joiner and joiner between letters (by the first word of
the letters' Unicode names): Persian ``می‌شوند``, Hindi and Malayalam conjuncts (Unicode Standard, ch. 23.2)."""


_FLAG_TAGS = re.compile("[\U000e0030-\U000e0039\U000e0061-\U000e007a]{2,7}\U000e007f")
"""The tag characters of an emoji flag after its 🏴 (Unicode TR51, emoji tag sequences): ``gbsct``, then cancel."""
_SHOWN_FORMAT = frozenset("\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd")
"""Format characters that show (Unicode's Prepended_Concatenation_Mark: the Arabic number sign, the end of
ayah, …): a mark that stands over the digits after it, not an invisible character."""


def _shapes(text: str, i: int) -> bool:
    """Whether the format character at ``i`` is part of what the text shows or spells: a mark of
    :data:`_SHOWN_FORMAT`; a tag character of an emoji flag's tag sequence (🏴 and the tag letters of
    ``gbsct`` then U+E007F; Unicode TR51); or a zero-width non-joiner or joiner between two letters or marks
    of a script of :data:`_JOINING_SCRIPTS`, a joiner after a virama (Malayalam's old chillu at the end of a
    word), or a joiner inside an emoji sequence (``👨‍👩‍👧``: a pictograph, its modifier or variation
    selector, then a pictograph)."""
    ch = text[i]
    if ch in _SHOWN_FORMAT:
        return True
    if "\U000e0020" <= ch <= "\U000e007f":  # inside 🏴 + 2 to 7 tag letters or digits + the cancel tag
        start = text.rfind("\U0001f3f4", max(0, i - 8), i)
        flag = _FLAG_TAGS.match(text, start + 1) if start >= 0 else None
        return flag is not None and i < flag.end()
    if ch not in "\u200c\u200d" or i == 0:
        return False
    if ch == "\u200d" and "VIRAMA" in unicodedata.name(text[i - 1], ""):
        return True
    if i == len(text) - 1:
        return False
    before, after = text[i - 1], text[i + 1]
    if ch == "\u200d" and unicodedata.category(after) == "So":
        if unicodedata.category(before) in ("So", "Sk") or before == "\ufe0f":
            return True
    return all(unicodedata.name(ch, "").startswith(_JOINING_SCRIPTS) for ch in (before, after))


_NODE_BUDGET_PER_BYTE = 4
_NODE_BUDGET_MIN = 10_000
_TEXT_BUDGET_PER_BYTE = 4
_TEXT_BUDGET_MIN = 1_000_000
"""Characters of text a document may expand to through aliases: four per byte of the file (written out,
a document has fewer characters than bytes), at least a million."""
TRUE_WORDS = ("true", "yes", "on")
FALSE_WORDS = ("false", "no", "off")
"""The words :meth:`NodeReader.boolean` reads as true and as false, in any case (YAML 1.1's booleans)."""


def yaml_files(paths: list[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders into the YAML files to read, sorted within each folder.

    A folder contributes its ``*.yaml`` and ``*.yml`` files, in any case (``X.YAML`` too), and those of its
    sub-folders, sorted by path; hidden files and folders (names starting with ``.``, such as deckgen's own
    ``.deckgen-tmp``) are skipped. A file named twice (``cards cards/x.yaml``) is read once, where it is
    first named. Returns the files and a problem for each path that
    does not exist, is not a regular file (``/dev/null``, a pipe) or is a folder without sources.
    """
    files: dict[Path, Path] = {}  # resolved path → the path as named
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found, unreadable = _yaml_files_under(path)
            problems += unreadable
            if not found and not unreadable:
                problems.append(Problem.in_file(path, "no .yaml or .yml sources in this folder"))
            for file in found:
                files.setdefault(file.resolve(), file)
        elif path.is_file():
            files.setdefault(path.resolve(), path)
        else:
            problems.append(Problem.in_file(path, _no_source_file(path) or "no such file or folder"))
    return list(files.values()), problems


def _no_source_file(path: Path) -> str | None:
    """Why ``path``, which is no regular file, is no source (a message), or None if nothing is there at all:
    a symbolic link that leads nowhere or in a loop, or a device or pipe (reading one would block or never
    end)."""
    if path.is_symlink() and not path.exists():
        try:
            path.resolve(strict=True)
        except RuntimeError:  # Python before 3.13 raises it for a loop
            return "a loop of symbolic links; give the source file itself"
        except OSError as err:
            if err.errno == errno.ELOOP:
                return "a loop of symbolic links; give the source file itself"
        return f"a symbolic link to '{clip(os.readlink(path))}', which does not exist; mend or remove the link"
    if path.exists():
        return "not a regular file (a device or a pipe?); give a YAML source file or a folder of them"
    return None


def _yaml_files_under(folder: Path) -> tuple[list[Path], list[Problem]]:
    """The source files under ``folder`` (see :func:`yaml_files`), and a problem for each name with a source's
    suffix that is no regular file (a broken link, a pipe), which would otherwise drop out of the build
    unseen."""
    found, problems = [], []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or Path(name).suffix.lower() not in YAML_SUFFIXES:
                continue
            path = Path(root) / name
            if path.is_file():
                found.append(path)
            elif why := _no_source_file(path):
                problems.append(Problem.in_file(path, why))
    return found, problems


class Node(Protocol):
    """What is read of a PyYAML node (``yaml.nodes.Node``). ``id`` names its kind: ``"scalar"``, ``"sequence"``
    or ``"mapping"`` (a class attribute of PyYAML's node classes that its type stubs leave out); ``value`` is
    the scalar's text, the list of item nodes, or the list of (key node, value node) pairs."""

    id: str
    tag: str
    value: Any
    start_mark: Mark


_IMPLICIT = {**dict.fromkeys(("", "~", "null", "Null", "NULL"), _NULL), "<<": _MERGE, "=": _CORE + "value"}
"""The plain scalars whose implicit tag the reader looks at: PyYAML's resolvers for null, merge and value."""


@functools.cache
def _loader() -> Any:
    """PyYAML's safe loader (its C parser where present), resolving implicit tags only as far as the reader
    looks at them: a plain null, ``<<`` and ``=`` get their core-schema tags (``!!null``, ``!!merge``,
    ``!!value``), every other untagged scalar ``!!str``. The reader takes scalars as typed, so it never
    needs ints, floats, bools and timestamps told apart, and PyYAML's resolver would match every plain
    scalar against their patterns; every tag the reader accepts or refuses is the same as with it."""
    import yaml

    safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # SafeLoader: PyYAML built without libyaml
    scalar, sequence, string = yaml.ScalarNode, yaml.SequenceNode, _CORE + "str"

    class Loader(safe):  # type: ignore[misc, valid-type]
        def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
            if kind is scalar:
                return _IMPLICIT.get(value, string) if implicit[0] else string  # type: ignore[arg-type]
            return _CORE + "seq" if kind is sequence else _CORE + "map"

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass  # no path resolvers: nothing to track

        def ascend_resolver(self) -> None:
            pass

    return Loader


def compose(raw: bytes, name: str) -> Node | None:
    """The node tree of the YAML document in ``raw`` (the bytes of the file ``name``), or None for an empty
    document. Raises :class:`SourceError` with one located problem for a file that is UTF-16 or UTF-32, not UTF-8,
    not valid YAML, holds a character YAML forbids, or holds more than one document."""
    import yaml

    if wide := _wide_encoding(raw):
        raise SourceError([Problem(name, 1, 1, "", f"the file is {wide} text; save the file as UTF-8")])
    try:
        raw.decode("utf-8-sig")  # a check only: the parser reads the bytes, so no decoded copy stays in memory
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        message = f"not valid UTF-8 (byte 0x{raw[err.start]:02x}); save the file as UTF-8"
        raise SourceError([Problem(name, line, col, "", message)]) from None
    breaks = _unusual_line_breaks(raw, name)
    if breaks:
        raise SourceError(breaks)
    try:
        root = cast("Node | None", yaml.compose(raw, Loader=_loader()))
    except yaml.MarkedYAMLError as err:
        raise SourceError([_syntax_problem(name, raw.decode("utf-8-sig"), err)]) from None
    except yaml.reader.ReaderError as err:
        raise SourceError([_reader_problem(name, raw.decode("utf-8-sig"), err)]) from None
    return root


_UNUSUAL_BREAKS = {b"\xc2\x85": "NEXT LINE", b"\xe2\x80\xa8": "LINE SEPARATOR", b"\xe2\x80\xa9": "PARAGRAPH SEPARATOR"}
_UNUSUAL_BREAK = re.compile(b"|".join(map(re.escape, _UNUSUAL_BREAKS)))


def _unusual_line_breaks(raw: bytes, name: str) -> list[Problem]:
    """A problem for each U+0085, U+2028 and U+2029 written as such in the UTF-8 bytes ``raw``, located as an
    editor counts lines (only ``\\n`` ends one). YAML reads these characters as line breaks, so they would
    shift every later line number (and, in a comment, make the rest of the line YAML)."""
    out = []
    for m in _UNUSUAL_BREAK.finditer(raw):
        code = ord(m.group().decode())
        line_start = raw.rfind(b"\n", 0, m.start()) + 1
        line = raw.count(b"\n", 0, m.start()) + 1
        col = len(raw[line_start : m.start()].decode("utf-8-sig", "replace")) + 1
        escape = "" if code == 0x85 else f", or write it as \\u{code:04x} inside double quotes"
        message = (
            f"character U+{code:04X} ({_UNUSUAL_BREAKS[m.group()]}) is a line break to YAML but not to most "
            f"editors, so every later line number would be off; remove it{escape}"
        )
        out.append(Problem(name, line, col, "", message))
    return out


def _wide_encoding(raw: bytes) -> str | None:
    """``"UTF-32"`` if ``raw`` starts with a UTF-32 byte-order mark (whose first two bytes are UTF-16's, so it
    is tested first), ``"UTF-16"`` if it looks like UTF-16: it starts with a UTF-16 byte-order mark, or
    (without one) a zero byte is every other byte of its start often enough, as ASCII letters and YAML's
    keys are in UTF-16; else None. UTF-8 text has a zero byte only for U+0000, which YAML forbids anyway."""
    if raw[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):
        return "UTF-32"
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "UTF-16"
    start = raw[:4096]
    return "UTF-16" if any(half.count(0) >= max(1, len(half) // 4) for half in (start[0::2], start[1::2])) else None


def _syntax_problem(name: str, text: str, err: MarkedYAMLError) -> Problem:
    """A syntax error at the parser's mark, with a hint: where the unfinished construct began, a tab, or
    the unclosed quote that swallowed the following lines (then located at that quote)."""
    mark = err.problem_mark or err.context_mark
    what = err.problem or "invalid YAML"
    began = err.context_mark
    if began and "end of stream" in what:  # an unclosed quote or bracket: point at where it opened
        mark, began = began, None
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    if err.context:
        since = f" (begun at line {began.line + 1})" if began and began.line + 1 != line else ""
        what = f"{err.context}{since}: {what}"
    lines = text.split("\n")
    typed = lines[line - 1][:col] if 0 < line <= len(lines) else ""
    quote = _quote_running_into(text, line - 1) if mark else None
    tabbed = _tab_indented(lines, line) if mark else None
    if tabbed is not None:  # the parser stops a line or two after a tab in the indentation, with another error
        line, col = tabbed
        what = "a tab in the indentation; YAML indents with spaces, not tabs: replace the tab"
    elif quote is not None:
        what = (
            f"the quoted text opened here runs on to line {line}, where the parser stops ({what}); "
            "is its closing quote missing?"
        )
        line, col = quote.line + 1, quote.column + 1
    elif "mapping values are not allowed" in what and _LONE_KEY.fullmatch(typed[:-1]):
        what += (
            " (this line's key is indented deeper than the key on the line above, so YAML reads it as more of that"
            " key's text: indent it as the keys beside it; or, if the line goes on with that text, quote the text)"
        )
    elif "mapping values are not allowed" in what:
        what += " (a ': ' inside unquoted text starts a new key; put the text in quotes, e.g. q: \"Note: what is X?\")"
    elif inner := _inner_quote(lines[line - 1] if 0 < line <= len(lines) else ""):
        what += inner
    elif _FLOW_START.search(typed):
        what += ' (text that begins with "{" must be in quotes, as YAML reads it as a mapping: cloze: "{{c1::…}} …")'
    elif "tab" in what.lower() or "\t" in typed:
        what += " (YAML indents with spaces, not tabs; replace the tab)"
    else:
        what += " (check quotes, brackets and indentation here and on the lines above)"
    return Problem(name, line, col, "", f"YAML syntax: {what}")


def _tab_indented(lines: list[str], line: int) -> tuple[int, int] | None:
    """The line and column (1-based) of a tab in the leading whitespace of the error's line ``line`` or of the
    :data:`_TAB_LOOKBACK` lines above it, the nearest first; None if there is none."""
    for n in range(line, max(0, line - _TAB_LOOKBACK - 1), -1):
        if 0 < n <= len(lines) and (tab := _TAB.match(lines[n - 1])):
            return n, tab.end()
    return None


_TAB = re.compile(r"[ ]*\t")
"""A line whose indentation holds a tab; the match ends at the tab."""
_TAB_LOOKBACK = 3
"""Lines above a syntax error searched for a tab in the indentation: PyYAML reads a tab-indented line as
text and stops up to two lines later, at the next key."""


_LONE_KEY = re.compile(r"\s*(?:-\s+)?[a-z_]+(?:-[A-Za-z0-9]+)*")
"""A line up to its ``:`` that is one word as deckgen's keys are (``number``, ``editors_note``, a language tag
such as ``zh-Hant``), alone on its line: a key indented too deep, more likely than a word of wrapped text
(which has spaces before its ``: ``, or capitals)."""
_FLOW_START = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"][^:#]*:\s+\{\{")
"""A key whose unquoted value begins with ``{{`` (a cloze's first deletion), which YAML reads as a mapping."""


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s:#'"][^:#]*:\s+)?(["'])""")
"""A line whose value (after ``key:`` or ``- ``) begins with a quote (group 1)."""


def _inner_quote(line: str) -> str:
    """The hint for a line whose quoted value holds its own quote character, which ends the text early
    (``q: "Was ist die "Weimarer Verfassung"?"``, ``q: 'It's'``), or ``""``."""
    m = _QUOTED_VALUE.match(line)
    if not m:
        return ""
    rest = line[m.end() :]
    if m.group(1) == '"' and len(re.findall(r'(?<!\\)"', rest)) >= 2:
        return (
            ' (a " inside text in double quotes ends the text: write it as \\" or put the text in single quotes, '
            "e.g. q: 'Was ist \"Weimar\"?')"
        )
    if m.group(1) == "'" and rest.replace("''", "").count("'") >= 2:
        return (
            " (a ' inside text in single quotes ends the text: write it twice, as in 'It''s', or put the text in "
            "double quotes)"
        )
    return ""


def _quote_running_into(text: str, line: int) -> Mark | None:
    """Start mark of a quoted scalar that began on an earlier line and ends on 0-based ``line``, else None."""
    import yaml

    found = None
    try:
        for token in yaml.scan(text, Loader=_loader()):
            if token.start_mark.line > line:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ('"', "'")
                and token.start_mark.line < line == token.end_mark.line
            ):
                found = token.start_mark
    except yaml.YAMLError:
        pass
    return found


def _reader_problem(name: str, text: str, err: ReaderError) -> Problem:
    """A character YAML does not allow (control characters), located by finding it in ``text``.

    The C and pure-Python readers count ``err.position`` differently (bytes vs. characters), so the
    location comes from the first occurrence of the offending character instead.
    """
    index = text.find(chr(err.character))
    line = text.count("\n", 0, index) + 1 if index >= 0 else 0
    col = index - (text.rfind("\n", 0, index) + 1) + 1 if index >= 0 else 0
    message = f"character U+{err.character:04X} is not allowed in YAML ({err.reason}); remove it"
    return Problem(name, line, col, "", message)


def is_mapping(node: Node) -> bool:
    """Whether ``node`` is a mapping (so are :func:`is_sequence` and :func:`is_scalar` for their kinds)."""
    return node.id == "mapping"


def is_sequence(node: Node) -> bool:
    return node.id == "sequence"


def is_scalar(node: Node) -> bool:
    return node.id == "scalar"


def kind_name(node: Node) -> str:
    """How a message names what was found: ``a mapping``, ``a list`` or the scalar quoted short."""
    if is_mapping(node):
        return "a mapping"
    if is_sequence(node):
        return "a list"
    return f"'{clip(node.value)}'"


class NodeReader:
    """Reads checked values out of one document's node tree, collecting every problem.

    Its methods test a node's kind by ``node.id`` inline rather than through :func:`is_mapping` and its
    siblings: they run once per value of the document, where a function call per test adds up.

    ``file`` names the file in problems; the document may expand (through aliases) to at most
    ``node_budget`` values and ``text_budget`` characters of text, see :meth:`budgets_for`. Readers return a
    neutral value (``None``, ``""``, ``[]``) after recording a problem, so that reading goes on and every
    problem of a file is found in one pass.
    """

    def __init__(self, file: str, node_budget: int, text_budget: int):
        self.file = file
        self.problems: list[Problem] = []
        self.budget = node_budget
        self.text_budget = text_budget
        """Characters of scalar text (keys included) the document may still expand to."""
        self.exhausted = False
        self.reported: set[tuple[int, int, str]] = set()
        self.format_texts: dict[tuple[int, int], tuple[Loc, str, int]] = {}
        """(line, column) → where each text read that holds a format character is, the text, and the index of
        its first one (:func:`format_character_at`), in the order read; a text reached again through an alias
        once."""

    @staticmethod
    def budgets_for(size: int) -> tuple[int, int]:
        """The node and text budgets for a file of ``size`` bytes."""
        return max(_NODE_BUDGET_MIN, _NODE_BUDGET_PER_BYTE * size), max(_TEXT_BUDGET_MIN, _TEXT_BUDGET_PER_BYTE * size)

    def loc(self, node: Node, key_path: str) -> Loc:
        """Where ``node`` starts, named ``key_path``."""
        return Loc(self.file, node.start_mark.line + 1, node.start_mark.column + 1, key_path)

    def error(self, node: Node | None, key_path: str, message: str, severity: Severity = Severity.ERROR) -> None:
        """Record a problem at ``node``; a node reached again through an alias is reported once."""
        line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (0, 0)
        if (line, col, message) in self.reported:
            return
        self.reported.add((line, col, message))
        self.problems.append(Problem(self.file, line, col, key_path, message, severity))

    def visit(self, node: Node, key_path: str) -> bool:
        """Count a node against the size budget and check its tag. False if it must be skipped."""
        self.budget -= 1
        if node.id == "scalar":
            self.text_budget -= len(node.value)
        if self.budget < 0 or self.text_budget < 0:
            if not self.exhausted:
                self.exhausted = True
                what = "too many values" if self.budget < 0 else "too much text"
                self.error(
                    node,
                    key_path,
                    f"the document expands to {what} (anchors repeated through many aliases, or "
                    "aliases inside each other?); refusing to expand it",
                )
            return False
        if node.tag in _ALLOWED_TAGS:
            return True
        if node.tag == _MERGE:  # a `<<` key, which PyYAML tags itself
            self.error(node, key_path, "merge keys (<<) are not supported; write the keys out in this mapping")
            return False
        self.error(
            node,
            key_path,
            f"tag '{node.tag.replace(_CORE, '!!')}' is not allowed; deckgen reads plain "
            "YAML only and never constructs objects (remove the tag)",
        )
        return False

    def mapping(
        self,
        node: Node,
        key_path: str,
        spec: dict[str, bool],
        what: str = "",
        about: Callable[[str], str] | None = None,
    ) -> dict[str, Node] | None:
        """Check ``node`` is a mapping with only the keys in ``spec`` (key → required); return key → value node.
        ``what`` follows "expected a mapping" in the message for something else; ``about(key)``, if given, is
        added to the message for a missing or unknown ``key`` (``"; deck.languages is [en]"``)."""
        more = about or (lambda key: "")
        if not self.visit(node, key_path):
            return None
        if node.id != "mapping":
            self.error(node, key_path, f"expected a mapping{what}, found {kind_name(node)}")
            return None
        out: dict[str, Node] = {}
        keys: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not self.visit(key_node, key_path):
                return None
            if key_node.id != "scalar":
                self.error(key_node, key_path, "keys must be plain words")
                continue
            key = key_node.value
            if key in spec and key not in keys:  # the usual case; the key's path is only needed for a message
                keys[key] = key_node
                out[key] = value_node
                continue
            sub = f"{key_path}.{clip(key)}" if key_path else clip(key)
            if key in keys:
                self.error(
                    key_node,
                    sub,
                    f"duplicate key '{clip(key)}' (first at line {keys[key].start_mark.line + 1}); keep one",
                )
                continue
            keys[key] = key_node
            if key not in spec:
                allowed = clip_list(spec, 20)
                message = f"unknown key '{clip(key)}'{suggest(key, spec)}; allowed here: {allowed}{more(key)}"
                self.error(key_node, sub, message)
                continue
            out[key] = value_node
        for key, required in spec.items():
            if required and key not in out and key not in keys:
                self.error(node, key_path, f"missing required key '{key}'{more(key)}")
        return out

    def sequence(self, node: Node, key_path: str, example: str) -> list[tuple[str, Node]]:
        """Check ``node`` is a list; return (key path, item node) pairs."""
        if not self.visit(node, key_path):
            return []
        if node.id != "sequence":
            self.error(node, key_path, f"expected a list, e.g. {example}; found {kind_name(node)}")
            return []
        return [(f"{key_path}[{i}]", item) for i, item in enumerate(node.value)]

    def text(self, node: Node | None, key_path: str, required: bool = True) -> str:
        """The scalar exactly as typed, stripped and in Unicode NFC (as Anki stores it); '' (with an error if
        ``required``) when empty. YAML's null (``~``, ``null``, nothing after the colon) is empty too; a quoted
        ``"~"`` is the text ``~``."""
        if node is None:
            return ""
        if not self.visit(node, key_path):
            return ""
        if node.id != "scalar":
            self.error(node, key_path, f"expected text, found {kind_name(node)} (quote it if it is meant as text)")
            return ""
        value: str = "" if node.tag == _NULL else node.value.strip()
        if not value.isascii() and not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)  # what Anki stores (it normalises fields on import)
        if not value and required:
            self.error(node, key_path, "must not be empty")
        elif value and not value.isascii() and only_invisible(value):
            self.error(
                node,
                key_path,
                f"the text is only invisible characters ({code_points(value)}), which Anki shows as blank; write "
                f"the text it stands for{'' if required else ', or leave the key out'}",
            )
            return ""
        bad = CONTROL.search(value)
        if bad and "\ud800" <= bad.group() <= "\udfff":
            self.error(
                node,
                key_path,
                f"contains U+{ord(bad.group()):04X}, half of a surrogate pair, which is no character; remove it",
            )
            return ""
        if bad:
            self.error(
                node,
                key_path,
                f"contains the control character U+{ord(bad.group()):04X}, which Anki cannot show; remove it",
            )
            return ""
        if not value.isprintable() and (at := format_character_at(value)) is not None:
            place = self.loc(node, key_path)
            self.format_texts.setdefault((place.line, place.col), (place, value, at))
        return value

    def choice(self, node: Node | None, key_path: str, choices: tuple[str, ...]) -> str:
        """One of ``choices`` (the first when absent)."""
        value = self.text(node, key_path) if node is not None else choices[0]
        if value and value not in choices:
            expected = " or ".join(repr(c) for c in choices)
            self.error(node, key_path, f"expected {expected}, found '{clip(value)}'{suggest(value, choices)}")
            return choices[0]
        return value

    def boolean(self, node: Node | None, key_path: str) -> bool:
        """One of :data:`TRUE_WORDS` or :data:`FALSE_WORDS` (any case; absent or empty is false)."""
        value = self.text(node, key_path, required=False)
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in (*FALSE_WORDS, ""):
            return False
        self.error(node, key_path, f"expected true or false, found '{clip(value)}'")
        return False
