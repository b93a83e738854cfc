"""Judgments → notes: card generation and identity.

Each card spec yields one or more notes. Every note has a stable **key** — the spec's explicit ``id`` when
given, else ``<judgment-id>/<kind>/<n>`` — plus a suffix for specs that make several notes (a concept's
``/who``, ``/what`` and ``/term``). The note's GUID is ``genanki.guid_for(deck_id, key)``: it depends on the
deck id and the key only, never on the text, so editing a question or answer updates the note in place in
Anki (Anki matches notes by GUID alone: rslib ``import_export/package/apkg/import/notes.rs``).

Field values are HTML: every piece of source text is escaped (``vector<int>`` stays text), newlines
become ``<br>``, and only deckgen's own markup (lists, ``<img>``) is added.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

import genanki

from .errors import Problem, SourceError
from .gcpause import paused_gc
from .model import CardSpec, Judgment, Person, Source
from .notetypes import NOTE_TYPES
from .progress import Progress, each

CLOZE_RE = re.compile(r"\{\{c0*([0-9]{1,9})::(.*?)\}\}", re.S)
"""A cloze deletion ``{{c<n>::text}}`` or ``{{c<n>::text::hint}}``: its number (ASCII digits, as Anki reads
them; at most nine after leading zeros, so that no digit string is converted whole) and text.
:func:`cloze_error` refuses longer numbers."""
_CLOZE_OPEN = re.compile(r"\{\{c[0-9]+::")
_CLOZE_HUGE = re.compile(r"\{\{c0*([1-9][0-9]{9,})::")
MAX_CLOZE = 65535
"""Highest cloze number: a card's template index (number - 1) is 16-bit in Anki, and an import of a larger
one fails (``IntegralValueOutOfRange``, seen with the ``anki`` package)."""
_COUNT_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


@dataclass(frozen=True)
class Note:
    """One Anki note made from a card spec; ``question`` and ``answer`` are plain text for reports,
    lint and listings."""

    key: str
    guid: str
    kind: str
    """Note type: ``qa`` or ``cloze``."""
    fields: tuple[str, ...]
    """HTML values in the order of the note type's fields (a field deckgen does not fill is empty)."""
    tags: tuple[str, ...]
    question: str
    answer: str
    judgment: Judgment
    spec: CardSpec
    order: int
    """0-based position in the source; new cards are queued in this order (card ``due``)."""
    media: tuple[str, ...] = ()
    """Absolute paths of media files the note's fields reference."""

    @property
    def note_type(self):
        return NOTE_TYPES[self.kind]

    @property
    def speakers(self) -> tuple[str, ...]:
        """Person ids the note's content comes from: the judgment's speakers, none for an editors' note."""
        return () if self.spec.context == "editors" else self.judgment.speakers


def guid_for(deck_id: str, key: str) -> str:
    """The note GUID for ``key`` in the deck ``deck_id`` (genanki's base91 SHA-256 of both)."""
    return genanki.guid_for(deck_id, key)


def text_html(text: str) -> str:
    """Escape plain source text for an Anki field; newlines become ``<br>``."""
    return html.escape(text, quote=False).replace("\n", "<br>")


MARKDOWN_TAGS = frozenset({"p", "br", "em", "strong", "code", "ul", "ol", "li"})
"""The only tags a Markdown field may contain (``deck.markup: markdown``)."""
MARKDOWN_ATTRIBUTES = {"ol": {"start"}}
"""The only attribute a Markdown field may contain: where an ordered list starts (``2025. Year?`` is a list
item numbered 2025, and shows as typed only if the list keeps its ``start``)."""


@functools.cache
def _markdown():
    from markdown_it import MarkdownIt

    # the "zero" preset has every rule off and raw HTML disabled (escaped as text); turn on the subset
    return MarkdownIt("zero", {"breaks": True}).enable(["emphasis", "backticks", "escape", "newline", "list"])


def markdown_html(text: str) -> str:
    """Render deckgen's Markdown subset — ``*emphasis*``, ``**strong**``, ```code```, ``-``/``1.`` lists,
    line breaks — to HTML for an Anki field, then sanitise it with nh3 down to :data:`MARKDOWN_TAGS` and
    :data:`MARKDOWN_ATTRIBUTES`. Raw HTML in the text stays text (``<script>`` → ``&lt;script&gt;``); links and
    images are not part of the subset. A lone paragraph is unwrapped (``*a*`` → ``<em>a</em>``)."""
    rendered = _markdown().render(text).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return _sanitise(rendered)


def _sanitise(rendered: str) -> str:
    import nh3

    return nh3.clean(rendered, tags=set(MARKDOWN_TAGS), attributes=MARKDOWN_ATTRIBUTES)


def markdown_cloze_html(text: str) -> str:
    """:func:`markdown_html` for a cloze text, without letting Markdown cross a deletion's boundary (which
    would nest tags and braces wrongly, ``*a {{c1::b*}}`` → ``<em>a {{c1::b</em>}}``): each deletion's text
    and hint are rendered on their own as inline Markdown, and the text around the deletions with a
    placeholder for each. So ``*{{c1::b}}*`` emphasises the whole deletion, ``{{c1::*b*}}`` its text, and
    markup opened on one side of a boundary and closed on the other stays as typed."""
    deletions: list[re.Match] = []
    mark = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)  # a private-use character

    def hold(m: re.Match) -> str:
        deletions.append(m)
        return f"{mark}{len(deletions) - 1}{mark}"

    def put_back(m: re.Match) -> str:
        deletion = deletions[int(m.group(1))]
        parts = (_sanitise(_markdown().renderInline(part)) for part in deletion.group(2).split("::"))
        return f"{{{{c{deletion.group(1)}::{'::'.join(parts)}}}}}"

    return re.sub(f"{mark}([0-9]+){mark}", put_back, markdown_html(CLOZE_RE.sub(hold, text)))


def count_word(n: int) -> str:
    """English count word for small numbers (``2`` → ``two``), digits above twelve."""
    return _COUNT_WORDS[n] if n < len(_COUNT_WORDS) else str(n)


def list_question(of: str, n: int) -> str:
    """``"杨强's {n} agent dimensions"`` → ``"What are 杨强's two agent dimensions?"``.

    Without a ``{n}`` placeholder the count goes first: ``"What are the two <of>?"``.
    """
    if "{n}" in of:
        return f"What are {of.replace('{n}', count_word(n))}?"
    return f"What are the {count_word(n)} {of}?"


def reverse_question(means: str, person: Person | None = None) -> str:
    """The question of a concept's reversed card, which shows the meaning and asks for the term:
    ``"Which term names: Intelligence gained per unit of resources invested?"``, or, naming the person the
    spec's ``by`` gives, ``"Which term does 唐杰 use for: …?"``. A full stop or question mark ending
    ``means`` is dropped so the question ends in exactly one ``?``."""
    means = means.rstrip().rstrip(".。?？")
    if person:
        return f"Which term does {person.name} use for: {means}?"
    return f"Which term names: {means}?"


def cloze_numbers(text: str) -> list[int]:
    """The deletion numbers used in a cloze text, in order of appearance (``{{c2::x}}`` → 2)."""
    return [int(m.group(1)) for m in CLOZE_RE.finditer(text)]


def cloze_error(text: str) -> str | None:
    """Why ``text`` cannot make cloze cards (no deletions, a ``c0``, a number past ``MAX_CLOZE``, an empty
    deletion, a deletion inside another), or None if it can."""
    huge = _CLOZE_HUGE.search(text)
    if huge:
        return f"cloze number c{huge.group(1)[:12]}… is too large; Anki cannot import numbers past c{MAX_CLOZE}"
    numbers = cloze_numbers(text)
    if not numbers:
        return "cloze text has no deletions; mark the key terms like {{c1::智能效率}}"
    if 0 in numbers:
        return "cloze numbers start at c1 ({{c0::...}} makes no card)"
    if max(numbers) > MAX_CLOZE:
        return f"cloze number c{max(numbers)} is too large; Anki cannot import numbers past c{MAX_CLOZE}"
    if any(not m.group(2).split("::")[0].strip() for m in CLOZE_RE.finditer(text)):
        return "a cloze deletion is empty ({{c1::}}); put the hidden words inside it"
    nested = next((m for m in CLOZE_RE.finditer(text) if _CLOZE_OPEN.search(m.group(2))), None)
    if nested:
        inner = _CLOZE_OPEN.search(nested.group(2)).group()
        return (
            f"cloze deletion {{{{c{nested.group(1)}::…}}}} holds another deletion ({inner}…); deckgen does not "
            "support nested deletions, so write them one after another"
        )
    return None


def cloze_gaps(numbers: list[int]) -> list[str]:
    """Numbers missing below the highest one, as ``c2`` or ``c3-c7`` (``[1, 4]`` → ``["c2-c3"]``)."""
    gaps, previous = [], 0
    for n in sorted(set(numbers)):
        if n == previous + 2:
            gaps.append(f"c{n - 1}")
        elif n > previous + 2:
            gaps.append(f"c{previous + 1}-c{n - 1}")
        previous = n
    return gaps


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
    errors = [p for p in gen.problems if p.severity == "error"]
    if errors:
        raise SourceError(gen.problems)
    return gen.notes, gen.problems


class _Generator:
    def __init__(self, source: Source):
        self.source = source
        self.notes: list[Note] = []
        self.problems: list[Problem] = []
        self.keys: dict[str, CardSpec] = {}
        self.folder = Path(source.path).parent
        self.html = markdown_html if source.markup == "markdown" else text_html
        """Source text → field HTML, as the source's ``deck.markup`` says."""
        self.cloze_html = markdown_cloze_html if source.markup == "markdown" else text_html
        """Cloze text → field HTML."""

    def problem(self, spec: CardSpec, message: str, severity: str = "error") -> None:
        loc = spec.loc
        self.problems.append(Problem(loc.file, loc.line, loc.col, loc.path, message, severity))

    def spec(self, j: Judgment, spec: CardSpec) -> None:
        base = spec.id or f"{j.id}/{spec.kind}/{spec.n}"
        d = spec.data
        if spec.kind == "qa":
            self.add(j, spec, base, "qa", d["q"], d["a"], self.html(d["a"]))
        elif spec.kind == "concept":
            term = d["term"]
            person = self.source.person(d["by"]) if d["by"] else None
            if person:
                self.add(j, spec, f"{base}/who", "qa", f"Who proposed {term}?", person.label, text_html(person.label))
            self.add(j, spec, f"{base}/what", "qa", f"What is {term}?", d["means"], self.html(d["means"]))
            if d["reverse"]:
                self.add(j, spec, f"{base}/term", "qa", reverse_question(d["means"], person), term, self.html(term))
        elif spec.kind == "list":
            items = d["items"]
            answer_html = "<ol>" + "".join(f"<li>{self.html(i)}</li>" for i in items) + "</ol>"
            self.add(j, spec, base, "qa", list_question(d["of"], len(items)), "; ".join(items), answer_html)
        else:
            self.cloze(j, spec, base)

    def cloze(self, j: Judgment, spec: CardSpec, key: str) -> None:
        text = spec.data["cloze"]
        error = cloze_error(text)
        if error:
            self.problem(spec, error)
            return
        question = CLOZE_RE.sub("[...]", text)
        answer = "; ".join(m.group(2).split("::")[0] for m in CLOZE_RE.finditer(text))
        self.add(j, spec, key, "cloze", question, answer, self.html(spec.data["extra"]), text=self.cloze_html(text))

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
        if key in self.keys:
            other = self.keys[key].loc
            self.problem(
                spec,
                f"note key '{key}' is also made by the card at {other.file}:{other.line} "
                f"({other.path}); give one of them a different id",
            )
            return
        self.keys[key] = spec
        if not question.strip() or kind == "qa" and not answer.strip():
            self.problem(spec, f"note '{key}' would have an empty question or answer")
            return
        context = j.editors_note if spec.context == "editors" else j.claim
        image_html, media = "", ()
        if spec.image:
            path = (self.folder / spec.image).resolve()
            image_html = f'<img src="{html.escape(media_name(path), quote=True)}">'
            media = (str(path),)
        values = {
            "Image": image_html,
            "ClaimZh": self.html(context.zh),
            "ClaimEn": self.html(context.en),
            "About": html.escape(self.about(j, spec)),
            "Key": html.escape(key),
        }
        if kind == "cloze":
            values.update(Text=text, Extra=answer_html)
        else:
            values.update(Question=self.html(question), Answer=answer_html)
        fields = tuple(values.get(name, "") for name in NOTE_TYPES[kind].field_names)
        self.notes.append(
            Note(
                key=key,
                guid=guid_for(self.source.deck_id, key),
                kind=kind,
                fields=fields,
                tags=self.tags(j, spec),
                question=question,
                answer=answer,
                judgment=j,
                spec=spec,
                order=len(self.notes),
                media=media,
            )
        )

    def about(self, j: Judgment, spec: CardSpec) -> str:
        """``判断 17 · 唐杰 (Tang Jie) · 新范式 New paradigm › 自主学习 Self-learning``."""
        where = self.source.theme_path(j.theme)
        if spec.context == "editors":
            who = "拾象注 editors' note"
        else:
            who = ", ".join(self.source.person(p).label for p in j.speakers)
        parts = [f"判断 {j.number}", who, where]
        return " · ".join(p for p in parts if p)

    def tags(self, j: Judgment, spec: CardSpec) -> tuple[str, ...]:
        theme = self.source.theme(j.theme)
        tags = [self.source.deck_id, f"judgment::{j.number:02d}"]
        if theme.parent:
            tags.append(f"theme::{theme.parent}")
        tags.append(f"theme::{theme.id}")
        if spec.context == "editors":
            tags.append("editors-note")
        else:
            tags.extend(f"speaker::{p}" for p in j.speakers)
        tags.extend(j.tags)
        tags.extend(spec.tags)
        return tuple(dict.fromkeys(tags))


def media_name(path) -> str:
    """Collision-free package name for a media file: ``<stem>-<first 12 hex of its SHA-1>.<ext>``.

    Anki keeps media by file name and, on import, renames a file whose name exists with other content
    (rslib ``media.rs``); hashing the content into the name means two different files never share one.
    """
    p = Path(path)
    digest = hashlib.sha1(p.read_bytes()).hexdigest()[:12]
    return f"{p.stem}-{digest}{p.suffix}"
