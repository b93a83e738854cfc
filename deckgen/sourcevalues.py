"""The kinds of value deckgen's source format has: ids, deck names, names that become part of one,
references to ids defined elsewhere, judgment numbers, tags, image paths, language tags and labels.

:class:`ValueReader` adds them to the generic :class:`deckgen.yamlnodes.NodeReader`; :mod:`deckgen.load`
reads the document's structure with them. Each reader records a located problem and returns a neutral
value (``""``, ``0``, ``None``) when the value is wrong.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .errors import Severity, clip, clip_list, code_points, only_invisible, suggest
from .labels import DEFAULTS, IN_DECK_NAMES, Labels, defaults_for, label_problem
from .languages import tag_problem
from .model import DEFAULT_LANGUAGES, MAX_NUMBER_DIGITS, Person
from .yamlnodes import NodeReader, is_sequence

if TYPE_CHECKING:
    from .yamlnodes import Node

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
"""File types ``image:`` accepts: the images every Anki client shows in an ``<img>`` (sound would need
``[sound:…]``, which deckgen does not write)."""

MAX_ID = 100
"""Most characters in an id. Ids name files (``<deck-id>.ledger.json``, ``<deck-id>-<deck key>.apkg``), and a
file name has at most 255 bytes, so what ``check`` accepts is what ``build`` can write."""

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
CARD_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_./][a-z0-9]+)*$")
"""An id (a slug) is lowercase letters and digits joined by ``- _ .``; a card id may also contain ``/``, so
that ``id: first/qa/1`` pins the key a card had by default."""


_PART_ENDS = re.compile(r"^[\s:]+|[\s:]+$")
"""What Anki trims from both ends of each part of a deck name: whitespace and ``:`` (rslib ``decks/name.rs``,
``normalized_deck_name_component``)."""


def deck_name_part(text: str) -> str:
    """One ``::`` part of a deck name as Anki keeps it: whitespace and ``:`` trimmed from both ends (see
    :data:`_PART_ENDS`), inner spaces collapsed; empty if nothing else is left (Anki would name it "blank")."""
    return " ".join(_PART_ENDS.sub("", text).split())


def readable_id(*names: str) -> str:
    """An id made from the first of ``names`` that gives one: ``"Rust Notes 2!"`` → ``rust-notes-2``, accents
    folded, other letters dropped (``"我的卡组"`` gives none, so the next name is tried), at most 40
    characters; ``""`` when no name gives one. ``deckgen init`` names a deck id and a source file with it, and
    a message about an invalid id suggests it."""
    import unicodedata

    for name in names:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        if made := re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-"):
            return made
    return ""


def names_of(people: Iterable[Person]) -> dict[str, list[str]]:
    """Each name and romanisation of ``people``, case-folded → the ids of the people so called, for
    :func:`called_hint`."""
    out: dict[str, list[str]] = {}
    for person in people:
        for name in dict.fromkeys((person.name, person.roman)):
            if name and person.id:
                out.setdefault(name.casefold(), []).append(person.id)
    return out


def called_hint(what: str, value: str, called: dict[str, list[str]]) -> str:
    r"""What a message about an unknown reference ``value`` adds when it is the name of something that has an
    id: the ids of the ``what``\ s of that name (``called``, from :func:`names_of`), or ``""`` for none."""
    ids = called.get(value.casefold(), [])
    if len(ids) == 1:
        return f" (the {what} of that name has the id '{ids[0]}': write the id)"
    if ids:
        plural = "people" if what == "person" else f"{what}s"
        return f" (the {plural} of that name have the ids {', '.join(repr(i) for i in ids)}: write one of them)"
    return ""


def normalize_deck_name(name: str) -> str:
    """Tidy a deck name as Anki will: parts split on ``::`` lose whitespace and ``:`` at both ends, as Anki
    trims them (rslib ``decks/name.rs``, ``normalized_deck_name_component``), and inner spaces are collapsed
    (``"A :: B"`` → ``"A::B"``, ``"A:::B"`` → ``"A::B"``). Raises ValueError for an empty name or an empty part
    (``A::::B``, ``A::``, ``A:: : ``), which Anki would turn into a deck called "blank", or a part of only
    invisible characters (:func:`only_invisible`), which it shows as a blank name, and for a name whose
    first part is ``Default`` in any case (``Default:`` too): Anki's import renames such a deck ``Default_``
    (or, for ``Default::X``, puts it inside the user's Default deck), measured with the ``anki`` package."""
    parts = [deck_name_part(part) for part in name.split("::")]
    if unseen := next((p for p in parts if p and only_invisible(p)), None):
        raise ValueError(
            f"deck name '{clip(name)}' has a part of only invisible characters ({code_points(unseen)}), which "
            "Anki shows as a blank name; write the name it stands for"
        )
    if not all(parts):
        raise ValueError(
            f"deck name '{clip(name)}' has an empty part between '::' separators (Anki would make a deck "
            "called 'blank'); write e.g. 'AGI-Next 2026::Agents'"
        )
    if parts[0].casefold() == "default":
        raise ValueError(
            f"deck name '{clip(name)}' is Anki's own deck 'Default' (its id is 1): an import puts the cards in "
            "a deck 'Default_', or inside your Default deck; choose another name"
        )
    return "::".join(parts)


def _named_otherwise(folder: Path, value: str) -> str | None:
    """``value``, a path relative to ``folder`` that does not exist, with each part that is missing replaced by
    the entry beside it whose name is that part's in another Unicode normalization, if that finds the path:
    source text is read in NFC (as Anki stores it), while macOS writes file and folder names in NFD
    (``re\u0301sume\u0301.svg``), and Linux tells the two apart. None if there is no such path, or it cannot
    be looked for."""
    import unicodedata

    try:
        if (folder / value).exists():
            return None
        here, parts = folder, list[str]()
        for part in Path(value).parts:
            if not (here / part).exists():
                wanted = unicodedata.normalize("NFC", part)
                twin = next((e for e in here.iterdir() if unicodedata.normalize("NFC", e.name) == wanted), None)
                if twin is None:
                    return None
                part = twin.name
            here, parts = here / part, [*parts, part]
        return str(Path(*parts))
    except (OSError, ValueError):
        return None


class ValueReader(NodeReader):
    """A :class:`NodeReader` for one source file in ``folder`` (image paths are relative to it) that also
    reads deckgen's kinds of value."""

    def __init__(self, file: str, folder: Path, node_budget: int, text_budget: int):
        super().__init__(file, node_budget, text_budget)
        self.folder = folder
        self.called: dict[str, dict[str, list[str]]] = {}
        """What an unknown reference may be meant as, by kind (``person``): a name, case-folded → the ids of
        what has that name."""

    def card_id(self, node: Node | None, key_path: str) -> str:
        """A card id: a :meth:`slug` that may also contain ``/`` (see :data:`CARD_ID_PATTERN`)."""
        return self.slug(node, key_path, CARD_ID_PATTERN)

    def slug(self, node: Node | None, key_path: str, pattern: re.Pattern[str] = SLUG_PATTERN) -> str:
        """An id: lowercase letters and digits joined by ``- . _``, at most :data:`MAX_ID` characters."""
        value = self.text(node, key_path)
        if value and not pattern.match(value):
            made = readable_id(value) or "tang-jie"  # the value made an id, where it gives one
            example = f"/ (e.g. '{made}' or 'first/qa/1')" if pattern is CARD_ID_PATTERN else f"(e.g. '{made}')"
            message = f"'{clip(value)}' is not a valid id: use lowercase letters, digits and - . _ {example}"
            self.error(node, key_path, message)
            return ""
        if len(value) > MAX_ID:
            message = f"id '{clip(value)}' has {len(value)} characters; ids have at most {MAX_ID}"
            self.error(node, key_path, message)
            return ""
        return value

    def deck_name(self, node: Node | None, key_path: str) -> str:
        """A deck name as typed; ``::`` separates subdecks, so an empty part (``A::::B``, ``A::``) is an error."""
        value = self.text(node, key_path)
        if value:
            try:
                normalize_deck_name(value)
            except ValueError as err:
                self.error(node, key_path, str(err))
                return ""
        return value

    def name_part(self, node: Node | None, key_path: str) -> str:
        """Text that becomes part of a deck name (a theme's or a person's name), so it must not contain ``::``."""
        value = self.text(node, key_path)  # a text of only invisible characters is an error there
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
            hint = f"known: {clip_list(listed)}" if listed else f"no valid {what} is defined"
            why = called_hint(what, value, self.called.get(what, {})) or suggest(value, listed)
            self.error(node, key_path, f"unknown {what} '{clip(value)}'{why}; {hint}")
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
        """A list of Anki tags: a tag with spaces gets ``_`` instead (a warning), an empty ``::`` part is an
        error."""
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
        if (on_disk := _named_otherwise(self.folder, value)) is not None:  # text is NFC; a Mac writes NFD names
            value, target = on_disk, self.folder / on_disk
        try:
            real = target.resolve()  # a symlink is judged by what it points at
            inside = real.is_relative_to(self.folder.resolve())
            found = target.is_file()
            folder = target.is_dir()
        except (OSError, RuntimeError, ValueError) as err:  # a name too long for the file system, say
            if isinstance(err, RuntimeError) or getattr(err, "errno", None) == errno.ELOOP:  # 3.13 raises OSError
                self.error(node, key_path, f"image '{clip(value)}' is a loop of symbolic links; name the file itself")
                return None
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
        if not found and os.path.exists(target):  # a pipe, a socket, a device (or a link to one)
            self.error(node, key_path, f"image '{clip(value)}' is not a regular file; name an image file")
            return None
        if not found:
            self.error(
                node,
                key_path,
                f"image '{clip(value)}' not found (looked for {clip(str(target), 80)}){_beside(value, target)}; "
                "paths are relative to the source file's folder",
            )
            return None
        return value

    def language_tags(
        self, node: Node | None, written: Callable[[], tuple[str, ...]] = lambda: DEFAULT_LANGUAGES
    ) -> tuple[str, ...]:
        """``deck.languages``: one or two distinct, well-formed language tags (see
        :func:`deckgen.languages.tag_problem`); a single tag may be written without brackets. Without the
        key, :data:`deckgen.model.DEFAULT_LANGUAGES`; with no valid tag in it (each one an error), the
        languages the source is ``written`` in, so that its texts bring no second error each."""
        if node is None:
            return DEFAULT_LANGUAGES
        key_path = "deck.languages"
        items = self.sequence(node, key_path, "[en] or [zh, en]") if is_sequence(node) else [(key_path, node)]
        tags: list[str] = []
        for sub, item in items:
            tag = self.text(item, sub)
            problem = tag_problem(tag) if tag else None
            if problem:
                self.error(item, sub, problem)
            elif tag and tag.lower() in (t.lower() for t in tags):
                self.error(item, sub, f"'{tag}' is listed twice; name each language once")
            elif tag:
                tags.append(tag)
        if is_sequence(node) and not 1 <= len(items) <= 2:
            message = f"name one language or two (e.g. [en] or [zh, en]), not {len(items)}"
            self.error(node, "deck.languages", message)
        return tuple(tags[:2]) or written()

    def labels(self, fields: dict[str, Node], language: str, where: Node) -> Labels:
        """``deck.labels`` (its keys' values, read by :meth:`mapping` with the keys of
        :func:`deckgen.schema.keys`) over deckgen's defaults for ``language`` (the source's last). When deckgen
        has none for it and a label is not set, a warning at ``where`` (``deck.languages``) names the labels
        left in English."""
        key, defaults = defaults_for(language)
        given: dict[str, Any] = {}
        for name, value in fields.items():
            sub = f"deck.labels.{name}"
            if name == "count_words":
                words = [self.text(n, p) for p, n in self.sequence(value, sub, "[zero, one, two, three]")]
                if is_sequence(value) and not words:
                    self.error(value, sub, "the list is empty; give the words for zero, one, two, …")
                elif all(words) and words:
                    given[name] = tuple(words)
                continue
            text = self.name_part(value, sub) if name in IN_DECK_NAMES else self.text(value, sub)
            problem = label_problem(name, text) if text else None
            if problem:
                self.error(value, sub, problem)
            elif text:
                given[name] = text
        missing = [name for name in Labels._fields if name not in fields]
        if key is None and missing:
            have = ", ".join(DEFAULTS)
            message = (
                f"deckgen has no labels for '{language}' (it has {have}), so these are in English: "
                f"{', '.join(missing)}; set them under deck.labels"
            )
            self.error(where, "deck.languages", message, Severity.WARNING)
        return defaults._replace(**given)


def _beside(value: str, target: Path) -> str:
    """`` (did you mean 'media/reich.svg'?)`` for the closest name (by :func:`deckgen.errors.suggest`) of the
    files in the folder an image ``value`` (found nowhere, at ``target``) names: a name in another case, which a
    case-sensitive file system tells apart."""
    try:
        names = [n for n in os.listdir(target.parent) if Path(n).suffix.lower() in IMAGE_SUFFIXES]
    except OSError:
        return ""
    written = PurePosixPath(value).parent
    return suggest(value, [str(written / n) for n in names])
