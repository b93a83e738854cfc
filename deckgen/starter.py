"""``deckgen init``: a small starter source with a fresh deck id, for a deck of one's own.

:func:`write_starter` writes ``cards/<name>.yaml`` into a folder: one theme, one person, two judgments and one
card of each kind (Q/A, concept, list, cloze), valid and lint-clean in the languages asked for, and a
``.gitignore`` that keeps what deckgen writes into the folder out of git (:data:`IGNORED`). The source's first
line names the source format's JSON Schema for editors (:data:`deckgen.schema.MODELINE`, the shipped source's
line too), and the schema is written where that line points, ``schema/deckgen-source.schema.json`` in the
folder, so that an editor with the YAML language server checks and completes the keys without a network.

Its deck id is a slug of the deck's name plus a random suffix (``my-deck-3f9c2a1b``), so two starters never
share one and none takes an existing deck's id: every note's GUID is derived from the deck id, and two
sources with one id overwrite each other's notes in Anki.

The sample text is in English, and in Chinese under a ``zh`` key; a key of another language gets the English
text to replace. When deckgen has no labels for the deck's last language, the starter sets every label, in
English, for the user to translate (so that ``deckgen check --strict`` passes).
"""

from __future__ import annotations

import json
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from .errors import OutputError, UsageError, clip
from .files import write_all_atomic
from .labels import defaults_for
from .languages import tag_problem
from .schema import MODELINE, SCHEMA_FILE, SCHEMA_TITLE, schema_text
from .sourcevalues import normalize_deck_name, readable_id
from .state import Packaged
from .yamlnodes import CONTROL

_SAMPLE: dict[str, dict[str, str]] = {
    "description": {
        "en": "A starter deck made by deckgen init: replace its sample cards with your own.",
        "zh": "deckgen init 生成的起步卡组：把示例卡片换成你自己的。",
        "de": "Ein Starter-Deck von deckgen init: Ersetze die Beispielkarten durch deine eigenen.",
        "fr": "Un paquet de départ créé par deckgen init : remplacez ses cartes d'exemple par les vôtres.",
        "es": "Un mazo inicial creado por deckgen init: sustituye sus tarjetas de ejemplo por las tuyas.",
    },
    "theme": {"en": "Memory", "zh": "记忆", "de": "Gedächtnis", "fr": "Mémoire", "es": "Memoria"},
    "curve": {
        "en": "Hermann Ebbinghaus measured how fast memories fade without review: quickly at first, then slowly.",
        "zh": "艾宾浩斯测量了不复习时记忆消退的速度：先快后慢。",
        "de": "Hermann Ebbinghaus maß, wie schnell Erinnerungen ohne Wiederholung verblassen: zuerst schnell, "
        "dann langsam.",
        "fr": "Hermann Ebbinghaus a mesuré à quelle vitesse les souvenirs s'effacent sans révision : vite au "
        "début, puis lentement.",
        "es": "Hermann Ebbinghaus midió lo rápido que se desvanecen los recuerdos sin repaso: rápido al "
        "principio, luego despacio.",
    },
    "spacing": {
        "en": "Reviews spread out over days are remembered longer than the same reviews crammed into one sitting.",
        "zh": "分散在几天里的复习，比挤在一次里的同样复习记得更久。",
        "de": "Über Tage verteilte Wiederholungen bleiben länger im Gedächtnis als dieselben Wiederholungen an "
        "einem Stück.",
        "fr": "Des révisions réparties sur plusieurs jours se retiennent plus longtemps que les mêmes révisions "
        "en une seule séance.",
        "es": "Los repasos repartidos en varios días se recuerdan más tiempo que los mismos repasos en una sola "
        "sesión.",
    },
    "term": {
        "en": "the forgetting curve",
        "zh": "遗忘曲线",
        "de": "die Vergessenskurve",
        "fr": "la courbe de l'oubli",
        "es": "la curva del olvido",
    },
    "means": {
        "en": "How fast memories fade without review",
        "zh": "不复习时记忆消退的速度",
        "de": "Wie schnell Erinnerungen ohne Wiederholung verblassen",
        "fr": "La vitesse d'effacement des souvenirs sans révision",
        "es": "Lo rápido que se olvida sin repaso",
    },
    "q": {
        "en": "How do memories fade, in Ebbinghaus's measurements?",
        "zh": "按艾宾浩斯的测量，记忆如何消退？",
        "de": "Wie verblassen Erinnerungen nach den Messungen von Ebbinghaus?",
        "fr": "Comment les souvenirs s'effacent-ils, selon les mesures d'Ebbinghaus ?",
        "es": "¿Cómo se desvanecen los recuerdos, según las mediciones de Ebbinghaus?",
    },
    "a": {
        "en": "Quickly at first, then slowly",
        "zh": "先快后慢",
        "de": "Zuerst schnell, dann langsam",
        "fr": "Vite au début, puis lentement",
        "es": "Rápido al principio, luego despacio",
    },
    "of": {
        "en": "the {n} steps of a review",
        "zh": "复习的{n}个步骤",
        "de": "die {n} Schritte einer Wiederholung",
        "fr": "les {n} étapes d'une révision",
        "es": "los {n} pasos de un repaso",
    },
    "extra": {
        "en": "First recall the answer, then check it against the card's back.",
        "zh": "先回想答案，再对照卡片背面检查。",
        "de": "Erst die Antwort abrufen, dann mit der Rückseite der Karte vergleichen.",
        "fr": "D'abord se rappeler la réponse, puis la vérifier au dos de la carte.",
        "es": "Primero recuerda la respuesta y luego compárala con el reverso de la tarjeta.",
    },
    "cloze": {
        "en": "Spreading reviews out over time is called the {{c1::spacing effect}}.",
        "zh": "把复习分散到不同时间，叫作{{c1::间隔效应}}。",
        "de": "Wiederholungen über die Zeit zu verteilen, nennt man den {{c1::Spacing-Effekt}}.",
        "fr": "Répartir les révisions dans le temps s'appelle l'{{c1::effet d'espacement}}.",
        "es": "Repartir los repasos en el tiempo se llama {{c1::efecto de espaciado}}.",
    },
}
"""The starter's sample text in the languages it is written in (those deckgen has labels for)."""

_ITEMS = {
    "en": ("Recall the answer", "Check it against the card"),
    "zh": ("回想答案", "对照卡片检查"),
    "de": ("Die Antwort abrufen", "Mit der Karte vergleichen"),
    "fr": ("Se rappeler la réponse", "La vérifier avec la carte"),
    "es": ("Recordar la respuesta", "Compararla con la tarjeta"),
}
"""The sample list card's items."""


IGNORED = ("dist/", "preview.html")
"""What deckgen writes into a deck's folder by default, which init's ``.gitignore`` ignores: ``deckgen
build``'s packages (``dist/``) and ``deckgen preview``'s page (``preview.html``, written in the current
folder, the deck's folder after init)."""


@dataclass(frozen=True)
class Starter:
    """What :func:`write_starter` wrote: the source file, its deck id, what it did to ``.gitignore``
    (``"written"``, ``"added"`` the entries of :data:`IGNORED` it lacked, listed in ``gitignore_added``, to an
    existing one, or ``"kept"`` one that ignores them already),
    and to the schema file (``"written"``, ``"updated"`` from another deckgen's, or ``"kept"`` as it is)."""

    source: Path
    deck_id: str
    gitignore: Path
    gitignore_action: str
    schema: Path
    schema_action: str
    gitignore_added: tuple[str, ...] = ()


def fresh_deck_id(name: str, token: Callable[[int], str] = secrets.token_hex) -> str:
    """``<slug of name>-<8 random hex digits>``, drawn again while this machine already has a record of a
    deck with that id (:mod:`deckgen.state`). ``token(n)`` gives ``2n`` random hex digits (for tests)."""
    for _ in range(100):
        deck_id = f"{readable_id(name) or 'deck'}-{token(4)}"
        if not Packaged.path_for(deck_id).exists():
            return deck_id
    raise OutputError("could not find a deck id that this machine has not used; is the random source broken?")


def check_languages(languages: Sequence[str]) -> tuple[str, ...]:
    """The languages of ``--language`` (each may be a comma-separated list): one or two distinct,
    well-formed tags. Raises :class:`UsageError` otherwise."""
    tags = [t.strip() for value in languages for t in value.split(",") if t.strip()]
    if languages and not tags:
        raise UsageError(f"--language: no language tag in {', '.join(map(repr, languages))}; write e.g. en or zh,en")
    tags = tags or ["en"]
    for tag in tags:
        if problem := tag_problem(tag):
            raise UsageError(f"--language: {problem}")
    if len({t.lower() for t in tags}) != len(tags) or len(tags) > 2:
        raise UsageError(f"--language: name one language or two, each once (got {', '.join(tags)})")
    return tuple(tags)


def write_starter(
    folder: str | Path,
    name: str | None = None,
    languages: Sequence[str] = ("en",),
    token: Callable[[int], str] = secrets.token_hex,
) -> Starter:
    """Write a starter source for a deck called ``name`` (default: the folder's name) in ``languages`` (one or
    two BCP 47 tags, see :func:`check_languages`) to ``<folder>/cards/<slug>.yaml``, and make sure
    ``<folder>/.gitignore`` ignores :data:`IGNORED` (written, or what it lacks added to an existing one) and that
    ``<folder>/schema/deckgen-source.schema.json`` (:data:`deckgen.schema.SCHEMA_FILE`), which the source's
    first line names, is this deckgen's schema (written, or replaced when it differs). The folder is made if
    missing. The files are written all or nothing.

    Raises :class:`UsageError` for a bad language or an empty or malformed name, and
    :class:`deckgen.errors.OutputError` when the source file exists already (it is never overwritten) or a
    file cannot be written.
    """
    folder = Path(folder)
    languages = check_languages(languages)
    deck_name = name if name is not None else (folder.resolve().name or "My deck")
    try:
        deck_name = normalize_deck_name(deck_name)
    except ValueError as err:
        raise UsageError(f"--name: {err}") from None
    if unseen := next((ch for ch in deck_name if CONTROL.match(ch) or unicodedata.category(ch) == "Cf"), None):
        # what `deckgen check --strict` would refuse in the starter: a control or an invisible character
        raise UsageError(
            f"--name: deck name '{clip(deck_name)}' contains U+{ord(unseen):04X}, a control or invisible "
            "character, which Anki cannot show; remove it"
        )
    # a name in another script gives no readable id: the folder's name does, and the file is named by the id
    own = readable_id(deck_name)
    deck_id = fresh_deck_id(own or readable_id(folder.resolve().name), token)
    source = folder / "cards" / f"{own or deck_id}.yaml"
    if source.exists() or source.is_symlink():
        raise OutputError(f"{source} exists already; nothing was written (give another --name, or another folder)")
    gitignore = folder / ".gitignore"
    # git reads .gitignore as bytes: bytes that are not UTF-8 (a Latin-1 comment) are kept as they are
    ignored = gitignore.read_bytes().decode("utf-8", "surrogateescape") if gitignore.is_file() else None
    files: list[tuple[Path, bytes]] = [(source, starter_yaml(deck_id, deck_name, languages).encode("utf-8"))]
    missing = tuple(entry for entry in IGNORED if not _ignores(ignored or "", entry))
    if ignored is None:
        action = "written"
        files.append((gitignore, "".join(f"{entry}\n" for entry in IGNORED).encode()))
    elif not missing:
        action = "kept"
    else:
        action = "added"
        separator = "\n" if ignored and not ignored.endswith("\n") else ""
        added = ignored + separator + "".join(f"{e}\n" for e in missing)
        files.append((gitignore, added.encode("utf-8", "surrogateescape")))
    schema = folder / SCHEMA_FILE
    text = schema_text().encode("utf-8")
    old = schema.read_bytes() if schema.is_file() else None
    if old is not None and old != text and not _is_deckgen_schema(old):
        raise OutputError(
            f'{schema} exists and is not deckgen\'s schema (its title is not "{SCHEMA_TITLE}"), so init '
            "does not replace it; move it, or init another folder; nothing was written"
        )
    schema_action = "kept" if old == text else "written" if old is None else "updated"
    if old != text:
        files.append((schema, text))
    write_all_atomic(list(files))  # checks every target before it makes a folder: a refused init makes none
    return Starter(source, deck_id, gitignore, action, schema, schema_action, missing if action == "added" else ())


def _is_deckgen_schema(data: bytes) -> bool:
    """Whether ``data`` is a JSON object titled :data:`SCHEMA_TITLE`: a schema some deckgen wrote (every
    version's has that title), which ``init`` may replace with the current one."""
    import json

    try:
        schema = json.loads(data)
    except (ValueError, RecursionError):
        return False
    return isinstance(schema, dict) and schema.get("title") == SCHEMA_TITLE


def _ignores(gitignore: str, entry: str) -> bool:
    """Whether a line of the ``.gitignore`` text ``gitignore`` ignores ``entry`` (``dist/``, ``preview.html``):
    the same name, with or without slashes, or a glob matching it (``*.html``). Enough for a starter's check;
    git's full rules (negations, nested folders) are not needed to avoid adding a line twice."""
    name = entry.strip("/")
    return any(fnmatchcase(name, line.strip().strip("/")) for line in gitignore.splitlines() if line.strip())


def _sample_language(language: str) -> str:
    """The key of :data:`_SAMPLE` for ``language``: the language whose labels deckgen gives it (``de-CH`` →
    ``de``, as :func:`deckgen.labels.defaults_for` finds them), lower case; the tag itself if none."""
    key, _ = defaults_for(language)
    return (key or language).lower()


def labels_yaml(language: str) -> str:
    """The starter's ``labels:``: commented out when deckgen has labels for ``language``, else every label in
    English, to translate."""
    key, labels = defaults_for(language)
    if key is not None:
        return (
            "  # labels:               # deckgen's own words on the cards; the defaults follow the last language\n"
            f"  #   judgment: {labels.judgment}    # the word before a judgment's number on each card\n"
        )
    lines = [f"  labels:    # deckgen has no words for {language}: translate these\n"]
    for field, value in labels._asdict().items():
        shown = json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)
        lines.append(f"    {field}: {shown}\n")
    return "".join(lines)


def starter_yaml(deck_id: str, name: str, languages: Sequence[str]) -> str:
    """The starter source's text: valid, and lint-clean (``deckgen check --strict``), in ``languages``. Its
    cards are in the last language, whose words deckgen's generated questions use."""

    def text(key: str, language: str) -> str:
        return json.dumps(_SAMPLE[key].get(_sample_language(language), _SAMPLE[key]["en"]), ensure_ascii=False)

    def texts(key: str, indent: str) -> str:
        return "".join(f"{indent}{language}: {text(key, language)}\n" for language in languages)

    card = languages[-1]
    others = [lang for lang in languages if _sample_language(lang) not in _SAMPLE["q"]]
    note = f"# Replace the sample text under {', '.join(others)} with your own.\n" if others else ""
    sample_items = _ITEMS.get(_sample_language(card), _ITEMS["en"])
    items = ", ".join(json.dumps(item, ensure_ascii=False) for item in sample_items)
    return f"""\
{MODELINE}
# A deckgen source: one deck. Check it with `deckgen check --strict`, build it with `deckgen build`.
# The README's "Source format" section describes every key.
{note}deck:
  id: {deck_id}    # the namespace of every note's GUID: keep it, and never give another deck the same id
  name: {json.dumps(name, ensure_ascii=False)}
  description: {text("description", card)}
  languages: [{", ".join(languages)}]    # claims, editors' notes and theme names are written in each
{labels_yaml(card)}
themes:
  - id: memory
{texts("theme", "    ")}
people:
  - id: hermann-ebbinghaus
    name: Hermann Ebbinghaus    # as the source writes it; add roman: when a reader needs it spelled in Latin

judgments:
  - id: forgetting-curve    # a stable id: never reuse it for another judgment
    number: 1
    theme: memory
    speakers: [hermann-ebbinghaus]
{texts("curve", "    ")}    cards:
      - term: {text("term", card)}    # a concept: "Who proposed …?" and "What is …?"
        by: hermann-ebbinghaus
        means: {text("means", card)}
      - q: {text("q", card)}
        a: {text("a", card)}

  - id: spacing-effect
    number: 2
    theme: memory
    speakers: []
{texts("spacing", "    ")}    cards:
      - of: {text("of", card)}    # a list: "What are …?"
        items: [{items}]
        extra: {text("extra", card)}    # optional: shown below the answer
      - cloze: {text("cloze", card)}
"""
