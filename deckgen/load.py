"""YAML sources → validated :class:`deckgen.model.Source` objects, with ``file:line:col`` on every problem.

This module is deckgen's source format (``deck:``, ``themes:``, ``people:``, ``judgments:``, ``decks:``)
on top of the generic, safe node reader of :mod:`deckgen.yamlnodes`, which says what YAML is accepted and
how. Ids are slugs; references (a judgment's theme, a speaker, a concept's ``by``) must name something
defined; card ids are unique and no card id is another card's default key; image paths must name an image
file inside the source's folder.

Every problem in a file is collected before anything is raised: :func:`load_sources` raises one
:class:`deckgen.errors.SourceError` listing all of them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cloze import cloze_error
from .errors import Problem, Severity, SourceError, clip, suggest
from .gcpause import paused_gc
from .markup import MARKUPS
from .model import (
    CARD_SPEC_TYPES,
    MAX_NUMBER_DIGITS,
    SELECTION_OPTIONS,
    Bilingual,
    CardSpec,
    Judgment,
    NamedDeck,
    Person,
    Selection,
    Source,
    Theme,
)
from .yamlnodes import NodeReader, compose, is_mapping, is_scalar, is_sequence, kind_name

if TYPE_CHECKING:
    from yaml import Node

SOURCE_SUFFIXES = (".yaml", ".yml")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
"""File types ``image:`` accepts: the images every Anki client shows in an ``<img>`` (sound would need
``[sound:…]``, which deckgen does not write)."""

_SLUG = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
_CARD_ID = re.compile(r"^[a-z0-9]+(?:[-_./][a-z0-9]+)*$")
"""A card id may also contain ``/``, so that ``id: first/qa/1`` pins the key a card had by default."""
_KIND_OF_KEY = {"q": "qa", "term": "concept", "of": "list", "cloze": "cloze"}
"""The key that says which kind a card spec is."""
_SPEC_TYPES = {t.KIND: t for t in CARD_SPEC_TYPES}
_COMMON_CARD_KEYS = ("id", "context", "tags", "image")
_CARD_KEYS = {
    "qa": {"q": True, "a": True},
    "concept": {"term": True, "means": True, "by": False, "reverse": False},
    "list": {"of": True, "items": True},
    "cloze": {"cloze": True, "extra": False},
}
"""Each card kind's own keys (key → required)."""


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
                problems.append(Problem.in_file(path, "no .yaml or .yml sources in this folder"))
            for file in found:
                files.setdefault(file.resolve(), file)
        elif path.is_file():
            files.setdefault(path.resolve(), path)
        elif path.exists():
            message = "not a regular file (a device or a pipe?); give a YAML source file or a folder of them"
            problems.append(Problem.in_file(path, message))
        else:
            problems.append(Problem.in_file(path, "no such file or folder"))
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
            message = (
                f"deck id '{src.deck_id}' is also used by {seen[src.deck_id].path}; each source needs its own deck id"
            )
            problems.append(Problem(src.path, 0, 0, "deck.id", message))
        seen.setdefault(src.deck_id, src)
    if any(p.is_error for p in problems):
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
        raise SourceError([Problem.in_file(name, f"cannot read: {err.strerror}")]) from None
    root = compose(raw, name)
    if root is None:
        message = "the file is empty; a source is a mapping with deck:, themes:, people: and judgments:"
        raise SourceError([Problem(name, 1, 1, "", message)])
    reader = _SourceReader(name, path.parent, *NodeReader.budgets_for(len(raw)))
    source = reader.source(root)
    if source is None or any(p.is_error for p in reader.problems):
        raise SourceError(reader.problems)
    return source


def normalize_deck_name(name: str) -> str:
    """Tidy a deck name: parts split on ``::`` are stripped and inner spaces collapsed
    (``"A :: B"`` → ``"A::B"``). Raises ValueError for an empty name or an empty part (``A::::B``, ``A::``),
    which Anki would turn into a deck called "blank"."""
    parts = [" ".join(part.split()) for part in name.split("::")]
    if not all(parts):
        raise ValueError(f"deck name '{name}' has an empty part between '::' separators")
    return "::".join(parts)


class _SourceReader(NodeReader):
    """Reads one source document into model objects (:meth:`source`), collecting problems."""

    def __init__(self, file: str, folder: Path, node_budget: int, text_budget: int):
        super().__init__(file, node_budget, text_budget)
        self.folder = folder
        self.card_ids: dict[str, tuple[Node, str]] = {}
        """Explicit card id → where it was first given (its node and key path)."""
        self.theme_lines: dict[str, int] = {}
        """Theme id → the line where it is first defined."""

    # -- values of deckgen's format ----------------------------------------------------------------

    def slug(self, node: Node | None, key_path: str, pattern: re.Pattern[str] = _SLUG) -> str:
        """An id: lowercase letters and digits joined by ``- . _`` (and ``/`` for a card id, see :data:`_CARD_ID`)."""
        value = self.text(node, key_path)
        if value and not pattern.match(value):
            example = "/ (e.g. 'tang-jie' or 'first/qa/1')" if pattern is _CARD_ID else "(e.g. 'tang-jie')"
            message = f"'{clip(value)}' is not a valid id: use lowercase letters, digits and - . _ {example}"
            self.error(node, key_path, message)
            return ""
        return value

    def deck_name(self, node: Node | None, key_path: str) -> str:
        """A deck name as typed; ``::`` separates subdecks, so an empty part (``A::::B``, ``A::``) is an error."""
        value = self.text(node, key_path)
        if value:
            try:
                normalize_deck_name(value)
            except ValueError:
                self.error(
                    node,
                    key_path,
                    f"deck name '{clip(value)}' has an empty part between '::' separators "
                    "(Anki would make a deck called 'blank'); write e.g. 'AGI-Next 2026::Agents'",
                )
                return ""
        return value

    def name_part(self, node: Node | None, key_path: str) -> str:
        """Text that becomes part of a deck name (a theme's or a person's name), so it must not contain ``::``."""
        value = self.text(node, key_path)
        if "::" in value:
            self.error(
                node,
                key_path,
                f"'{clip(value)}' contains '::', which separates subdecks in Anki deck names; write it without '::'",
            )
            return ""
        return value

    def ref(self, node: Node | None, key_path: str, known: set[str], what: str) -> str:
        """An id that must be one of ``known`` (ids whose definition is broken are ``''`` and never match)."""
        value = self.text(node, key_path)
        if value and value not in known:
            listed = sorted(k for k in known if k)  # only for the message: sorting on every reference is quadratic
            hint = f"known: {', '.join(listed)}" if listed else f"no valid {what} is defined"
            self.error(node, key_path, f"unknown {what} '{clip(value)}'{suggest(value, listed)}; {hint}")
            return ""
        return value

    def number(self, node: Node | None, key_path: str) -> int:
        """A judgment number: ASCII digits, 1 up, at most :data:`MAX_NUMBER_DIGITS` digits (0 when broken)."""
        value = self.text(node, key_path)
        if value and not (value.isascii() and value.isdigit() and value.strip("0")):
            self.error(node, key_path, f"expected a whole number from 1 up, found '{clip(value)}'")
            return 0
        if len(value.lstrip("0")) > MAX_NUMBER_DIGITS:
            self.error(
                node,
                key_path,
                f"number '{clip(value)}' is too large; judgment numbers have at most {MAX_NUMBER_DIGITS} digits",
            )
            return 0
        return int(value) if value else 0

    def tags(self, node: Node | None, key_path: str) -> tuple[str, ...]:
        if node is None:
            return ()
        out = []
        for sub, item in self.sequence(node, key_path, "[agent, design]"):
            tag = self.text(item, sub)
            if not tag:
                continue
            if any(ch.isspace() for ch in tag):
                fixed = "_".join(tag.split())
                message = f"tag '{clip(tag)}' contains spaces, which separate tags in Anki; using '{fixed}'"
                self.error(item, sub, message, Severity.WARNING)
                tag = fixed
            if any(not part for part in tag.split("::")):
                self.error(item, sub, f"tag '{clip(tag)}' has an empty '::' part; write e.g. 'topic::agents'")
                continue
            out.append(tag)
        return tuple(out)

    def image(self, node: Node | None, key_path: str) -> str | None:
        """An image path relative to the source's folder; it must be a file of one of :data:`IMAGE_SUFFIXES`
        and stay inside that folder, so a source cannot package files from elsewhere on the machine
        (``../../.ssh/id_rsa``) or files that are no image (``.env``)."""
        value = self.text(node, key_path) if node is not None else ""
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
                key_path,
                f"image '{clip(value)}' is outside the source file's folder; put images in "
                "that folder (e.g. figs/) and give the path relative to it",
            )
            return None
        if folder:
            self.error(node, key_path, f"image '{clip(value)}' is a folder; name an image file in it")
            return None
        if Path(value).suffix.lower() not in IMAGE_SUFFIXES or real.suffix.lower() not in IMAGE_SUFFIXES:
            suffixes = ", ".join(IMAGE_SUFFIXES)
            self.error(node, key_path, f"image '{clip(value)}' is not an image file; use one of {suffixes}")
            return None
        if not found:
            self.error(
                node,
                key_path,
                f"image '{clip(value)}' not found (looked for {clip(str(target), 80)}); paths "
                "are relative to the source file's folder",
            )
            return None
        return value

    # -- the document ------------------------------------------------------------------------------

    def source(self, root: Node) -> Source | None:
        top = self.mapping(
            root,
            "",
            {"deck": True, "themes": True, "people": True, "judgments": True, "decks": False},
            " with deck:, themes:, people: and judgments:",
        )
        if top is None:
            return None
        deck_keys = {"id": True, "name": True, "description": False, "source": False, "markup": False}
        deck = (self.mapping(top["deck"], "deck", deck_keys) if "deck" in top else None) or {}
        credit = self.mapping(deck["source"], "deck.source", {"title": True, "by": False}) if "source" in deck else {}
        credit = credit or {}
        themes = self.themes(top.get("themes"))
        people = self.people(top.get("people"))
        theme_ids, person_ids = {t.id for t in themes}, {p.id for p in people}
        judgments = self.judgments(top.get("judgments"), theme_ids, person_ids)
        decks = self.decks(top.get("decks"), theme_ids, person_ids)
        return Source(
            path=self.file,
            deck_id=self.slug(deck.get("id"), "deck.id"),
            name=self.deck_name(deck.get("name"), "deck.name"),
            description=self.text(deck.get("description"), "deck.description", required=False),
            source_title=self.text(credit.get("title"), "deck.source.title"),
            source_by=self.text(credit.get("by"), "deck.source.by", required=False),
            themes=themes,
            people=people,
            judgments=judgments,
            decks=decks,
            markup=self.choice(deck.get("markup"), "deck.markup", MARKUPS),
            warnings=tuple(p for p in self.problems if p.severity == Severity.WARNING),
        )

    def themes(self, node: Node | None) -> tuple[Theme, ...]:
        out: list[Theme] = []
        if node is None:
            return ()
        self._themes(node, "themes", None, out)
        if not out and is_sequence(node):
            self.error(node, "themes", "define at least one theme")
        return tuple(out)

    def _themes(self, node: Node, key_path: str, parent: str | None, out: list[Theme]) -> None:
        for sub, item in self.sequence(node, key_path, "[{id: agent, zh: Agent, en: Agents}]"):
            keys = {"id": True, "zh": True, "en": True}
            if parent is None:
                keys["subthemes"] = False
            fields = self.mapping(item, sub, keys)
            if fields is None:
                continue
            theme_id = self.slug(fields.get("id"), f"{sub}.id")
            if theme_id and theme_id in self.theme_lines:
                first = self.theme_lines[theme_id]
                message = f"theme id '{theme_id}' is defined twice (first at line {first}); give each theme its own id"
                self.error(fields["id"], f"{sub}.id", message)
            elif theme_id:
                self.theme_lines[theme_id] = fields["id"].start_mark.line + 1
            zh, en = self.name_part(fields.get("zh"), f"{sub}.zh"), self.name_part(fields.get("en"), f"{sub}.en")
            out.append(Theme(theme_id, zh, en, parent))
            if "subthemes" in fields:
                self._themes(fields["subthemes"], f"{sub}.subthemes", theme_id, out)

    def people(self, node: Node | None) -> tuple[Person, ...]:
        out: dict[str, Person] = {}
        if node is None:
            return ()
        keys = {"id": True, "name": True, "roman": True, "affiliation": False, "title": False}
        for sub, item in self.sequence(node, "people", "[{id: tang-jie, name: 唐杰, roman: Tang Jie}]"):
            fields = self.mapping(item, sub, keys)
            if fields is None:
                continue
            person_id = self.slug(fields.get("id"), f"{sub}.id")
            if person_id and person_id in out:
                first = out[person_id].loc
                self.error(
                    fields["id"],
                    f"{sub}.id",
                    f"person id '{person_id}' is defined twice (first at line {first.line if first else 0}); "
                    "give each person their own id",
                )
            person = Person(
                person_id,
                self.name_part(fields.get("name"), f"{sub}.name"),
                self.text(fields.get("roman"), f"{sub}.roman"),
                self.text(fields.get("affiliation"), f"{sub}.affiliation", required=False),
                self.text(fields.get("title"), f"{sub}.title", required=False),
                self.loc(item, sub),
            )
            out.setdefault(person_id, person)
        return tuple(out.values())

    def judgments(self, node: Node | None, themes: set[str], people: set[str]) -> tuple[Judgment, ...]:
        if node is None:
            return ()
        keys = {
            **{"id": True, "number": True, "theme": True, "speakers": False, "zh": True, "en": True},
            **{"editors_note": False, "tags": False, "cards": True},
        }
        out: list[Judgment] = []
        ids: dict[str, str] = {}
        numbers: dict[int, str] = {}
        items = self.sequence(node, "judgments", "[{id: ..., number: 1, ...}]")
        if not items and is_sequence(node):
            self.error(node, "judgments", "the list is empty; add at least one judgment")
        without_cards = 0  # judgments written with `cards: []`
        for sub, item in items:
            fields = self.mapping(item, sub, keys)
            if fields is None:
                continue
            cards_node = fields.get("cards")
            without_cards += cards_node is not None and is_sequence(cards_node) and not cards_node.value
            jid = self.slug(fields.get("id"), f"{sub}.id")
            if jid and jid in ids:
                message = f"judgment id '{jid}' is already used at {ids[jid]}; ids must be unique and never reused"
                self.error(fields["id"], f"{sub}.id", message)
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
                    zh = self.text(nf.get("zh"), f"{sub}.editors_note.zh")
                    note = Bilingual(zh, self.text(nf.get("en"), f"{sub}.editors_note.en"))
            cards = self.cards(fields.get("cards"), f"{sub}.cards", people, note is not None)
            claim = Bilingual(self.text(fields.get("zh"), f"{sub}.zh"), self.text(fields.get("en"), f"{sub}.en"))
            judgment = Judgment(
                id=jid,
                number=number,
                theme=theme,
                speakers=tuple(speakers),
                claim=claim,
                cards=cards,
                loc=self.loc(item, sub),
                editors_note=note,
                tags=self.tags(fields.get("tags"), f"{sub}.tags"),
            )
            out.append(judgment)
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
                key = spec.default_key(j.id)
                if spec.id is None and j.id and key in self.card_ids:
                    node, key_path = self.card_ids[key]
                    self.error(
                        node,
                        key_path,
                        f"card id '{key}' is also the key of the card at line {spec.loc.line} "
                        f"({spec.loc.key_path}), which has no id and is keyed by its position; "
                        "give that card an id too",
                    )

    def cards(self, node: Node | None, key_path: str, people: set[str], has_note: bool) -> tuple[CardSpec, ...]:
        if node is None:
            return ()
        out: list[CardSpec] = []
        counts: dict[str, int] = {}
        items = self.sequence(node, key_path, "[{q: ..., a: ...}]")  # [] is allowed: lint's judgment-without-cards
        for sub, item in items:
            if not is_mapping(item):
                if self.visit(item, sub):
                    found = kind_name(item)
                    self.error(item, sub, f"expected a card (a mapping such as {{q: ..., a: ...}}), found {found}")
                continue
            keys = [k.value for k, _ in item.value if is_scalar(k)]
            kinds = [_KIND_OF_KEY[k] for k in keys if k in _KIND_OF_KEY]
            if len(kinds) != 1:
                found = "none" if not kinds else " and ".join(k for k in keys if k in _KIND_OF_KEY)
                self.error(
                    item,
                    sub,
                    "a card needs exactly one of q (question/answer), term (concept), of (list) or cloze; "
                    f"found {found}",
                )
                continue
            kind = kinds[0]
            fields = self.mapping(item, sub, {**_CARD_KEYS[kind], **dict.fromkeys(_COMMON_CARD_KEYS, False)})
            if fields is None:
                continue
            counts[kind] = counts.get(kind, 0) + 1
            own = self.card_fields(kind, fields, sub, people)
            context = self.choice(fields.get("context"), f"{sub}.context", ("claim", "editors"))
            if context == "editors" and not has_note:
                message = "context is 'editors' but the judgment has no editors_note; add one"
                self.error(fields["context"], f"{sub}.context", message)
            card_id = self.slug(fields["id"], f"{sub}.id", _CARD_ID) if "id" in fields else ""
            if card_id in self.card_ids:
                first, first_path = self.card_ids[card_id]
                self.error(
                    fields["id"],
                    f"{sub}.id",
                    f"card id '{card_id}' is already used at line {first.start_mark.line + 1} ({first_path}); "
                    "each card needs its own id",
                )
            elif card_id:
                self.card_ids[card_id] = (fields["id"], f"{sub}.id")
            spec = _SPEC_TYPES[kind](
                n=counts[kind],
                loc=self.loc(item, sub),
                id=card_id or None,
                context=context,
                tags=self.tags(fields.get("tags"), f"{sub}.tags"),
                image=self.image(fields.get("image"), f"{sub}.image"),
                **own,
            )
            out.append(spec)
        return tuple(out)

    def card_fields(self, kind: str, fields: dict[str, Node], key_path: str, people: set[str]) -> dict[str, Any]:
        """The validated values of a card kind's own keys (:data:`_CARD_KEYS`), by key."""
        out: dict[str, Any] = {}
        for key, required in _CARD_KEYS[kind].items():
            sub = f"{key_path}.{key}"
            if key == "items":
                items = (
                    [self.text(n, p) for p, n in self.sequence(fields[key], sub, "[first, second]")]
                    if key in fields
                    else []
                )
                if key in fields and len(items) < 2:
                    self.error(fields[key], sub, "a list card needs at least two items")
                out[key] = tuple(i for i in items if i)
            elif key == "by":
                out[key] = self.ref(fields.get(key), sub, people, "person") if key in fields else ""
            elif key == "reverse":
                out[key] = self.boolean(fields.get(key), sub)
            else:
                out[key] = self.text(fields.get(key), sub, required=required) if key in fields else ""
        problem = cloze_error(out["cloze"]) if kind == "cloze" and out["cloze"] else None
        if problem:
            self.error(fields["cloze"], f"{key_path}.cloze", problem)
        return out

    def decks(self, node: Node | None, themes: set[str], people: set[str]) -> tuple[NamedDeck, ...]:
        if node is None:
            return ()
        out: dict[str, NamedDeck] = {}
        keys = {"key": True, "name": True, "description": False, "select": True}
        known = {"theme": (themes, "theme"), "speaker": (people, "person")}
        for sub, item in self.sequence(node, "decks", "[{key: agent, name: ..., select: {theme: [agent]}}]"):
            fields = self.mapping(item, sub, keys)
            if fields is None:
                continue
            key = self.slug(fields.get("key"), f"{sub}.key")
            if key and key in out:
                first = out[key].loc.line
                message = f"deck key '{key}' is defined twice (first at line {first}); give each deck its own key"
                self.error(fields["key"], f"{sub}.key", message)
            options: dict[str, tuple[str, ...]] = {}
            if "select" in fields:
                sel = self.mapping(fields["select"], f"{sub}.select", dict.fromkeys(SELECTION_OPTIONS, False)) or {}
                for option, value in sel.items():
                    opath = f"{sub}.select.{option}"
                    values = self.sequence(value, opath, "[agent]") if is_sequence(value) else [(opath, value)]
                    if not values:
                        self.error(
                            value,
                            opath,
                            f"the list is empty, so it would select nothing; name at least one {option} or "
                            f"remove {option}:",
                        )
                    options[option] = tuple(
                        self.ref(n, p, *known[option]) if option in known else self.text(n, p) for p, n in values
                    )
                if not options:
                    choices = ", ".join(SELECTION_OPTIONS)
                    self.error(fields["select"], f"{sub}.select", f"select at least one of {choices}")
            deck = NamedDeck(
                key,
                self.deck_name(fields.get("name"), f"{sub}.name"),
                self.text(fields.get("description"), f"{sub}.description", required=False),
                Selection.from_options(options),
                self.loc(item, sub),
                self.loc(fields.get("select", item), f"{sub}.select"),
            )
            out.setdefault(key, deck)
        return tuple(out.values())
