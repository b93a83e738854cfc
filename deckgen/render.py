"""Rendering a note's cards through its note type's templates, the way Anki does.

The package hands Anki the template strings of :mod:`deckgen.notetypes`; this module renders those same
strings for anything that shows a card outside Anki (``deckgen preview``). It supports exactly the template
syntax deckgen's note types use, and raises :class:`TemplateError` for anything else, so a template change
that the renderer does not understand fails loudly instead of previewing wrongly:

* ``{{Field}}`` — the field's HTML, unchanged;
* ``{{#Field}}…{{/Field}}`` — the part is kept when the field is not empty; like Anki, a field holding only
  whitespace and ``<br>``/``<div>`` tags counts as empty (rslib ``template.rs``, ``field_is_empty``);
* ``{{FrontSide}}`` — on the back, the rendered front;
* ``{{cloze:Field}}`` — cloze deletions as Anki 2.1.50+ writes them, card *n* (ordinal ``n - 1``) showing
  deletion ``n`` (:func:`deckgen.cloze.cloze_card_html`). Nested deletions are not supported (deckgen's
  sources make none).

The output is the HTML Anki puts inside the card (``card.question()``/``card.answer()`` without the leading
``<style>`` block); the tests compare the two through the real ``anki`` package.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .cloze import cloze_card_html
from .errors import DeckgenError
from .notes import Note
from .notetypes import NoteType, card_ords

_TAG = re.compile(r"\{\{(.*?)\}\}", re.S)
_EMPTY_FIELD = re.compile(r"^(?:\s|</?(?:br|div) ?/?>)*$", re.I)


class TemplateError(DeckgenError):
    """A note type's template uses syntax the renderer does not support, or names an unknown field."""


@dataclass(frozen=True)
class Card:
    """One rendered card: Anki's 0-based card ordinal and the front and back HTML (without CSS)."""

    ord: int
    front: str
    back: str


def field_is_empty(html: str) -> bool:
    """True when ``html`` holds nothing but whitespace and ``<br>``/``<div>`` tags (Anki's rule)."""
    return bool(_EMPTY_FIELD.match(html))


def render_card(note_type: NoteType, fields: Sequence[str], ord: int) -> Card:
    """Render card ``ord`` of a note with these field values (HTML, in ``note_type.fields`` order).

    Raises :class:`TemplateError` for unsupported template syntax or a field the note type lacks, and
    ValueError when ``fields`` does not match the note type's field count.
    """
    if len(fields) != len(note_type.fields):
        raise ValueError(f"{note_type.name} has {len(note_type.fields)} fields, got {len(fields)}")
    values = dict(zip(note_type.field_names, fields, strict=True))
    front = _render(note_type.front, values, ord, question=True, front_side=None)
    back = _render(note_type.back, values, ord, question=False, front_side=front)
    return Card(ord, front, back)


def render_note(note_type: NoteType, fields: Sequence[str]) -> list[Card]:
    """Every card of a note, in card-ordinal order (see :func:`card_ords` and :func:`render_card`)."""
    return [render_card(note_type, fields, ord) for ord in card_ords(note_type, fields)]


def cards(note: Note) -> list[Card]:
    """Every card of a deckgen :class:`~deckgen.notes.Note`, rendered through its note type."""
    return render_note(note.note_type, note.fields)


def _render(template: str, values: dict[str, str], ord: int, *, question: bool, front_side: str | None) -> str:
    out: list[str] = []
    # Each open section: (field name, whether its content is shown). Output is kept only while all are shown.
    sections: list[tuple[str, bool]] = []
    pos = 0
    for m in _TAG.finditer(template):
        shown = all(keep for _, keep in sections)
        if shown:
            out.append(template[pos : m.start()])
        pos = m.end()
        tag = m.group(1).strip()
        if tag.startswith("#"):
            name = tag[1:].strip()
            sections.append((name, not field_is_empty(_field(values, name))))
        elif tag.startswith("/"):
            name = tag[1:].strip()
            if not sections or sections[-1][0] != name:
                raise TemplateError(f"{{{{/{name}}}}} closes no open {{{{#{name}}}}}")
            sections.pop()
        elif shown:
            out.append(_replacement(tag, values, ord, question=question, front_side=front_side))
    if sections:
        raise TemplateError(f"{{{{#{sections[-1][0]}}}}} is never closed")
    out.append(template[pos:])
    return "".join(out)


def _replacement(tag: str, values: dict[str, str], ord: int, *, question: bool, front_side: str | None) -> str:
    if tag == "FrontSide":
        if front_side is None:
            raise TemplateError("{{FrontSide}} can only be used on the back template")
        return front_side
    if ":" in tag:
        filter_name, _, name = tag.partition(":")
        if filter_name.strip() != "cloze":
            raise TemplateError(f"{{{{{tag}}}}}: the '{filter_name}' filter is not supported by deckgen's renderer")
        return cloze_card_html(_field(values, name.strip()), ord + 1, front=question)
    if tag[:1] in "^!=" or not tag:
        raise TemplateError(f"{{{{{tag}}}}}: this template syntax is not supported by deckgen's renderer")
    return _field(values, tag)


def _field(values: dict[str, str], name: str) -> str:
    try:
        return values[name]
    except KeyError:
        raise TemplateError(f"the template names a field '{name}' that the note type does not have") from None
