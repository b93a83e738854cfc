"""Judgments → notes: card generation and identity.

Each card spec yields one or more notes. Every note has a stable **key** — the spec's explicit ``id`` when
given, else ``<judgment-id>/<kind>/<n>`` — plus a suffix for specs that make several notes (a concept's
``/who``, ``/what`` and ``/term``). The note's GUID is ``genanki.guid_for(deck_id, key)``: it depends on the
deck id and the key only, never on the text, so editing a question or answer updates the note in place in
Anki (Anki matches notes by GUID alone: rslib ``import_export/package/apkg/import/notes.rs``).

Field values are HTML made by :mod:`deckgen.markup`: every piece of source text is escaped, and only
deckgen's own markup (lists, ``<img>``, ``<div lang>``) is added. The two context fields hold the claim (or
editors' note) in the source's first and second language, each marked with its ``lang``; in a source of one
language every field is marked with it. The generated questions and the About line use the source's
:class:`deckgen.labels.Labels`.

genanki is imported lazily (for :func:`guid_for`), so that importing this module stays cheap.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .cloze import cloze_answer, cloze_error, cloze_question
from .errors import Problem, Severity, SourceError
from .gcpause import paused_gc
from .labels import DEFAULTS, Labels, count_word, fill
from .languages import RTL_TEXT
from .markup import field_html, in_its_direction, in_language, isolated_parts, text_html
from .model import CardSpec, ClozeCard, ConceptCard, Judgment, ListCard, Person, QACard, Source, Texts
from .notetypes import NOTE_TYPES, NoteType, card_ords
from .progress import Progress, each


@dataclass(frozen=True)
class Note:
    """One Anki note made from a card spec; ``question`` and ``answer`` are plain text for reports,
    lint and listings."""

    key: str
    guid: str
    note_type: NoteType
    fields: tuple[str, ...]
    """HTML values in the order of the note type's fields (a field deckgen does not fill is empty)."""
    tags: tuple[str, ...]
    question: str
    answer: str
    judgment: Judgment
    spec: CardSpec
    """The card spec that made the note; its ``KIND`` is the card kind (``qa``, ``concept``, ``list``,
    ``cloze``), while :attr:`note_type` is what Anki stores (Q/A or cloze)."""
    order: int
    """0-based position in the source; new cards are queued in this order (card ``due``)."""
    media: tuple[str, ...] = ()
    """Absolute paths of media files the note's fields reference."""

    @property
    def speakers(self) -> tuple[str, ...]:
        """Person ids the note's content comes from: the judgment's speakers, none for an editors' note."""
        return () if self.spec.context == "editors" else self.judgment.speakers


def card_count(note: Note) -> int:
    """How many cards Anki makes from ``note``: one for Q/A, one per distinct cloze number."""
    return len(card_ords(note.note_type, note.fields))


@functools.cache
def _genanki_guid() -> Callable[..., str]:
    from genanki import guid_for as genanki_guid_for

    return genanki_guid_for  # type: ignore[no-any-return]


def spec_id(note: Note, key: str) -> str | None:
    """The ``id:`` to give ``note``'s card spec so that ``note`` gets the key ``key``: ``key`` without the
    suffix the spec adds for this note (``/who``, ``/what``, ``/term`` of a concept), or None when ``key``
    does not end with that suffix, so that no id of this spec makes it (another kind of note)."""
    suffix = note.key.removeprefix(note.spec.key(note.judgment.id))
    if not key.endswith(suffix) or len(key) == len(suffix):
        return None
    return key[: len(key) - len(suffix)]


def guid_for(deck_id: str, key: str) -> str:
    """The note GUID for ``key`` in the deck ``deck_id`` (genanki's base91 SHA-256 of both)."""
    return _genanki_guid()(deck_id, key)


_UNSAFE_IN_MEDIA_NAME = re.compile(r"[^\w.-]+")


def media_name(path: str | Path) -> str:
    """Collision-free package name for a media file: ``<stem>-<first 12 hex of its SHA-1>.<ext>``, each run of
    characters other than letters, digits, ``_``, ``.`` and ``-`` in the stem (in NFC) written as ``_``
    (``fig#1.svg`` → ``fig_1-….svg``).

    Anki keeps media by file name and, on import, renames a file whose name exists with other content
    (rslib ``media.rs``); hashing the content into the name means two different files never share one.
    Anki stores a field's ``src`` unencoded and percent-encodes only some characters when it shows a card
    (rslib ``text.rs`` ``encode_iri_paths``: not ``%``), so a name with ``%`` or ``#`` may show nothing;
    a name of word characters needs no encoding anywhere, and Anki's media check finds it.
    """
    import hashlib
    import unicodedata

    p = Path(path)
    digest = hashlib.sha1(p.read_bytes()).hexdigest()[:12]
    stem = unicodedata.normalize("NFC", p.stem)  # a file name from a Mac (NFD) gets the name its NFC twin gets
    return f"{_UNSAFE_IN_MEDIA_NAME.sub('_', stem)}-{digest}{_UNSAFE_IN_MEDIA_NAME.sub('_', p.suffix)}"


def media_src(path: str | Path) -> str:
    """The ``src`` attribute's value that shows the media file ``path``: its :func:`media_name`, escaped."""
    return html.escape(media_name(path), quote=True)


def list_question(of: str, n: int, labels: Labels = DEFAULTS["en"]) -> str:
    """A list card's question for ``n`` items, in the words of ``labels`` (English by default):
    ``"杨强's {n} agent dimensions"`` → ``"What are 杨强's two agent dimensions?"``.

    Without a ``{n}`` placeholder the count goes first, as ``labels.list_count`` says: ``"What are the two
    <of>?"``.
    """
    count = count_word(n, labels)
    if "{n}" in of:
        return fill(labels.list_question, of=of.replace("{n}", count))
    return fill(labels.list_question, of=fill(labels.list_count, n=count, of=of))


_CLOSED_CLASS = frozenset(
    """
a an the this that these those some any each every all both no its their his her our my your one two three
of to in on at by for with from into onto over under about after before between through without against
and or nor but so if when while whether because although who which what whose how
""".split()
)
"""English words of closed classes (articles, determiners, prepositions, conjunctions, question words): never
a name, so a capital on one at the start of a meaning is only the sentence's (:func:`clause_case`)."""
_LETTERS = re.compile(r"[^\W\d_]+")


def clause_case(means: str, shown: Sequence[str] = (), english: bool = True) -> str:
    """``means`` as it reads inside a sentence: a capital that only marks the start of the meaning is
    lowercased (``"An agent that …"`` → ``"an agent that …"``), a name or acronym keeps its case.

    The first word is lowercased only when it is an ordinary word written with a sentence-initial capital:
    one capital followed by lowercase letters (so ``AI``, ``GLM-4.7``, ``DeepSeek`` and ``iPhone`` are never
    touched), and either, when ``english`` (the source has English among its languages), an English
    closed-class word (``A``, ``The``, ``Which``; :data:`_CLOSED_CLASS`), or a word that the rest of ``means``
    or one of the texts ``shown`` (what the card shows next to it: its claim in each language) writes in
    lowercase (``Intelligence`` where the claim says "intelligence"). A name such as ``Anthropic`` or ``Qwen``
    is never written in lowercase, so it keeps its capital; an ordinary word that no text shows in lowercase
    keeps its capital too, which is the safe way to be wrong. Time linear in the texts.
    """
    first = _LETTERS.match(means)
    word = first.group() if first else ""
    if not word or not word[0].isupper() or word[1:] != word[1:].lower():
        return means
    lower, rest = word.lower(), means[len(word) :]
    if (english and lower in _CLOSED_CLASS) or any(w == lower for w in _LETTERS.findall(" ".join([rest, *shown]))):
        return lower + rest
    return means


def reverse_question(
    means: str,
    person: Person | None = None,
    labels: Labels = DEFAULTS["en"],
    shown: Sequence[str] = (),
    english: bool = True,
) -> str:
    """The question of a concept's reversed card, which shows the meaning and asks for the term:
    ``"Which term names: intelligence gained per unit of resources invested?"``, or, naming the person the
    spec's ``by`` gives, ``"Which term does 唐杰 use for: …?"`` (``labels.which_term`` and
    ``labels.which_term_by``). Where the label has words before ``{means}``, the meaning keeps its own case
    inside the question (:func:`clause_case`, which ``shown`` and ``english`` inform). A full stop or question
    mark ending ``means`` is dropped so the question ends in exactly one."""
    means = means.rstrip().rstrip(".。?？")
    label = labels.which_term_by if person else labels.which_term
    if label.partition("{means}")[0].strip():
        means = clause_case(means, shown, english)
    if person:
        return fill(label, person=person.name, means=means)
    return fill(label, means=means)


@paused_gc
def generate(source: Source, progress: Progress | None = None) -> tuple[list[Note], list[Problem]]:
    """All notes of ``source`` in source order, and the warnings found while making them.

    Raises :class:`SourceError` for problems that would make a broken note: a duplicate key (naming both
    places), an empty field, a cloze without deletions. ``progress`` hears about the judgments done (see
    :mod:`deckgen.progress`).
    """
    gen = _Generator(source)
    for judgment in each(source.judgments, len(source.judgments), "making notes", progress):
        for spec in judgment.cards:
            gen.spec(judgment, spec)
    if any(p.is_error for p in gen.problems):
        raise SourceError(gen.problems)
    return gen.notes, gen.problems


class _Generator:
    def __init__(self, source: Source):
        self.source = source
        self.notes: list[Note] = []
        self.problems: list[Problem] = []
        self.keys: dict[str, CardSpec] = {}
        self.folder = Path(source.path).parent
        self.guid = _genanki_guid()  # as guid_for, without looking genanki up again for each note
        self.html, self.cloze_html = field_html(source.markup)
        """Source text → field HTML, and cloze text → field HTML, as the source's ``deck.markup`` says."""
        self.labels = source.labels
        self.one_language = source.languages[0] if len(source.languages) == 1 else None
        """The source's language when it has only one: then every field is marked as being in it."""
        self.english = any(tag.lower().partition("-")[0] == "en" for tag in source.languages)
        """Whether English is one of the source's languages (:func:`clause_case`)."""
        self._srcs: dict[Path, str] = {}
        """Image path → :func:`media_src` (which reads and hashes the file), once per generate, not per note."""
        self._context: tuple[Texts, tuple[str, str]] | None = None
        """The last context's fields (see :meth:`context_fields`)."""
        self._shared: tuple[Judgment | None, dict[bool, tuple[str, tuple[str, ...]]]] = (None, {})
        """The judgment last made notes of, and what its notes share (see :meth:`shared`)."""
        self.field_names = {kind: t.field_names for kind, t in NOTE_TYPES.items()}

    def problem(self, spec: CardSpec, message: str) -> None:
        self.problems.append(Problem.at(spec.loc, message, Severity.ERROR))

    def spec(self, j: Judgment, spec: CardSpec) -> None:
        base = spec.key(j.id)
        if isinstance(spec, QACard):
            self.add(j, spec, base, "qa", spec.q, spec.a, self.html(spec.a) + self.extra_html(spec.extra))
        elif isinstance(spec, ConceptCard):
            term = spec.term
            person = self.source.person(spec.by) if spec.by else None
            labels = self.labels
            if person:
                who = fill(labels.who_proposed, term=term)
                self.add(j, spec, f"{base}/who", "qa", who, person.label, text_html(person.label))
            self.add(j, spec, f"{base}/what", "qa", fill(labels.what_is, term=term), spec.means, self.html(spec.means))
            if spec.reverse:
                shown = j.context(spec).values
                question = reverse_question(spec.means, person, labels, shown, self.english)
                self.add(j, spec, f"{base}/term", "qa", question, term, self.html(term))
        elif isinstance(spec, ListCard):
            answer_html = "<ol>" + "".join(f"<li>{self.html(i)}</li>" for i in spec.items) + "</ol>"
            answer_html += self.extra_html(spec.extra)
            question = list_question(spec.of, len(spec.items), self.labels)
            self.add(j, spec, base, "qa", question, "; ".join(spec.items), answer_html)
        elif isinstance(spec, ClozeCard):
            error = cloze_error(spec.cloze)
            if error:
                self.problem(spec, error)
                return
            extra_html = self.html(spec.extra)
            question, answer = cloze_question(spec.cloze), cloze_answer(spec.cloze)
            self.add(j, spec, base, "cloze", question, answer, extra_html, text=self.cloze_html(spec.cloze))
        else:
            raise TypeError(f"no notes are made from a {type(spec).__name__}")

    def extra_html(self, extra: str) -> str:
        """A Q/A or list spec's ``extra`` text as HTML to follow its answer in the Answer field (empty if none).

        It goes into the Answer field, not a field of its own: a new field would change the note type's
        schema, and Anki would then import a copy of the note type and stop updating the existing notes
        (see :mod:`deckgen.notetypes`). The ``dg-extra`` class sets it off as supporting text."""
        return f'<div class="dg-extra">{self.html(extra)}</div>' if extra else ""

    def add(
        self,
        j: Judgment,
        spec: CardSpec,
        key: str,
        kind: str,
        question: str,
        answer: str,
        answer_html: str,
        text: str | None = None,
    ) -> None:
        """Add the note ``key`` of note kind ``kind``; ``answer_html`` is the Answer field (Q/A) or the Extra
        field (cloze), ``text`` a cloze's Text field."""
        if key in self.keys:
            other = self.keys[key].loc
            self.problem(
                spec,
                f"note key '{key}' is also made by the card at {other.file}:{other.line} "
                f"({other.key_path}); give one of them a different id",
            )
            return
        self.keys[key] = spec
        if not question.strip() or kind == "qa" and not answer.strip():
            self.problem(spec, f"note '{key}' would have an empty question or answer")
            return
        context1, context2 = self.context_fields(j.context(spec))
        image_html = ""
        media: tuple[str, ...] = ()
        if spec.image:
            path = (self.folder / spec.image).resolve()
            if path not in self._srcs:
                self._srcs[path] = media_src(path)
            image_html = f'<img src="{self._srcs[path]}">'
            media = (str(path),)
        about, tags = self.shared(j, spec.context == "editors")
        values = {"Context1": context1, "Context2": context2, "About": about}
        if kind == "cloze":
            values.update(Text=text or "", Extra=answer_html)
        else:
            values.update(Question=self.html(question), Answer=answer_html)
        if self.one_language:
            for name in ("Question", "Answer", "Text", "Extra"):
                if name in values:
                    values[name] = in_language(values[name], self.one_language)
        elif RTL_TEXT.search(question) or RTL_TEXT.search(answer_html) or (text and RTL_TEXT.search(text)):
            for name in ("Question", "Answer", "Text", "Extra"):  # in the direction of most of their letters
                if name in values:
                    values[name] = in_its_direction(values[name])
        values.update(Image=image_html, Key=html.escape(key))
        if spec.tags:
            tags = tuple(dict.fromkeys([*tags, *spec.tags]))
        note = Note(
            key=key,
            guid=self.guid(self.source.deck_id, key),
            note_type=NOTE_TYPES[kind],
            fields=tuple([values.get(name, "") for name in self.field_names[kind]]),
            tags=tags,
            question=question,
            answer=answer,
            judgment=j,
            spec=spec,
            order=len(self.notes),
            media=media,
        )
        self.notes.append(note)

    def context_fields(self, context: Texts) -> tuple[str, str]:
        """The Context1 and Context2 fields of ``context`` (a claim or an editors' note); made once for the
        notes of one judgment in a row, which share the strings."""
        if self._context is not None and self._context[0] is context:
            return self._context[1]
        languages = self.source.languages
        first = in_language(self.html(context.values[0]), languages[0])
        second = in_language(self.html(context.values[1]), languages[1]) if len(languages) > 1 else ""
        self._context = (context, (first, second))
        return first, second

    def shared(self, j: Judgment, editors: bool) -> tuple[str, tuple[str, ...]]:
        """What every note of ``j`` with this context (its editors' note, else its claim) shares: the About
        field's HTML and the tags before the card spec's own; made once per judgment and context."""
        last, made = self._shared
        if last is not j:
            made = {}
            self._shared = (j, made)
        if editors not in made:
            about = isolated_parts(self.about(j, editors))
            made[editors] = (
                in_language(about, self.one_language) if self.one_language else about,
                self.tags(j, editors),
            )
        return made[editors]

    def about(self, j: Judgment, editors: bool) -> list[str]:
        """The parts of the About line ``Claim 17 · 唐杰 (Tang Jie) · 新范式 New paradigm › 自主学习 Self-learning``
        (the first word is the source's ``judgment`` label, the editors' ``editors_note`` label stands for the
        speakers); the parts that are not empty."""
        where = self.source.theme_path(j.theme)
        if editors:
            who = self.labels.editors_note
        else:
            who = ", ".join(self.source.person(p).label for p in j.speakers)
        parts = [f"{self.labels.judgment} {j.number}", who, where]
        return [p for p in parts if p]

    def tags(self, j: Judgment, editors: bool) -> tuple[str, ...]:
        """The tags of ``j``'s notes with this context, before a card spec's own."""
        theme = self.source.theme(j.theme)
        tags = [self.source.deck_id, f"judgment::{j.number:02d}"]
        if theme.parent:
            tags.append(f"theme::{theme.parent}")
        tags.append(f"theme::{theme.id}")
        if editors:
            tags.append("editors-note")
        else:
            tags.extend(f"speaker::{p}" for p in j.speakers)
        tags.extend(j.tags)
        return tuple(dict.fromkeys(tags))
