"""What a build changes since the last one: each note's status against the ledger, and the ``mod`` it gets.

Anki matches an imported note by GUID and, with the import dialog's default "update notes: if newer",
replaces it only when ``existing.mtime < incoming.mtime`` in whole seconds (rslib
``import_export/package/apkg/import/notes.rs``); note types follow the same rule. So a build must

* keep an **unchanged** note's ``mod`` exactly as before — Anki then sees a duplicate and keeps whatever
  the user edited inside Anki;
* give a **changed** note ``max(now, previous + 1)`` — newer than the last package even within one second;
* give a **new** note ``now``; and never a time in the future: the build waits out the rest of a second
  rather than stamp one (:func:`earliest_stamp_time`). A note with a future ``mod`` in Anki takes no update
  until then.

:func:`compare_with_ledger` does this for one build and says what to report: added, changed, unchanged and
removed notes, note types replaced or updated, and warnings when a change will not do what the author
likely means (a card under a new key, a reorder). A change between Q/A and cloze under one key is refused.
All times are Unix epoch seconds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from .errors import Problem, Severity, SourceError
from .labels import NOTE_KIND_WORDS
from .ledger import Entry, Ledger, TypeEntry
from .notes import Note, spec_id
from .notetypes import NoteType, field_search

_LISTED = 10
"""Keys named in a notice before the rest are only counted."""


class PackagedRecord(Protocol):
    """What this machine last packaged (:class:`deckgen.state.Packaged`): GUID → (content hash, mod) and
    note-type id → (content hash, mod)."""

    notes: dict[str, tuple[str, int]]
    types: dict[int, tuple[str, int]]


class NoteChange(NamedTuple):
    """One note in the change report: its key, and old/new text where it changed."""

    key: str
    question: str
    old_question: str = ""
    old_answer: str = ""
    answer: str = ""
    restored: bool = False
    """A changed note whose content is the ledger's, restored after this machine packaged other content."""


@dataclass
class Changes:
    """The notes of a build compared with the ledger: what changed, and the ``mod`` each note gets.

    ``mods`` (GUID → epoch s) and ``type_mods`` (note-type id → epoch s) are what the package must carry;
    ``ledger`` is the ledger to write after the package. Counts concern the selected notes only;
    ``removed`` lists ledger notes no longer in the source at all.
    """

    ledger: Ledger
    added: list[NoteChange] = field(default_factory=list)
    changed: list[NoteChange] = field(default_factory=list)
    unchanged: int = 0
    removed: list[NoteChange] = field(default_factory=list)
    type_notes: list[str] = field(default_factory=list)
    """Plain sentences about note types: updated in place, or new (fields changed) and what Anki will do."""
    notices: list[str] = field(default_factory=list)
    """Plain sentences about notes beyond the change lists (e.g. restored to an earlier version)."""
    warnings: list[Problem] = field(default_factory=list)
    mods: dict[str, int] = field(default_factory=dict)
    type_mods: dict[int, int] = field(default_factory=dict)


def note_hash(note: Note) -> str:
    """Content hash of a note as Anki stores it: note type, fields and tags."""
    blob = "\x1e".join([str(note.note_type.id), "\x1f".join(note.fields), " ".join(note.tags)])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def note_hashes(notes: Iterable[Note]) -> dict[str, str]:
    """GUID → :func:`note_hash` of each of ``notes``: made once per build, for :func:`earliest_stamp_time` and
    :func:`compare_with_ledger`."""
    return {note.guid: note_hash(note) for note in notes}


def _status(h: str, old_mod: int | None, same: bool, seen: tuple[str, int] | None) -> tuple[str, int]:
    """How an item with content hash ``h`` compares with its ledger record (``old_mod``, None if it has none;
    ``same`` if the ledger records this very content) and with what this machine last packaged under its id
    (``seen``: (hash, mod) or None; see :mod:`deckgen.state`).

    Returns ``"added"``, ``"unchanged"``, ``"changed"`` or ``"restored"`` (the ledger records this content,
    but this machine packaged other content later, as after ``git revert``), and the lowest ``mod`` it may
    get: 0 for an unchanged item, which keeps ``old_mod``; else newer than both records.
    """
    later = seen[1] + 1 if seen is not None and seen[0] != h else 0
    if old_mod is None:
        return "added", later
    if same:
        return ("restored", later) if later > old_mod + 1 else ("unchanged", 0)
    return "changed", max(old_mod + 1, later)


def _note_status(note: Note, h: str, ledger: Ledger, packaged: PackagedRecord | None) -> tuple[str, int]:
    old = ledger.notes.get(note.guid)
    seen = packaged.notes.get(note.guid) if packaged else None
    return _status(h, old.mod if old else None, old is not None and old.hash == h, seen)


def _type_status(t: NoteType, ledger: Ledger, packaged: PackagedRecord | None) -> tuple[str, int]:
    old = ledger.types.get(t.id)
    same = old is not None and old.hash == t.content_hash() and t.has_schema(old.schema)
    seen = packaged.types.get(t.id) if packaged else None
    return _status(t.content_hash(), old.mod if old else None, same, seen)


def earliest_stamp_time(
    notes: Iterable[Note],
    types: Iterable[NoteType],
    ledger: Ledger,
    packaged: PackagedRecord | None,
    hashes: dict[str, str],
) -> int:
    """The earliest ``now`` (epoch s) at which :func:`compare_with_ledger` can stamp every changed item without
    a future time.

    A changed note needs ``previous + 1``; if the previous build was in this same second the build must
    wait for the next one instead of writing a ``mod`` in the future. Every recorded ``mod`` is at most
    :data:`deckgen.records.MAX_AHEAD` seconds ahead of the clock (:meth:`Ledger.read` rejects later ones), so
    the wait is under ``MAX_AHEAD + 1`` seconds. ``packaged`` is this machine's record (None: none);
    ``hashes`` the notes' :func:`note_hashes`.
    """
    need = 0
    for note in notes:
        need = max(need, _note_status(note, hashes[note.guid], ledger, packaged)[1])
    for t in types:
        need = max(need, _type_status(t, ledger, packaged)[1])
    return need


def compare_with_ledger(
    selected: Sequence[Note],
    all_notes: Sequence[Note],
    types: Sequence[NoteType],
    ledger: Ledger,
    now: int,
    packaged: PackagedRecord | None,
    hashes: dict[str, str],
) -> Changes:
    """Compare ``selected`` notes (those going into this package) with ``ledger`` at time ``now`` (epoch s).

    ``all_notes`` is every note of the source (a filtered build still knows the rest): a ledger note absent
    from it is reported as removed and dropped from the new ledger; a note of the source that is not
    selected keeps its ledger entry untouched. ``packaged`` is what this machine last packaged (None: none): a
    note the ledger calls unchanged but that this machine packaged later with other content (``git revert``
    restored an older source and ledger) counts as changed, so that Anki takes it again. Raises
    :class:`deckgen.errors.SourceError` for a note whose note type (Q/A or cloze) changed under the same
    key, which Anki cannot apply. Warnings name the card's place when a change will not do what the author
    likely means: a card that looks like a removed note under a new key, a question and answer both
    changed (a reorder), a note type whose recorded fields differ although its id is the same. ``hashes``
    are the selected notes' :func:`note_hashes`.
    """
    out = Changes(Ledger(ledger.deck_id, dict(ledger.notes), dict(ledger.types), ledger.path))
    restored: list[str] = []
    arrivals: list[tuple[Note, Entry | None]] = []  # notes whose question is new under their key
    kind_problems: list[Problem] = []
    for note in selected:
        h = hashes[note.guid]
        old = ledger.notes.get(note.guid)
        status, floor = _note_status(note, h, ledger, packaged)
        if status == "unchanged" and old is not None:
            mod = old.mod
            out.unchanged += 1
        elif status == "added" or old is None:
            mod = max(now, floor)
            out.added.append(NoteChange(note.key, note.question, answer=note.answer))
            arrivals.append((note, None))
        else:
            mod = max(now, floor)
            restoring = status == "restored"
            out.changed.append(NoteChange(note.key, note.question, old.question, old.answer, note.answer, restoring))
            if restoring:
                restored.append(note.key)
            else:
                kind_problems.extend(_kind_problem(note, old, ledger))
                if old.question != note.question:
                    arrivals.append((note, old))
        out.mods[note.guid] = mod
        entry = Entry(note.key, h, mod, note.question, note.answer, bool(note.spec.id), note.note_type.id)
        if entry != old:  # else the new ledger keeps the old entry, which is the same
            out.ledger.notes[note.guid] = entry
    if kind_problems:
        raise SourceError(kind_problems)
    present = {n.guid for n in all_notes}
    gone = [(guid, old) for guid, old in ledger.notes.items() if guid not in present]
    for guid, old in sorted(gone, key=lambda kv: kv[1].key):
        out.removed.append(NoteChange(old.key, old.question))
        del out.ledger.notes[guid]
    out.warnings.extend(_moved_warnings(arrivals, [old for _, old in gone]))
    if restored:
        more = f" and {len(restored) - _LISTED} more" if len(restored) > _LISTED else ""
        out.notices.append(
            f"{len(restored)} note(s) are as the ledger records, but this machine packaged other content for "
            f"them later (after a git revert or checkout?); they get a new mod so that Anki takes this version "
            f"again: {', '.join(restored[:_LISTED])}{more}"
        )
    for t in types:
        _compare_type(t, ledger, packaged, now, out)
    return out


def _compare_type(t: NoteType, ledger: Ledger, packaged: PackagedRecord | None, now: int, out: Changes) -> None:
    """Add note type ``t``'s ``mod`` and ledger entry to ``out``, and what its change means for Anki."""
    h = t.content_hash()
    old = ledger.types.get(t.id)
    status, floor = _type_status(t, ledger, packaged)
    mod = old.mod if old is not None and status == "unchanged" else max(now, floor)
    if old is None:
        for other_id, other in ledger.types.items():
            if other.kind == t.kind and other_id != t.id:
                out.type_notes.append(
                    f"note type '{t.name}' replaces '{other.name}' (its fields changed). On import Anki adds "
                    f"'{t.name}' beside '{other.name}' and does not update notes that use '{other.name}' "
                    "(its import log lists them as conflicting; their cards and history are safe). To move "
                    f'them: in the browser search note:"{other.name}", then Notes > Change Note Type'
                )
    elif not t.has_schema(old.schema):
        where = ledger.where
        message = (
            f"note type '{t.name}' (id {t.id}): the ledger records other fields "
            "for it than deckgen has; it is treated as changed. If the ledger was edited by hand this is "
            f"harmless. If deckgen's note type changed its fields but kept its id, Anki will add a copy "
            f"'{t.name}+' and not update the notes that use it: bump SCHEMA_VERSION in deckgen/notetypes.py"
        )
        out.warnings.append(Problem.in_file(where, message, Severity.WARNING))
    elif status != "unchanged":
        out.type_notes.append(f"note type '{t.name}' changed (templates, CSS or field names); Anki updates it in place")
    out.type_mods[t.id] = mod
    out.ledger.types[t.id] = TypeEntry(t.kind, t.name, h, t.schema_hash(), mod)


def _kind_problem(note: Note, old: Entry, ledger: Ledger) -> list[Problem]:
    """An error if ``note`` changed between Q/A and cloze under its key: Anki matches the note by GUID, sees
    another note type and leaves it alone (import log: conflicting), so the edit could never reach Anki."""
    if old.note_type is None or old.note_type == note.note_type.id:
        return []
    old_type = ledger.types.get(old.note_type)
    if old_type is not None and old_type.kind == note.note_type.kind:
        return []  # the same kind under a new note-type id: the note type's own message explains it
    return [kind_changed(note, old_type.kind if old_type else None)]


def kind_changed(note: Note, was: str | None, where: str = "was") -> Problem:
    """The error for ``note`` whose note has kind ``was`` (``"qa"``, ``"cloze"``; None: another note type)
    in the ledger, or with ``where="is in the collection as"`` in the collection being installed into: Anki
    matches the note by GUID, sees another note type and leaves it alone (import log: conflicting; rslib
    ``import_export/package/apkg/import/notes.rs``), so the edit could never reach Anki."""
    old = f"a {NOTE_KIND_WORDS.get(was, was)} note" if was else "a note of another type"
    message = (
        f"note '{note.key}' {where} {old} and is now a {NOTE_KIND_WORDS[note.note_type.kind]} note; Anki cannot "
        "change a note's type on import (it would list the note as conflicting and keep the old one). Give "
        "the card a new id (id: some-new-slug) so that it is added as a new note, and delete the old "
        f"one in Anki if you no longer want it (search {field_search('Key', note.key)})"
    )
    return Problem.at(note.spec.loc, message)


def _at_note(note: Note, message: str) -> Problem:
    """A warning at ``note``'s card spec (line, column and key path, as the lint's), naming the note's key."""
    return Problem.at(note.spec.loc, f"note '{note.key}': {message}", Severity.WARNING)


def _moved_warnings(arrivals: list[tuple[Note, Entry | None]], removed: list[Entry]) -> list[Problem]:
    """Warnings about notes whose question is new under their key (``arrivals``: (note, its ledger entry or
    None for an added note)). If that question was, in the ledger, under another key that no longer has it
    (a ``removed`` note, or a changed one), this is likely the same card under a new key, which takes the
    wrong note (and review history) in Anki: say which ``id:`` keeps the old one. Otherwise, a card without
    an explicit id whose question and answer both changed is reported, as after a reorder."""
    gone: dict[str, list[Entry]] = {}
    for entry in [*removed, *(old for _, old in arrivals if old is not None)]:
        if entry.question:
            gone.setdefault(entry.question, []).append(entry)
    out = []
    for note, old in arrivals:
        candidates = [e for e in gone.get(note.question, []) if e.key != note.key]
        if candidates:
            was = next((e for e in candidates if e.answer == note.answer), candidates[0])
            fate = "which this build removes" if was in removed else "whose key now asks another question"
            anki = (
                "Anki will add it as a new note, and the old note keeps its review history"
                if old is None
                else "Under this key it would overwrite another card's note in Anki, and take that card's review "
                "history"
            )
            keep = spec_id(note, was.key)
            how = f"set its id to its old key: id: {keep}" if keep else "no id of this card makes its old key"
            message = (
                f"this question was the note '{was.key}' in the last build, {fate}. {anki}. If it is the same "
                f"card, {how}"
            )
            out.append(_at_note(note, message))
        elif (
            old is not None and not note.spec.id and old.question and old.answer != note.answer and _has_siblings(note)
        ):
            message = (
                "question and answer both changed; if cards were reordered this is now a "
                "different fact under the old note (and its review history). Undo the reorder, set each card's "
                f"id to its current key (deckgen list shows them; id: {spec_id(note, note.key)} for the card that "
                "was here), then reorder"
            )
            out.append(_at_note(note, message))
    return out


def _has_siblings(note: Note) -> bool:
    """Whether ``note``'s judgment has another card spec of its kind, whose place a reorder could have swapped
    with its own (keys without an ``id`` are numbered by kind: ``<judgment>/<kind>/<n>``)."""
    return sum(spec.KIND == note.spec.KIND for spec in note.judgment.cards) > 1
