"""deckgen's own note types (Anki "models"): a question/answer type and a cloze type.

Anki matches note types **by id only** on import (rslib ``import_export/package/apkg/import/notes.rs``); a
known id with the same fields and templates is updated in place when the package's note type ``mod`` is
newer, while a known id whose fields changed becomes a copy named "… +" and its notes conflict. So:

* the ids below are fixed constants, never derived from the clock;
* every field and template carries a fixed ``id`` too: Anki pairs fields and templates by id when both
  have one (rslib ``notetype/merge.rs``, ``is_match``, used by ``equal_schema`` in the import code), which
  is what the Anki manual asks deck authors to do, so that a rename is applied in place (``ClaimZh`` and
  ``ClaimEn`` became ``Context1`` and ``Context2`` that way);
* ``SCHEMA_VERSION`` is part of each type's name and id: change it (and the id) whenever fields are added,
  removed or reordered, and deckgen's build report tells the user what that means on import.

The templates are shared by every source, whatever its languages: ``Context1`` and ``Context2`` hold the
card's context (the claim or the editors' note) in the source's first and second language, and the field
HTML itself says its language (``<div lang="zh">``, :func:`deckgen.markup.in_language`); an empty field
leaves nothing on the card (``{{#Field}}`` sections). The CSS picks CJK fonts by ``lang``.

CSS and templates may change freely: the build ledger gives the note type a newer ``mod`` when they do.
We never use Anki's built-in "Basic" (its name is localised, e.g. 问答题 in a Chinese Anki).

:func:`card_ords` says which cards Anki makes from a note's fields, so counting cards needs no later stage.
genanki is imported lazily, in :meth:`NoteType.to_genanki`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .cloze import cloze_numbers


@dataclass(frozen=True)
class NoteType:
    """A note type: fixed id, named fields (each with a fixed id), one card template, CSS.

    ``kind`` is ``"qa"`` or ``"cloze"``; ``fields`` are (name, field id) pairs in order; ``front`` and
    ``back`` are Anki template source; ``template_id`` is the card template's fixed id.
    """

    kind: str
    id: int
    name: str
    fields: tuple[tuple[str, int], ...]
    template_name: str
    template_id: int
    front: str
    back: str
    css: str

    @property
    def field_names(self) -> tuple[str, ...]:
        """The fields' names, in order."""
        return tuple(name for name, _ in self.fields)

    @property
    def is_cloze(self) -> bool:
        """Whether this is the cloze type (one card per cloze number) rather than Q/A (one card)."""
        return self.kind == "cloze"

    def content_hash(self) -> str:
        """Hash of everything Anki stores for the type (fields, templates, CSS): the ledger's change test."""
        blob = json.dumps(
            [self.id, self.name, self.fields, self.template_id, self.front, self.back, self.css], ensure_ascii=False
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def schema_hash(self) -> str:
        """Hash of the fields' ids in order, which is what Anki compares (a rename keeps it): when it changes
        Anki needs a new note-type id (see module docstring)."""
        return hashlib.sha256(json.dumps([fid for _, fid in self.fields]).encode()).hexdigest()[:16]

    def has_schema(self, recorded: str) -> bool:
        """Whether a ledger's recorded schema hash is this type's: :meth:`schema_hash`, or the hash deckgen
        0.1.0 recorded, of the fields' names (as named then, :data:`FORMER_FIELD_NAMES`) and ids."""
        named = [[FORMER_FIELD_NAMES.get(fid, name), fid] for name, fid in self.fields]
        return recorded in (self.schema_hash(), hashlib.sha256(json.dumps(named).encode()).hexdigest()[:16])

    def to_genanki(self) -> Any:
        """The ``genanki.Model`` for this type, fields and template carrying their fixed ids."""
        import genanki

        return genanki.Model(
            self.id,
            self.name,
            fields=[{"name": name, "id": fid} for name, fid in self.fields],
            templates=[{"name": self.template_name, "qfmt": self.front, "afmt": self.back, "id": self.template_id}],
            css=self.css,
            model_type=genanki.Model.CLOZE if self.is_cloze else genanki.Model.FRONT_BACK,
            sort_field_index=0,
        )


SCHEMA_VERSION = 1

FORMER_FIELD_NAMES = {
    **{1716100765784: "ClaimZh", 1716100765785: "ClaimEn"},
    **{1863916459220: "ClaimZh", 1863916459221: "ClaimEn"},
}
"""Field id → the field's name in deckgen 0.1.0, for the fields renamed since (renamed in place by Anki)."""

CSS = """\
.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
    "WenQuanYi Micro Hei", sans-serif;
  font-size: 20px;
  line-height: 1.55;
  text-align: start;
  color: #1d1d1f;
  background-color: #fbfbf8;
  margin: 0;
  padding: 0;
}
.dg { max-width: 40em; margin: 0 auto; padding: 1em 1.1em 1.4em; overflow-wrap: anywhere; }
.dg-q { font-size: 1.2em; font-weight: 600; }
.dg-a { font-size: 1.15em; color: #0b5cad; margin-top: .2em; }
.dg-a ol, .dg-a ul { margin: .2em 0 0; padding: 0; padding-inline-start: 1.4em; }
.dg-a li { margin: .15em 0; }
.cloze { font-weight: 700; color: #0b5cad; }
.dg-extra { margin-top: .6em; }
.dg-a .dg-extra { margin-top: .45em; font-size: .75em; color: #55554f; }
.dg-img { margin-top: .8em; text-align: center; }
.dg-img img { width: auto; height: auto; max-width: 100%; max-height: 60vh; }
hr#answer { border: 0; border-top: 1px solid #d9d9d4; margin: .9em 0; }
.dg-ctx { margin-top: 1.1em; padding-top: .7em; border-top: 1px dashed #d0d0ca; font-size: .78em; color: #55554f; }
hr#answer + .dg-ctx { margin-top: 0; padding-top: 0; border-top: 0; }
.dg-ctx > div { margin: .25em 0; }
.dg-c1 { font-size: 1.05em; }
.dg-c2 { color: #66665f; }
.dg-ctx :lang(zh), .dg-ctx :lang(ja), .dg-ctx :lang(ko) { letter-spacing: .02em; }
.dg-about { margin-top: .5em; font-size: .9em; color: #77776f; }
:lang(zh-Hant), :lang(zh-TW), :lang(zh-HK), :lang(zh-MO), :lang(yue) {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "PingFang TC", "Microsoft JhengHei", "Noto Sans CJK TC", "Noto Sans TC", "Source Han Sans TC", sans-serif;
}
:lang(ja) {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", "Meiryo", "Noto Sans CJK JP", "Noto Sans JP",
    "Source Han Sans JP", sans-serif;
}
:lang(ko) {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans CJK KR", "Noto Sans KR", "Source Han Sans KR", sans-serif;
}
.card.nightMode, .night_mode .card { color: #e6e6e1; background-color: #1f1f22; }
.nightMode .dg-a, .night_mode .dg-a, .nightMode .cloze, .night_mode .cloze { color: #7cb8ff; }
.nightMode .dg-ctx, .night_mode .dg-ctx { color: #b5b5ad; border-top-color: #46464a; }
.nightMode .dg-a .dg-extra, .night_mode .dg-a .dg-extra { color: #b5b5ad; }
.nightMode .dg-c2, .night_mode .dg-c2 { color: #a8a8a0; }
.nightMode .dg-about, .night_mode .dg-about { color: #9a9a92; }
.nightMode .dg-img img, .night_mode .dg-img img { filter: brightness(.88); }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #46464a; }
@media (max-width: 480px) {
  .card { font-size: 18px; }
  .dg { padding: .7em .8em 1em; }
}
"""

_CONTEXT = """\
{{#Image}}<div class="dg-img">{{Image}}</div>{{/Image}}
<div class="dg-ctx">
{{#Context1}}<div class="dg-c1">{{Context1}}</div>
{{/Context1}}{{#Context2}}<div class="dg-c2">{{Context2}}</div>
{{/Context2}}<div class="dg-about">{{About}}</div>
</div>"""

QA = NoteType(
    kind="qa",
    id=1716100765780 + SCHEMA_VERSION - 1,
    name=f"deckgen Q/A v{SCHEMA_VERSION}",
    fields=(
        ("Question", 1716100765781),
        ("Answer", 1716100765782),
        ("Image", 1716100765783),
        ("Context1", 1716100765784),
        ("Context2", 1716100765785),
        ("About", 1716100765786),
        ("Key", 1716100765787),
    ),
    template_name="Question → Answer",
    template_id=1716100765790,
    front='<div class="dg"><div class="dg-q">{{Question}}</div></div>',
    back='<div class="dg"><div class="dg-q">{{Question}}</div>\n<hr id="answer">\n'
    '<div class="dg-a">{{Answer}}</div>\n' + _CONTEXT + "</div>",
    css=CSS,
)

CLOZE = NoteType(
    kind="cloze",
    id=1863916459216 + SCHEMA_VERSION - 1,
    name=f"deckgen Cloze v{SCHEMA_VERSION}",
    fields=(
        ("Text", 1863916459217),
        ("Extra", 1863916459218),
        ("Image", 1863916459219),
        ("Context1", 1863916459220),
        ("Context2", 1863916459221),
        ("About", 1863916459222),
        ("Key", 1863916459223),
    ),
    template_name="Cloze",
    template_id=1863916459230,
    front='<div class="dg"><div class="dg-q">{{cloze:Text}}</div></div>',
    back='<div class="dg"><div class="dg-q">{{cloze:Text}}</div>\n<hr id="answer">\n'
    '{{#Extra}}<div class="dg-a dg-extra">{{Extra}}</div>{{/Extra}}\n' + _CONTEXT + "</div>",
    css=CSS,
)

NOTE_TYPES = {"qa": QA, "cloze": CLOZE}


def card_ords(note_type: NoteType, fields: Sequence[str]) -> list[int]:
    """The 0-based ordinals of the cards Anki makes from a note with these field values (HTML, in
    ``note_type.fields`` order): ``[0]`` for Q/A, ``n - 1`` per distinct cloze number ``n``.

    Only the cloze field(s) that the front template names with ``{{cloze:…}}`` count, as in Anki.
    """
    if not note_type.is_cloze:
        return [0]
    values = dict(zip(note_type.field_names, fields, strict=True))
    numbers: set[int] = set()
    for name in re.findall(r"\{\{\s*cloze:([^}]+?)\s*\}\}", note_type.front):
        numbers.update(cloze_numbers(values[name]))
    return sorted(n - 1 for n in numbers if n > 0)


_SEARCH_SYNTAX = re.compile(r'([\\"*_:()-])')


def field_search(field: str, value: str) -> str:
    """An Anki search, quoted, that finds exactly the notes whose field ``field`` holds ``value``:
    ``field_search("Key", "old_card")`` → ``"Key:old\\_card"``. Anki's search reads ``*`` and ``_`` as
    wildcards and ``\\``, ``"``, ``:``, ``(``, ``)`` and ``-`` as its syntax, so each is escaped with a
    backslash (Anki manual, "Searching"; checked with ``col.find_notes`` in the tests)."""
    escaped = _SEARCH_SYNTAX.sub(r"\\\1", value)
    return f'"{field}:{escaped}"'
