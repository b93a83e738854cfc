"""Regenerating after edits, imported into real Anki with the import dialog's presets.

Each test builds from a private copy of cards/ (so the ledger there is the test's own), imports into a fresh
collection, changes something, rebuilds and re-imports, then reads the collection back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re

import pytest

import deckgen.builds
from deckgen.builds import build
from deckgen.ledger import Ledger
from deckgen.load import load_file
from deckgen.notes import generate
from deckgen.notetypes import NOTE_TYPES

from conftest import JUDGMENT_28_QA, Clock, edit

DECK = "AGI-Next 2026"


@pytest.fixture
def project(cards_copy, tmp_path):
    """Build helper bound to a private cards/ copy; returns (source path, build function)."""
    src = cards_copy / "agi-next-2026.yaml"
    clock = Clock()

    def run(name: str = "deck.apkg", **kwargs):
        return build(load_file(src), output=tmp_path / name, clock=clock, sleep=clock.sleep, **kwargs)

    run.clock = clock
    return src, run


def revlog(anki):
    return anki.col.db.all("SELECT id, cid, ease, ivl FROM revlog ORDER BY id")


def answer_some(anki, n: int = 3) -> None:
    anki.col.decks.select(anki.col.decks.id_for_name(DECK))
    for _ in range(n):
        anki.col.sched.answerCard(anki.col.sched.getCard(), 3)


def test_edit_answer_rebuild_same_second_updates_in_place(project, anki):
    src, run = project
    (src.parent / "agi-next-2026.ledger.json").unlink()  # a first build: every note stamped "now"
    first = run("v1.apkg")
    anki.import_apkg(first.output)
    answer_some(anki)
    before_log = revlog(anki)
    note = anki.note_by_key("zhipu-bets-on-coding/qa/3")
    assert note["Answer"] == "DeepSeek"

    edit(src, "        a: DeepSeek\n", "        a: DeepSeek (深度求索)\n")
    second = run("v2.apkg")  # same frozen second as the first build
    assert run.clock.slept and sum(run.clock.slept) <= 1.0  # waited for the next second rather than stamp the future
    assert [c.key for c in second.changes.changed] == ["zhipu-bets-on-coding/qa/3"]
    assert second.changes.changed[0].old_answer == "DeepSeek"

    log = anki.import_apkg(second.output)
    assert len(log.updated) == 1 and len(log.new) == 0
    after = anki.note_by_key("zhipu-bets-on-coding/qa/3")
    assert after.id == note.id
    assert after["Answer"] == "DeepSeek (深度求索)"
    assert revlog(anki) == before_log
    assert anki.col.note_count() == len(first.notes)
    assert not [m.name for m in anki.col.models.all_names_and_ids() if m.name.endswith("+")]


def test_user_edit_in_anki_survives_rebuild_without_source_change(project, anki):
    _, run = project
    anki.import_apkg(run("v1.apkg").output)
    note = anki.note_by_key("zhipu-bets-on-coding/qa/2")
    note["Answer"] = "Coding — my own mnemonic"
    anki.col.update_note(note)
    run.clock.now += 60
    rebuilt = run("v2.apkg")
    assert rebuilt.changes.changed == [] and rebuilt.changes.added == []
    log = anki.import_apkg(rebuilt.output)
    assert len(log.updated) == 0
    assert anki.note_by_key("zhipu-bets-on-coding/qa/2")["Answer"] == "Coding — my own mnemonic"


def test_css_change_updates_note_type_in_place(project, anki, monkeypatch):
    _, run = project
    anki.import_apkg(run("v1.apkg").output)
    qa = NOTE_TYPES["qa"]
    monkeypatch.setitem(NOTE_TYPES, "qa", dataclasses.replace(qa, css=qa.css + "\n.dg-q { color: #a00; }\n"))
    rebuilt = run("v2.apkg")
    assert any("changed (templates, CSS or field names)" in line for line in rebuilt.changes.type_notes)
    anki.import_apkg(rebuilt.output)
    model = anki.col.models.get(qa.id)
    assert ".dg-q { color: #a00; }" in model["css"]
    names = [m.name for m in anki.col.models.all_names_and_ids()]
    assert names.count(qa.name) == 1 and not [n for n in names if n.endswith("+")]


NEW_JUDGMENT = """
  - id: extra-judgment
    number: 41
    theme: agent
    speakers: [lin-junyang]
    zh: 新加的判断。
    en: A judgment added later.
    cards:
      - {q: "Which added question is this?", a: "The new one"}
      - {cloze: "Added {{c1::cloze}} text."}
"""


def test_add_then_remove_a_judgment(project, anki):
    src, run = project
    first = run("v1.apkg")
    anki.import_apkg(first.output)
    src.write_text(src.read_text(encoding="utf-8") + NEW_JUDGMENT, encoding="utf-8")
    added = run("v2.apkg")
    assert sorted(c.key for c in added.changes.added) == ["extra-judgment/cloze/1", "extra-judgment/qa/1"]
    assert added.changes.changed == [] and added.changes.unchanged == len(first.notes)
    log = anki.import_apkg(added.output)
    assert len(log.new) == 2 and len(log.updated) == 0

    src.write_text(src.read_text(encoding="utf-8").replace(NEW_JUDGMENT, ""), encoding="utf-8")
    removed = run("v3.apkg")
    assert sorted(c.key for c in removed.changes.removed) == ["extra-judgment/cloze/1", "extra-judgment/qa/1"]
    assert "Which added question is this?" in [c.question for c in removed.changes.removed]
    anki.import_apkg(removed.output)
    assert anki.col.note_count() == len(first.notes) + 2  # an import never deletes


def test_number_theme_and_speakers_do_not_change_guids(project):
    src, _ = project
    before = {n.key: n.guid for n in generate(load_file(src))[0]}
    edit(
        src,
        "    number: 7\n    theme: divergence\n    speakers: [tang-jie]\n",
        "    number: 39\n    theme: global-race\n    speakers: [lin-junyang, yao-shunyu]\n",
    )
    edit(
        src,
        "    number: 39\n    theme: global-race\n    speakers: []\n",
        "    number: 7\n    theme: agent\n    speakers: []\n",
    )
    after = {n.key: n.guid for n in generate(load_file(src))[0]}
    assert after == before


def test_two_builds_without_change_are_identical(project):
    _, run = project
    first = run("a.apkg")
    run.clock.now += 5
    second = run("b.apkg")
    assert first.output.read_bytes() == second.output.read_bytes()


def test_corrupt_ledger_warns_and_recovers(project):
    src, run = project
    first = run("a.apkg")
    first.ledger_path.write_text('{"deck": "agi-next-2026", "notes": [oops', encoding="utf-8")
    recovered = run("b.apkg")
    assert any("ledger is corrupt" in w.message for w in recovered.warnings)
    assert len(recovered.changes.added) == len(first.notes)
    run.clock.now += 5
    again = run("c.apkg")
    assert again.warnings == [] and again.changes.unchanged == len(first.notes)
    assert again.output.read_bytes() == recovered.output.read_bytes()


def _with_extra_field(qa, new_id: bool):
    fields = (*qa.fields, ("Mnemonic", qa.fields[-1][1] + 1))
    if new_id:
        return dataclasses.replace(qa, id=qa.id + 1, name="deckgen Q/A v2", fields=fields)
    return dataclasses.replace(qa, fields=fields)


def test_field_change_gets_new_note_type_and_says_so(project, anki, monkeypatch):
    _, run = project
    first = run("v1.apkg")
    anki.import_apkg(first.output)
    qa = NOTE_TYPES["qa"]
    monkeypatch.setitem(NOTE_TYPES, "qa", _with_extra_field(qa, new_id=True))
    second = run("v2.apkg")
    (message,) = second.changes.type_notes
    assert "'deckgen Q/A v2' replaces 'deckgen Q/A v1'" in message and "Change Note Type" in message
    log = anki.import_apkg(second.output)
    qa_notes = sum(n.note_type.kind == "qa" for n in first.notes)
    assert len(log.conflicting) == qa_notes and len(log.new) == 0  # as the message says
    names = [m.name for m in anki.col.models.all_names_and_ids()]
    assert "deckgen Q/A v2" in names and not [n for n in names if n.endswith("+")]
    assert anki.col.note_count() == len(first.notes)


OLD_NAMES = {"Context1": "ClaimZh", "Context2": "ClaimEn"}
"""The context fields as deckgen 0.1.0 named them (same field ids)."""


def _as_in_0_1_0(note_type):
    """``note_type`` with the 0.1.0 names of the context fields, and templates that name them so."""
    back = note_type.back
    for new, old in OLD_NAMES.items():
        back = back.replace(new, old)
    fields = tuple((OLD_NAMES.get(name, name), fid) for name, fid in note_type.fields)
    return dataclasses.replace(note_type, fields=fields, back=back)


def test_the_renamed_context_fields_are_renamed_in_place_by_anki(project, anki, monkeypatch):
    """Anki pairs fields by id (rslib notetype/merge.rs ``is_match``, used by ``equal_schema`` on import): a
    package whose note types call the context fields ClaimZh/ClaimEn (and hold them without ``lang``), then one
    with Context1/Context2 under the same ids, updates the note types and every note in place."""
    _, run = project
    old_types = {t.id: _as_in_0_1_0(t) for t in NOTE_TYPES.values()}

    def generate_as_in_0_1_0(source, progress=None):
        notes, problems = generate(source, progress)
        unwrapped = [
            dataclasses.replace(
                n,
                note_type=old_types[n.note_type.id],
                fields=tuple(re.sub(r'^<div lang="[^"]+">(.*)</div>$', r"\1", f, flags=re.S) for f in n.fields),
            )
            for n in notes
        ]
        return unwrapped, problems

    with monkeypatch.context() as patched:  # undoes only this patch, not the test's private DECKGEN_STATE_DIR
        patched.setattr(deckgen.builds, "generate", generate_as_in_0_1_0)
        first = run("v1.apkg")
    anki.import_apkg(first.output)
    note = anki.note_by_key("zhipu-bets-on-coding/qa/3")
    assert '<div lang="zh">' not in note["ClaimZh"] and note["ClaimZh"]

    run.clock.now += 60
    second = run("v2.apkg")
    log = anki.import_apkg(second.output)
    assert len(log.updated) == len(first.notes) and not log.conflicting and not log.new
    anki.col.models._clear_cache()  # the Python side caches note types that the import replaced
    names = [m.name for m in anki.col.models.all_names_and_ids()]
    assert not [n for n in names if n.endswith("+")] and names.count("deckgen Q/A v1") == 1
    for t in NOTE_TYPES.values():
        assert [f["name"] for f in anki.col.models.get(t.id)["flds"]] == list(t.field_names)
    after = anki.note_by_key("zhipu-bets-on-coding/qa/3")
    assert after.id == note.id and after["Context1"] == f'<div lang="zh">{note["ClaimZh"]}</div>'
    assert '<div class="dg-c1"><div lang="zh">' in after.cards()[0].answer()


def test_a_ledger_of_deckgen_0_1_0_records_the_same_fields(project):
    """0.1.0 hashed the fields' names and ids; a ledger from then calls deckgen's fields its own."""
    src, run = project
    ledger_path = src.parent / "agi-next-2026.ledger.json"
    data = json.loads(ledger_path.read_text(encoding="utf-8"))
    for type_id, entry in data["note_types"].items():
        (t,) = [t for t in NOTE_TYPES.values() if str(t.id) == type_id]
        named = [[OLD_NAMES.get(name, name), fid] for name, fid in t.fields]
        entry["schema"] = hashlib.sha256(json.dumps(named).encode()).hexdigest()[:16]
    ledger_path.write_text(json.dumps(data), encoding="utf-8")
    assert Ledger.read(ledger_path, "agi-next-2026", int(run.clock()))[1] is None
    result = run("v1.apkg", dry_run=True)
    assert not [w for w in result.warnings if "records other fields" in w.message]


def test_fields_that_differ_from_the_ledger_under_the_same_id_warn_and_count_as_changed(project, monkeypatch):
    _, run = project
    first = run("v1.apkg")
    qa = NOTE_TYPES["qa"]
    monkeypatch.setitem(NOTE_TYPES, "qa", _with_extra_field(qa, new_id=False))  # or: the ledger's schema edited
    second = run("v2.apkg")
    (warning,) = [w for w in second.warnings if "records other fields" in w.message]
    assert f"note type '{qa.name}' (id {qa.id})" in warning.message and "bump SCHEMA_VERSION" in warning.message
    assert second.changes.type_mods[qa.id] > first.changes.type_mods[qa.id]


def test_pinning_default_keys_keeps_notes_when_cards_are_reordered(project, anki):
    # README, "Keep ids stable": an explicit id may be the key a card has by default, so the note keeps its GUID
    src, run = project
    first = run("v1.apkg")
    anki.import_apkg(first.output)
    text = src.read_text(encoding="utf-8")
    block = "".join(JUDGMENT_28_QA)
    assert text.count(block) == 1
    pinned = [
        f"      - id: deployment-unlocks-value/qa/{i}\n" + card.replace("      - q:", "        q:")
        for i, card in enumerate(JUDGMENT_28_QA, 1)
    ]
    src.write_text(text.replace(block, "".join(pinned)), encoding="utf-8")
    same = run("v2.apkg")
    assert same.changes.added == [] and same.changes.changed == [] and same.changes.unchanged == len(first.notes)

    new = '      - {id: deployment-returns, q: "What could deploying today\'s models bring companies?", a: "10-100x"}\n'
    src.write_text(text.replace(block, new + "".join(reversed(pinned))), encoding="utf-8")
    reordered = run("v3.apkg")
    assert [c.key for c in reordered.changes.added] == ["deployment-returns"]
    assert reordered.changes.changed == [] and reordered.changes.removed == []
    log = anki.import_apkg(reordered.output)
    assert len(log.new) == 1 and anki.col.note_count() == len(first.notes) + 1
