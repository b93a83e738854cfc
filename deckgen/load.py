"""YAML sources → validated :class:`deckgen.model.Source` objects, with ``file:line:col`` on every problem.

Loading is safe by construction: the YAML is only *composed* into a node tree (PyYAML's C parser where
present, the pure-Python one otherwise) and never *constructed*, so no tag can run code; any tag outside
YAML's core schema (``!!python/...``, ``!!binary``, custom ``!tags``) is an error, and so is a merge key
(``<<``). Text fields take the scalar exactly as typed, so YAML 1.1 surprises (``no``, ``off``, ``1911``,
``02142``, ``1:10``, dates) come out as the text the person wrote, except YAML's null (``~``, ``null``,
nothing), which is empty; control characters in text are errors. Aliases are followed with a bound on the
expanded size, in values and in characters of text (keys included), so an alias bomb is refused quickly, and
a problem in a node reached again through an alias is reported once. Image paths must name an image file
inside the source's folder. A file must be UTF-8 (a UTF-16 one is refused with a hint).

Every problem in a file is collected before anything is raised: :func:`load_sources` raises one
:class:`deckgen.errors.SourceError` listing all of them.
"""

from __future__ import annotations

import codecs
import difflib
import re
from pathlib import Path

import yaml

from .errors import Problem, SourceError, clip
from .gcpause import paused_gc
from .generate import cloze_error
from .model import CardSpec, Judgment, Loc, NamedDeck, Person, Source, Text2, Theme

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}
_NULL = _CORE + "null"
_MERGE = _CORE + "merge"
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
_CARD_ID = re.compile(r"^[a-z0-9]+(?:[-_./][a-z0-9]+)*$")
"""A card id may also contain ``/``, so that ``id: first/qa/1`` pins the key a card had by default."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NODE_BUDGET_PER_BYTE = 4
_NODE_BUDGET_MIN = 10_000
_TEXT_BUDGET_PER_BYTE = 4
_TEXT_BUDGET_MIN = 1_000_000
"""Characters of text a document may expand to through aliases: four per byte of the file (written out,
a document has fewer characters than bytes), at least a million."""

SOURCE_SUFFIXES = (".yaml", ".yml")

_KINDS = {"q": "qa", "term": "concept", "of": "list", "cloze": "cloze"}
_COMMON_CARD_KEYS = {"id", "context", "tags", "image"}
_CARD_KEYS = {
    "qa": {"q": True, "a": True},
    "concept": {"term": True, "means": True, "by": False, "reverse": False},
    "list": {"of": True, "items": True},
    "cloze": {"cloze": True, "extra": False},
}
SELECTION_KEYS = ("theme", "speaker", "tag", "judgment")
MAX_NUMBER_DIGITS = 9
"""Most digits in a judgment number (in a source or a selection): far past any real source, and short
enough that no digit string is ever converted whole (Python refuses ``int()`` on over 4,300 digits)."""
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
"""File types ``image:`` accepts: the images every Anki client shows in an ``<img>`` (sound would need
``[sound:…]``, which deckgen does not write)."""
MARKUPS = ("text", "markdown")
"""Values of ``deck.markup``: source text is plain text (the default) or deckgen's Markdown subset."""


def source_files(paths: list[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders into the YAML files to read, sorted within each folder.

    A folder contributes its ``*.yaml`` and ``*.yml`` files (not recursively). A file named twice (``cards
    cards/x.yaml``) is read once, where it is first named. Returns the files and a problem for each path that
    does not exist, is not a regular file (``/dev/null``, a pipe) or is a folder without sources.
    """
    files: dict[Path, Path] = {}  # resolved path → the path as named
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in SOURCE_SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(str(path), 0, 0, "", "no .yaml or .yml sources in this folder"))
            for file in found:
                files.setdefault(file.resolve(), file)
        elif path.is_file():
            files.setdefault(path.resolve(), path)
        elif path.exists():
            problems.append(
                Problem(
                    str(path),
                    0,
                    0,
                    "",
                    "not a regular file (a device or a pipe?); give a YAML source file or a folder of them",
                )
            )
        else:
            problems.append(Problem(str(path), 0, 0, "", "no such file or folder"))
    return list(files.values()), problems


def load_sources(paths: list[str | Path]) -> list[Source]:
    """Load and validate every source under ``paths`` (files or folders).

    Returns one :class:`Source` per file, in the order given. Raises :class:`SourceError` with every
    problem of every file (sorted by file and line) if any is an error; warnings ride along on
    ``Source.warnings``. Two files declaring the same ``deck.id`` are an error.
    """
    files, problems = source_files(paths)
    sources: list[Source] = []
    for file in files:
        try:
            sources.append(load_file(file))
        except SourceError as err:
            problems.extend(err.problems)
    seen: dict[str, Source] = {}
    for src in sources:
        if src.deck_id in seen:
            problems.append(
                Problem(
                    src.path,
                    0,
                    0,
                    "deck.id",
                    f"deck id '{src.deck_id}' is also used by {seen[src.deck_id].path}; "
                    "each source needs its own deck id",
                )
            )
        seen.setdefault(src.deck_id, src)
    if any(p.severity == "error" for p in problems):
        raise SourceError(problems)
    return sources


@paused_gc
def load_file(path: str | Path) -> Source:
    """Load one YAML source file. Raises :class:`SourceError` listing every problem found in it."""
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise SourceError([Problem(name, 0, 0, "", f"cannot read: {err.strerror}")]) from None
    if _utf16(raw):
        raise SourceError([Problem(name, 1, 1, "", "the file is UTF-16 text; save the file as UTF-8")])
    try:
        raw.decode("utf-8-sig")  # a check only: the parser reads the bytes, so no decoded copy stays in memory
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise SourceError(
            [Problem(name, line, col, "", f"not valid UTF-8 (byte 0x{raw[err.start]:02x}); save the file as UTF-8")]
        ) from None
    try:
        root = yaml.compose(raw, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        raise SourceError([_yaml_problem(name, raw.decode("utf-8-sig"), err)]) from None
    except yaml.reader.ReaderError as err:
        raise SourceError([_reader_problem(name, raw.decode("utf-8-sig"), err)]) from None
    if root is None:
        raise SourceError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "",
                    "the file is empty; a source is a mapping with deck:, themes:, people: and judgments:",
                )
            ]
        )
    reader = _Reader(
        name,
        path.parent,
        max(_NODE_BUDGET_MIN, _NODE_BUDGET_PER_BYTE * len(raw)),
        max(_TEXT_BUDGET_MIN, _TEXT_BUDGET_PER_BYTE * len(raw)),
    )
    source = reader.source(root)
    errors = [p for p in reader.problems if p.severity == "error"]
    if errors or source is None:
        raise SourceError(reader.problems)
    return source


def _utf16(raw: bytes) -> bool:
    """True if ``raw`` looks like UTF-16: it starts with a UTF-16 byte-order mark, or (without one) a zero
    byte is every other byte of its start often enough, as ASCII letters and YAML's keys are in UTF-16.
    UTF-8 text has a zero byte only for U+0000, which YAML forbids anyway."""
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return True
    start = raw[:4096]
    return any(half.count(0) >= max(1, len(half) // 4) for half in (start[0::2], start[1::2]))


def _yaml_problem(name: str, text: str, err: yaml.MarkedYAMLError) -> Problem:
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
    if quote is not None:
        what = (
            f"the quoted text opened here runs on to line {line}, where the parser stops ({what}); "
            "is its closing quote missing?"
        )
        line, col = quote.line + 1, quote.column + 1
    elif "tab" in what.lower() or "\t" in typed:
        what += " (YAML indents with spaces, not tabs; replace the tab)"
    else:
        what += " (check quotes, brackets and indentation here and on the lines above)"
    return Problem(name, line, col, "", f"YAML syntax: {what}")


def _quote_running_into(text: str, line: int):
    """Start mark of a quoted scalar that began on an earlier line and ends on 0-based ``line``, else None."""
    found = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
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


def _reader_problem(name: str, text: str, err: yaml.reader.ReaderError) -> Problem:
    """A character YAML does not allow (control characters), located by finding it in ``text``.

    The C and pure-Python readers count ``err.position`` differently (bytes vs. characters), so the
    location comes from the first occurrence of the offending character instead.
    """
    index = text.find(chr(err.character))
    line = text.count("\n", 0, index) + 1 if index >= 0 else 0
    col = index - (text.rfind("\n", 0, index) + 1) + 1 if index >= 0 else 0
    return Problem(
        name, line, col, "", f"character U+{err.character:04X} is not allowed in YAML ({err.reason}); remove it"
    )


def normalize_deck_name(name: str) -> str:
    """Tidy a deck name: parts split on ``::`` are stripped and inner spaces collapsed
    (``"A :: B"`` → ``"A::B"``). Raises ValueError for an empty name or an empty part (``A::::B``, ``A::``),
    which Anki would turn into a deck called "blank"."""
    parts = [" ".join(part.split()) for part in name.split("::")]
    if not all(parts):
        raise ValueError(f"deck name '{name}' has an empty part between '::' separators")
    return "::".join(parts)


def suggest(word: str, choices) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _kind_name(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"'{clip(node.value)}'"


class _Reader:
    """Walks a composed YAML document, validating it into model objects and collecting problems."""

    def __init__(self, file: str, folder: Path, node_budget: int, text_budget: int):
        self.file = file
        self.folder = folder
        self.problems: list[Problem] = []
        self.budget = node_budget
        self.text_budget = text_budget
        """Characters of scalar text (keys included) the document may still expand to."""
        self.exhausted = False
        self.reported: set[tuple[int, int, str]] = set()
        self.card_ids: dict[str, tuple[yaml.Node, str]] = {}
        """Explicit card id → where it was first given (its node and path)."""
        self.theme_lines: dict[str, int] = {}
        """Theme id → the line where it is first defined."""

    # -- generic helpers ---------------------------------------------------------------------------

    def loc(self, node: yaml.Node, path: str) -> Loc:
        return Loc(self.file, node.start_mark.line + 1, node.start_mark.column + 1, path)

    def error(self, node: yaml.Node | None, path: str, message: str, severity: str = "error") -> None:
        """Record a problem at ``node``; a node reached again through an alias is reported once."""
        line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (0, 0)
        if (line, col, message) in self.reported:
            return
        self.reported.add((line, col, message))
        self.problems.append(Problem(self.file, line, col, path, message, severity))

    def visit(self, node: yaml.Node, path: str) -> bool:
        """Count a node against the size budget and check its tag. False if it must be skipped."""
        self.budget -= 1
        if isinstance(node, yaml.ScalarNode):
            self.text_budget -= len(node.value)
        if self.budget < 0 or self.text_budget < 0:
            if not self.exhausted:
                self.exhausted = True
                what = "too many values" if self.budget < 0 else "too much text"
                self.error(
                    node,
                    path,
                    f"the document expands to {what} (anchors repeated through many aliases, or "
                    "aliases inside each other?); refusing to expand it",
                )
            return False
        if node.tag == _MERGE:  # a `<<` key, which PyYAML tags itself
            self.error(node, path, "merge keys (<<) are not supported; write the keys out in this mapping")
            return False
        if node.tag not in _ALLOWED_TAGS:
            self.error(
                node,
                path,
                f"tag '{node.tag.replace(_CORE, '!!')}' is not allowed; deckgen reads plain "
                "YAML only and never constructs objects (remove the tag)",
            )
            return False
        return True

    def mapping(self, node: yaml.Node, path: str, spec: dict[str, bool], what: str = "") -> dict[str, yaml.Node] | None:
        """Check ``node`` is a mapping with only the keys in ``spec`` (key → required); return key → value node."""
        if not self.visit(node, path):
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(node, path, f"expected a mapping{what}, found {_kind_name(node)}")
            return None
        out: dict[str, yaml.Node] = {}
        keys: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not self.visit(key_node, path):
                return None
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, path, "keys must be plain words")
                continue
            key = key_node.value
            sub = f"{path}.{clip(key)}" if path else clip(key)
            if key in keys:
                self.error(
                    key_node,
                    sub,
                    f"duplicate key '{clip(key)}' (first at line {keys[key].start_mark.line + 1}); keep one",
                )
                continue
            keys[key] = key_node
            if key not in spec:
                self.error(
                    key_node, sub, f"unknown key '{clip(key)}'{suggest(key, spec)}; allowed here: " + ", ".join(spec)
                )
                continue
            out[key] = value_node
        for key, required in spec.items():
            if required and key not in out and key not in keys:
                self.error(node, path, f"missing required key '{key}'")
        return out

    def sequence(self, node: yaml.Node, path: str, example: str) -> list[tuple[str, yaml.Node]]:
        """Check ``node`` is a list; return (path, item node) pairs."""
        if not self.visit(node, path):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, path, f"expected a list, e.g. {example}; found {_kind_name(node)}")
            return []
        return [(f"{path}[{i}]", item) for i, item in enumerate(node.value)]

    def text(self, node: yaml.Node | None, path: str, required: bool = True) -> str:
        """The scalar exactly as typed, stripped; '' (with an error if ``required``) when empty. YAML's null
        (``~``, ``null``, nothing after the colon) is empty too; a quoted ``"~"`` is the text ``~``."""
        if node is None:
            return ""
        if not self.visit(node, path):
            return ""
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, path, f"expected text, found {_kind_name(node)} (quote it if it is meant as text)")
            return ""
        value = "" if node.tag == _NULL else node.value.strip()
        if not value and required:
            self.error(node, path, "must not be empty")
        bad = _CONTROL.search(value)
        if bad:
            self.error(
                node,
                path,
                f"contains the control character U+{ord(bad.group()):04X}, which Anki cannot show; remove it",
            )
            return ""
        return value

    def slug(self, node: yaml.Node | None, path: str, pattern: re.Pattern = _SLUG) -> str:
        """An id: lowercase letters and digits joined by ``- . _`` (and ``/`` for a card id, see :data:`_CARD_ID`)."""
        value = self.text(node, path)
        if value and not pattern.match(value):
            example = "/ (e.g. 'tang-jie' or 'first/qa/1')" if pattern is _CARD_ID else "(e.g. 'tang-jie')"
            self.error(
                node, path, f"'{clip(value)}' is not a valid id: use lowercase letters, digits and - . _ " + example
            )
            return ""
        return value

    def deck_name(self, node: yaml.Node | None, path: str) -> str:
        """A deck name as typed; ``::`` separates subdecks, so an empty part (``A::::B``, ``A::``) is an error."""
        value = self.text(node, path)
        if value:
            try:
                normalize_deck_name(value)
            except ValueError:
                self.error(
                    node,
                    path,
                    f"deck name '{clip(value)}' has an empty part between '::' separators "
                    "(Anki would make a deck called 'blank'); write e.g. 'AGI-Next 2026::Agents'",
                )
                return ""
        return value

    def name_part(self, node: yaml.Node | None, path: str) -> str:
        """Text that becomes part of a deck name (a theme's or a person's name), so it must not contain ``::``."""
        value = self.text(node, path)
        if "::" in value:
            self.error(
                node,
                path,
                f"'{clip(value)}' contains '::', which separates subdecks in Anki deck names; write it without '::'",
            )
            return ""
        return value

    def ref(self, node: yaml.Node | None, path: str, known, what: str) -> str:
        """An id that must be one of ``known`` (ids whose definition is broken are ``''`` and never match)."""
        value = self.text(node, path)
        if value and value not in known:
            known = sorted(k for k in known if k)  # only for the message: sorting on every reference is quadratic
            self.error(
                node,
                path,
                f"unknown {what} '{clip(value)}'{suggest(value, known)}; "
                + (f"known: {', '.join(known)}" if known else f"no valid {what} is defined"),
            )
            return ""
        return value

    def choice(self, node: yaml.Node | None, path: str, choices: tuple[str, ...]) -> str:
        """One of ``choices`` (the first when absent)."""
        value = self.text(node, path) if node is not None else choices[0]
        if value and value not in choices:
            self.error(
                node,
                path,
                f"expected {' or '.join(repr(c) for c in choices)}, found '{clip(value)}'{suggest(value, choices)}",
            )
            return choices[0]
        return value

    def boolean(self, node: yaml.Node | None, path: str) -> bool:
        value = self.text(node, path, required=False)
        if value.lower() in ("true", "yes", "on"):
            return True
        if value.lower() in ("false", "no", "off", ""):
            return False
        self.error(node, path, f"expected true or false, found '{clip(value)}'")
        return False

    def tags(self, node: yaml.Node | None, path: str) -> tuple[str, ...]:
        if node is None:
            return ()
        out = []
        for sub, item in self.sequence(node, path, "[agent, design]"):
            tag = self.text(item, sub)
            if not tag:
                continue
            if any(ch.isspace() for ch in tag):
                fixed = "_".join(tag.split())
                self.error(
                    item,
                    sub,
                    f"tag '{clip(tag)}' contains spaces, which separate tags in Anki; using '{fixed}'",
                    "warning",
                )
                tag = fixed
            if any(not part for part in tag.split("::")):
                self.error(item, sub, f"tag '{clip(tag)}' has an empty '::' part; write e.g. 'topic::agents'")
                continue
            out.append(tag)
        return tuple(out)

    # -- the document ------------------------------------------------------------------------------

    def source(self, root: yaml.Node) -> Source | None:
        top = self.mapping(
            root,
            "",
            {"deck": True, "themes": True, "people": True, "judgments": True, "decks": False},
            " with deck:, themes:, people: and judgments:",
        )
        if top is None:
            return None
        deck = (
            self.mapping(
                top["deck"], "deck", {"id": True, "name": True, "description": False, "source": False, "markup": False}
            )
            if "deck" in top
            else None
        )
        deck = deck or {}
        src = self.mapping(deck["source"], "deck.source", {"title": True, "by": False}) if "source" in deck else {}
        src = src or {}
        themes = self.themes(top.get("themes"))
        people = self.people(top.get("people"))
        judgments = self.judgments(top.get("judgments"), {t.id for t in themes}, {p.id for p in people})
        decks = self.decks(top.get("decks"), {t.id for t in themes}, {p.id for p in people})
        return Source(
            path=self.file,
            deck_id=self.slug(deck.get("id"), "deck.id"),
            name=self.deck_name(deck.get("name"), "deck.name"),
            description=self.text(deck.get("description"), "deck.description", required=False),
            source_title=self.text(src.get("title"), "deck.source.title"),
            source_by=self.text(src.get("by"), "deck.source.by", required=False),
            themes=themes,
            people=people,
            judgments=judgments,
            decks=decks,
            markup=self.choice(deck.get("markup"), "deck.markup", MARKUPS),
            warnings=tuple(p for p in self.problems if p.severity == "warning"),
        )

    def themes(self, node: yaml.Node | None) -> tuple[Theme, ...]:
        out: list[Theme] = []
        if node is None:
            return ()
        self._themes(node, "themes", None, out)
        if not out and isinstance(node, yaml.SequenceNode):
            self.error(node, "themes", "define at least one theme")
        return tuple(out)

    def _themes(self, node: yaml.Node, path: str, parent: str | None, out: list[Theme]) -> None:
        for sub, item in self.sequence(node, path, "[{id: agent, zh: Agent, en: Agents}]"):
            spec = {"id": True, "zh": True, "en": True}
            if parent is None:
                spec["subthemes"] = False
            fields = self.mapping(item, sub, spec)
            if fields is None:
                continue
            theme_id = self.slug(fields.get("id"), f"{sub}.id")
            if theme_id and theme_id in self.theme_lines:
                self.error(
                    fields["id"],
                    f"{sub}.id",
                    f"theme id '{theme_id}' is defined twice (first at line "
                    f"{self.theme_lines[theme_id]}); give each theme its own id",
                )
            elif theme_id:
                self.theme_lines[theme_id] = fields["id"].start_mark.line + 1
            out.append(
                Theme(
                    theme_id,
                    self.name_part(fields.get("zh"), f"{sub}.zh"),
                    self.name_part(fields.get("en"), f"{sub}.en"),
                    parent,
                )
            )
            if "subthemes" in fields:
                self._themes(fields["subthemes"], f"{sub}.subthemes", theme_id, out)

    def people(self, node: yaml.Node | None) -> tuple[Person, ...]:
        out: dict[str, Person] = {}
        if node is None:
            return ()
        spec = {"id": True, "name": True, "roman": True, "affiliation": False, "title": False}
        for sub, item in self.sequence(node, "people", "[{id: tang-jie, name: 唐杰, roman: Tang Jie}]"):
            fields = self.mapping(item, sub, spec)
            if fields is None:
                continue
            person_id = self.slug(fields.get("id"), f"{sub}.id")
            if person_id and person_id in out:
                self.error(
                    fields["id"],
                    f"{sub}.id",
                    f"person id '{person_id}' is defined twice (first at line "
                    f"{out[person_id].loc.line}); give each person their own id",
                )
            out.setdefault(
                person_id,
                Person(
                    person_id,
                    self.name_part(fields.get("name"), f"{sub}.name"),
                    self.text(fields.get("roman"), f"{sub}.roman"),
                    self.text(fields.get("affiliation"), f"{sub}.affiliation", required=False),
                    self.text(fields.get("title"), f"{sub}.title", required=False),
                    self.loc(item, sub),
                ),
            )
        return tuple(out.values())

    def judgments(self, node: yaml.Node | None, themes: set[str], people: set[str]) -> tuple[Judgment, ...]:
        if node is None:
            return ()
        spec = {
            "id": True,
            "number": True,
            "theme": True,
            "speakers": False,
            "zh": True,
            "en": True,
            "editors_note": False,
            "tags": False,
            "cards": True,
        }
        out: list[Judgment] = []
        ids: dict[str, str] = {}
        numbers: dict[int, str] = {}
        items = self.sequence(node, "judgments", "[{id: ..., number: 1, ...}]")
        if not items and isinstance(node, yaml.SequenceNode):
            self.error(node, "judgments", "the list is empty; add at least one judgment")
        without_cards = 0  # judgments written with `cards: []`
        for sub, item in items:
            fields = self.mapping(item, sub, spec)
            if fields is None:
                continue
            cards_node = fields.get("cards")
            without_cards += isinstance(cards_node, yaml.SequenceNode) and not cards_node.value
            jid = self.slug(fields.get("id"), f"{sub}.id")
            if jid and jid in ids:
                self.error(
                    fields["id"],
                    f"{sub}.id",
                    f"judgment id '{jid}' is already used at {ids[jid]}; ids must be unique and never reused",
                )
            elif jid:
                ids[jid] = f"line {fields['id'].start_mark.line + 1}"
            number = self.number(fields.get("number"), f"{sub}.number")
            if number and number in numbers:
                self.error(fields["number"], f"{sub}.number", f"number {number} is already used at {numbers[number]}")
            elif number:
                numbers[number] = f"line {fields['number'].start_mark.line + 1}"
            theme = self.ref(fields.get("theme"), f"{sub}.theme", themes, "theme")
            speakers = []
            if "speakers" in fields:
                for psub, pnode in self.sequence(fields["speakers"], f"{sub}.speakers", "[tang-jie]"):
                    person = self.ref(pnode, psub, people, "person")
                    if person:
                        speakers.append(person)
            note = None
            if "editors_note" in fields:
                nf = self.mapping(fields["editors_note"], f"{sub}.editors_note", {"zh": True, "en": True})
                if nf is not None:
                    note = Text2(
                        self.text(nf.get("zh"), f"{sub}.editors_note.zh"),
                        self.text(nf.get("en"), f"{sub}.editors_note.en"),
                    )
            cards = self.cards(fields.get("cards"), f"{sub}.cards", people, note is not None)
            out.append(
                Judgment(
                    id=jid,
                    number=number,
                    theme=theme,
                    speakers=tuple(speakers),
                    claim=Text2(self.text(fields.get("zh"), f"{sub}.zh"), self.text(fields.get("en"), f"{sub}.en")),
                    cards=cards,
                    loc=self.loc(item, sub),
                    editors_note=note,
                    tags=self.tags(fields.get("tags"), f"{sub}.tags"),
                )
            )
        self.default_key_taken(out)
        if items and without_cards == len(items):
            self.error(
                node,
                "judgments",
                "no judgment has cards, so there is no note to build; add card specs under a judgment's cards:",
            )
        return tuple(out)

    def default_key_taken(self, judgments: list[Judgment]) -> None:
        """Report an explicit card id that is another card's default key (``<judgment-id>/<kind>/<n>``, the key
        of a card without an id): both would make the same note."""
        for j in judgments:
            for spec in j.cards:
                key = f"{j.id}/{spec.kind}/{spec.n}"
                if spec.id is None and j.id and key in self.card_ids:
                    node, path = self.card_ids[key]
                    self.error(
                        node,
                        path,
                        f"card id '{key}' is also the key of the card at line {spec.loc.line} "
                        f"({spec.loc.path}), which has no id and is keyed by its position; "
                        "give that card an id too",
                    )

    def number(self, node: yaml.Node | None, path: str) -> int:
        """A judgment number: ASCII digits, 1 up, at most :data:`MAX_NUMBER_DIGITS` digits (0 when broken)."""
        value = self.text(node, path)
        if value and not (value.isascii() and value.isdigit() and value.strip("0")):
            self.error(node, path, f"expected a whole number from 1 up, found '{clip(value)}'")
            return 0
        if len(value.lstrip("0")) > MAX_NUMBER_DIGITS:
            self.error(
                node,
                path,
                f"number '{clip(value)}' is too large; judgment numbers have at most {MAX_NUMBER_DIGITS} digits",
            )
            return 0
        return int(value) if value else 0

    def cards(self, node: yaml.Node | None, path: str, people: set[str], has_note: bool) -> tuple[CardSpec, ...]:
        if node is None:
            return ()
        out: list[CardSpec] = []
        counts: dict[str, int] = {}
        items = self.sequence(node, path, "[{q: ..., a: ...}]")  # [] is allowed: lint's judgment-without-cards
        for sub, item in items:
            if not isinstance(item, yaml.MappingNode):
                if self.visit(item, sub):
                    self.error(
                        item, sub, f"expected a card (a mapping such as {{q: ..., a: ...}}), found {_kind_name(item)}"
                    )
                continue
            keys = [k.value for k, _ in item.value if isinstance(k, yaml.ScalarNode)]
            kinds = [_KINDS[k] for k in keys if k in _KINDS]
            if len(kinds) != 1:
                found = "none" if not kinds else " and ".join(k for k in keys if k in _KINDS)
                self.error(
                    item,
                    sub,
                    f"a card needs exactly one of q (question/answer), term (concept), "
                    f"of (list) or cloze; found {found}",
                )
                continue
            kind = kinds[0]
            fields = self.mapping(item, sub, {**_CARD_KEYS[kind], **dict.fromkeys(_COMMON_CARD_KEYS, False)})
            if fields is None:
                continue
            counts[kind] = counts.get(kind, 0) + 1
            data = self.card_data(kind, fields, sub, people)
            context = self.choice(fields.get("context"), f"{sub}.context", ("claim", "editors"))
            if context == "editors" and not has_note:
                self.error(
                    fields["context"],
                    f"{sub}.context",
                    "context is 'editors' but the judgment has no editors_note; add one",
                )
            card_id = self.slug(fields["id"], f"{sub}.id", _CARD_ID) if "id" in fields else ""
            if card_id in self.card_ids:
                first = self.card_ids[card_id][0]
                self.error(
                    fields["id"],
                    f"{sub}.id",
                    f"card id '{card_id}' is already used at line "
                    f"{first.start_mark.line + 1} ({self.card_ids[card_id][1]}); "
                    "each card needs its own id",
                )
            elif card_id:
                self.card_ids[card_id] = (fields["id"], f"{sub}.id")
            out.append(
                CardSpec(
                    kind=kind,
                    data=data,
                    n=counts[kind],
                    loc=self.loc(item, sub),
                    id=card_id or None,
                    context=context,
                    tags=self.tags(fields.get("tags"), f"{sub}.tags"),
                    image=self.image(fields.get("image"), f"{sub}.image"),
                )
            )
        return tuple(out)

    def card_data(self, kind: str, fields: dict[str, yaml.Node], path: str, people: set[str]) -> dict:
        data: dict = {}
        for key, required in _CARD_KEYS[kind].items():
            sub = f"{path}.{key}"
            if key == "items":
                items = (
                    [self.text(n, p) for p, n in self.sequence(fields[key], sub, "[first, second]")]
                    if key in fields
                    else []
                )
                if key in fields and len(items) < 2:
                    self.error(fields[key], sub, "a list card needs at least two items")
                data[key] = tuple(i for i in items if i)
            elif key == "by":
                data[key] = self.ref(fields.get(key), sub, people, "person") if key in fields else ""
            elif key == "reverse":
                data[key] = self.boolean(fields.get(key), sub)
            else:
                data[key] = self.text(fields.get(key), sub, required=required) if key in fields else ""
        problem = cloze_error(data["cloze"]) if kind == "cloze" and data["cloze"] else None
        if problem:
            self.error(fields["cloze"], f"{path}.cloze", problem)
        return data

    def image(self, node: yaml.Node | None, path: str) -> str | None:
        """An image path relative to the source's folder; it must be a file of one of :data:`IMAGE_SUFFIXES`
        and stay inside that folder, so a source cannot package files from elsewhere on the machine
        (``../../.ssh/id_rsa``) or files that are no image (``.env``)."""
        value = self.text(node, path) if node is not None else ""
        if not value:
            return None
        target = self.folder / value
        try:
            real = target.resolve()  # a symlink is judged by what it points at
            inside = real.is_relative_to(self.folder.resolve())
            found = target.is_file()
            folder = target.is_dir()
        except (OSError, ValueError):  # a name too long for the file system, say
            inside = found = folder = False
        if not inside:
            self.error(
                node,
                path,
                f"image '{clip(value)}' is outside the source file's folder; put images in "
                "that folder (e.g. figs/) and give the path relative to it",
            )
            return None
        if folder:
            self.error(node, path, f"image '{clip(value)}' is a folder; name an image file in it")
            return None
        if Path(value).suffix.lower() not in IMAGE_SUFFIXES or real.suffix.lower() not in IMAGE_SUFFIXES:
            self.error(
                node, path, f"image '{clip(value)}' is not an image file; use one of {', '.join(IMAGE_SUFFIXES)}"
            )
            return None
        if not found:
            self.error(
                node,
                path,
                f"image '{clip(value)}' not found (looked for {clip(str(target), 80)}); paths "
                "are relative to the source file's folder",
            )
            return None
        return value

    def decks(self, node: yaml.Node | None, themes: set[str], people: set[str]) -> tuple[NamedDeck, ...]:
        if node is None:
            return ()
        out: dict[str, NamedDeck] = {}
        spec = {"key": True, "name": True, "description": False, "select": True}
        for sub, item in self.sequence(node, "decks", "[{key: agent, name: ..., select: {theme: [agent]}}]"):
            fields = self.mapping(item, sub, spec)
            if fields is None:
                continue
            key = self.slug(fields.get("key"), f"{sub}.key")
            if key and key in out:
                self.error(
                    fields["key"],
                    f"{sub}.key",
                    f"deck key '{key}' is defined twice (first at line "
                    f"{out[key].loc.line}); give each deck its own key",
                )
            selection: dict[str, tuple[str, ...]] = {}
            if "select" in fields:
                sel = self.mapping(fields["select"], f"{sub}.select", dict.fromkeys(SELECTION_KEYS, False)) or {}
                known = {"theme": (themes, "theme"), "speaker": (people, "person")}
                for option, value in sel.items():
                    opath = f"{sub}.select.{option}"
                    values = (
                        self.sequence(value, opath, "[agent]")
                        if isinstance(value, yaml.SequenceNode)
                        else [(opath, value)]
                    )
                    if not values:
                        self.error(
                            value,
                            opath,
                            f"the list is empty, so it would select nothing; name at least "
                            f"one {option} or remove {option}:",
                        )
                    selection[option] = tuple(
                        self.ref(n, p, *known[option]) if option in known else self.text(n, p) for p, n in values
                    )
                if not selection:
                    self.error(fields["select"], f"{sub}.select", f"select at least one of {', '.join(SELECTION_KEYS)}")
            out.setdefault(
                key,
                NamedDeck(
                    key,
                    self.deck_name(fields.get("name"), f"{sub}.name"),
                    self.text(fields.get("description"), f"{sub}.description", required=False),
                    selection,
                    self.loc(item, sub),
                    self.loc(fields.get("select", item), f"{sub}.select"),
                ),
            )
        return tuple(out.values())
