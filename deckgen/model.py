"""The source model: what a hand-edited YAML source says, after validation, and what selects part of it.

Every object is a frozen dataclass. Objects that a person may need to find again (a judgment, a card spec)
carry a :class:`deckgen.errors.Loc` pointing into the YAML file they came from, so later stages
(generation, identity checks, lint) can report problems at the right line. A card spec is one class per
kind (:class:`QACard`, :class:`ConceptCard`, :class:`ListCard`, :class:`ClozeCard`), each naming its kind in
the class attribute ``KIND``.

Imports only the standard library and the base modules (:mod:`deckgen.errors`, :mod:`deckgen.labels`).

Text in the source's languages (a claim, an editors' note, a theme's names) is one value per language, in
the order of :attr:`Source.languages` (:class:`Texts`, :attr:`Theme.names`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

from .errors import Loc, Problem, SelectionError, clip
from .labels import DEFAULTS, Labels

__all__ = [
    "CardSpec",
    "ClozeCard",
    "ConceptCard",
    "Judgment",
    "ListCard",
    "Loc",
    "NamedDeck",
    "Person",
    "QACard",
    "Selection",
    "Source",
    "Texts",
    "Theme",
]

DEFAULT_LANGUAGES = ("zh", "en")
"""The languages of a source without ``deck.languages``: those of the first source, which was written before
sources could say."""

MAX_NUMBER_DIGITS = 9
"""Most digits in a judgment number (in a source or a selection): far past any real source, and short
enough that no digit string is ever converted whole (Python refuses ``int()`` on over 4,300 digits)."""

CONTEXTS = ("claim", "editors")
"""What a card spec's ``context:`` may be (:attr:`CardSpec.context`); the first is the default."""

SELECTION_OPTIONS = ("theme", "speaker", "tag", "judgment")
"""The keys of a named deck's ``select:`` and the CLI's selection options (``--theme`` …), in this order."""

_RANGE = re.compile(r"\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?")
"""A judgment number or range as typed: ASCII digits only (``int`` would also read ``٣`` as 3)."""


def fold_tag(tag: str) -> str:
    """A tag as Anki's collection compares it when it registers tags: NFC, case-folded in full (rslib
    ``tags/register.rs`` compares them with ``UniCase``, so ``Straße`` and ``STRASSE`` become one tag)."""
    return unicodedata.normalize("NFC", tag).casefold()


@functools.lru_cache(maxsize=4096)
def search_tag(tag: str) -> str:
    """A tag as Anki's ``tag:`` search compares it: NFC, each character case-folded alone (rslib
    ``search/sqlwriter.rs`` matches a case-insensitive regex, whose simple case folding makes ``ẞ`` find ``ß``,
    ``μ`` find ``µ`` and ``σ`` find ``ς``, but ``ss`` not ``ß``, nor ``fi`` ``ﬁ``): a character whose full
    folding is longer (``ß`` → ``ss``) is lower-cased instead, or kept. Cached: a selection compares the same
    few tags for every note."""
    return "".join(map(_simple_fold, unicodedata.normalize("NFC", tag)))


def _simple_fold(ch: str) -> str:
    folded = ch.casefold()
    if len(folded) == 1:
        return folded
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


def tag_matches(tag: str, wanted: str) -> bool:
    """Whether the folded ``tag`` is the folded ``wanted`` or a child of it (``topic`` → ``topic::agents``)."""
    return tag == wanted or tag.startswith(wanted + "::")


@dataclass(frozen=True)
class Theme:
    """A section of the source (``divergence`` / 分化), possibly a sub-theme of another."""

    id: str
    names: tuple[str, ...]
    """The theme's name in each of the source's languages: ``("分化", "Divergence")``."""
    parent: str | None = None
    """Id of the parent theme for a sub-theme (``self-learning`` → ``new-paradigm``), else None."""

    @property
    def label(self) -> str:
        """``"分化 Divergence"``: the names joined by a space, a name said twice only once (``"Agent"``)."""
        return " ".join(dict.fromkeys(self.names))


@dataclass(frozen=True)
class Person:
    """A speaker: ``name`` as the source writes it (唐杰), ``roman`` its romanisation (Tang Jie) or empty."""

    id: str
    name: str
    roman: str = ""
    """Required by the loader only when the name is not in Latin letters and one of the source's languages is
    written in Latin script (:func:`deckgen.languages.written_in_latin`)."""
    affiliation: str = ""
    """Only what the article states; empty when it states none."""
    title: str = ""
    loc: Loc | None = field(default=None, compare=False)
    """Where the person is defined in the source (None for a person made in code)."""

    @property
    def label(self) -> str:
        """``"唐杰 (Tang Jie)"``; just the name without a romanisation (``"Jane Doe"``)."""
        return f"{self.name} ({self.roman})" if self.roman else self.name

    @property
    def spoken(self) -> str:
        """The name and romanisation side by side, as a deck name shows them: ``"唐杰 Tang Jie"``."""
        return f"{self.name} {self.roman}" if self.roman else self.name


@dataclass(frozen=True)
class Texts:
    """The same statement in each of the source's languages, in the order of :attr:`Source.languages`."""

    values: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CardSpec:
    """How (part of) a judgment becomes notes; the fields every kind of card spec has.

    Subclasses add their kind's validated fields (plain text, as typed) and set ``KIND``.
    """

    KIND: ClassVar[str]
    """``"qa"``, ``"concept"``, ``"list"`` or ``"cloze"``: part of the default key."""
    n: int
    """1-based position among the judgment's specs of the same kind; part of the default key."""
    loc: Loc
    id: str | None = None
    """Explicit stable key given in the source, else None (the key is then :meth:`default_key`)."""
    context: str = "claim"
    """``claim`` (the judgment's claim is the card's context) or ``editors`` (the editors' note is)."""
    tags: tuple[str, ...] = ()
    image: str | None = None
    """Path of an image, relative to the source file's folder, shown on the card's back."""

    def default_key(self, judgment_id: str) -> str:
        """The key of this spec when it has no ``id``: ``<judgment-id>/<kind>/<n>``."""
        return f"{judgment_id}/{self.KIND}/{self.n}"

    def key(self, judgment_id: str) -> str:
        """This spec's key: its ``id``, else :meth:`default_key`."""
        return self.id or self.default_key(judgment_id)


@dataclass(frozen=True, kw_only=True)
class QACard(CardSpec):
    """An explicit question and answer (``q:``/``a:``, optional ``extra:``): one Q/A note."""

    KIND: ClassVar[str] = "qa"
    q: str
    a: str
    extra: str = ""
    """Supporting text shown on the back below the answer, inside the Answer field; empty if none."""


@dataclass(frozen=True, kw_only=True)
class ConceptCard(CardSpec):
    """A named concept (``term:``/``means:``, optional ``by:`` and ``reverse:``): a "What is …?" note, a
    "Who proposed …?" note when ``by`` names a person, and a reversed note when ``reverse`` is true."""

    KIND: ClassVar[str] = "concept"
    term: str
    means: str
    by: str = ""
    """Id of the person who proposed the term, or empty."""
    reverse: bool = False


@dataclass(frozen=True, kw_only=True)
class ListCard(CardSpec):
    """A list to recall (``of:``/``items:``, optional ``extra:``): one Q/A note whose answer is the items in
    order."""

    KIND: ClassVar[str] = "list"
    of: str
    """What the items are: ``"杨强's {n} agent dimensions"`` (``{n}`` is replaced by the count)."""
    items: tuple[str, ...]
    extra: str = ""
    """Supporting text shown on the back below the items, inside the Answer field; empty if none."""


@dataclass(frozen=True, kw_only=True)
class ClozeCard(CardSpec):
    """A cloze text (``cloze:``, optional ``extra:`` shown on the back): one cloze note."""

    KIND: ClassVar[str] = "cloze"
    cloze: str
    extra: str = ""


CARD_SPEC_TYPES: tuple[type[CardSpec], ...] = (QACard, ConceptCard, ListCard, ClozeCard)
"""Every kind of card spec, in the order reports list them."""

CARD_KINDS = tuple(t.KIND for t in CARD_SPEC_TYPES)
"""``("qa", "concept", "list", "cloze")``."""


@dataclass(frozen=True)
class Judgment:
    """A numbered claim of the source and the card specs that turn it into notes."""

    id: str
    number: int
    theme: str
    speakers: tuple[str, ...]
    claim: Texts
    cards: tuple[CardSpec, ...]
    loc: Loc
    editors_note: Texts | None = None
    tags: tuple[str, ...] = ()

    def context(self, spec: CardSpec) -> Texts:
        """What a card of ``spec`` shows as its context: the editors' note for ``context: editors``, else the
        claim. The generator puts it on the back, and the lint checks answers against it."""
        return self.editors_note if spec.context == "editors" and self.editors_note else self.claim


@dataclass(frozen=True)
class Selection:
    """A selection as typed: theme ids, person ids, tags, and judgment ranges (``"12-17,25"``).

    Values of one option are alternatives (OR), different options must all hold (AND); see
    :mod:`deckgen.select` for what matches.
    """

    themes: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    judgments: tuple[str, ...] = ()

    @classmethod
    def from_options(cls, options: dict[str, tuple[str, ...]]) -> Selection:
        """From a mapping of :data:`SELECTION_OPTIONS` (``theme`` …) to tuples of strings (a named deck's
        ``select:``)."""
        return cls(*(tuple(options.get(option, ())) for option in SELECTION_OPTIONS))

    def options(self) -> dict[str, tuple[str, ...]]:
        """The inverse of :meth:`from_options`: option name → values, for the options that have values."""
        values = (self.themes, self.speakers, self.tags, self.judgments)
        return {option: v for option, v in zip(SELECTION_OPTIONS, values, strict=True) if v}

    def __bool__(self) -> bool:
        return bool(self.themes or self.speakers or self.tags or self.judgments)

    def ranges(self) -> list[tuple[int, int]]:
        """The judgment numbers named by ``judgments`` as sorted, merged, inclusive ranges
        (``"12-17,25", "16-18"`` → ``[(12, 18), (25, 25)]``); a range is never expanded into its numbers.

        Raises :class:`SelectionError` for text that is not a number or a range of ASCII digits, a number
        of more than :data:`MAX_NUMBER_DIGITS` digits, or a range that runs backwards.
        """
        parts: list[tuple[int, int]] = []
        for spec in self.judgments:
            for part in spec.split(","):
                m = _RANGE.fullmatch(part)
                if not m:
                    raise SelectionError(f"judgment '{clip(part.strip())}' is not a number or a range like 12-17")
                if any(len(g.lstrip("0")) > MAX_NUMBER_DIGITS for g in m.groups() if g):
                    raise SelectionError(
                        f"judgment '{clip(part.strip())}' is too large; judgment numbers have at "
                        f"most {MAX_NUMBER_DIGITS} digits"
                    )
                lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
                if hi < lo:
                    raise SelectionError(f"range '{part.strip()}' runs backwards; write {hi}-{lo}")
                parts.append((lo, hi))
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(parts):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        return merged

    def label(self, source: Source) -> str:
        """Human suffix for the deck name: ``"Agent"``, ``"林俊旸 Lin Junyang"``, ``"Claim 12-17,25"`` (the word is
        the source's ``judgment`` label), joined by
        `` · `` (the shipped named decks use the same names, so ``--speaker x`` and ``--deck x`` agree). A tag's
        ``::`` shows as `` › `` (``"topic › agents"``), since ``::`` in a deck name makes a subdeck in Anki."""
        parts = []
        if self.themes:
            parts.append(" + ".join(source.theme(t).label for t in self.themes))
        if self.speakers:
            parts.append(" + ".join(source.person(p).spoken for p in self.speakers))
        if self.tags:
            parts.append(" + ".join(t.replace("::", " › ") for t in self.tags))
        if self.judgments:
            parts.append(f"{source.labels.judgment} " + ",".join(self.judgments))
        return " · ".join(parts)

    def slug(self) -> str:
        """File-name suffix: ``"agent"``, ``"lin-junyang"``, ``"j12-17,25"``, the options' parts joined by
        ``-``. Several values of one option are sorted and joined by ``+`` (``--theme x --theme y`` →
        ``x+y``, which no id ``x-y`` can be), a tag is named as :func:`_tag_slug` names it, and judgments
        by their merged ranges (:meth:`ranges`: ``1-23`` and ``1,23`` are other files, ``1,2,3`` and ``1-3``
        one). Raises :class:`SelectionError` as :meth:`ranges` does."""
        parts = ["+".join(sorted(set(values))) for values in (self.themes, self.speakers, map(_tag_slug, self.tags))]
        if self.judgments:
            parts.append("j" + ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in self.ranges()))
        return "-".join(p for p in parts if p)


def _tag_slug(tag: str) -> str:
    """A tag in a file name, after ``tag-`` (so that no theme, person, judgment range or ``subdecks`` has its
    name: ``--tag agent`` and ``--theme agent`` select other notes) and folded as :func:`search_tag` folds it
    (``--tag Topic`` and ``--tag topic`` select the same notes, so they name one file): a tag of words joined
    by ``-`` and ``::`` is kept, with ``::`` as ``--`` (``topic::agents`` → ``tag-topic--agents``, which no
    ``topic-agents`` can be); any other tag gets a hash of its folded form after what is left of it (``C++``
    → ``tag-c-…``, ``a:b`` → ``tag-a-b-…``, ``🙂`` → ``tag-…``), so that such tags never share one file, nor
    take the full deck's."""
    folded = search_tag(tag)
    if _PLAIN_TAG.fullmatch(folded):
        return "tag-" + folded.replace("::", "--")
    import hashlib

    part = re.sub(r"[^\w-]+", "-", folded).strip("-")
    return f"tag-{part + '-' if part else ''}{hashlib.sha1(folded.encode()).hexdigest()[:8]}"


_PLAIN_TAG = re.compile(r"\w+(?:-\w+)*(?:::\w+(?:-\w+)*)*")
"""A tag that names its file as it is (but for ``::``): :func:`_tag_slug` maps these one to one."""


@dataclass(frozen=True)
class NamedDeck:
    """A deck defined in the source's ``decks:`` section: a key, a display name and a selection."""

    key: str
    name: str
    description: str
    selection: Selection
    loc: Loc
    select_loc: Loc
    """Where its ``select:`` mapping is written (problems of the selection are reported there)."""


@dataclass(frozen=True)
class Source:
    """One validated YAML source file: one deck's worth of judgments."""

    path: str
    """The source file, as the user named it."""
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
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    """The BCP 47 tags of the languages the source's text is in (one or two), in the order cards show them."""
    labels: Labels = DEFAULTS["en"]
    """deckgen's words on this source's cards: the source's ``deck.labels``, the rest deckgen's defaults for its
    last language (:func:`deckgen.labels.defaults_for`)."""
    id_loc: Loc | None = field(default=None, compare=False)
    """Where ``deck.id`` is written (None for a source made in code)."""
    markup: str = "text"
    """How text fields become HTML: ``text`` (escaped as typed) or ``markdown`` (a sanitised subset, see
    :func:`deckgen.markup.markdown_html`)."""
    warnings: tuple[Problem, ...] = field(default=(), compare=False)
    """Problems of severity ``warning`` found while loading."""
    format_texts: tuple[tuple[Loc, str, int], ...] = field(default=(), compare=False)
    """Every text of the source that holds a format character (Unicode category Cf, see
    :func:`deckgen.yamlnodes.format_character_at`) as ``(where it is written, text, index of the first one)``,
    in the order read: what
    :func:`deckgen.lint_rules.invisible_characters` warns about. The loader has the places at hand, so the
    lint needs no walk over every text."""

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
