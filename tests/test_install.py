"""``deckgen install``: straight into a real Anki collection (the ``anki`` package), through Anki's importer.

Every test drives the CLI and then reads the collection back with the ``anki`` package.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.ankidata import default_base, profile_collection
from deckgen.cli import main
from deckgen.load import load_file
from deckgen.notes import generate, guid_for
from deckgen.notetypes import NOTE_TYPES, QA

from conftest import AS_CLOZE, EDITED_QA, JUDGMENT_28_QA, ROOT, edit, remove_judgment

EDITED = "zhipu-bets-on-coding/qa/3"
"""A note whose answer the tests edit (``a: DeepSeek``)."""
ANSWERED = "zhipu-bets-on-coding/qa/2"
"""A note the tests review, which no edit touches."""
GONE = "imagination-is-the-bottleneck"
"""A judgment the prune tests delete from the source (no named deck depends on it)."""


def keys_of(src: Path, *judgments: str) -> dict[str, str]:
    """GUID → key of the notes that the source ``src`` makes from ``judgments``."""
    return {n.guid: n.key for n in generate(load_file(src))[0] if n.judgment.id in judgments}


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(a) for a in args])


def fresh_collection(folder: Path) -> Path:
    """An empty collection made by Anki, closed again; returns its path."""
    from anki.collection import Collection

    folder.mkdir(parents=True, exist_ok=True)
    Collection(str(folder / "collection.anki2")).close()
    return folder / "collection.anki2"


def minimal_project(tmp_path: Path) -> Path:
    """``tests/data/good/minimal.yaml`` copied to ``tmp_path/cards/``; returns the copy."""
    src = tmp_path / "cards" / "minimal.yaml"
    src.parent.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "good" / "minimal.yaml", src)
    return src


class Opened:
    """A collection opened with the anki package for the ``with`` block (holding Anki's lock meanwhile)."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        from anki.collection import Collection

        self.col = Collection(str(self.path))
        return self.col

    def __exit__(self, *exc):
        self.col.close()


def snapshot(col) -> dict:
    """Everything File → Import decides: notes (GUID, note type, fields, tags, mod), cards (note GUID, template,
    deck, queue, due) and decks; media file names. Ids are left out: Anki assigns them."""
    notes = sorted(
        (n.guid, col.models.get(n.mid)["name"], tuple(n.fields), tuple(sorted(n.tags)), n.mod)
        for n in (col.get_note(nid) for nid in col.find_notes(""))
    )
    cards = sorted(
        col.db.all("SELECT n.guid, c.ord, c.did, c.queue, c.type, c.due FROM cards c JOIN notes n ON n.id = c.nid")
    )
    decks = {d.id: d.name for d in col.decks.all_names_and_ids()}
    return {
        "notes": notes,
        "cards": [(g, o, decks[d], q, t, due) for g, o, d, q, t, due in cards],
        "decks": sorted(decks.values()),
        "media": sorted(os.listdir(col.media.dir())),
    }


def anki_counts(output: str) -> list[str]:
    """The counts of each "Anki imported" (or "Anki would import") line of a command's output, in order."""
    return [line.split(": ", 1)[1] for line in output.splitlines() if line.startswith("  Anki ")]


def answer(col, key: str) -> None:
    """Answer the card of the note with ``key`` with "good", through Anki's scheduler."""
    (cid,) = col.find_cards(f'"Key:{key}"')
    card = col.get_card(cid)
    card.start_timer()
    col.sched.answerCard(card, 3)


def test_install_equals_file_import_of_the_same_package(cards_copy, tmp_path, anki):
    package = tmp_path / "deck.apkg"
    assert run("build", cards_copy, "-o", package).exit_code == 0
    anki.import_apkg(package)  # File → Import with the dialog's defaults
    target = fresh_collection(tmp_path / "profile")

    result = run("install", cards_copy, "--collection", target)

    assert result.exit_code == 0, result.output
    notes = generate(load_file(cards_copy / "agi-next-2026.yaml"))[0]
    assert f"Anki imported: new {len(notes)} · updated 0 · unchanged 0 · conflicting 0" in result.output
    with Opened(target) as col:
        installed = snapshot(col)
    expected = snapshot(anki.col)
    assert installed == expected
    assert len(installed["notes"]) == len(notes) and installed["media"]


def test_edit_reinstalled_updates_the_note_in_place_with_its_review_history(cards_copy, tmp_path):
    target = fresh_collection(tmp_path / "profile")
    assert run("install", cards_copy, "--collection", target).exit_code == 0
    assert sorted(p.name for p in target.parent.glob("collection.anki2*")) == ["collection.anki2"]  # no -shm, -wal
    with Opened(target) as col:
        answer(col, EDITED)
        answer(col, ANSWERED)
        (nid,) = col.find_notes(f'"Key:{EDITED}"')
        revlog = col.db.all("SELECT id, cid, ease, ivl, type FROM revlog ORDER BY id")
        cards = col.db.all("SELECT id, nid, ivl, due, queue, type, reps FROM cards ORDER BY id")
        count = col.note_count()
    assert len(revlog) == 2

    edit(cards_copy / "agi-next-2026.yaml", "        a: DeepSeek\n", "        a: DeepSeek (深度求索)\n")
    result = run("install", cards_copy, "--collection", target)

    assert result.exit_code == 0, result.output
    assert "Anki imported: new 0 · updated 1 · unchanged" in result.output
    assert f"\n    updated {EDITED}\n" in result.output and "    added " not in result.output  # which note, by key
    with Opened(target) as col:
        note = col.get_note(nid)
        assert note["Answer"] == "DeepSeek (深度求索)"
        assert col.db.all("SELECT id, cid, ease, ivl, type FROM revlog ORDER BY id") == revlog
        assert col.db.all("SELECT id, nid, ivl, due, queue, type, reps FROM cards ORDER BY id") == cards
        assert col.note_count() == count


def add_bystanders(col) -> list[int]:
    """Notes that no prune may touch: a user's Basic note, a deckgen-typed note whose Key is a removed key
    but whose GUID is not that key's, and one whose GUID is that key's in another deck id."""
    key = f"{GONE}/qa/1"
    basic = col.new_note(col.models.by_name("Basic"))
    basic["Front"], basic["Back"] = "my own note", "kept"
    copied = col.new_note(col.models.get(QA.id))
    copied["Question"], copied["Key"] = "copied by hand", key
    other_deck = col.new_note(col.models.get(QA.id))
    other_deck["Question"], other_deck["Key"] = "another deck's note", key
    other_deck.guid = guid_for("some-other-deck", key)
    for note in (basic, copied, other_deck):
        col.add_note(note, col.decks.id_for_name("Default"))
    return [basic.id, copied.id, other_deck.id]


def test_prune_removes_exactly_the_notes_removed_from_the_source(cards_copy, tmp_path):
    src = cards_copy / "agi-next-2026.yaml"
    target = fresh_collection(tmp_path / "profile")
    assert run("install", cards_copy, "--collection", target).exit_code == 0
    before = {n.guid: n.key for n in generate(load_file(src))[0]}
    with Opened(target) as col:
        answer(col, f"{GONE}/qa/1")
        bystanders = add_bystanders(col)
    expected = keys_of(src, GONE, "paradigm-shift-is-gradual")  # the notes of the two judgments
    remove_judgment(src, GONE)
    remove_judgment(src, "paradigm-shift-is-gradual")
    after = {n.guid for n in generate(load_file(src))[0]}
    removed = {g: k for g, k in before.items() if g not in after}
    assert removed == expected and len(removed) > 2

    kept = run("install", cards_copy, "--collection", target)  # without --prune: listed, left in place
    assert kept.exit_code == 0, kept.output
    assert f"{len(removed)} note(s) no longer in the source (kept; --prune removes them):" in kept.output
    assert all(f"    {k}\n" in kept.output for k in removed.values())
    with Opened(target) as col:
        assert {col.get_note(n).guid for n in col.find_notes("")} >= set(removed)

    pruned = run("install", cards_copy, "--collection", target, "--prune")

    assert pruned.exit_code == 0, pruned.output
    assert f"{len(removed)} note(s) no longer in the source (removed):" in pruned.output
    listed = [line.strip() for line in pruned.output.split("(removed):\n")[1].splitlines()[: len(removed)]]
    assert listed == sorted(removed.values())
    with Opened(target) as col:
        guids = {col.get_note(n).guid for n in col.find_notes("")}
        assert guids == after | {col.get_note(n).guid for n in bystanders}
        assert col.db.scalar("SELECT count() FROM revlog") == 1  # Anki keeps the removed card's review log
    again = run("install", cards_copy, "--collection", target, "--prune")
    assert again.exit_code == 0 and "no longer in the source" not in again.output


def test_a_named_deck_with_subdecks_installs_as_file_import_of_its_build(cards_copy, tmp_path, anki):
    package = tmp_path / "lin.apkg"
    built = run("build", cards_copy, "--deck", "lin-junyang", "--subdecks", "-o", package)
    assert built.exit_code == 0, built.output
    anki.import_apkg(package)
    target = fresh_collection(tmp_path / "profile")

    result = run("install", cards_copy, "--collection", target, "--deck", "lin-junyang", "--subdecks")

    assert result.exit_code == 0, result.output
    assert 'Deck "AGI-Next 2026 · 林俊旸 Lin Junyang" (agi-next-2026)' in result.output
    with Opened(target) as col:
        installed = snapshot(col)
    assert installed == snapshot(anki.col)
    every = generate(load_file(cards_copy / "agi-next-2026.yaml"))[0]
    assert 0 < len(installed["notes"]) < len(every)
    assert {d for d in installed["decks"] if "::" in d} >= {"AGI-Next 2026 · 林俊旸 Lin Junyang::分化 Divergence"}


def test_install_name_and_deck_options_are_builds(cards_copy, tmp_path):
    target = fresh_collection(tmp_path / "profile")
    named = run("install", cards_copy, "--collection", target, "--theme", "agent", "--name", "My agents")
    assert named.exit_code == 0, named.output
    with Opened(target) as col:
        decks = {d.name for d in col.decks.all_names_and_ids()}
        assert "My agents" in decks and col.note_count() == len(col.find_notes('"deck:My agents"')) > 0
    mixed = run("install", cards_copy, "--collection", target, "--deck", "agent", "--theme", "agent")
    assert mixed.exit_code == 2 and "bring their own selection and name" in mixed.output
    unknown = run("install", cards_copy, "--collection", target, "--deck", "agnet")
    assert unknown.exit_code == 1 and "did you mean 'agent'?" in unknown.output
    assert run("install", cards_copy, "--collection", target, "--all").exit_code == 2  # see README: no --all


def test_prune_with_a_named_deck_removes_only_notes_the_whole_source_no_longer_makes(cards_copy, tmp_path):
    src = cards_copy / "agi-next-2026.yaml"
    target = fresh_collection(tmp_path / "profile")
    assert run("install", cards_copy, "--collection", target).exit_code == 0
    gone = keys_of(src, GONE)
    remove_judgment(src, GONE)
    every = {n.guid for n in generate(load_file(src))[0]}
    deck = {n.guid for n in generate(load_file(src))[0] if "lin-junyang" in n.speakers}
    assert gone and deck and every - deck  # notes outside the deck, that the source still makes

    dry = run("install", cards_copy, "--collection", target, "--deck", "lin-junyang", "--prune", "--dry-run")
    pruned = run("install", cards_copy, "--collection", target, "--deck", "lin-junyang", "--prune")

    assert dry.exit_code == 0 and pruned.exit_code == 0, dry.output + pruned.output
    assert f"{len(gone)} note(s) no longer in the source (would be removed):" in dry.output
    assert f"{len(gone)} note(s) no longer in the source (removed):" in pruned.output
    with Opened(target) as col:
        assert {col.get_note(n).guid for n in col.find_notes("")} == every


def test_a_collection_open_in_anki_is_refused_and_left_alone(cards_copy, tmp_path):
    target = fresh_collection(tmp_path / "profile")
    ledger = cards_copy / "agi-next-2026.ledger.json"
    edit(cards_copy / "agi-next-2026.yaml", "        a: DeepSeek\n", "        a: DeepSeek (深度求索)\n")
    ledger_before = ledger.read_bytes()
    with Opened(target):  # Anki's backend holds its exclusive lock, as the desktop program does
        result = run("install", cards_copy, "--collection", target)
    assert result.exit_code == 1
    assert "Anki cannot open this collection" in result.output and "close Anki" in result.output
    assert "syncing. If Anki has it open" in result.output and ".." not in result.output  # one period
    assert "Traceback" not in result.output
    assert ledger.read_bytes() == ledger_before  # refused before anything was built
    assert not (target.parent / "backups").exists()
    with Opened(target) as col:
        assert col.note_count() == 0


def restore(backup: Path, folder: Path):
    """The note GUIDs of a .colpkg backup, restored with Anki's own import_collection_package."""
    from anki._backend import RustBackend
    from anki.collection import Collection

    folder.mkdir()
    RustBackend().import_collection_package(
        col_path=str(folder / "c.anki2"),
        backup_path=str(backup),
        media_folder=str(folder / "media"),
        media_db=str(folder / "media.db"),
    )
    col = Collection(str(folder / "c.anki2"))
    try:
        return {col.get_note(n).guid for n in col.find_notes("")}
    finally:
        col.close()


def test_each_install_first_makes_an_anki_backup_of_the_collection_as_it_was(cards_copy, tmp_path):
    target = fresh_collection(tmp_path / "profile")
    first = run("install", cards_copy, "--collection", target)
    assert first.exit_code == 0, first.output
    backups = sorted((target.parent / "backups").glob("backup-*.colpkg"))
    assert len(backups) == 1 and f"Backed up the collection to {backups[0]}" in first.output
    assert restore(backups[0], tmp_path / "r1") == set()  # taken before the import

    # at once: Anki names backups to the second, so install waits for the next one rather than replace the first
    gone = keys_of(cards_copy / "agi-next-2026.yaml", GONE)
    remove_judgment(cards_copy / "agi-next-2026.yaml", GONE)
    second = run("install", cards_copy, "--collection", target, "--prune")
    assert second.exit_code == 0, second.output
    (newest,) = set((target.parent / "backups").glob("backup-*.colpkg")) - set(backups)
    assert restore(backups[0], tmp_path / "r1b") == set()  # the first backup is still the collection before both
    with Opened(target) as col:
        now = {col.get_note(n).guid for n in col.find_notes("")}
    assert gone and restore(newest, tmp_path / "r2") == now | set(gone)


def test_dry_run_predicts_anki_and_changes_nothing(cards_copy, tmp_path):
    src = cards_copy / "agi-next-2026.yaml"
    target = fresh_collection(tmp_path / "profile")
    assert run("install", cards_copy, "--collection", target).exit_code == 0
    edit(src, "        a: DeepSeek\n", "        a: DeepSeek (深度求索)\n")
    edit(src, '(chatbots replacing search)"\n', '(chatbots replacing search engines)"\n')
    gone = keys_of(src, GONE)
    remove_judgment(src, GONE)
    positional = JUDGMENT_28_QA[0]  # keyed deployment-unlocks-value/qa/1 by its position: an id makes it new
    # (and a new question: had it kept its question, the prune would be refused, as for a renamed id)
    new = positional.replace("      - q:", "      - id: bet\n        q:").replace("what return", "what gain")
    edit(src, positional, new)
    with Opened(target) as col:
        answer(col, ANSWERED)
        before = snapshot(col)
    ledger = (cards_copy / "agi-next-2026.ledger.json").read_bytes()
    backups = sorted((target.parent / "backups").iterdir())

    dry = run("install", cards_copy, "--collection", target, "--prune", "--dry-run")

    assert dry.exit_code == 0, dry.output
    with Opened(target) as col:
        assert snapshot(col) == before
    assert (cards_copy / "agi-next-2026.ledger.json").read_bytes() == ledger
    assert sorted((target.parent / "backups").iterdir()) == backups
    assert "    would be added bet\n" in dry.output
    assert f"    would be updated {EDITED}\n" in dry.output
    assert f"{len(gone) + 1} note(s) no longer in the source (would be removed):" in dry.output
    assert all(f"    {key}\n" in dry.output for key in gone.values())
    assert "    deployment-unlocks-value/qa/1\n" in dry.output

    real = run("install", cards_copy, "--collection", target, "--prune")
    assert real.exit_code == 0, real.output
    counts = anki_counts(dry.output + real.output)
    assert len(counts) == 2 and counts[0] == counts[1], counts
    assert counts[0].startswith("new 1 · updated 2 · ")


def test_fields_renamed_under_their_ids_are_predicted_as_anki_imports_them(cards_copy, tmp_path):
    """A collection whose deckgen note types call the context fields ClaimZh/ClaimEn, as deckgen 0.1.0 named
    them under the same field ids: Anki pairs fields by id, so a changed note is updated, not conflicting, and
    the dry run predicts what the install then does."""
    target = fresh_collection(tmp_path / "profile")
    assert run("install", cards_copy, "--collection", target).exit_code == 0
    with Opened(target) as col:
        for note_type in NOTE_TYPES.values():
            notetype = col.models.get(note_type.id)
            for old, field in zip(("ClaimZh", "ClaimEn"), notetype["flds"][3:5], strict=True):
                col.models.rename_field(notetype, field, old)
            col.models.update_dict(notetype)
        assert [f["name"] for f in col.models.get(QA.id)["flds"]][3:5] == ["ClaimZh", "ClaimEn"]
        count = col.note_count()
    edit(cards_copy / "agi-next-2026.yaml", "        a: DeepSeek\n", "        a: DeepSeek (深度求索)\n")

    dry = run("install", cards_copy, "--collection", target, "--dry-run")
    real = run("install", cards_copy, "--collection", target)

    assert dry.exit_code == 0 and real.exit_code == 0, dry.output + real.output
    counts = anki_counts(dry.output + real.output)
    assert counts == [f"new 0 · updated 1 · unchanged {count - 1} · conflicting 0"] * 2, counts


def test_a_starter_in_one_language_installs_and_a_copy_under_its_deck_id_is_refused(tmp_path):
    """``deckgen init``'s English starter (Context2 empty) installs as it builds; a copy of it in another file
    keeps the deck id, so installing the copy (or its dry run) is refused before anything is built or backed
    up, until --source-moved says the source moved."""
    assert run("init", tmp_path / "mine", "--name", "Rust notes").exit_code == 0
    source = tmp_path / "mine" / "cards" / "rust-notes.yaml"
    notes = generate(load_file(source))[0]
    target = fresh_collection(tmp_path / "profile")

    result = run("install", source, "--collection", target)

    assert result.exit_code == 0, result.output
    assert f"new {len(notes)} · updated 0 · unchanged 0 · conflicting 0" in result.output
    assert "warning" not in result.output
    with Opened(target) as col:
        installed = [col.get_note(nid) for nid in col.find_notes("")]
        assert sorted(n.guid for n in installed) == sorted(n.guid for n in notes)
        assert all(n["Context1"] and not n["Context2"] for n in installed)
        before = snapshot(col)
    copy = tmp_path / "copy" / "deck.yaml"
    copy.parent.mkdir()
    shutil.copy(source, copy)

    backups = sorted((target.parent / "backups").iterdir())
    ledger = copy.with_name("deck.ledger.json")
    id_line = next(
        n for n, line in enumerate(copy.read_text(encoding="utf-8").splitlines(), 1) if line.startswith("  id: ")
    )

    for refused in (
        run("install", copy, "--collection", target, "--dry-run"),
        run("install", copy, "--collection", target),
    ):
        assert refused.exit_code == 1, refused.output
        assert refused.output.startswith(f"{copy}:{id_line}:7: deck.id: deck id 'rust-notes-"), refused.output
        assert f"was last packaged on this machine from {source.resolve()}" in refused.output
        assert "if the source moved, run again with --source-moved" in refused.output
    with Opened(target) as col:
        assert snapshot(col) == before
    assert sorted((target.parent / "backups").iterdir()) == backups and not ledger.exists()

    # a build of the copy only warns, and leaves the guard as it was: the install after it is refused too
    built = run("build", copy, "-o", tmp_path / "copy.apkg")
    assert built.exit_code == 0 and f"was last packaged on this machine from {source.resolve()}" in built.output
    refused = run("install", copy, "--collection", target)
    assert refused.exit_code == 1 and "run again with --source-moved" in refused.output, refused.output
    with Opened(target) as col:
        assert snapshot(col) == before

    moved = run("install", copy, "--collection", target, "--source-moved")
    assert moved.exit_code == 0, moved.output
    # the copy has no ledger, so its build stamps every note with this second: Anki counts a note whose mtime
    # is newer as updated (rslib's import compares note mtimes), an equal one as unchanged
    counts = re.search(r"new 0 · updated (\d+) · unchanged (\d+) · conflicting 0", moved.output)
    assert counts and int(counts[1]) + int(counts[2]) == len(notes), moved.output
    with Opened(target) as col:
        assert [n[:4] for n in snapshot(col)["notes"]] == [n[:4] for n in before["notes"]]
    assert run("install", copy, "--collection", target).exit_code == 0  # the record now names the copy


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.write_bytes(b""), "not an Anki collection (an empty file)"),
        (lambda p: p.write_text("collection\n"), "not an Anki collection (not an SQLite database)"),
        (lambda p: _other_database(p), "an SQLite database but not an Anki collection"),
    ],
)
def test_a_file_that_is_not_a_collection_is_refused_and_left_alone(cards_copy, tmp_path, make, said):
    """Anki's backend would make an empty file a new collection and add its tables to another program's
    database; install must refuse before it opens them."""
    target = tmp_path / "not-a-collection.anki2"
    make(target)
    before = target.read_bytes()
    result = run("install", cards_copy, "--collection", target)
    assert result.exit_code == 1 and said in result.output and "nothing was changed" in result.output, result.output
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards", "not-a-collection.anki2"]


def test_a_kind_change_without_a_ledger_is_refused_against_the_collection(cards_copy, tmp_path):
    """A fresh clone has no ledger to catch a Q/A card made a cloze under its id; the collection has the
    note, and install refuses before it builds, writes or imports anything."""
    target = fresh_collection(tmp_path / "profile")
    assert run("install", cards_copy, "--collection", target).exit_code == 0
    with Opened(target) as col:
        before = snapshot(col)
    (cards_copy / "agi-next-2026.ledger.json").unlink()
    edit(cards_copy / "agi-next-2026.yaml", EDITED_QA, AS_CLOZE)
    for args in ([], ["--dry-run"]):
        result = run("install", cards_copy, "--collection", target, *args)
        assert result.exit_code == 1, result.output
        assert f"judgments[6].cards[2]: note '{EDITED}' is in the collection as a Q/A note and is now a cloze" in (
            result.output
        )
        assert not (cards_copy / "agi-next-2026.ledger.json").exists()
    with Opened(target) as col:
        assert snapshot(col) == before


def test_a_kind_change_outside_the_selection_or_made_in_anki_is_not_refused(cards_copy, tmp_path):
    """Only the notes being imported are checked, and only those the ledger does not know: a note whose
    type the user changed in Anki (Change Note Type) is Anki's conflict to report, not a source error."""
    target = fresh_collection(tmp_path / "profile")
    assert run("install", cards_copy, "--collection", target).exit_code == 0
    with Opened(target) as col:  # the user turns the Q/A note into a cloze note in Anki
        (nid,) = col.find_notes(f'"Key:{EDITED}"')
        qa, cloze = col.models.get(col.get_note(nid).mid), col.models.by_name(NOTE_TYPES["cloze"].name)
        fields = {i: i for i in range(min(len(qa["flds"]), len(cloze["flds"])))}
        col.models.change(qa, [nid], cloze, fields, {0: 0})
    dry = run("install", cards_copy, "--collection", target, "--dry-run")
    again = run("install", cards_copy, "--collection", target)
    assert again.exit_code == 0 and "conflicting 1" in again.output, again.output
    # named by key, as added and updated notes are (breaker13 B13-7)
    assert f"\n    conflicting {EDITED}\n" in again.output and f"\n    would be conflicting {EDITED}\n" in dry.output
    (cards_copy / "agi-next-2026.ledger.json").unlink()
    edit(cards_copy / "agi-next-2026.yaml", EDITED_QA, AS_CLOZE)  # a real kind change, without a ledger …
    other = run("install", cards_copy, "--collection", target, "--judgment", "1")  # … outside the selection
    assert other.exit_code == 0, other.output


def test_another_programs_database_with_its_changes_only_in_its_log_is_refused(cards_copy, tmp_path):
    import sqlite3
    from contextlib import closing

    target = tmp_path / "app.db"
    with closing(sqlite3.connect(target)) as writer:  # kept open: the table is in app.db-wal, not in app.db
        writer.execute("pragma journal_mode = wal")
        writer.execute("create table users (name text)")
        writer.commit()
        result = run("install", cards_copy, "--collection", target)
        assert result.exit_code == 1 and "an SQLite database but not an Anki collection" in result.output
        assert {t for (t,) in writer.execute("select name from sqlite_master where type = 'table'")} == {"users"}


def test_the_collection_path_is_printed_escaped(cards_copy, tmp_path):
    target = fresh_collection(tmp_path / "User\x1b[2J 1")
    result = run("install", cards_copy, "--collection", target)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "User\\x1b[2J 1" in result.output
    assert "Backed up the collection to" in result.output and "Installed into" in result.output


def test_a_collection_given_through_a_link_gets_its_media_and_backup_in_its_profile(cards_copy, tmp_path):
    """Anki makes the media folder beside the path it opens, and the backup goes beside it too: through a
    link they would land beside the link, and Anki's media check would find the images missing."""
    target = fresh_collection(tmp_path / "profile")
    link = tmp_path / "elsewhere" / "link.anki2"
    link.parent.mkdir()
    link.symlink_to(target)
    result = run("install", cards_copy, "--collection", link)
    assert result.exit_code == 0, result.output
    assert f"Installed into {link}" in result.output
    with Opened(target) as col:
        assert os.listdir(col.media.dir()) and col.media.check().missing == []
    assert len(list((target.parent / "backups").glob("backup-*.colpkg"))) == 1
    assert os.listdir(link.parent) == ["link.anki2"]


def test_a_collection_whose_path_is_not_utf8_is_refused_and_left_alone(cards_copy, tmp_path):
    """Anki's backend takes paths as UTF-8 text: a folder name with another byte made it raise a traceback."""
    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/latin-\xff"))
    folder.mkdir()
    shutil.copy(fresh_collection(tmp_path / "made"), folder / "collection.anki2")
    before = (folder / "collection.anki2").read_bytes()
    result = run("install", cards_copy, "--collection", folder / "collection.anki2")
    assert result.exit_code == 1, result.output
    assert "Anki cannot open a collection whose path is not valid UTF-8" in result.output
    assert "latin-\\udcff" in result.output  # escaped, as a terminal cannot be sent the raw byte
    assert (folder / "collection.anki2").read_bytes() == before and os.listdir(folder) == ["collection.anki2"]


def _other_database(path: Path) -> None:
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("create table users (name text)")
    db.close()


def test_install_needs_exactly_one_collection_and_finds_profiles_by_ankis_rule(cards_copy, tmp_path, monkeypatch):
    assert run("install", cards_copy).exit_code == 2
    assert run("install", cards_copy, "--collection", "x", "--profile", "p").exit_code == 2
    assert run("install", cards_copy, "--collection", "x", "--base", tmp_path).exit_code == 2
    missing = run("install", cards_copy, "--collection", tmp_path / "nothing.anki2")
    assert missing.exit_code == 1 and "no Anki collection there" in missing.output
    assert "open the profile in Anki once" in missing.output and "--profile NAME" in missing.output
    assert not (tmp_path / "nothing.anki2").exists()

    fresh_collection(tmp_path / "Anki2" / "User 1")
    unknown = run("install", cards_copy, "--profile", "User 2", "--base", tmp_path / "Anki2")
    assert unknown.exit_code == 1 and "profiles there: User 1" in unknown.output
    cased = run("install", cards_copy, "--profile", "user 1", "--base", tmp_path / "Anki2")  # breaker17 #12
    assert "(did you mean 'User 1'?)" in cased.output, cased.output
    # a profile folder without its collection, and no data folder at all, say so (newcomer9 #8)
    (tmp_path / "Anki2" / "New").mkdir()
    unopened = run("install", cards_copy, "--profile", "New", "--base", tmp_path / "Anki2")
    assert unopened.exit_code == 1 and "has no collection yet; open the profile in Anki once" in unopened.output
    nowhere = run("install", cards_copy, "--profile", "User 1", "--base", tmp_path / "nowhere")
    assert nowhere.exit_code == 1 and f"no Anki data folder {tmp_path / 'nowhere'} (" in nowhere.output
    result = run("install", cards_copy, "--profile", "User 1", "--base", tmp_path / "Anki2")
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "Anki2" / "User 1" / "backups").glob("backup-*.colpkg"))

    monkeypatch.setenv("ANKI_BASE", str(tmp_path / "Anki2"))
    assert profile_collection("User 1") == tmp_path / "Anki2" / "User 1" / "collection.anki2"


@pytest.mark.parametrize(
    "platform, env, expected",
    [
        ("linux", {"XDG_DATA_HOME": "/x/data"}, Path("/x/data/Anki2")),
        ("linux", {}, Path.home() / ".local" / "share" / "Anki2"),
        ("darwin", {}, Path.home() / "Library" / "Application Support" / "Anki2"),
        ("win32", {"APPDATA": "C:/Users/u/AppData/Roaming"}, Path("C:/Users/u/AppData/Roaming/Anki2")),
        ("linux", {"ANKI_BASE": "/b", "XDG_DATA_HOME": "/x"}, Path("/b")),
    ],
)
def test_default_anki_data_folder_per_platform(platform, env, expected):
    assert default_base(platform, env) == expected


def test_without_the_anki_package_the_command_says_how_to_get_it(cards_copy, tmp_path, monkeypatch):
    target = fresh_collection(tmp_path / "profile")
    for name in [m for m in sys.modules if m == "anki" or m.startswith("anki.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "anki", None)  # what an install without the extra looks like to import
    result = run("install", cards_copy, "--collection", target)
    assert result.exit_code == 1
    assert "pip install 'deckgen[anki]'" in result.output and "Traceback" not in result.output


KILLER = """\
import sys
from deckgen.cli import main
main(sys.argv[1:], prog_name="deckgen")
"""


def state_of(path: Path) -> tuple[bool, frozenset]:
    """Anki's database check on ``path`` (True if it found nothing to fix) and its notes as (GUID, tags,
    fields). Not their mod: a changed note's mod is the second its build ran, which differs between runs."""
    from anki.collection import Collection

    col = Collection(str(path))
    try:
        notes = frozenset(map(tuple, col.db.all("SELECT guid, tags, flds FROM notes")))
        problems, ok = col.fix_integrity()
        return ok, notes
    finally:
        col.close()


@pytest.mark.slow
def test_a_kill_at_any_moment_leaves_the_old_or_the_new_collection(tmp_path):
    """SIGKILL ``deckgen install --prune`` at moments spread over its run: Anki must then open the collection,
    its check must find nothing to fix, and the notes must be exactly the old ones or exactly the new ones.

    Some kills are aimed inside the transaction: the new version of the source adds an image, which Anki's
    importer copies into the media folder near the end of the import, before the prune and the commit. A
    kill that finds the image copied but leaves the old notes landed inside the transaction."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from sources import make_source

    project = tmp_path / "project"
    (project / "media").mkdir(parents=True)
    shutil.copy(ROOT / "cards" / "media" / "yang-qiang-agent-quadrants.svg", project / "media" / "new.svg")
    src = project / "bench-400.yaml"
    src.write_text(make_source(400), encoding="utf-8")
    base = fresh_collection(tmp_path / "base")
    env = dict(os.environ, DECKGEN_STATE_DIR=str(tmp_path / "state"))
    cmd = [sys.executable, "-c", KILLER, "install", str(src), "--prune"]
    subprocess.run([*cmd, "--collection", str(base)], env=env, check=True, capture_output=True)
    old = state_of(base)[1]
    text = src.read_text(encoding="utf-8")
    for n in range(100, 300):  # remove judgments 100-299 (600 notes), tag judgment 1's notes, add an image
        start = text.rindex("\n  - id: ", 0, text.index(f"\n    number: {n}\n"))
        text = text[:start] + text[text.index("\n  - id: ", start + 1) :]
    text = text.replace("    number: 1\n", "    number: 1\n    tags: [edited]\n", 1)
    text = text.replace("    cards:\n      - q: ", "    cards:\n      - image: media/new.svg\n        q: ", 1)
    src.write_text(text, encoding="utf-8")
    ledger = project / "bench-400.ledger.json"
    ledger_old = ledger.read_bytes()

    def trial(name: str, kill_after: float | None = None, when_media: bool = False):
        """Run the install on a copy of the old collection and kill it ``kill_after`` s after its start, or as
        soon as the new image is in the media folder; with neither, let it finish. Returns (check ok, notes,
        image copied at the kill, seconds from start to exit)."""
        folder = tmp_path / name
        shutil.copytree(base.parent, folder)
        ledger.write_bytes(ledger_old)
        start = time.monotonic()
        proc = subprocess.Popen(
            [*cmd, "--collection", str(folder / "collection.anki2")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        media = folder / "collection.media"
        if kill_after is not None:
            time.sleep(kill_after)
        while when_media and proc.poll() is None and not any(media.glob("new-*.svg")):
            time.sleep(0.001)
        copied = any(media.glob("new-*.svg"))
        if kill_after is None and not when_media:
            proc.wait(timeout=120)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        ok, notes = state_of(folder / "collection.anki2")
        return ok, notes, copied, time.monotonic() - start

    ok, new, _, took = trial("complete")
    assert ok and new != old and len(new) == len(old) - 600
    for fraction in (0.2, 0.4, 0.6, 0.8, 0.95):
        ok, notes, *_ = trial(f"at-{fraction}", fraction * took)
        assert ok, f"Anki's check found problems after a kill {fraction:.0%} into the run"
        assert notes in (old, new), f"a kill {fraction:.0%} into the run left a state between old and new"
    inside = 0
    for i in range(3):
        ok, notes, copied, _ = trial(f"media-{i}", when_media=True)
        assert ok and notes in (old, new), "a kill inside the transaction left a state between old and new"
        inside += copied and notes == old
    assert inside, "no kill landed inside the transaction (image copied, notes old); adjust the kill moments"


def installed_and_reviewed(tmp_path: Path) -> tuple[Path, Path, dict]:
    """The minimal source installed into a fresh collection and its card first/qa/1 reviewed once; returns
    (source, collection, the collection's snapshot)."""
    src = minimal_project(tmp_path)
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    with Opened(target) as col:
        answer(col, "first/qa/1")
        return src, target, snapshot(col)


def test_a_prune_that_would_delete_a_note_whose_question_moved_to_a_new_key_is_refused(tmp_path):
    """A renamed judgment id gives its cards new keys: a prune in the same run would delete the reviewed notes
    (and their history) while the build's warning says the old notes keep it (breaker13 B13-1), and a run
    without --prune would put a second note of each question beside the reviewed one (newcomer9 #2). Both are
    refused before anything is written; --as-new adds the new notes beside the old, and a later prune removes
    the old ones."""
    src, target, before = installed_and_reviewed(tmp_path)
    edit(src, "  - id: first\n", "  - id: first-judgment\n")
    card_line = src.read_text(encoding="utf-8").splitlines().index('      - q: "Who made the first judgment?"') + 1
    # a build between the rename and the prune (or a git pull of the ledger) leaves no removal in the ledger:
    # the refusal is decided from the collection (breaker14 B14-1)
    assert run("build", src, "-o", tmp_path / "x.apkg").exit_code == 0
    ledger = src.with_name("minimal.ledger.json").read_bytes()

    at = f"{src}:{card_line}:9: judgments[0].cards[0]: note 'first-judgment/qa/1': "
    pruning = (
        "--prune would delete the note 'first/qa/1' from the collection, with its review history, although this "
        "card asks its question now. If it is the same card, set its id to its old key (id: first/qa/1)"
    )
    adding = (
        "Anki would add this card as a new note beside the note 'first/qa/1', which asks its question in the "
        "collection and keeps its review history (a duplicate). If it is the same card, set its id to its old key "
        "(id: first/qa/1); if it is a new card, run again with --as-new"
    )
    for args, said in (
        (["--prune", "--dry-run"], pruning),
        (["--prune"], pruning),
        (["--dry-run"], adding),
        ([], adding),
    ):
        refused = run("install", src, "--collection", target, *args)
        assert refused.exit_code == 1 and at + said in refused.output, refused.output
        cloze = "note 'first-judgment/cloze/1': " + ("--prune would delete" if said is pruning else "Anki would add")
        assert cloze in refused.output, refused.output
    with Opened(target) as col:
        assert snapshot(col) == before
    assert src.with_name("minimal.ledger.json").read_bytes() == ledger

    kept = run("install", src, "--collection", target, "--as-new")
    assert kept.exit_code == 0 and "Anki imported: new 2 ·" in kept.output, kept.output
    with Opened(target) as col:
        assert col.find_notes('"Key:first/qa/1"') and col.get_card(col.find_cards('"Key:first/qa/1"')[0]).reps == 1
    # the new notes were taken as new: a later prune removes the old ones (breaker17 #3: it was refused again,
    # and only --as-new let it go, for every note it removed)
    pruned = run("install", src, "--collection", target, "--prune")
    assert pruned.exit_code == 0 and "2 note(s) no longer in the source (removed):" in pruned.output, pruned.output


def test_a_new_card_that_renumbers_the_card_below_it_is_refused_not_duplicated(tmp_path):
    """A card with an id of its own inserted above a card without one renumbers that card (ids count), so
    its note would be added a second time beside the reviewed one (newcomer9 #2): the install is refused
    with the id that keeps the note, and once that id is set the note is updated in place."""
    src, target, before = installed_and_reviewed(tmp_path)
    first_card = '      - q: "Who made the first judgment?"\n'
    edit(src, first_card, '      - {id: new-card, q: "Which judgment came first?", a: The first}\n' + first_card)
    refused = run("install", src, "--collection", target)
    assert refused.exit_code == 1, refused.output
    assert (
        "note 'first/qa/2': Anki would add this card as a new note beside the note 'first/qa/1', which asks its "
        "question in the collection and keeps its review history (a duplicate). If it is the same card, set its "
        "id to its old key (id: first/qa/1)"
    ) in refused.output
    with Opened(target) as col:
        assert snapshot(col) == before
    edit(src, first_card, first_card.replace("- q:", "- id: first/qa/1\n        q:"))
    kept = run("install", src, "--collection", target)
    assert kept.exit_code == 0 and "Anki imported: new 1 ·" in kept.output, kept.output
    with Opened(target) as col:
        assert [col.get_card(c).reps for c in col.find_cards('"Key:first/qa/1"')] == [1]


def test_cards_that_a_renamed_deck_leaves_where_they_are_are_counted(tmp_path):
    """Anki's import moves no card: after deck.name changes, the report names the deck where the existing cards
    stay, with Anki's own count, instead of leaving the new name to suggest they moved (newcomer9 #6)."""
    src = minimal_project(tmp_path)
    target = fresh_collection(tmp_path / "profile")
    first = run("install", src, "--collection", target)
    assert first.exit_code == 0 and "other decks" not in first.output, first.output
    edit(src, "  name: Minimal\n", "  name: Minimal::Renamed\n")
    with Opened(target) as col:
        cards = len(col.find_cards("deck:Minimal -deck:Minimal::*"))
    line = f"{cards} cards already in the collection {{}} in other decks, as Anki's import moves no card: 'Minimal'"
    for args, verb in ((["--dry-run"], "would stay"), ([], "stay")):
        result = run("install", src, "--collection", target, *args)
        assert result.exit_code == 0 and line.format(verb) in result.output, result.output
    with Opened(target) as col:
        assert len(col.find_cards('"deck:Minimal::Renamed"')) == 0 and cards > 0


def test_an_install_that_fails_before_the_collection_changes_leaves_the_ledger_and_record_too(tmp_path):
    """ "nothing was changed" was true of the collection only: the build had written the ledger and this
    machine's record, so the next build took the edit as packaged (breaker16 #4). They are put back."""
    from deckgen.state import Packaged

    src = minimal_project(tmp_path)
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    ledger, record = src.with_name("minimal.ledger.json"), Packaged.path_for("minimal")
    before = ledger.read_bytes(), record.read_bytes()
    edit(src, "a: 唐杰\n", "a: 唐杰 (Tang Jie)\n")
    shutil.rmtree(target.parent / "backups", ignore_errors=True)
    (target.parent / "backups").write_text("not a folder", encoding="utf-8")  # the backup cannot be made
    failed = run("install", src, "--collection", target)
    assert failed.exit_code == 1 and "could not make a backup" in failed.output, failed.output
    assert "nothing was changed" in failed.output
    assert (ledger.read_bytes(), record.read_bytes()) == before
    (target.parent / "backups").unlink()
    again = run("install", src, "--collection", target)
    assert again.exit_code == 0 and "updated first/qa/1" in again.output, again.output
    assert ledger.read_bytes() != before[0]


@pytest.mark.parametrize("change", ["a new card above, without an id", "two cards swapped"])
def test_cards_that_take_each_others_keys_are_refused(tmp_path, change):
    """A card without an id inserted above another renumbers it, and two cards swapped take each other's keys:
    the reviewed note would ask the new fact with the old history, the old fact come back as a new note, or two
    notes trade their histories; install went ahead (breaker17 #1). Refused, naming the key to pin."""
    src = minimal_project(tmp_path)
    first = '      - q: "Who made the first judgment?"\n        a: 唐杰\n'
    if change == "two cards swapped":
        edit(src, first, first + '      - q: "Which judgment came first?"\n        a: The first\n')
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    with Opened(target) as col:
        before = snapshot(col)
    if change == "two cards swapped":
        edit(
            src,
            first + '      - q: "Which judgment came first?"\n        a: The first\n',
            '      - q: "Which judgment came first?"\n        a: The first\n' + first,
        )
        said = [
            "note 'first/qa/1': Anki would give the note 'first/qa/1' (and its review history) this card's question, "
            "which the note 'first/qa/2' asks in the collection",
            "note 'first/qa/2': Anki would give the note 'first/qa/2'",
        ]
    else:
        edit(src, first, '      - q: "Which judgment came first?"\n        a: The first\n' + first)
        said = ["note 'first/qa/2': Anki would add this card as a new note beside the note 'first/qa/1'"]
    for args in ([], ["--prune"]):
        refused = run("install", src, "--collection", target, *args)
        assert refused.exit_code == 1, refused.output
        assert all(s in refused.output for s in said) if not args else "first/qa/" in refused.output, refused.output
    with Opened(target) as col:
        assert snapshot(col) == before


def test_a_question_two_cards_share_does_not_block_the_prune_of_one(tmp_path):
    """Two judgments may ask one question (with different answers): removing one card's note was refused as if
    the other had taken its place, and the advice led in a circle (breaker17 #2)."""
    src = minimal_project(tmp_path)
    shared = '      - q: "Who made the first judgment?"\n        a: 唐杰\n'
    edit(
        src,
        '      - of: "the {n} parts"\n',
        '      - q: "Who made the first judgment?"\n        a: 杨强\n      - of: "the {n} parts"\n',
    )
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    edit(src, shared, "")
    pruned = run("install", src, "--collection", target, "--prune")
    assert pruned.exit_code == 0 and "first/qa/1" in pruned.output.split("no longer in the source")[1], pruned.output


def test_a_collection_of_an_older_anki_desktop_keeps_its_schema(tmp_path):
    """Anki's backend upgrades a schema-11 collection (what an Anki desktop before 2.1.50 writes, and all that
    2.1.15 opens) when it opens it; File → Import in that Anki leaves it at 11, and so does install (B13-2)."""
    import sqlite3

    from anki.collection import Collection

    def schema(path: Path) -> int:
        with closing(sqlite3.connect(path)) as db:
            return db.execute("select ver from col").fetchone()[0]

    old = tmp_path / "old" / "collection.anki2"
    old.parent.mkdir()
    Collection(str(old)).close(downgrade=True)
    current = fresh_collection(tmp_path / "current")
    assert (schema(old), schema(current)) == (11, 18)
    source = ROOT / "tests" / "data" / "good" / "minimal.yaml"
    for target in (old, current):
        shutil.copy(source, tmp_path / "minimal.yaml")
        result = run("install", tmp_path / "minimal.yaml", "--collection", target)
        assert result.exit_code == 0 and "new 5 ·" in result.output, result.output
    assert (schema(old), schema(current)) == (11, 18)
    with Opened(old) as col:
        assert sorted(col.get_note(n)["Key"] for n in col.find_notes("")) == sorted(
            keys_of(source, "first", "second").values()
        )


def test_a_field_added_to_deckgens_note_type_in_anki_is_refused_before_anything_changes(tmp_path):
    """With a field added in Anki's Manage Note Types, Anki's import updates none of the note type's notes (all
    conflicting) and puts new ones into a copy "… +" that a prune never sees (breaker13 B13-4): refused, with the
    field named; once the field is removed again, the install goes through."""
    src = minimal_project(tmp_path)
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    with Opened(target) as col:
        model = col.models.get(QA.id)
        col.models.add_field(model, col.models.new_field("MyNotes"))
        col.models.update_dict(model)
        before = snapshot(col)
    edit(src, "a: 唐杰\n", "a: 唐杰 (Tang Jie)\n")
    ledger = src.with_name("minimal.ledger.json").read_bytes()

    for args in ([], ["--dry-run"]):
        refused = run("install", src, "--collection", target, *args)
        assert refused.exit_code == 1, refused.output
        assert (
            f"deckgen: error: {target}: deckgen's note type was changed in this collection ('{QA.name}' has the "
            "field(s) MyNotes): Anki's import would update none of its notes"
        ) in refused.output
        assert "Traceback" not in refused.output
    with Opened(target) as col:
        assert snapshot(col) == before
    assert src.with_name("minimal.ledger.json").read_bytes() == ledger

    with Opened(target) as col:
        model = col.models.get(QA.id)
        col.models.remove_field(model, next(f for f in model["flds"] if f["name"] == "MyNotes"))
        col.models.update_dict(model)
    done = run("install", src, "--collection", target)  # (removing the field stamped the notes: Anki keeps them)
    assert done.exit_code == 0 and " · conflicting 0" in done.output, done.output


def test_ctrl_c_after_the_ledger_is_written_says_so(tmp_path, monkeypatch):
    """An install interrupted at its backup (Ctrl-C, as a KeyboardInterrupt arrives) has written the ledger and
    this machine's record already, and must not say "nothing was written" (breaker13 B13-5)."""
    import deckgen.install

    src = minimal_project(tmp_path)
    target = fresh_collection(tmp_path / "profile")

    def ctrl_c(*args: object) -> None:
        raise KeyboardInterrupt

    make_backup, apply_decks = deckgen.install.make_backup, deckgen.install.apply_decks
    monkeypatch.setattr(deckgen.install, "make_backup", ctrl_c)
    result = run("install", src, "--collection", target)
    assert result.exit_code == 130
    ledger = src.with_name("minimal.ledger.json")
    assert ledger.is_file()
    assert result.output.strip().endswith(
        f"deckgen: interrupted; the build's ledger ({ledger}) and this machine's record of it were already written"
    ), result.output

    # now Ctrl-C comes during the import, after the backup: it is named too (breaker14 B14-11)
    monkeypatch.setattr(deckgen.install, "make_backup", make_backup)
    monkeypatch.setattr(deckgen.install, "apply_decks", ctrl_c)
    result = run("install", src, "--collection", target)
    assert result.exit_code == 130, result.output
    (backup,) = (target.parent / "backups").glob("*.colpkg")
    assert result.output.strip().endswith(
        f"this machine's record of it, and the backup {backup}, were already written"
    ), result.output

    # and after the import, while the report prints: the import is done (breaker15 B15-5)
    import deckgen.cli.report

    monkeypatch.setattr(deckgen.install, "apply_decks", apply_decks)
    monkeypatch.setattr(deckgen.cli.report, "print_imports", ctrl_c)
    result = run("install", src, "--collection", target)
    assert result.exit_code == 130
    assert f"deckgen: interrupted; the import into {target} (and its backup) was already written" in result.output


@pytest.fixture
def unwritable():
    """Make a file or folder unwritable for this process: by its mode, or (for root, whom modes do not stop)
    with the immutable attribute; undone afterwards."""
    made: list[Path] = []

    def make(path: Path) -> None:
        path.chmod(0o555 if path.is_dir() else 0o444)
        if not os.access(path, os.W_OK):
            made.append(path)
            return
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            pytest.skip("cannot make a file unwritable for root here (chattr +i refused)")
        made.append(path)

    yield make
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("part", ["file", "folder"])
def test_a_collection_that_cannot_be_written_is_named_as_such(tmp_path, unwritable, part):
    """A read-only collection file or profile folder: Anki's raw DbError and the advice to close Anki said
    nothing of the cause (breaker13 B13-6)."""
    target = fresh_collection(tmp_path / "profile")
    unwritable(target if part == "file" else target.parent)
    result = run("install", ROOT / "tests" / "data" / "good" / "minimal.yaml", "--collection", target)
    assert result.exit_code == 1
    place = target if part == "file" else target.parent
    assert result.output.strip() == (
        f"deckgen: error: {target}: cannot write the collection's {part} {place} (no permission), which Anki "
        "needs to open it; nothing was changed"
    ), result.output


def test_a_filtered_deck_of_the_decks_name_is_warned_about(tmp_path):
    """Anki's import puts no card into a filtered deck: with one named "Minimal", the cards went to another deck
    while the report said "Minimal" (breaker13 B13-10)."""
    target = fresh_collection(tmp_path / "profile")
    with Opened(target) as col:
        col.decks.new_filtered("Minimal")
    src = tmp_path / "minimal.yaml"
    shutil.copy(ROOT / "tests" / "data" / "good" / "minimal.yaml", src)
    result = run("install", src, "--collection", target)
    assert result.exit_code == 0, result.output
    assert "warning: this collection has a filtered deck named 'Minimal': Anki's import puts no card" in result.output
    with Opened(target) as col:  # and so it is: the cards are in another deck
        decks = {col.decks.name(col.get_card(c).did) for c in col.find_cards("")}
    assert decks and "Minimal" not in decks

    # a theme's subdeck as well (breaker14 B14-10)
    target = fresh_collection(tmp_path / "other")
    with Opened(target) as col:
        col.decks.id("Minimal")
        col.decks.new_filtered("Minimal::智能体 Agents")
    result = run("install", src, "--collection", target, "--subdecks")
    assert "filtered deck named 'Minimal::智能体 Agents'" in result.output, result.output


def test_a_removed_cloze_deletion_is_listed_and_its_card_pruned(tmp_path):
    """Anki's import never deletes a card: a cloze whose c2 the source removed keeps its card 2, scheduled, and
    Anki shows "No cloze 2 found" on it when due (breaker13 B13-3). install lists it; --prune removes just that
    card, as Anki's Tools → Empty Cards would, and keeps card 1 with its history."""
    src = minimal_project(tmp_path)
    edit(src, "about {{c1::agents}}.", "about {{c1::agents}} and {{c2::models}}.")
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    with Opened(target) as col:
        (nid,) = col.find_notes('"Key:first/cloze/1"')
        assert sorted(c.ord for c in col.get_note(nid).cards()) == [0, 1]
        (first,) = [c for c in col.get_note(nid).cards() if c.ord == 0]
        first.start_timer()
        col.sched.answerCard(first, 3)
    edit(src, "about {{c1::agents}} and {{c2::models}}.", "about {{c1::agents}} and models.")

    kept = run("install", src, "--collection", target)
    assert kept.exit_code == 0, kept.output
    assert "1 cloze card(s) whose deletion the source removed (kept, empty, until --prune" in kept.output
    assert "\n    first/cloze/1 c2\n" in kept.output
    with Opened(target) as col:
        cards = {c.ord: c.id for c in col.get_note(nid).cards()}
        assert [cid for n in col.get_empty_cards().notes for cid in n.card_ids] == [cards[1]]  # Anki agrees
    dry = run("install", src, "--collection", target, "--prune", "--dry-run")
    assert "1 cloze card(s) whose deletion the source removed (would be removed):" in dry.output, dry.output
    pruned = run("install", src, "--collection", target, "--prune")
    assert pruned.exit_code == 0 and "(removed):\n    first/cloze/1 c2\n" in pruned.output, pruned.output
    with Opened(target) as col:
        (card,) = col.get_note(nid).cards()
        assert card.ord == 0 and card.reps == 1
        assert not col.get_empty_cards().notes
    again = run("install", src, "--collection", target, "--prune")
    assert "cloze card(s)" not in again.output


def test_a_cloze_card_that_anki_kept_with_its_deletion_is_not_pruned(tmp_path):
    """The source drops c2, but the note in Anki is newer (edited there, or on a phone and synced), so Anki's
    import keeps it, c2 included: its card is not empty and must stay, with its history (breaker14 B14-2)."""
    src = minimal_project(tmp_path)
    edit(src, "about {{c1::agents}}.", "about {{c1::agents}} and {{c2::models}}.")
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    edit(src, "about {{c1::agents}} and {{c2::models}}.", "about {{c1::agents}} and models.")
    assert run("build", src, "-o", tmp_path / "x.apkg").exit_code == 0  # the source's change gets its mod now
    time.sleep(1.1)  # Anki compares mods in seconds: the edit in Anki is newer
    with Opened(target) as col:
        (nid,) = col.find_notes('"Key:first/cloze/1"')
        note = col.get_note(nid)
        note["Extra"] = "my own note"
        col.update_note(note)
    for args in (["--prune", "--dry-run"], ["--prune"]):
        result = run("install", src, "--collection", target, *args)
        assert result.exit_code == 0 and "cloze card(s)" not in result.output, result.output
    with Opened(target) as col:
        assert "{{c2::models}}" in col.get_note(nid)["Text"] and len(col.get_note(nid).cards()) == 2


def test_renumbered_cloze_deletions_are_warned_about(tmp_path):
    """Anki keeps a cloze card by its number: swapping c1 and c2 moves each card's review history to the other
    text, silently until now (breaker13 B13-3); rewording a deletion is no renumbering."""
    src = minimal_project(tmp_path)
    edit(src, "about {{c1::agents}}.", "about {{c1::agents}} and {{c2::models}}.")
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0

    edit(src, "about {{c1::agents}} and {{c2::models}}.", "about {{c1::agents}} and {{c2::large models}}.")
    reworded = run("install", src, "--collection", target)
    assert reworded.exit_code == 0 and "deletions were renumbered" not in reworded.output, reworded.output
    edit(src, "about {{c1::agents}} and {{c2::large models}}.", "about {{c2::agents}} and {{c1::large models}}.")
    assert run("build", src, "-o", tmp_path / "x.apkg").exit_code == 0  # a build between: no matter (B15-4)
    for args in (["--dry-run"], []):
        swapped = run("install", src, "--collection", target, *args)
        assert swapped.exit_code == 0, swapped.output
        assert (
            "warning: judgments[0].cards[1]: note 'first/cloze/1': its cloze deletions were renumbered: in Anki c1 "
            "now hides 'large models' (it hid 'agents')"
        ) in swapped.output, swapped.output


def judgment_moved_to_another_source(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The minimal source and another deck's source ``other.yaml`` installed into a fresh collection, then
    judgment 2 moved from the first to the second; returns (source, other source, collection)."""
    src = minimal_project(tmp_path)
    text = src.read_text(encoding="utf-8")
    second = text[text.index("  - id: second\n") :]
    other = src.with_name("other.yaml")
    other.write_text(text.replace("id: minimal", "id: other").replace(second, ""), encoding="utf-8")
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src.parent, "--collection", target).exit_code == 0
    src.write_text(text.replace(second, ""), encoding="utf-8")  # judgment 2 leaves minimal …
    other.write_text(other.read_text(encoding="utf-8") + second, encoding="utf-8")  # … for other
    return src, other, target


def test_a_prune_that_would_delete_a_judgment_moved_to_another_source_is_refused(tmp_path):
    """A judgment moved to another deck's source gets new GUIDs (they come from the deck id): pruning the first
    deck in the same install deleted the reviewed notes while the second added them anew (breaker14 B14-3)."""
    src, other, target = judgment_moved_to_another_source(tmp_path)
    with Opened(target) as col:
        before = snapshot(col)
    refused = run("install", src.parent, "--collection", target, "--prune")
    assert refused.exit_code == 1, refused.output
    assert "note 'second/list/1': --prune would delete the note 'second/list/1' from the collection" in refused.output
    assert "The note is deck 'minimal''s, and a note's GUID comes from its deck id" in refused.output
    with Opened(target) as col:
        assert snapshot(col) == before


def test_a_prune_after_installing_only_the_source_a_judgment_moved_to_is_refused(tmp_path):
    """The judgment's new source installed alone adds its notes anew (nothing there knows the old deck's), so a
    later prune of both would delete the reviewed notes with no note of this run to compare (breaker16 #2): a
    prune compares the notes the collection already has too."""
    src, other, target = judgment_moved_to_another_source(tmp_path)
    with Opened(target) as col:
        answer(col, "second/list/1")  # the history a prune would lose
    assert run("install", other, "--collection", target).exit_code == 0  # only the source it moved to
    with Opened(target) as col:
        before = snapshot(col)
    refused = run("install", src.parent, "--collection", target, "--prune")
    assert refused.exit_code == 1, refused.output
    assert (
        "note 'second/list/1': --prune would delete the note 'second/list/1' of deck 'minimal' from the collection"
    ) in refused.output
    # nor with only the source it left on the command line (breaker17 #4)
    alone = run("install", src, "--collection", target, "--prune")
    assert alone.exit_code == 1 and f"{src}: --prune would delete the note 'second/list/1'" in alone.output
    with Opened(target) as col:
        assert snapshot(col) == before
    pruned = run("install", src.parent, "--collection", target, "--prune", "--as-new")
    assert pruned.exit_code == 0 and "no longer in the source (removed):" in pruned.output, pruned.output


def test_a_field_removed_and_added_again_in_anki_is_told_to_restore_a_backup(tmp_path):
    """The new field has the old name but a new id, which Manage Note Types cannot undo: the advice to undo it
    there led nowhere (breaker16 #9)."""
    src = minimal_project(tmp_path)
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    with Opened(target) as col:
        model = col.models.get(QA.id)
        col.models.remove_field(model, next(f for f in model["flds"] if f["name"] == "Image"))
        col.models.add_field(model, col.models.new_field("Image"))
        col.models.update_dict(model)
    refused = run("install", src, "--collection", target)
    assert refused.exit_code == 1, refused.output
    assert "has the field(s) Image and no field(s) Image" in refused.output
    assert "The field(s) Image were removed and added again, under a new id" in refused.output
    assert "(File → Switch Profile → Open Backup…)" in refused.output and "Manage Note Types)" not in refused.output


@pytest.mark.parametrize("change", ["reorder", "card type", "rename and reorder"])
def test_a_note_type_reordered_or_given_a_card_type_in_anki_says_what_changed(tmp_path, change):
    """Refused as for an added field, with what changed named, so the user knows what to undo (B14-12); a
    renamed field, which Anki pairs by its id, is not what to undo (B15-10)."""
    src = minimal_project(tmp_path)
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    with Opened(target) as col:
        model = col.models.get(QA.id)
        if change == "rename and reorder":
            col.models.rename_field(model, model["flds"][0], "Frage")
        if change == "card type":
            reverse = col.models.new_template("Reverse")
            reverse["qfmt"], reverse["afmt"] = "{{Answer}}", "{{Question}}"
            col.models.add_template(model, reverse)
        else:
            col.models.reposition_field(model, model["flds"][1], 0)
        col.models.update_dict(model)
    refused = run("install", src, "--collection", target)
    assert refused.exit_code == 1, refused.output
    said = {
        "reorder": "has its fields in another order (Answer, Question",
        "rename and reorder": "has its fields in another order (Answer, Frage",
        "card type": "has 2 card types (Question → Answer, Reverse; deckgen's has one",
    }[change]
    assert said in refused.output and "no field(s)" not in refused.output, refused.output


def test_a_prune_finds_the_notes_whose_key_field_was_renamed_in_anki(tmp_path):
    """Anki keeps a field renamed in the collection (its note type is newer than the package's), so the prune
    reads the Key field by deckgen's field id, not its name: it had found nothing and said nothing
    (breaker16 #3)."""
    src = minimal_project(tmp_path)
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    with Opened(target) as col:
        model = col.models.get(QA.id)
        col.models.rename_field(model, next(f for f in model["flds"] if f["name"] == "Key"), "Schlüssel")
        col.models.update_dict(model)
        gone = set(col.find_notes('"Schlüssel:second/*"'))
    assert gone
    text = src.read_text(encoding="utf-8")
    src.write_text(text[: text.index("  - id: second\n")], encoding="utf-8")
    pruned = run("install", src, "--collection", target, "--prune")
    assert pruned.exit_code == 0 and f"{len(gone)} note(s) no longer in the source (removed):" in pruned.output
    with Opened(target) as col:
        assert gone.isdisjoint(col.find_notes("")) and col.find_notes('"Schlüssel:first/*"')
        assert "Schlüssel" in col.models.field_names(col.models.get(QA.id))  # Anki kept the user's name


def test_the_id_that_keeps_a_renamed_concepts_notes_is_the_card_specs(tmp_path):
    """A concept card makes …/who and …/what notes: the id that keeps them is the spec's key, without the suffix
    (newcomer8 #1: the advice gave `id: second/concept/1/what`, which makes …/what/what, a new note)."""
    src = minimal_project(tmp_path)
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    edit(src, "  - id: second\n", "  - id: second-judgment\n")
    checked = run("check", src)
    assert "If it is the same card, set its id to its old key: id: second/concept/1\n" in checked.output
    refused = run("install", src, "--collection", target, "--prune")
    assert refused.exit_code == 1 and "(id: second/concept/1);" in refused.output, refused.output
    edit(src, "      - term: 智能效率\n", "      - term: 智能效率\n        id: second/concept/1\n")  # the advice, taken
    edit(src, '      - of: "the {n} parts"\n', '      - of: "the {n} parts"\n        id: second/list/1\n')
    kept = run("install", src, "--collection", target, "--prune")
    assert kept.exit_code == 0 and "no longer in the source" not in kept.output, kept.output
    with Opened(target) as col:
        assert col.find_notes('"Key:second/concept/1/what"') and col.find_notes('"Key:second/concept/1/who"')


@pytest.mark.parametrize(
    ("in_anki", "in_source"),
    [
        ("The first judgment is about agents.", None),  # every deletion gone in Anki: the note stays (B15-2)
        ("The first judgment is about {{c1::agents {{c2::and their tools}}}}.", None),  # nested, in Anki (B15-3)
        ("The first judgment is about agents and {{c2::models}}.", "about {{c1::agents}} and {{c2::models}}."),
    ],
)
def test_prune_removes_no_cloze_card_that_anki_or_the_source_still_asks(tmp_path, in_anki, in_source):
    """A card counts as empty only if the source and the note in Anki both lack its deletion, Anki's own Empty
    Cards agrees (it reads nested deletions), and it is not the note's last card (breaker15 B15-2, B15-3, B15-7:
    c1 removed in Anki while the source still has it)."""
    src = minimal_project(tmp_path)
    if in_source:
        edit(src, "about {{c1::agents}}.", in_source)
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    time.sleep(1.1)  # the edit in Anki is newer than the package: Anki's import keeps it
    with Opened(target) as col:
        (nid,) = col.find_notes('"Key:first/cloze/1"')
        note = col.get_note(nid)
        note["Text"] = in_anki
        col.update_note(note)
        cards = sorted(c.ord for c in col.get_note(nid).cards())
    result = run("install", src, "--collection", target, "--prune")
    assert result.exit_code == 0 and "cloze card(s)" not in result.output, result.output
    with Opened(target) as col:
        assert sorted(c.ord for c in col.get_note(nid).cards()) == cards


@pytest.mark.parametrize("edited", ["in the source", "in Anki"])
def test_a_prune_after_a_question_edit_and_a_rename_is_refused(tmp_path, edited):
    """The question edited (and built) in the source, or edited in Anki, before the judgment id is renamed: the
    note in Anki and the added one differ in their first field, but the ledger had the added note's question
    under the removed key (breaker15 B15-1)."""
    src = minimal_project(tmp_path)
    target = fresh_collection(tmp_path / "profile")
    assert run("install", src, "--collection", target).exit_code == 0
    if edited == "in the source":
        edit(src, "Who made the first judgment?", "Who made the very first judgment?")
        assert run("build", src, "-o", tmp_path / "x.apkg").exit_code == 0
    else:
        with Opened(target) as col:
            (nid,) = col.find_notes('"Key:first/qa/1"')
            note = col.get_note(nid)
            note["Question"] = "Who made the <b>first</b> judgment?"
            col.update_note(note)
    edit(src, "  - id: first\n", "  - id: first-judgment\n")
    refused = run("install", src, "--collection", target, "--prune")
    assert refused.exit_code == 1, refused.output
    assert "note 'first-judgment/qa/1': --prune would delete the note 'first/qa/1'" in refused.output
