"""The source model: what a hand-edited YAML source says, after validation.

Every object is a frozen dataclass. Objects that a person may need to find again (a judgment, a card spec)
carry a :class:`Loc` pointing into the YAML file they came from, so later stages (generation, identity
checks, lint) can report problems at the right line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Loc:
    """Where a value was written: file path as given, 1-based line and column, and the document path."""

    file: str
    line: int
    col: int
    path: str


@dataclass(frozen=True)
class Theme:
    """A section of the source (``divergence`` / 分化), possibly a sub-theme of another."""

    id: str
    zh: str
    en: str
    parent: str | None = None
    """Id of the parent theme for a sub-theme (``self-learning`` → ``new-paradigm``), else None."""

    @property
    def label(self) -> str:
        """``"分化 Divergence"``; just one name when both are the same."""
        return self.zh if self.zh == self.en else f"{self.zh} {self.en}"


@dataclass(frozen=True)
class Person:
    """A speaker: ``name`` as the article writes it (唐杰), ``roman`` its romanisation (Tang Jie)."""

    id: str
    name: str
    roman: str
    affiliation: str = ""
    """Only what the article states; empty when it states none."""
    title: str = ""
    loc: Loc | None = field(default=None, compare=False)
    """Where the person is defined in the source (None for a person made in code)."""

    @property
    def label(self) -> str:
        """``"唐杰 (Tang Jie)"``."""
        return f"{self.name} ({self.roman})"


@dataclass(frozen=True)
class Text2:
    """The same statement in Chinese and English."""

    zh: str
    en: str


@dataclass(frozen=True)
class CardSpec:
    """How (part of) a judgment becomes notes.

    ``kind`` is one of ``qa`` (``q``/``a``), ``concept`` (``term``/``by``/``means``), ``list``
    (``of``/``items``) or ``cloze`` (``cloze``/``extra``); ``data`` holds that kind's validated fields as
    strings (``items`` as a tuple of strings, ``reverse`` as a bool).
    """

    kind: str
    data: dict
    n: int
    """1-based position among the judgment's specs of the same kind; part of the default key."""
    loc: Loc
    id: str | None = None
    """Explicit stable key given in the source, else None (the key is then ``<judgment>/<kind>/<n>``)."""
    context: str = "claim"
    """``claim`` (the judgment's claim is the card's context) or ``editors`` (the editors' note is)."""
    tags: tuple[str, ...] = ()
    image: str | None = None
    """Path of an image, relative to the source file's folder, shown on the card's back."""


@dataclass(frozen=True)
class Judgment:
    """A numbered claim of the source and the card specs that turn it into notes."""

    id: str
    number: int
    theme: str
    speakers: tuple[str, ...]
    claim: Text2
    cards: tuple[CardSpec, ...]
    loc: Loc
    editors_note: Text2 | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class NamedDeck:
    """A deck defined in the source's ``decks:`` section: a key, a display name and a selection."""

    key: str
    name: str
    description: str
    selection: dict
    """Option name → tuple of values, the same shape :func:`deckgen.select.Selection.from_options` takes."""
    loc: Loc
    select_loc: Loc
    """Where its ``select:`` mapping is written (problems of the selection are reported there)."""


@dataclass(frozen=True)
class Source:
    """One validated YAML source file: one deck's worth of judgments."""

    path: str
    deck_id: str
    """Stable slug (``agi-next-2026``); the namespace of every GUID. Never change it."""
    name: str
    description: str
    source_title: str
    source_by: str
    themes: tuple[Theme, ...]
    people: tuple[Person, ...]
    judgments: tuple[Judgment, ...]
    decks: tuple[NamedDeck, ...] = ()
    markup: str = "text"
    """How text fields become HTML: ``text`` (escaped as typed) or ``markdown`` (a sanitised subset, see
    :func:`deckgen.generate.markdown_html`)."""
    warnings: tuple = field(default=(), compare=False)
    """Problems of severity ``warning`` found while loading (tuple of :class:`deckgen.errors.Problem`)."""

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id (KeyError if none)."""
        return self._themes[theme_id]

    def theme_path(self, theme_id: str) -> str:
        """The theme's label after its parent's: ``"新范式 New paradigm › 自主学习 Self-learning"`` (KeyError if
        no such theme)."""
        theme = self.theme(theme_id)
        return f"{self.theme(theme.parent).label} › {theme.label}" if theme.parent else theme.label

    def person(self, person_id: str) -> Person:
        """The person with this id (KeyError if none)."""
        return self._people[person_id]

    @cached_property
    def _themes(self) -> dict[str, Theme]:
        return {t.id: t for t in self.themes}

    @cached_property
    def _people(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}
