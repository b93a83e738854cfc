"""YAML sources → validated :class:`deckgen.model.Source` objects, with ``file:line:col`` on every problem.

This module is deckgen's source format (``deck:``, ``themes:``, ``people:``, ``judgments:``, ``decks:``)
on top of the generic, safe node reader of :mod:`deckgen.yamlnodes`, which says what YAML is accepted and
how, and of :mod:`deckgen.sourcevalues`, which reads the kinds of value the format has (ids, names, tags,
images). Each mapping's allowed and required keys come from :mod:`deckgen.schema`, the format's table of
keys that the published JSON Schema is made from. Ids are slugs; references (a judgment's theme, a speaker,
a concept's ``by``) must name something defined; card ids are unique and no card id is another card's
default key; image paths must name an image file inside the source's folder. A claim, an editors' note and a
theme's name are written once per language of ``deck.languages`` (default
:data:`deckgen.model.DEFAULT_LANGUAGES`), each under its language tag; a person's ``roman`` is required only
where a reader needs it (:meth:`_SourceReader.people`). ``deck.labels`` sets deckgen's words on the cards
(:class:`deckgen.labels.Labels`).

Every problem in a file is collected before anything is raised: :func:`load_sources` raises one
:class:`deckgen.errors.SourceError` listing all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cloze import cloze_error
from .errors import Problem, SelectionError, Severity, SourceError, clip, suggest
from .gcpause import paused_gc
from .languages import in_latin_letters, tag_problem, written_in_latin
from .markup import MARKUPS
from .model import (
    CARD_SPEC_TYPES,
    CONTEXTS,
    DEFAULT_LANGUAGES,
    CardSpec,
    Judgment,
    NamedDeck,
    Person,
    Selection,
    Source,
    Texts,
    Theme,
)
from .schema import CARD_KEYS, KIND_KEYS, keys
from .sourcevalues import ValueReader, deck_name_part, names_of
from .yamlnodes import NodeReader, compose, is_mapping, is_scalar, is_sequence, kind_name, yaml_files

if TYPE_CHECKING:
    from .yamlnodes import Node


_SPEC_TYPES = {t.KIND: t for t in CARD_SPEC_TYPES}
_ANY_CARD_KEYS = {key: False for keys in CARD_KEYS.values() for key in keys}
"""Every key some card kind has, none required: what a card of several kinds is checked against."""


def load_sources(paths: list[str | Path]) -> list[Source]:
    """Load and validate every source under ``paths`` (files or folders).

        Returns one :class:`Source` per file, in the order given. Raises :class:`SourceError` with every
        problem of every file (sorted by file and line) if any is an error; warnings ride along on
        ``Source.warnings``. Two files declaring the same ``deck.id`` are an error, located at the second one's
    ``deck.id`` and naming the first.
    """
    files, problems = yaml_files(paths)
    sources: list[Source] = []
    for file in files:
        try:
            sources.append(load_file(file))
        except SourceError as err:
            problems.extend(err.problems)
    seen: dict[str, Source] = {}
    for src in sources:
        if src.deck_id in seen:
            first = seen[src.deck_id]
            where = f"{first.path}:{first.id_loc.line}" if first.id_loc else first.path
            message = (
                f"deck id '{src.deck_id}' is also used by {where}; each source needs its own deck id (it is the "
                "namespace of every note's GUID, and names the ledger)"
            )
            loc = src.id_loc
            problems.append(Problem.at(loc, message) if loc else Problem(src.path, 0, 0, "deck.id", message))
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


class _SourceReader(ValueReader):
    """Reads one source document into model objects (:meth:`source`), collecting problems."""

    def __init__(self, file: str, folder: Path, node_budget: int, text_budget: int):
        super().__init__(file, folder, node_budget, text_budget)
        self.card_ids: dict[str, tuple[Node, str]] = {}
        """Explicit card id → where it was first given (its node and key path)."""
        self.theme_lines: dict[str, int] = {}
        """Theme id → the line where it is first defined."""
        self.languages: tuple[str, ...] = DEFAULT_LANGUAGES
        """The source's ``deck.languages``, once :meth:`source` has read them."""
        self.languages_given = False
        """Whether the source sets ``deck.languages`` (messages then need not explain the default)."""

    # -- the document ------------------------------------------------------------------------------

    def source(self, root: Node) -> Source | None:
        top = self.mapping(root, "", keys("source"), " with deck:, themes:, people: and judgments:")
        if top is None:
            return None
        deck = (self.mapping(top["deck"], "deck", keys("deck")) if "deck" in top else None) or {}
        credit = self.mapping(deck["source"], "deck.source", keys("credit")) if "source" in deck else {}
        credit = credit or {}
        refused = "deck" in top and not deck  # a deck: refused as a whole (a tag such as !!omap)
        languages = deck.get("languages") or self.misspelt_languages(top.get("deck"), refused)
        self.languages = self.language_tags(languages, lambda: _written_in(top.get("themes")))
        self.languages_given = languages is not None
        where = deck.get("languages") or deck.get("labels") or root
        label_fields = self.mapping(deck["labels"], "deck.labels", keys("labels")) if "labels" in deck else None
        labels = self.labels(label_fields or {}, self.languages[-1], where)
        themes = self.themes(top.get("themes"))
        people = self.people(top.get("people"))
        self.called["person"] = names_of(people)
        theme_ids, person_ids = {t.id for t in themes}, {p.id for p in people}
        judgments = self.judgments(top.get("judgments"), theme_ids, person_ids)
        decks = self.decks(top.get("decks"), theme_ids, person_ids, {t for j in judgments for t in j.tags})
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
            languages=self.languages,
            labels=labels,
            id_loc=self.loc(deck["id"], "deck.id") if "id" in deck else None,
            markup=self.choice(deck.get("markup"), "deck.markup", MARKUPS),
            warnings=tuple(p for p in self.problems if p.severity == Severity.WARNING),
            format_texts=tuple(self.format_texts.values()),
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
        example = "[{id: agent, " + ", ".join(f"{lang}: ..." for lang in self.languages) + "}]"
        subdecks: dict[str, tuple[str, int]] = {}  # folded subdeck name → (name, line) of the first sibling
        for sub, item in self.sequence(node, key_path, example):
            spec = keys("theme" if parent is None else "subtheme", self.languages)
            fields = self.mapping(item, sub, spec, about=self.about_language)
            if fields is None:
                continue
            theme_id = self.slug(fields.get("id"), f"{sub}.id")
            if theme_id and theme_id in self.theme_lines:
                first = self.theme_lines[theme_id]
                message = f"theme id '{theme_id}' is defined twice (first at line {first}); give each theme its own id"
                self.error(fields["id"], f"{sub}.id", message)
            elif theme_id:
                self.theme_lines[theme_id] = fields["id"].start_mark.line + 1
            names = tuple(self.name_part(fields.get(lang), f"{sub}.{lang}") for lang in self.languages)
            theme = Theme(theme_id, names, parent)
            if all(names) and not deck_name_part(theme.label):
                message = (
                    f"the theme's name '{clip(theme.label)}' is only spaces and ':', which Anki trims from a "
                    "subdeck's name (--subdecks), leaving nothing; give the theme a name"
                )
                self.error(item, sub, message)
            elif all(names):
                self._same_subdeck(theme, item, sub, subdecks)
            out.append(theme)
            if "subthemes" in fields:
                self._themes(fields["subthemes"], f"{sub}.subthemes", theme_id, out)

    def _same_subdeck(self, theme: Theme, node: Node, key_path: str, seen: dict[str, tuple[str, int]]) -> None:
        """Warn when ``theme``'s subdeck name is a sibling's in another case (``Intro``, ``intro``; ``Straße``,
        ``STRASSE``): Anki compares deck names without case, folded in full, so an import of ``--subdecks``
        renames one of them ``Intro_`` (measured with the ``anki`` package; the same name exactly is one
        subdeck). ``seen`` holds the siblings read so far."""
        name = deck_name_part(theme.label)
        first = seen.setdefault(name.casefold(), (name, node.start_mark.line + 1))
        if first[0] != name:
            message = (
                f"the theme's name '{clip(name)}' is '{clip(first[0])}' of line {first[1]} in another case; Anki's "
                "deck names ignore case, so with --subdecks an import renames one of the two subdecks (adding '_'); "
                "write both names alike (one subdeck) or give one another name"
            )
            self.error(node, key_path, message, Severity.WARNING)

    def people(self, node: Node | None) -> tuple[Person, ...]:
        out: dict[str, Person] = {}
        if node is None:
            return ()
        latin_reader = next((lang for lang in self.languages if written_in_latin(lang)), None)
        for sub, item in self.sequence(node, "people", "[{id: jane-doe, name: Jane Doe}]"):
            fields = self.mapping(item, sub, keys("person"))
            if fields is None:
                continue
            person_id = self.slug(fields.get("id"), f"{sub}.id")
            if person_id and person_id in out:
                first = out[person_id].loc
                message = (
                    f"person id '{person_id}' is defined twice (first at line {first.line if first else 0}); "
                    "give each person their own id"
                )
                self.error(fields["id"], f"{sub}.id", message)
            name = self.name_part(fields.get("name"), f"{sub}.name")
            if name and latin_reader and "roman" not in fields and not in_latin_letters(name):
                message = (
                    f"missing key 'roman': the name '{clip(name)}' is not in Latin letters and the deck is read in "
                    f"{latin_reader}; add its romanisation (e.g. roman: Tang Jie for 唐杰)"
                )
                self.error(item, sub, message)
            person = Person(
                person_id,
                name,
                self.text(fields.get("roman"), f"{sub}.roman") if "roman" in fields else "",
                self.text(fields.get("affiliation"), f"{sub}.affiliation", required=False),
                self.text(fields.get("title"), f"{sub}.title", required=False),
                self.loc(item, sub),
            )
            out.setdefault(person_id, person)
        return tuple(out.values())

    def judgments(self, node: Node | None, themes: set[str], people: set[str]) -> tuple[Judgment, ...]:
        if node is None:
            return ()
        spec = keys("judgment", self.languages)
        out: list[Judgment] = []
        ids: dict[str, str] = {}
        numbers: dict[int, str] = {}
        items = self.sequence(node, "judgments", "[{id: ..., number: 1, ...}]")
        if not items and is_sequence(node):
            self.error(node, "judgments", "the list is empty; add at least one judgment")
        without_cards = 0  # judgments written with `cards: []`
        for sub, item in items:
            fields = self.mapping(item, sub, spec, about=self.about_language)
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
                note_path = f"{sub}.editors_note"
                nf = self.mapping(
                    fields["editors_note"], note_path, keys("editors_note", self.languages), about=self.about_language
                )
                if nf is not None:
                    note = self.texts(nf, note_path)
            cards = self.cards(fields.get("cards"), f"{sub}.cards", people, note is not None)
            claim = self.texts(fields, sub)
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
            message = "no judgment has cards, so there is no note to build; add card specs under a judgment's cards:"
            self.error(node, "judgments", message)
        return tuple(out)

    def misspelt_languages(self, deck: Node | None, refused: bool = False) -> Node | None:
        """The value of a misspelt ``deck.languages`` key (``lanugages: [fr]``, reported as an unknown key),
        or with ``refused`` (the ``deck:`` mapping was refused as a whole, for a tag) of ``languages`` itself,
        when it is a list of well-formed language tags: the rest of the source is then read in the languages
        meant, instead of adding an error for every text not in the default ``[zh, en]``."""
        if deck is None:
            return None
        if refused and is_sequence(deck):  # !!omap written as a list of one-key mappings
            pairs: list[tuple[Node, Node]] = [pair for item in deck.value if is_mapping(item) for pair in item.value]
        elif is_mapping(deck):
            pairs = deck.value
        else:
            return None
        for key, value in pairs:
            if is_scalar(key) and (key.value != "languages" or refused) and suggest(key.value, ["languages"]):
                tags: list[Node] = value.value if is_sequence(value) else [value]
                if 1 <= len(tags) <= 2 and all(is_scalar(t) and t.value and tag_problem(t.value) is None for t in tags):
                    return value
        return None

    def texts(self, fields: dict[str, Node], key_path: str) -> Texts:
        """The text under each of the source's language keys of ``fields``."""
        return Texts(tuple(self.text(fields.get(lang), f"{key_path}.{lang}") for lang in self.languages))

    def about_language(self, key: str) -> str:
        """What to add to the message of a missing or unknown key that is (or looks like) a language tag."""
        listed = f"[{', '.join(self.languages)}]"
        if key in self.languages:
            how = "" if self.languages_given else " (the default; for a deck in one language set deck.languages: [en])"
            return f"; text is written in each language of deck.languages, {listed}{how}"
        if tag_problem(key) is None and len(key) <= 8:
            return f"; if {key} is a language, add it to deck.languages, {listed}, or remove this text"
        return ""

    def default_key_taken(self, judgments: list[Judgment]) -> None:
        """Report an explicit card id that is another card's default key (``<judgment-id>/<kind>/<n>``, the key
        of a card without an id): both would make the same note."""
        for j in judgments:
            for spec in j.cards:
                key = spec.default_key(j.id)
                if spec.id is None and j.id and key in self.card_ids:
                    node, key_path = self.card_ids[key]
                    message = (
                        f"card id '{key}' is also the key of the card at line {spec.loc.line} "
                        f"({spec.loc.key_path}), which has no id and is keyed by its position; "
                        "give that card an id too"
                    )
                    self.error(node, key_path, message)

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
            names = list(dict.fromkeys(k.value for k, _ in item.value if is_scalar(k)))  # q: twice: a duplicate
            kinds = [KIND_KEYS[k] for k in names if k in KIND_KEYS]
            if len(kinds) != 1:
                found = "none" if not kinds else " and ".join(k for k in names if k in KIND_KEYS)
                unknown = [k for k in names if k not in _ANY_CARD_KEYS]
                if unknown and not kinds:  # a misspelt kind key, such as question: for q:
                    are, hint = "are not card keys", ""
                    if len(unknown) == 1:
                        word = _KIND_WORDS.get(unknown[0].lower())
                        are, hint = (
                            "is not a card key",
                            f" (did you mean '{word}'?)" if word else suggest(unknown[0], KIND_KEYS),
                        )
                    found += f"; {' and '.join(repr(clip(k)) for k in unknown)} {are}{hint}"
                message = (
                    "a card needs exactly one of q (question/answer), term (concept), of (list) or cloze; "
                    f"found {found}"
                )
                self.error(item, sub, message)
                if kinds:  # its other keys' problems too (a key twice, an unknown one), as for any card
                    self.mapping(item, sub, _ANY_CARD_KEYS)
                continue
            kind = kinds[0]
            fields = self.mapping(item, sub, CARD_KEYS[kind])
            if fields is None:
                continue
            counts[kind] = counts.get(kind, 0) + 1
            own = self.card_fields(kind, fields, sub, people)
            context = self.choice(fields.get("context"), f"{sub}.context", CONTEXTS)
            if context == "editors" and not has_note:
                message = "context is 'editors' but the judgment has no editors_note; add one"
                self.error(fields["context"], f"{sub}.context", message)
            card_id = self.card_id(fields["id"], f"{sub}.id") if "id" in fields else ""
            if card_id in self.card_ids:
                first, first_path = self.card_ids[card_id]
                message = (
                    f"card id '{card_id}' is already used at line {first.start_mark.line + 1} ({first_path}); "
                    "each card needs its own id"
                )
                self.error(fields["id"], f"{sub}.id", message)
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
        """The validated values of a card kind's own keys (:func:`deckgen.schema.keys` of the kind), by key."""
        out: dict[str, Any] = {}
        for key, required in keys(kind).items():
            sub = f"{key_path}.{key}"
            if key == "items":
                items = (
                    [self.text(n, p) for p, n in self.sequence(fields[key], sub, "[first, second]")]
                    if key in fields
                    else []
                )
                if key in fields and is_sequence(fields[key]) and len(items) < 2:  # else: not a list, reported
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

    def decks(
        self, node: Node | None, themes: set[str], people: set[str], tags: Iterable[str] = ()
    ) -> tuple[NamedDeck, ...]:
        if node is None:
            return ()
        others = {Selection(tags=(t,)).slug(): f"--tag {t}" for t in tags}  # the judgments' own tags
        others.update({p: f"--speaker {p}" for p in people})
        others.update({t: f"--theme {t}" for t in themes})
        out: dict[str, tuple[NamedDeck, Node | None, str]] = {}  # key → the deck, its key's node and path
        known = {"theme": (themes, "theme"), "speaker": (people, "person")}
        broken: set[str] = set()  # keys of decks with an error of their own: no warning about their file
        for sub, item in self.sequence(node, "decks", "[{key: agent, name: ..., select: {theme: [agent]}}]"):
            before = len(self.problems)
            fields = self.mapping(item, sub, keys("named_deck"))
            if fields is None:
                continue
            key = self.slug(fields.get("key"), f"{sub}.key")
            if key and key in out:
                first = out[key][0].loc.line
                message = f"deck key '{key}' is defined twice (first at line {first}); give each deck its own key"
                self.error(fields["key"], f"{sub}.key", message)
            options: dict[str, tuple[str, ...]] = {}
            if "select" in fields:
                sel = self.mapping(fields["select"], f"{sub}.select", keys("select"))
                for option, value in (sel or {}).items():
                    opath = f"{sub}.select.{option}"
                    values = self.sequence(value, opath, "[agent]") if is_sequence(value) else [(opath, value)]
                    if not values:
                        message = (
                            f"the list is empty, so it would select nothing; name at least one {option} or "
                            f"remove {option}:"
                        )
                        self.error(value, opath, message)
                    options[option] = tuple(
                        self.ref(n, p, *known[option]) if option in known else self.text(n, p) for p, n in values
                    )
                    if option == "judgment":  # located at the value, not at select:, as named decks' others
                        for (p, n), text in zip(values, options[option], strict=True):
                            if text:  # an empty one is reported by text()
                                self.judgment_range(n, p, text)
                if sel is not None and not fields["select"].value:  # select: {} (a key it has is one of its own)
                    choices = ", ".join(keys("select"))
                    self.error(fields["select"], f"{sub}.select", f"select at least one of {choices}")
            deck = NamedDeck(
                key,
                self.deck_name(fields.get("name"), f"{sub}.name"),
                self.text(fields.get("description"), f"{sub}.description", required=False),
                Selection.from_options(options),
                self.loc(item, sub),
                self.loc(fields.get("select", item), f"{sub}.select"),
            )
            out.setdefault(key, (deck, fields.get("key"), f"{sub}.key"))
            if any(p.is_error for p in self.problems[before:]):
                broken.add(key)
        for deck, node, key_path in out.values():  # once every key is known (X-subdecks may come before X)
            if deck.key not in broken:  # its selection as read may not be the one meant (a misspelt key)
                self._same_file(deck, node, key_path, others, set(out))
        return tuple(deck for deck, _, _ in out.values())

    def judgment_range(self, node: Node, key_path: str, text: str) -> None:
        """Report a named deck's ``select: {judgment: …}`` value that is not judgment numbers and ranges as
        ``--judgment`` takes them (:meth:`deckgen.model.Selection.ranges`), at the value."""
        try:
            Selection(judgments=(text,)).ranges()
        except SelectionError as err:
            self.error(node, key_path, str(err))

    def _same_file(
        self, deck: NamedDeck, node: Node | None, key_path: str, others: dict[str, str], deck_keys: set[str]
    ) -> None:
        """Warn when ``build --deck KEY`` and a selection's build (``--theme KEY``, ``--speaker KEY``, a tag or
        judgments whose file name is KEY: ``others``, file-name slug → the options that write it) would write
        the same default file (:func:`deckgen.builds.default_output`) with other notes: each build would
        silently replace the other's package. A deck whose own selection has that file name (the shipped
        ``agent`` deck, ``select: {theme: [agent]}``) makes the same notes and is fine. So is no build with
        ``--subdecks``, which adds ``-subdecks`` to the name: a KEY ``subdecks``, or ``X-subdecks`` for a
        selection or another deck (of ``deck_keys``) ``X``, is warned about whatever it selects."""
        key = deck.key
        option = others.get(key) or (f"--judgment {key[1:]}" if _JUDGMENTS_SLUG.fullmatch(key) else "")
        base = key.removesuffix("-subdecks")
        if key == "subdecks":  # the full deck with a subdeck per theme: never the same as a named deck
            option = "--subdecks"
        elif base != key and (also := others.get(base) or (f"--deck {base}" if base in deck_keys else "")):
            option = f"{also} --subdecks"  # a subdeck per theme: other decks than the named one's, always
        if key and option and (deck.selection.slug() != key or option.endswith("--subdecks")):
            message = (
                f"`build --deck {key}` and `build {option}` write the same file with different notes, each "
                "replacing the other; give the deck another key"
            )
            self.error(node, key_path, message, Severity.WARNING)


_KIND_WORDS = {"question": "q", "questions": "q", "concept": "term", "list": "of", "items": "of", "text": "cloze"}
"""A word a card kind's key is written as by someone who does not know the key → that key (``question:`` for
``q:``), for the message about a card with no kind key."""


_JUDGMENTS_SLUG = re.compile(r"j[0-9]+(?:-[0-9]+)?")
"""The file-name part of a ``--judgment`` build of one number or range (:meth:`deckgen.model.Selection.slug`:
``j12-17``) that a deck key can be; a list has a comma (``j12-17,25``), which no key has."""


def _written_in(themes: Node | None) -> tuple[str, ...]:
    """The languages the first theme of ``themes`` (the ``themes:`` node) has names in, as a source whose
    ``deck.languages`` is wrong is read (its keys that are language tags and no other key of a theme, at most
    two), else :data:`deckgen.model.DEFAULT_LANGUAGES`."""
    first = themes.value[0] if themes is not None and themes.id == "sequence" and themes.value else None
    if first is None or first.id != "mapping":
        return DEFAULT_LANGUAGES
    other = keys("theme")
    found = [
        k.value
        for k, _ in first.value
        if k.id == "scalar" and isinstance(k.value, str) and k.value not in other and not tag_problem(k.value)
    ]
    return tuple(dict.fromkeys(found))[:2] or DEFAULT_LANGUAGES
