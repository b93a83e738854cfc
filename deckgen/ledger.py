"""The build ledger: what each note and note type looked like when it was last packaged, and its ``mod``.

Why it exists (see ``shared/notes/anki-import.md``, checked against rslib
``import_export/package/apkg/import/notes.rs``): Anki matches an imported note by GUID and, with the import
dialog's default "update notes: if newer", replaces it only when ``existing.mtime < incoming.mtime`` in
whole seconds. Field content is never compared. Note types follow the same rule. So a build must

* keep an **unchanged** note's ``mod`` exactly as before — Anki then sees a duplicate and keeps whatever
  the user edited inside Anki;
* give a **changed** note ``max(now, previous + 1)`` — newer than the last package even within one second;
* give a **new** note ``now``; and never a time in the future (the build waits out the rest of a second
  rather than stamp one; see :func:`not_before`). A note with a future ``mod`` in Anki takes no update
  until then, so a ledger recording one (more than :data:`MAX_AHEAD` s ahead, e.g. from a machine whose
  clock is ahead) is treated as corrupt, like any value of the wrong type.

The ledger file sits next to the source (``<deck-id>.ledger.json``), is committed with it, and is JSON with
one line per note, sorted by note key, so ``git diff`` shows exactly which notes a change touched. A note's
line holds its key, content hash, ``mod``, question and answer (for reports), whether the key is an explicit
``id:``, and its note-type id (so a change between Q/A and cloze under one key can be reported). All times
are Unix epoch **seconds** (ints), like Anki's note ``mod`` column. :mod:`deckgen.state` adds what this
machine last packaged, which the ledger alone cannot know after ``git revert``.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .errors import Problem, SourceError, clip
from .notetypes import NoteType

FORMAT = 1

OLDEST_MOD = 946684800
"""2000-01-01 in epoch seconds: a ``mod`` before it cannot come from a deckgen build (the ledger is corrupt)."""
MAX_AHEAD = 1
"""Seconds a recorded ``mod`` may lie ahead of this machine's clock (clocks a second apart, or a clock set back
a little). Anything later — e.g. written on a machine whose clock is minutes ahead — makes the record corrupt:
stamping past it would put a future ``mod`` into Anki, which blocks every later update of that note until then.
So the build never waits more than ``MAX_AHEAD + 1`` seconds (see :func:`not_before`)."""
_TYPE_ID = re.compile(r"[1-9][0-9]{0,18}")
_MAX_ID = (1 << 63) - 1


class Corrupt(ValueError):
    """A ledger (or machine record, :mod:`deckgen.state`) has the wrong shape or impossible values."""


def check_mod(value, where: str, now: int) -> int:
    """``value`` if it is a plausible ``mod`` (an int, not a bool, from 2000 up to ``now + MAX_AHEAD``);
    raises :class:`Corrupt` naming ``where`` otherwise."""
    if type(value) is not int:
        raise Corrupt(f"{where}: mod {_clip(value)} is not a whole number of seconds")
    if value < OLDEST_MOD:
        raise Corrupt(f"{where}: mod {value} is before the year 2000")
    if value > now + MAX_AHEAD:
        raise Corrupt(
            f"{where}: mod {_clip(value)} is {_clip(value - now)} s in the future (written on a machine "
            "whose clock is ahead?)"
        )
    return value


def check_type_id(value, where: str) -> int:
    """``value`` if it is a note-type id (a positive 64-bit int, not a bool); raises :class:`Corrupt` otherwise."""
    if type(value) is not int or not 0 < value <= _MAX_ID:
        raise Corrupt(f"{where}: {_clip(value)} is not a note-type id")
    return value


def type_id_key(key: str, where: str) -> int:
    """A note-type id written as a JSON object key (``"1768331001"``, ASCII digits only) as an int."""
    if not _TYPE_ID.fullmatch(key) or int(key) > _MAX_ID:
        raise Corrupt(f"{where}: {_clip(key)} is not a note-type id")
    return int(key)


def fields_of(raw, where: str, required: dict[str, type], optional: dict[str, type] | None = None) -> dict:
    """The JSON object ``raw`` checked to have exactly the ``required`` keys (and any of ``optional``), each
    value of the type given (``int`` excludes bools); raises :class:`Corrupt` naming ``where`` otherwise."""
    if not isinstance(raw, dict):
        raise Corrupt(f"{where}: not a JSON object")
    optional = optional or {}
    missing = [k for k in required if k not in raw]
    unknown = [k for k in raw if k not in required and k not in optional]
    if missing or unknown:
        what = [f"missing {', '.join(missing)}"] if missing else []
        what += [f"unknown {_clip(unknown)}"] if unknown else []
        raise Corrupt(f"{where}: {'; '.join(what)}")
    for k, v in raw.items():
        kind = required.get(k) or optional[k]
        if type(v) is not kind:
            raise Corrupt(f"{where}.{k}: {_clip(v)} is not a {kind.__name__}")
    return raw


def read_text(path: Path) -> tuple[str | None, str | None]:
    """A small state file's text: ``(text, None)``; ``(None, None)`` when it does not exist; ``(None, why)``
    when it cannot be read (permissions, a folder, not UTF-8)."""
    try:
        return path.read_text(encoding="utf-8"), None
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as err:
        return None, str(err)


def load_json(raw: str):
    """``json.loads``, with every way a hand-edited or damaged file can make it fail (bad syntax, nesting too
    deep, numbers too long to convert) raised as :class:`Corrupt`."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise Corrupt("nested too deeply") from None
    except ValueError as err:
        raise Corrupt(str(err)[:200]) from None


def _clip(value) -> str:
    """``repr(value)`` quoted short (:func:`deckgen.errors.clip`), for messages about damaged files."""
    return clip(repr(value) if not isinstance(value, int) or value.bit_length() < 200 else "a huge number")


@dataclass(frozen=True)
class Entry:
    """What the ledger remembers of one note: its key, content hash, mod (epoch s), plain text, whether its
    key was an explicit ``id:``, and its note-type id (None in ledgers written before it was recorded)."""

    key: str
    hash: str
    mod: int
    question: str = ""
    answer: str = ""
    explicit_id: bool = False
    note_type: int | None = None

    def as_json(self) -> dict:
        """The ledger line's object: every field, ``note_type`` only when known."""
        out = dict(self.__dict__)
        if self.note_type is None:
            del out["note_type"]
        return out


_ENTRY = {"key": str, "hash": str, "mod": int}
_ENTRY_OPTIONAL = {"question": str, "answer": str, "explicit_id": bool, "note_type": int}


@dataclass(frozen=True)
class TypeEntry:
    """What the ledger remembers of one note type (keyed by note-type id)."""

    kind: str
    name: str
    hash: str
    schema: str
    mod: int


_TYPE_ENTRY = {"kind": str, "name": str, "hash": str, "schema": str, "mod": int}


@dataclass
class Ledger:
    """GUID → :class:`Entry` and note-type id → :class:`TypeEntry` for one deck id."""

    deck_id: str
    notes: dict[str, Entry] = field(default_factory=dict)
    types: dict[int, TypeEntry] = field(default_factory=dict)

    @staticmethod
    def path_for(source_path: str | Path, deck_id: str) -> Path:
        """Where the ledger of ``deck_id`` lives: ``<source folder>/<deck-id>.ledger.json``."""
        return Path(source_path).parent / f"{deck_id}.ledger.json"

    @classmethod
    def read(cls, path: Path, deck_id: str, now: int | None = None) -> tuple[Ledger, str | None]:
        """Read a ledger; returns it and a warning text (or None). ``now`` is this machine's clock (epoch s).

        A missing file is a first build (empty ledger, no warning). A file that cannot be read or parsed,
        has the wrong shape, a value of the wrong type (a float or ``true`` for a ``mod``), a ``mod`` before
        2000 or more than :data:`MAX_AHEAD` seconds after ``now``, or that belongs to another deck gives an
        empty ledger and a warning: the build then starts afresh (every note counts as new and gets
        ``mod = now``), which is always safe for Anki.
        """
        now = int(time.time()) if now is None else now
        raw, why = read_text(path)
        if raw is None:
            return cls(deck_id), why and f"{path}: cannot read the ledger ({why}); starting a fresh one"
        try:
            ledger = cls._parse(load_json(raw), deck_id, now)
        except Corrupt as err:
            return cls(deck_id), (
                f"{path}: the ledger is corrupt ({err}); starting a fresh one. Every note "
                "gets a new mod, so the next import updates every note once (keeping its "
                "reviews, replacing edits made in Anki); restore the ledger from git instead "
                "if you can"
            )
        return ledger, None

    @classmethod
    def _parse(cls, data, deck_id: str, now: int) -> Ledger:
        fields_of(data, "the file", {"deck": str, "format": int, "note_types": dict, "notes": dict})
        if data["format"] != FORMAT:
            raise Corrupt(f"unknown format {_clip(data['format'])}")
        if data["deck"] != deck_id:
            raise Corrupt(f"it belongs to deck {_clip(data['deck'])}")
        notes = {}
        for guid, e in data["notes"].items():
            where = f"notes.{_clip(guid)}"
            e = fields_of(e, where, _ENTRY, _ENTRY_OPTIONAL)
            check_mod(e["mod"], where, now)
            if "note_type" in e:
                check_type_id(e["note_type"], f"{where}.note_type")
            notes[guid] = Entry(**e)
        types = {}
        for tid, t in data["note_types"].items():
            where = f"note_types.{_clip(tid)}"
            t = fields_of(t, where, _TYPE_ENTRY)
            check_mod(t["mod"], where, now)
            types[type_id_key(tid, where)] = TypeEntry(**t)
        return cls(deck_id, notes, types)

    def dump(self, fh: BinaryIO) -> None:
        """Write the ledger to the binary file ``fh`` as UTF-8 JSON: stable, sorted, one line per note and
        per note type. Written line by line, so a large ledger is never held in memory as one string."""
        fh.write(f'{{\n"deck": {json.dumps(self.deck_id)},\n"format": {FORMAT},\n"note_types": {{\n'.encode())
        types = sorted(self.types.items())
        for i, (tid, t) in enumerate(types):
            comma = "," if i < len(types) - 1 else ""
            fh.write(f'  "{tid}": {json.dumps(t.__dict__, ensure_ascii=False, sort_keys=True)}{comma}\n'.encode())
        fh.write(b'},\n"notes": {\n')
        notes = sorted(self.notes.items(), key=lambda kv: (kv[1].key, kv[0]))
        for i, (guid, e) in enumerate(notes):
            comma = "," if i < len(notes) - 1 else ""
            fh.write(
                f"  {json.dumps(guid)}: {json.dumps(e.as_json(), ensure_ascii=False, sort_keys=True)}{comma}\n".encode()
            )
        fh.write(b"}\n}\n")


@dataclass
class Change:
    """One note in the change report: its key, and old/new text where it changed."""

    key: str
    question: str
    old_question: str = ""
    old_answer: str = ""
    answer: str = ""


@dataclass
class Plan:
    """The result of comparing the notes of a build with the ledger.

    ``mods`` (GUID → epoch s) and ``type_mods`` (note-type id → epoch s) are what the package must carry;
    ``ledger`` is the ledger to write after the package. Counts concern the selected notes only;
    ``removed`` lists ledger notes no longer in the source at all.
    """

    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Change] = field(default_factory=list)
    type_notes: list[str] = field(default_factory=list)
    """Plain sentences about note types: updated in place, or new (fields changed) and what Anki will do."""
    notices: list[str] = field(default_factory=list)
    """Plain sentences about notes beyond the change lists (e.g. restored to an earlier version)."""
    warnings: list[str] = field(default_factory=list)
    mods: dict[str, int] = field(default_factory=dict)
    type_mods: dict[int, int] = field(default_factory=dict)
    ledger: Ledger | None = None


KIND_LABELS = {"qa": "Q/A", "cloze": "cloze"}
_LISTED = 10
"""Keys named in a notice before the rest are only counted."""


def note_hash(note) -> str:
    """Content hash of a note as Anki stores it: note type, fields and tags."""
    blob = "\x1e".join([str(note.note_type.id), "\x1f".join(note.fields), " ".join(note.tags)])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


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


def _type_status(t: NoteType, ledger: Ledger, packaged) -> tuple[str, int]:
    old = ledger.types.get(t.id)
    same = old is not None and old.hash == t.content_hash() and old.schema == t.schema_hash()
    return _status(t.content_hash(), old and old.mod, same, packaged.types.get(t.id) if packaged else None)


def not_before(notes, types: list[NoteType], ledger: Ledger, packaged=None) -> int:
    """The earliest ``now`` (epoch s) at which :func:`plan` can stamp every changed item without a future time.

    A changed note needs ``previous + 1``; if the previous build was in this same second the build must
    wait for the next one instead of writing a ``mod`` in the future. Every recorded ``mod`` is at most
    :data:`MAX_AHEAD` seconds ahead of the clock (:meth:`Ledger.read` rejects later ones), so the wait is
    under ``MAX_AHEAD + 1`` seconds. ``packaged`` is this machine's record (:class:`deckgen.state.Packaged`).
    """
    seen = packaged.notes if packaged else {}
    need = 0
    for note in notes:
        old = ledger.notes.get(note.guid)
        h = note_hash(note)
        need = max(need, _status(h, old and old.mod, old is not None and old.hash == h, seen.get(note.guid))[1])
    for t in types:
        need = max(need, _type_status(t, ledger, packaged)[1])
    return need


def plan(selected, all_notes, types: list[NoteType], ledger: Ledger, now: int, packaged=None) -> Plan:
    """Compare ``selected`` notes (those going into this package) with ``ledger`` at time ``now`` (epoch s).

    ``all_notes`` is every note of the source (a filtered build still knows the rest): a ledger note absent
    from it is reported as removed and dropped from the new ledger; a note of the source that is not
    selected keeps its ledger entry untouched. ``packaged`` (:class:`deckgen.state.Packaged`, optional) is
    what this machine last packaged: a note the ledger calls unchanged but that this machine packaged later
    with other content (``git revert`` restored an older source and ledger) counts as changed, so that Anki
    takes it again. Raises :class:`deckgen.errors.SourceError` for a note whose note type (Q/A or cloze)
    changed under the same key, which Anki cannot apply. Warnings name the card's place when a change will
    not do what the author likely means: a card that looks like a removed
    note under a new key, a question and answer both changed (a reorder), a note type whose recorded
    fields differ although its id is the same.
    """
    out = Plan()
    new = Ledger(ledger.deck_id, dict(ledger.notes), dict(ledger.types))
    seen = packaged.notes if packaged else {}
    restored: list[str] = []
    arrivals = []  # (note, ledger entry or None): notes whose question is new under their key
    kind_problems: list[Problem] = []
    for note in selected:
        h = note_hash(note)
        old = ledger.notes.get(note.guid)
        status, floor = _status(h, old and old.mod, old is not None and old.hash == h, seen.get(note.guid))
        if status == "unchanged":
            mod = old.mod
            out.unchanged += 1
        elif status == "added":
            mod = max(now, floor)
            out.added.append(Change(note.key, note.question, answer=note.answer))
            arrivals.append((note, None))
        else:
            mod = max(now, floor)
            out.changed.append(Change(note.key, note.question, old.question, old.answer, note.answer))
            if status == "restored":
                restored.append(note.key)
            else:
                kind_problems.extend(_kind_problem(note, old, ledger))
                if old.question != note.question:
                    arrivals.append((note, old))
        out.mods[note.guid] = mod
        new.notes[note.guid] = Entry(
            note.key, h, mod, note.question, note.answer, bool(note.spec.id), note.note_type.id
        )
    if kind_problems:
        raise SourceError(kind_problems)
    present = {n.guid for n in all_notes}
    for guid, old in sorted(ledger.notes.items(), key=lambda kv: kv[1].key):
        if guid not in present:
            out.removed.append(Change(old.key, old.question))
            del new.notes[guid]
    out.warnings.extend(_moved_warnings(arrivals, [ledger.notes[g] for g in ledger.notes if g not in present]))
    if restored:
        more = f" and {len(restored) - _LISTED} more" if len(restored) > _LISTED else ""
        out.notices.append(
            f"{len(restored)} note(s) are as the ledger records, but this machine packaged other content for "
            f"them later (after a git revert or checkout?); they get a new mod so that Anki takes this version "
            f"again: {', '.join(restored[:_LISTED])}{more}"
        )
    for t in types:
        h = t.content_hash()
        old_t = ledger.types.get(t.id)
        status, floor = _type_status(t, ledger, packaged)
        mod = old_t.mod if status == "unchanged" else max(now, floor)
        if old_t is None:
            for other_id, other in ledger.types.items():
                if other.kind == t.kind and other_id != t.id:
                    out.type_notes.append(
                        f"note type '{t.name}' replaces '{other.name}' (its fields changed). On import Anki adds "
                        f"'{t.name}' beside '{other.name}' and does not update notes that use '{other.name}' "
                        "(its import log lists them as conflicting; their cards and history are safe). To move "
                        f'them: in the browser search note:"{other.name}", then Notes > Change Note Type'
                    )
        elif old_t.schema != t.schema_hash():
            out.warnings.append(
                f"{ledger.deck_id}.ledger.json: note type '{t.name}' (id {t.id}): the ledger records other fields "
                "for it than deckgen has; it is treated as changed. If the ledger was edited by hand this is "
                f"harmless. If deckgen's note type changed its fields but kept its id, Anki will add a copy "
                f"'{t.name}+' and not update the notes that use it: bump SCHEMA_VERSION in deckgen/notetypes.py"
            )
        elif status != "unchanged":
            out.type_notes.append(f"note type '{t.name}' changed (templates or CSS); Anki updates it in place")
        out.type_mods[t.id] = mod
        new.types[t.id] = TypeEntry(t.kind, t.name, h, t.schema_hash(), mod)
    out.ledger = new
    return out


def _where(note) -> str:
    return f"{note.spec.loc.file}:{note.spec.loc.line}: {note.key}"


def _kind_problem(note, old: Entry, ledger: Ledger) -> list[Problem]:
    """An error if ``note`` changed between Q/A and cloze under its key: Anki matches the note by GUID, sees
    another note type and leaves it alone (import log: conflicting), so the edit could never reach Anki."""
    if old.note_type is None or old.note_type == note.note_type.id:
        return []
    old_type = ledger.types.get(old.note_type)
    if old_type is not None and old_type.kind == note.kind:
        return []  # the same kind under a new note-type id: the note type's own message explains it
    was = f"a {KIND_LABELS.get(old_type.kind, old_type.kind)} note" if old_type else "a note of another type"
    loc = note.spec.loc
    return [
        Problem(
            loc.file,
            loc.line,
            loc.col,
            loc.path,
            f"note '{note.key}' was {was} and is now a {KIND_LABELS[note.kind]} note; Anki cannot change "
            "a note's type on import (it would list the note as conflicting and keep the old one). Give "
            "the card a new id (id: some-new-slug) so that it is added as a new note, and delete the old "
            f'one in Anki if you no longer want it (search "Key:{note.key}")',
        )
    ]


def _moved_warnings(arrivals, removed: list[Entry]) -> list[str]:
    """Warnings about notes whose question is new under their key (``arrivals``: (note, its ledger entry or
    None for an added note)). If that question was, in the ledger, under another key that no longer has it
    (a ``removed`` note, or a changed one), this is likely the same card under a new key, which takes the
    wrong note (and review history) in Anki: say which ``id:`` keeps the old one. Otherwise, a card without
    an explicit id whose question and answer both changed is reported, as after a reorder."""
    gone: dict[str, list[Entry]] = {}
    for old in [*removed, *(old for _, old in arrivals if old is not None)]:
        if old.question:
            gone.setdefault(old.question, []).append(old)
    out = []
    for note, old in arrivals:
        candidates = [e for e in gone.get(note.question, []) if e.key != note.key]
        if candidates:
            was = next((e for e in candidates if e.answer == note.answer), candidates[0])
            fate = "this build removes" if was in removed else "now has another question"
            anki = (
                "Anki will add it as a new note, and the old one keeps its review history"
                if old is None
                else "Anki will put it into the note that had another question here, with that note's review history"
            )
            out.append(
                f"{_where(note)}: same question as the note '{was.key}', which {fate}. {anki}. If it is the "
                f"same card, set its id to its old key: id: {was.key}"
            )
        elif old is not None and not note.spec.id and old.question and old.answer != note.answer:
            out.append(
                f"{_where(note)}: question and answer both changed; if cards were reordered this is now a "
                "different fact under the old note (and its review history). Undo the reorder, set each card's "
                f"id to its current key (deckgen list shows them; id: {note.key} for the card that was here), "
                "then reorder"
            )
    return out
