"""deckgen's source format as data: each mapping of a source (a *section*), its keys, which of them are
required, the JSON Schema of each key's value, and what each key means and where it shows on a card.

This table is the format's one list of keys. :mod:`deckgen.load` takes each mapping's allowed and required
keys from :func:`keys` and :data:`CARD_KEYS`, so an unknown or missing key is reported against the same
keys the schema names. Text in the source's languages (a claim, an editors' note, a theme's name) is one key
per language of ``deck.languages``: the table has :data:`LANGUAGE_KEY` in its place, which :func:`keys`
replaces by the source's language tags and the schema matches by pattern (any well-formed tag but ``id``,
:data:`LANGUAGE_TAG`). :func:`source_schema` turns the table into a JSON Schema (draft 2020-12), which
``deckgen schema`` prints and ``schema/deckgen-source.schema.json`` holds, so that an editor (the YAML
language server in VS Code and others) can validate and complete a source as it is typed. The README's
key reference is checked against that schema (``tests/test_schema.py``).

The schema checks structure: the keys of every mapping (none unknown, every required one present), lists
and mappings where they belong, exactly one card kind per card, list lengths, the fixed choices, ids and
numbers in their form, non-empty text, language tags in their form and labels with their placeholders. It
knows nothing beyond one value at a time: references (a theme or person that exists), uniqueness, cloze
syntax, image files, ``::`` in names, which language keys a source has (those of its ``deck.languages``;
only a source without it, whose languages are the default ``[zh, en]``, has them required by the schema),
whether a person needs ``roman`` and the other checks across values are the loader's alone. The loader
checks everything the schema does and stays the authority, with ``file:line:col`` messages; the schema is
for editors.

Text is any YAML scalar (``type: [string, number, boolean]``): the loader reads a scalar exactly as typed,
so ``no``, ``1911`` and ``1:10`` are text, while an editor's YAML parser may call them a boolean or a number.

Imports only the standard library and the modules before it.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, NamedTuple

from .labels import DEFAULTS, PLACEHOLDERS, Labels
from .languages import LANGTAG, RESERVED
from .markup import MARKUPS
from .model import CONTEXTS, DEFAULT_LANGUAGES, MAX_NUMBER_DIGITS, SELECTION_OPTIONS
from .sourcevalues import CARD_ID_PATTERN, IMAGE_SUFFIXES, SLUG_PATTERN
from .yamlnodes import FALSE_WORDS, TRUE_WORDS

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The ``$schema`` of :func:`source_schema`."""

SCHEMA_FILE = "schema/deckgen-source.schema.json"
"""Where a deck's folder keeps the schema, relative to the folder: this repository's copy, and the one
``deckgen init`` writes next to its starter."""
MODELINE = f"# yaml-language-server: $schema=../{SCHEMA_FILE}"
"""The first line of a source in the folder's ``cards/``: it names :data:`SCHEMA_FILE` to the YAML language
server, relative to the source, so that it works in any clone and in any folder ``deckgen init`` made."""

JSON = dict[str, Any]


class Key(NamedTuple):
    """One key of a section: whether it is required, the JSON Schema of its value, and what it is and where
    it shows on a card (the schema's ``description`` and the README's key reference)."""

    required: bool
    value: JSON
    about: str


class Section(NamedTuple):
    """One kind of mapping in a source: what it is, its keys in the order messages list them, how many keys
    it needs at least (when none is required on its own), and a title where the schema offers it as one of
    several (the card kinds)."""

    about: str
    keys: dict[str, Key]
    min_keys: int = 0
    title: str = ""


_SCALAR = ["string", "number", "boolean"]
"""What the loader reads as text: any YAML scalar, exactly as typed."""
_SAYS = "patternErrorMessage"
"""The key of the message an editor shows for a value its pattern refuses, instead of the pattern itself (a
keyword of VS Code's and yaml-language-server's, which other validators ignore)."""
TEXT: JSON = {"type": _SCALAR, "pattern": r"\S", _SAYS: "must not be empty"}
"""Text that must not be empty (nor YAML's null)."""
OPTIONAL_TEXT: JSON = {"type": [*_SCALAR, "null"]}
"""Text that may be empty or null."""
_DIGITS = f"[0-9]{{1,{MAX_NUMBER_DIGITS}}}"
_RANGE = rf"\s*{_DIGITS}\s*(-\s*{_DIGITS}\s*)?"
JUDGMENT_RANGES: JSON = {
    "anyOf": [
        {"type": "integer", "minimum": 0, "maximum": 10**MAX_NUMBER_DIGITS - 1},
        {"type": "string", "pattern": f"^{_RANGE}(,{_RANGE})*$", _SAYS: "judgment numbers and ranges, e.g. 12-17,25"},
    ]
}
"""Judgment numbers and ranges as :meth:`deckgen.model.Selection.ranges` reads them: a number, or text such as
``12-17,25`` (ASCII digits, at most :data:`deckgen.model.MAX_NUMBER_DIGITS` each; not ``true``). A JSON
Schema cannot tell YAML's ``1.0`` or ``0x1F`` from the number they are equal to, so an editor accepts
them; ``deckgen check`` reads the text as written and refuses them."""
_ID_NUMBER: JSON = {"type": "number", "minimum": 0, "maximum": 1e300}
"""A YAML number the loader may read as an id (``123``, ``1.5`` are ids as typed): not a negative one, nor
``.inf``, whose text no id pattern takes. (A JSON Schema sees the number, not how it was typed.)"""
_SLUG_SAYS = "lowercase letters and digits, with - . _ between them, e.g. intelligence-efficiency"
ID: JSON = {
    "anyOf": [{"type": "string", "pattern": SLUG_PATTERN.pattern, _SAYS: _SLUG_SAYS}, _ID_NUMBER, {"type": "boolean"}]
}
CARD_ID: JSON = {
    "anyOf": [
        {"type": "string", "pattern": CARD_ID_PATTERN.pattern, _SAYS: _SLUG_SAYS.replace("- . _", "- . _ /")},
        _ID_NUMBER,
        {"type": "boolean"},
    ]
}
NUMBER: JSON = {
    "anyOf": [
        {"type": "integer", "minimum": 1, "maximum": 10**MAX_NUMBER_DIGITS - 1},
        {
            "type": "string",
            "pattern": rf"^\s*0*[1-9][0-9]{{0,{MAX_NUMBER_DIGITS - 1}}}\s*$",
            _SAYS: f"a whole number from 1, of at most {MAX_NUMBER_DIGITS} digits",
        },
    ]
}
"""A judgment number: a whole number from 1 up, of at most :data:`deckgen.model.MAX_NUMBER_DIGITS` digits."""


def _any_case(words: tuple[str, ...]) -> str:
    """A pattern matching each of ``words`` in any case (``[Tt][Rr][Uu][Ee]``): JSON Schema's regular
    expressions (ECMA-262) have no case-insensitive flag."""
    return "|".join("".join(f"[{c.upper()}{c}]" for c in word) for word in words)


BOOLEAN: JSON = {
    "anyOf": [
        {"type": ["boolean", "null"]},
        {
            "type": "string",
            "pattern": rf"^\s*(?:{_any_case((*TRUE_WORDS, *FALSE_WORDS))})?\s*$",
            _SAYS: "true or false",
        },
    ]
}
"""``true`` or ``false`` (or YAML 1.1's ``yes``/``no``/``on``/``off``), as :meth:`NodeReader.boolean` reads."""


def _ecma(pattern: re.Pattern[str]) -> str:
    """A verbose Python pattern (``re.X``) as a JSON Schema pattern (ECMA-262, which Python's ``re`` reads too):
    without its spaces and comments, its named groups plain."""
    return re.sub(r"\(\?P<\w+>", "(?:", re.sub(r"#[^\n]*|\s+", "", pattern.pattern))


LANGUAGE_TAG_PATTERN = rf"^(?!(?:{_any_case(tuple(RESERVED))})$)(?:{_ecma(LANGTAG)})$"
"""A well-formed BCP 47 tag that may be a key (:func:`deckgen.languages.tag_problem` finds nothing wrong)."""
LANGUAGE_TAG: JSON = {
    "type": "string",
    "pattern": LANGUAGE_TAG_PATTERN,
    _SAYS: "a BCP 47 language tag, e.g. en, zh, zh-Hant, pt-BR (a hyphen, not '_')",
}

LANGUAGE_KEY = "<language>"
"""In a section's keys, the place of one key per language of ``deck.languages``: ``zh:`` and ``en:`` of a
claim. Required (each language has its text); the schema matches it by :data:`LANGUAGE_TAG_PATTERN`."""


def _label(name: str) -> JSON:
    """A label's value: text holding each of its placeholders (:data:`deckgen.labels.PLACEHOLDERS`) once and
    no other ``{…}``, as :func:`deckgen.labels.label_problem` wants."""
    wanted = PLACEHOLDERS.get(name, ())
    known = f"(?!(?:{'|'.join(wanted)})\\}})" if wanted else ""
    others = f"no placeholder but {', '.join(f'{{{p}}}' for p in wanted)}" if wanted else "no {…} placeholder"
    checks = [{"pattern": rf"^(?![\s\S]*\{{{known}[^{{}}]*\}})", _SAYS: others}]
    for placeholder in wanted:
        once = re.escape(f"{{{placeholder}}}")
        says = f"must hold {{{placeholder}}} once"
        checks.append({"pattern": rf"^(?![\s\S]*{once}[\s\S]*{once})[\s\S]*{once}", _SAYS: says})
    kind = {"type": "string"} if wanted else {}  # a YAML number or true holds no {term}
    return {**TEXT, **kind, "allOf": checks}


def _holds(placeholders: tuple[str, ...]) -> str:
    """What a label's description says of its placeholders: `` Holds `{person}` and `{means}`, each once.``"""
    if not placeholders:
        return ""
    names = [f"`{{{p}}}`" for p in placeholders]
    return f" Holds {names[0]} once." if len(names) == 1 else f" Holds {' and '.join(names)}, each once."


def _show(value: str | tuple[str, ...]) -> str:
    """A label's default as YAML shows it: the text, or a list of its first three words and its last."""
    if isinstance(value, str):
        return value
    return f"[{', '.join(value[:3])}, …, {value[-1]}]"


def _choice(choices: tuple[str, ...]) -> JSON:
    return {"enum": list(choices)}


def _ref(section: str) -> JSON:
    return {"$ref": f"#/$defs/{section}"}


def _list(items: JSON, min_items: int = 0) -> JSON:
    return {"type": "array", "items": items, **({"minItems": min_items} if min_items else {})}


_ANSWER_EXTRA = (
    "Supporting text on the back, below the answer in smaller type (inside the Answer field, so the note type "
    "keeps its fields): the detail that lets the learner check the answer when the claim does not say it."
)

KIND_KEYS = {"q": "qa", "term": "concept", "of": "list", "cloze": "cloze"}
"""The key that says which kind a card spec is → that kind."""

SECTIONS: dict[str, Section] = {
    "source": Section(
        "A deckgen source: one deck's worth of numbered judgments and the cards they make.",
        {
            "deck": Key(True, _ref("deck"), "The deck: its id, its name in Anki, its description and credit."),
            "themes": Key(
                True,
                _list(_ref("theme"), 1),
                "The source's sections; each judgment belongs to one. At least one.",
            ),
            "people": Key(True, _list(_ref("person")), "The speakers judgments name; [] when there are none."),
            "judgments": Key(
                True,
                _list(_ref("judgment"), 1),
                "The numbered claims, each with the card specs that make its notes. At least one.",
            ),
            "decks": Key(
                False,
                _list(_ref("named_deck")),
                "Named decks, each a part of the source with its own name: `deckgen build --deck KEY`, `--all`.",
            ),
        },
    ),
    "deck": Section(
        "The deck the source makes.",
        {
            "id": Key(
                True,
                ID,
                "A slug (lowercase letters, digits, - . _): the namespace of every note's GUID, the first tag of "
                "every note and the name of the ledger and the .apkg. Never change it.",
            ),
            "name": Key(True, TEXT, "The deck's name in Anki (`::` makes a subdeck)."),
            "description": Key(False, OPTIONAL_TEXT, "Shown on the deck's overview screen in Anki."),
            "source": Key(False, _ref("credit"), "The work the deck is drawn from, credited in the description."),
            "markup": Key(
                False,
                _choice(MARKUPS),
                "How text becomes a field: `text` (the default; escaped as typed) or `markdown` (a small subset).",
            ),
            "languages": Key(
                False,
                {"anyOf": [LANGUAGE_TAG, {**_list(LANGUAGE_TAG, 1), "maxItems": 2, "uniqueItems": True}]},
                "The languages of the text, one or two BCP 47 tags (`[en]`, `[zh-Hant, en]`; default "
                f"`[{', '.join(DEFAULT_LANGUAGES)}]`): claims, editors' notes and theme names have a key for each, "
                "and cards show them in this order.",
            ),
            "labels": Key(
                False,
                _ref("labels"),
                "deckgen's own words on the cards; those not set are deckgen's defaults for the last language.",
            ),
        },
    ),
    "labels": Section(
        "deckgen's words on the cards, each optional. A `{…}` placeholder is replaced by a value, as text.",
        {
            name: Key(
                False,
                _list(TEXT, 1) if name == "count_words" else _label(name),
                about + _holds(PLACEHOLDERS.get(name, ())) + f" English: `{_show(getattr(DEFAULTS['en'], name))}`.",
            )
            for name, about in zip(
                Labels._fields,
                (
                    "Before a judgment's number: on a card's About line, in the preview, in a deck name such as "
                    "`… · Claim 12-17`.",
                    "On the About line of a card drawn from an editors' note, and as a row of `deckgen stats`.",
                    "The `deckgen stats` row of judgments that name nobody.",
                    'A concept\'s "who" question.',
                    'A concept\'s "what" question.',
                    "A reversed concept's question.",
                    "A reversed concept's question when `by:` names a person.",
                    "A list card's question; `{of}` is the `of:` text, its `{n}` replaced by the count word.",
                    "How an `of:` without `{n}` takes the count.",
                    "The words for zero, one, two, …; larger counts are written in digits.",
                ),
                strict=True,
            )
        },
    ),
    "credit": Section(
        "The work a deck is drawn from, credited as `Source: <title> (<by>)` in the deck description.",
        {
            "title": Key(True, TEXT, "Its title, in the deck description."),
            "by": Key(False, OPTIONAL_TEXT, "Who wrote or published it, after the title."),
        },
    ),
    "theme": Section(
        "A section of the source.",
        {
            "id": Key(
                True,
                ID,
                "A slug that judgments, `--theme` and `select: {theme: …}` name; tag `theme::<id>` on its notes.",
            ),
            LANGUAGE_KEY: Key(
                True,
                TEXT,
                "Its name in each language of `deck.languages` (`zh: 分化`, `en: Divergence`), one after the other: "
                "on the back's last line, in `--subdecks` deck names and in `--theme` deck names.",
            ),
            "subthemes": Key(
                False,
                _list(_ref("subtheme")),
                "Themes inside this one, with the same keys but no subthemes; `--theme` of this one selects them.",
            ),
        },
    ),
    "person": Section(
        "A speaker: only what the source states.",
        {
            "id": Key(
                True,
                ID,
                "A slug that `speakers:`, `by:`, `--speaker` and `select: {speaker: …}` name; tag `speaker::<id>`.",
            ),
            "name": Key(
                True,
                TEXT,
                "The name as the source writes it: on the back's last line and in the answer of `Who proposed …?`.",
            ),
            "roman": Key(
                False,
                TEXT,
                "Its romanisation, in parentheses after the name: `唐杰 (Tang Jie)`. Required when the name is not "
                "in Latin letters and one of `deck.languages` is written in Latin script.",
            ),
            "affiliation": Key(False, OPTIONAL_TEXT, "Where the person works; `deckgen list people` shows it."),
            "title": Key(False, OPTIONAL_TEXT, "The person's title or role; not shown on cards."),
        },
    ),
    "judgment": Section(
        "A numbered claim of the source and the card specs that make its notes.",
        {
            "id": Key(
                True,
                ID,
                "A slug, unique and never reused: the start of its cards' keys (so of their GUIDs). "
                "Independent of the number.",
            ),
            "number": Key(
                True,
                NUMBER,
                "Its number in the source, from 1, unique; may change freely. On the back's last line and "
                "in the tag `judgment::NN`.",
            ),
            "theme": Key(True, TEXT, "The id of its theme (or subtheme): on the back's last line."),
            "speakers": Key(
                False,
                _list(TEXT),
                "The ids of the people it is attributed to: on the back's last line, tags `speaker::<id>`.",
            ),
            LANGUAGE_KEY: Key(
                True,
                TEXT,
                "The claim in each language of `deck.languages`: on the back of its cards, under the answer "
                "(unless `context: editors`), one language after the other.",
            ),
            "editors_note": Key(
                False,
                _ref("editors_note"),
                "The editors' comment on the claim, shown instead of it on cards with `context: editors`.",
            ),
            "tags": Key(False, _list(TEXT), "Extra Anki tags for every note of the judgment."),
            "cards": Key(
                True,
                _list({"oneOf": [_ref(kind) for kind in KIND_KEYS.values()]}),
                "Its card specs, each of one kind: `q`/`a`, `term`/`means`, `of`/`items` or `cloze`; [] to draft.",
            ),
        },
    ),
    "editors_note": Section(
        "The editors' comment on a judgment.",
        {
            LANGUAGE_KEY: Key(
                True,
                TEXT,
                "In each language of `deck.languages`: on the back of cards with `context: editors`, in the "
                "claim's place.",
            ),
        },
    ),
    "card": Section(
        "What every card spec may have besides its kind's keys.",
        {
            "id": Key(
                False,
                CARD_ID,
                "A stable key for its notes (a slug that may contain `/`); without it the key is "
                "`<judgment-id>/<kind>/<n>`. Hidden field `Key`.",
            ),
            "context": Key(
                False,
                _choice(CONTEXTS),
                "What the back shows under the answer: the judgment's claim (`claim`, the default) or its "
                "editors' note (`editors`).",
            ),
            "tags": Key(False, _list(TEXT), "Extra Anki tags for this card's notes."),
            "image": Key(
                False,
                TEXT,
                f"An image file ({' '.join(IMAGE_SUFFIXES)}) in the source's folder, relative to it: on the back.",
            ),
        },
    ),
    "qa": Section(
        "A Q/A card: one note with the question on the front and the answer on the back.",
        {
            "q": Key(True, TEXT, "The question, on the front (and the top of the back)."),
            "a": Key(True, TEXT, "The answer, on the back."),
            "extra": Key(False, OPTIONAL_TEXT, _ANSWER_EXTRA),
        },
        title="Q/A card",
    ),
    "concept": Section(
        "A concept card: a `What is <term>?` note, a `Who proposed <term>?` note with `by:`, a reverse with "
        "`reverse: true`.",
        {
            "term": Key(True, TEXT, "The term, in the questions (and the answer of the reverse)."),
            "means": Key(True, TEXT, "What it means: the answer of `What is …?` (the question of the reverse)."),
            "by": Key(False, TEXT, "The id of the person who proposed it; makes the `Who proposed …?` note."),
            "reverse": Key(False, BOOLEAN, "`true` adds a note that shows the meaning and asks for the term."),
        },
        title="concept card",
    ),
    "list": Section(
        "A list card: one note that asks for the items in order.",
        {
            "of": Key(
                True,
                TEXT,
                "What the items are, in the question `What are <of>?` (`deck.labels.list_question`); `{n}` is "
                "replaced by the count in words.",
            ),
            "items": Key(True, _list(TEXT, 2), "The items, at least two: the answer, as a numbered list."),
            "extra": Key(False, OPTIONAL_TEXT, _ANSWER_EXTRA),
        },
        title="list card",
    ),
    "cloze": Section(
        "A cloze card: one note, one card per cloze number.",
        {
            "cloze": Key(
                True,
                TEXT,
                'The text with deletions `{{c1::…}}`, quoted (`"…"`): the front hides each in turn, the back shows it.',
            ),
            "extra": Key(False, OPTIONAL_TEXT, "Text shown on the back under the cloze text."),
        },
        title="cloze card",
    ),
    "named_deck": Section(
        "A named deck: part of the source, built with its own name by `deckgen build --deck KEY` and `--all`.",
        {
            "key": Key(True, ID, "A slug that `--deck` names; its file is `dist/<deck-id>-<key>.apkg`."),
            "name": Key(True, TEXT, "The deck's name in Anki."),
            "description": Key(False, OPTIONAL_TEXT, "Shown on the deck's overview screen in Anki."),
            "select": Key(True, _ref("select"), "Which notes it holds, as the build options select them."),
        },
    ),
    "select": Section(
        "A named deck's selection: values of one key are alternatives, different keys must all hold.",
        {
            option: Key(False, {"anyOf": [value, _list(value, 1)]}, about)
            for option, about, value in zip(
                SELECTION_OPTIONS,
                (
                    "Theme ids, as `--theme` (a theme selects its subthemes).",
                    "Person ids, as `--speaker`.",
                    "Tags, as `--tag` (a tag selects its child tags).",
                    "Judgment numbers and ranges, as `--judgment` (`12-17,25`).",
                ),
                (TEXT, TEXT, TEXT, JUDGMENT_RANGES),
                strict=True,
            )
        },
        min_keys=1,
    ),
}
"""Every section of the format, by name (the ``$defs`` of :func:`source_schema`)."""


@functools.cache
def keys(section: str, languages: tuple[str, ...] = ()) -> dict[str, bool]:
    """A section's keys → whether each is required, as :meth:`deckgen.yamlnodes.NodeReader.mapping` takes them,
    :data:`LANGUAGE_KEY` replaced by ``languages`` (each required) where the section has it; ``subtheme`` is
    ``theme`` without ``subthemes``. The same dict for the same arguments: not to be changed."""
    name = "theme" if section == "subtheme" else section
    out: dict[str, bool] = {}
    for key, k in SECTIONS[name].keys.items():
        if key == LANGUAGE_KEY:
            out.update(dict.fromkeys(languages, True))
        elif not (section == "subtheme" and key == "subthemes"):
            out[key] = k.required
    return out


CARD_KEYS = {kind: {**keys(kind), **dict.fromkeys(keys("card"), False)} for kind in KIND_KEYS.values()}
"""Each card kind's keys: its own, then those every card spec may have."""


def _object(section: Section, fields: dict[str, Key] | None = None) -> JSON:
    fields = section.keys if fields is None else fields
    named = {name: key for name, key in fields.items() if name != LANGUAGE_KEY}
    language = fields.get(LANGUAGE_KEY)
    return {
        "type": "object",
        **({"title": section.title} if section.title else {}),
        "description": section.about,
        "properties": {name: {**key.value, "description": key.about} for name, key in named.items()},
        **(
            {
                "patternProperties": {
                    LANGUAGE_TAG_PATTERN: {**language.value, "title": LANGUAGE_KEY, "description": language.about}
                }
            }
            if language
            else {}
        ),
        "required": [name for name, key in named.items() if key.required],
        **({"minProperties": section.min_keys} if section.min_keys else {}),
        "additionalProperties": False,
    }


SCHEMA_TITLE = "deckgen source"
"""The schema's ``title``, the same in every version deckgen has written (``init`` replaces only a file with it)."""


def source_schema() -> JSON:
    """The JSON Schema (draft 2020-12) of a source document, as a JSON-ready dict: one ``$defs`` entry per
    section of :data:`SECTIONS`, a card being ``oneOf`` its kinds (each kind with its own keys and the common
    ones). Deterministic: the same deckgen gives the same schema."""
    theme = SECTIONS["theme"]
    kinds = {kind: {**SECTIONS[kind].keys, **SECTIONS["card"].keys} for kind in KIND_KEYS.values()}
    defs = {name: _object(section) for name, section in SECTIONS.items() if name not in ("source", "card", *kinds)}
    defs["subtheme"] = _object(theme, {k: v for k, v in theme.keys.items() if k != "subthemes"})
    defs.update({kind: _object(SECTIONS[kind], fields) for kind, fields in kinds.items()})
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": SCHEMA_TITLE,
        **_object(SECTIONS["source"]),
        "if": {"properties": {"deck": {"not": {"required": ["languages"]}}}},
        "then": _requiring(DEFAULT_LANGUAGES, "source"),
        "$defs": defs,
    }


def _requiring(languages: tuple[str, ...], section: str) -> JSON:
    """A schema that requires the keys ``languages`` wherever ``section`` and the sections inside it have
    :data:`LANGUAGE_KEY` (the default languages' keys of a source without ``deck.languages``); ``{}`` where
    none has."""
    out: JSON = {}
    fields = SECTIONS["theme" if section == "subtheme" else section].keys
    if LANGUAGE_KEY in fields:
        out["required"] = list(languages)
    inner: JSON = {}
    for name, key in fields.items():
        ref = key.value.get("$ref") or key.value.get("items", {}).get("$ref")
        if ref and not (section == "subtheme" and name == "subthemes"):
            below = _requiring(languages, ref.rsplit("/", 1)[1])
            if below:
                inner[name] = {"items": below} if "items" in key.value else below
    if inner:
        out["properties"] = inner
    return out


def schema_text() -> str:
    """:func:`source_schema` as the text ``deckgen schema`` prints and :data:`SCHEMA_FILE` holds: JSON indented
    by two spaces, non-ASCII characters as they are, a newline at the end."""
    return json.dumps(source_schema(), indent=2, ensure_ascii=False) + "\n"
