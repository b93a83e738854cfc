"""The build ledger against damaged, hand-edited or out-of-date records, and what it tells the author.

Each test builds a tiny source (two judgments, one card each) in a temp folder with a frozen clock, changes
the ledger or the source, rebuilds, and checks the result; where the claim is about Anki, it imports into a
real collection.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from deckgen.builds import build
from deckgen.cli import main
from deckgen.errors import SourceError
from deckgen.load import load_file
from deckgen.model import Selection
from deckgen.notetypes import QA

from conftest import Clock, edit

TINY = """\
deck: {id: t, name: T}
themes:
  - {id: a, zh: 甲, en: A}
  - {id: b, zh: 乙, en: B}
people:
  - {id: p, name: 人, roman: Ren}
judgments:
  - id: j1
    number: 1
    theme: a
    speakers: [p]
    zh: 中文：人物、人们
    en: English
    cards:
      - q: Who?
        a: 人
  - id: j2
    number: 2
    theme: b
    speakers: [p]
    zh: 第二：这里、那里
    en: Second
    cards:
      - q: Where?
        a: 这里
"""


class Tiny:
    """The tiny source in ``<tmp>/cards/base.yaml`` with a frozen clock; ``run()`` builds it."""

    def __init__(self, tmp_path: Path):
        self.src = tmp_path / "cards" / "base.yaml"
        self.src.parent.mkdir()
        self.src.write_text(TINY, encoding="utf-8")
        self.ledger = self.src.parent / "t.ledger.json"
        self.out = tmp_path / "dist"
        self.clock = Clock()

    def run(self, name: str = "t.apkg", **kwargs):
        return build(load_file(self.src), output=self.out / name, clock=self.clock, sleep=self.clock.sleep, **kwargs)

    def edit(self, old: str, new: str) -> None:
        edit(self.src, old, new)

    def ledger_data(self) -> dict:
        return json.loads(self.ledger.read_text(encoding="utf-8"))


@pytest.fixture
def tiny(tmp_path) -> Tiny:
    return Tiny(tmp_path)


def package_mods(apkg: Path, tmp_path: Path) -> list[int]:
    """Every note's and note type's mod in a package."""
    db = tmp_path / "mods.anki2"
    db.write_bytes(zipfile.ZipFile(apkg).read("collection.anki2"))
    conn = sqlite3.connect(db)
    mods = [m for (m,) in conn.execute("SELECT mod FROM notes")]
    mods += [m["mod"] for m in json.loads(conn.execute("SELECT models FROM col").fetchone()[0]).values()]
    conn.close()
    return mods


def _note(d):  # the ledger entry of j1's card
    return next(e for e in d["notes"].values() if e["key"] == "j1/qa/1")


def _type(d):
    return d["note_types"][str(QA.id)]


DAMAGE = {
    # a mod of the wrong type: Anki refused such a package (JsonError: expected i64), or took true as a mod
    "note-type mod is a float": lambda d, now: _type(d).update(mod=now - 10.5),
    "note mod is a float": lambda d, now: _note(d).update(mod=now - 10.5),
    "note mod is true": lambda d, now: _note(d).update(mod=True),
    # a mod of the wrong type: comparing it with the clock raised TypeError
    "note-type mod is a string, hash not hex": lambda d, now: _type(d).update(mod="1", hash="zz"),
    # a mod too large for sqlite or for sleep (OverflowError)
    "note mod is 2**70": lambda d, now: _note(d).update(mod=2**70),
    # a mod in the future: stamping past it would make the build sleep until then
    "note mod in 2100": lambda d, now: _note(d).update(mod=4102444800),
    "note mod 15 s ahead (a teammate's clock)": lambda d, now: _note(d).update(mod=now + 15),
    "note-type mod 15 s ahead": lambda d, now: _type(d).update(mod=now + 15),
    "note mod before 2000": lambda d, now: _note(d).update(mod=5),
    "format is true": lambda d, now: d.update(format=True),
    "note-type id in Arabic-Indic digits": lambda d, now: d.update(note_types={"١٢": _type(d)}),
    "question is a list": lambda d, now: _note(d).update(question=[1]),
    "note_type is true": lambda d, now: _note(d).update(note_type=True),
    "entry without a hash": lambda d, now: _note(d).pop("hash"),
    "entry with an unknown field": lambda d, now: _note(d).update(colour="red"),
    "notes is a list": lambda d, now: d.update(notes=[]),
    "unknown top-level key": lambda d, now: d.update(extra=1),
}
RAW_DAMAGE = {
    # JSON nested so deep that json.loads raises RecursionError
    "nested 200,000 deep": "[" * 200_000 + "]" * 200_000,
    # an int too long for Python to convert
    "a 5,000-digit mod": '{"deck": "t", "format": 1, "note_types": {}, "notes": {"g": {"key": "k", "hash": "h", '
    '"mod": ' + "9" * 5000 + "}}}",
    "not JSON": '{"deck": "t", "notes": [oops',
    "a list": "[1, 2]",
}


@pytest.mark.parametrize("edit_answer", [True, False], ids=["answer edited", "source unchanged"])
@pytest.mark.parametrize("damage", [*DAMAGE, *RAW_DAMAGE])
def test_a_damaged_ledger_warns_and_starts_fresh_without_waiting(tiny, tmp_path, damage, edit_answer):
    first = tiny.run("v1.apkg")
    if damage in RAW_DAMAGE:
        tiny.ledger.write_text(RAW_DAMAGE[damage], encoding="utf-8")
    else:
        data = tiny.ledger_data()
        DAMAGE[damage](data, int(tiny.clock.now))
        tiny.ledger.write_text(json.dumps(data), encoding="utf-8")
    if edit_answer:
        tiny.edit("a: 人\n", "a: 人物\n")
    second = tiny.run("v2.apkg")
    assert [w for w in second.warnings if "the ledger is corrupt" in w.message and "starting a fresh one" in w.message]
    assert len(second.changes.added) == len(first.notes) and not second.changes.changed
    assert sum(tiny.clock.slept) <= 1  # at most into the next second: v1 was packaged in this one
    assert max(package_mods(second.output, tmp_path)) <= tiny.clock.now
    assert tiny.ledger_data()["format"] == 1  # the fresh ledger is written


def test_a_ledger_with_merge_conflict_markers_is_an_error_and_nothing_is_written(tiny):
    """Two branches that each rebuilt leave git's markers in the ledger: either side's file is a good
    ledger, so the build refuses, located at the first marker, instead of replacing both with a fresh one."""
    first = tiny.run("v1.apkg")
    lines = tiny.ledger.read_text(encoding="utf-8").split("\n")
    lines[6:6] = ["<<<<<<< HEAD", lines[6], "=======", lines[6], ">>>>>>> other"]
    tiny.ledger.write_text("\n".join(lines), encoding="utf-8")
    conflicted, package = tiny.ledger.read_bytes(), first.output.read_bytes()
    tiny.edit("a: 人\n", "a: 人物\n")
    with pytest.raises(SourceError) as err:
        tiny.run("v1.apkg")
    (problem,) = err.value.problems
    assert (problem.file, problem.line, problem.col) == (str(tiny.ledger), 7, 1)
    assert "merge conflict" in problem.message and "--ours or --theirs" in problem.message
    assert tiny.ledger.read_bytes() == conflicted and first.output.read_bytes() == package
    result = CliRunner().invoke(main, ["check", str(tiny.src)])
    assert result.exit_code == 1 and f"{tiny.ledger}:7:1: the ledger has a merge conflict" in result.output


def test_a_fresh_start_after_a_float_mod_gives_a_package_anki_imports(tiny, anki):
    tiny.run("v1.apkg")
    data = tiny.ledger_data()
    _type(data)["mod"] += 0.5
    tiny.ledger.write_text(json.dumps(data), encoding="utf-8")
    log = anki.import_apkg(tiny.run("v2.apkg").output)
    assert len(log.new) == 2


def test_a_ledger_one_second_ahead_is_accepted_and_no_mod_is_in_the_future(tiny, tmp_path):
    tiny.run("v1.apkg")
    data = tiny.ledger_data()
    _note(data)["mod"] = int(tiny.clock.now) + 1  # clocks a second apart
    tiny.ledger.write_text(json.dumps(data), encoding="utf-8")
    tiny.edit("a: 人\n", "a: 人物\n")
    second = tiny.run("v2.apkg")
    assert second.warnings == [] and [c.key for c in second.changes.changed] == ["j1/qa/1"]
    assert sum(tiny.clock.slept) <= 2
    assert max(package_mods(second.output, tmp_path)) <= tiny.clock.now


def test_a_ledger_without_note_type_ids_is_read(tiny):
    """Ledgers written before entries recorded their note type are still valid."""
    tiny.run("v1.apkg")
    data = tiny.ledger_data()
    for entry in data["notes"].values():
        del entry["note_type"]
    tiny.ledger.write_text(json.dumps(data), encoding="utf-8")
    tiny.clock.now += 5
    again = tiny.run("v2.apkg")
    assert again.warnings == [] and again.changes.unchanged == 2
    assert all("note_type" in e for e in tiny.ledger_data()["notes"].values())


def test_a_hand_edited_note_type_schema_warns_and_counts_as_changed(tiny):
    """The ledger's schema for a note type differs, same id: a warning, not a traceback."""
    first = tiny.run("v1.apkg")
    data = tiny.ledger_data()
    _type(data)["schema"] = "xx"
    tiny.ledger.write_text(json.dumps(data), encoding="utf-8")
    tiny.edit("a: 人\n", "a: 人物\n")
    second = tiny.run("v2.apkg")
    assert [
        w for w in second.warnings if f"note type '{QA.name}' (id {QA.id})" in w.message and "other fields" in w.message
    ]
    assert second.changes.type_mods[QA.id] > first.changes.type_mods[QA.id]
    assert _type(tiny.ledger_data())["schema"] == QA.schema_hash()


def test_a_card_that_turns_from_qa_to_cloze_under_its_id_is_refused_as_anki_would_not_update_it(tiny, anki):
    """Same key, other note type: Anki's import would say conflicting and keep the old note, so the build
    refuses (every time, not just once) and says how to go on; with a new id the cloze is added."""
    tiny.edit("      - q: Who?\n        a: 人\n", "      - {id: k, q: Who?, a: 人}\n")
    first = tiny.run("v1.apkg")
    anki.import_apkg(first.output)
    tiny.edit("      - {id: k, q: Who?, a: 人}\n", '      - {id: k, cloze: "{{c1::人}} said it"}\n')
    ledger_before = first.ledger_path.read_bytes()
    for _ in range(2):
        with pytest.raises(SourceError) as err:
            tiny.run("v2.apkg")
        (problem,) = err.value.problems
        assert (problem.file, problem.line) == (str(tiny.src), 15)
        assert "note 'k' was a Q/A note and is now a cloze note" in problem.message and "new id" in problem.message
        assert first.ledger_path.read_bytes() == ledger_before
    tiny.edit("{id: k, cloze:", "{id: k2, cloze:")
    log = anki.import_apkg(tiny.run("v3.apkg").output)
    assert len(log.new) == 1 and anki.note_by_key("k").note_type()["name"] == QA.name


def test_a_card_given_a_new_id_warns_that_it_looks_like_the_removed_note(tiny):
    """Adding `id: who-card` to a keyed-by-position card makes a new note; say how to keep the old one."""
    tiny.run("v1.apkg")
    tiny.edit("      - q: Who?\n", "      - id: who-card\n        q: Who?\n")
    second = tiny.run("v2.apkg")
    assert [c.key for c in second.changes.added] == ["who-card"] and [c.key for c in second.changes.removed] == [
        "j1/qa/1"
    ]
    (warning,) = second.warnings
    assert (warning.file, warning.line, warning.severity) == (str(tiny.src), 15, "warning")
    assert warning.message.startswith(
        "note 'who-card': this question was the note 'j1/qa/1' in the last build, which this"
    )
    assert warning.col and warning.key_path.startswith("judgments[")
    assert warning.message.endswith("set its id to its old key: id: j1/qa/1")


def test_an_unrelated_card_replacing_a_removed_one_does_not_warn(tiny):
    tiny.run("v1.apkg")
    tiny.edit("      - q: Who?\n        a: 人\n", "      - {id: other, q: Whose idea?, a: 人}\n")
    second = tiny.run("v2.apkg")
    assert [c.key for c in second.changes.added] == ["other"] and second.warnings == []


def test_question_and_answer_both_changed_without_a_match_warns_of_a_reorder(tiny):
    sibling = "      - q: Who else?\n        a: 人们\n"  # a second Q/A card, whose place a reorder could take
    tiny.edit("      - q: Who?\n        a: 人\n", "      - q: Who?\n        a: 人\n" + sibling)
    tiny.run("v1.apkg")
    tiny.edit("      - q: Who?\n        a: 人\n", "      - q: Whom?\n        a: 人物\n")
    second = tiny.run("v2.apkg")
    (warning,) = second.warnings
    assert (warning.file, warning.line, warning.severity) == (str(tiny.src), 15, "warning")
    assert warning.message.startswith("note 'j1/qa/1': question and answer both changed")
    assert warning.col and warning.key_path.startswith("judgments[")
    assert "id: j1/qa/1" in warning.message


def test_the_only_card_of_its_kind_reworded_is_no_reorder(tiny):
    """With no other card of its kind in the judgment, no reorder can have given it another card's place, so
    a new question and answer are just an edit (newcomer8 #3: check --strict stopped on it)."""
    tiny.run("v1.apkg")
    tiny.edit("      - q: Who?\n        a: 人\n", "      - q: Whom?\n        a: 人们\n")
    assert tiny.run("v2.apkg").warnings == []


def test_git_revert_of_an_edit_reaches_anki(tiny, anki):
    """v1 imported, v2 (edited) imported, then v1's source and ledger restored (as `git revert` does):
    the rebuild must carry v1's text into Anki again."""
    v1 = tiny.run("v1.apkg")
    anki.import_apkg(v1.output)
    v1_source, v1_ledger = tiny.src.read_bytes(), tiny.ledger.read_bytes()
    tiny.clock.now += 60
    tiny.edit("a: 人\n", "a: 人物\n")
    anki.import_apkg(tiny.run("v2.apkg").output)
    assert anki.note_by_key("j1/qa/1")["Answer"] == "人物"
    tiny.src.write_bytes(v1_source)
    tiny.ledger.write_bytes(v1_ledger)
    tiny.clock.now += 60
    v3 = tiny.run("v3.apkg")
    assert [c.key for c in v3.changes.changed] == ["j1/qa/1"] and v3.changes.unchanged == 1
    assert any("j1/qa/1" in line and "git revert" in line for line in v3.changes.notices)
    log = anki.import_apkg(v3.output)
    assert len(log.updated) == 1
    assert anki.note_by_key("j1/qa/1")["Answer"] == "人"
    tiny.clock.now += 60
    assert tiny.run("v4.apkg").changes.changed == []  # and it is settled: the next build changes nothing


def test_the_build_report_says_when_a_note_is_restored(tiny):
    def deckgen_build():
        result = CliRunner().invoke(main, ["build", str(tiny.src), "-o", str(tiny.out / "t.apkg")])
        assert result.exit_code == 0, result.output
        return result.output

    deckgen_build()
    v1_source, v1_ledger = tiny.src.read_bytes(), tiny.ledger.read_bytes()
    tiny.edit("a: 人\n", "a: 人物\n")
    deckgen_build()
    tiny.src.write_bytes(v1_source)
    tiny.ledger.write_bytes(v1_ledger)
    assert (
        "1 note(s) are as the ledger records, but this machine packaged other content for them later (after a "
        "git revert or checkout?)"
    ) in deckgen_build()


def test_concurrent_builds_keep_both_ledger_updates(tiny):
    """Two filtered builds of one source at the same time (each edits a different judgment)."""
    tiny.run("v1.apkg")
    tiny.edit("a: 人\n", "a: 人物\n")
    tiny.edit("a: 这里\n", "a: 那里\n")
    first_has_read, errors = threading.Event(), []

    def slow(step, done, total):  # the first build pauses between reading and writing the ledger
        if step == "comparing with the ledger":
            first_has_read.set()
            threading.Event().wait(0.5)

    def run(theme, progress=None):
        try:
            build(
                load_file(tiny.src),
                selection=Selection(themes=(theme,)),
                output=tiny.out / f"{theme}.apkg",
                progress=progress,
            )
        except Exception as err:  # reported below, in the test's thread
            errors.append(err)

    one = threading.Thread(target=run, args=("a", slow))
    one.start()
    assert first_has_read.wait(10)
    two = threading.Thread(target=run, args=("b",))
    two.start()
    one.join(20)
    two.join(20)
    assert errors == []
    answers = {e["key"]: e["answer"] for e in tiny.ledger_data()["notes"].values()}
    assert answers == {"j1/qa/1": "人物", "j2/qa/1": "那里"}


@given(
    key=st.text(),
    question=st.text(),
    answer=st.text(),
    mod=st.integers(min_value=0, max_value=2**40),
    explicit_id=st.booleans(),
    note_type=st.none() | st.integers(min_value=1, max_value=2**63 - 1),
)
def test_a_ledger_line_is_what_json_dumps_writes(key, question, answer, mod, explicit_id, note_type):
    """Entry.json_line writes the line itself; it must be exactly json.dumps(..., ensure_ascii=False,
    sort_keys=True) of the entry's fields (note_type left out when unknown), for any text."""
    from deckgen.ledger import Entry

    entry = Entry(key, "0123456789abcdef", mod, question, answer, explicit_id, note_type)
    fields = entry._asdict()
    if note_type is None:
        del fields["note_type"]
    assert entry.json_line() == json.dumps(fields, ensure_ascii=False, sort_keys=True)


def test_a_rebuild_that_changes_nothing_leaves_the_ledger_and_the_record_alone(tiny):
    """An unchanged rebuild writes the package but neither the ledger nor this machine's record (same bytes,
    same file: not replaced); a changed note then reaches both."""
    from deckgen.state import Packaged

    tiny.run()
    record = Packaged.path_for("t")
    before = {p: (p.read_bytes(), p.stat().st_ino) for p in (tiny.ledger, record)}
    tiny.clock.now += 60
    tiny.run()
    assert {p: (p.read_bytes(), p.stat().st_ino) for p in before} == before
    tiny.clock.now += 60
    tiny.edit("a: 人", "a: 人们")
    tiny.run()
    assert _note(tiny.ledger_data())["mod"] == int(tiny.clock.now)
    recorded = json.loads(record.read_text(encoding="utf-8"))["notes"]
    assert int(tiny.clock.now) in [mod for _, mod in recorded.values()]


@pytest.mark.parametrize("kind", ["a link to /dev/zero", "a pipe"])
def test_a_ledger_that_is_no_regular_file_is_never_read(tmp_path, kind):
    """git checks out a symbolic link as a ledger as readily as a file: one to /dev/zero would be read until
    memory ran out, a pipe would block (breaker16 #1). check warns and goes on; build refuses to write over
    it. Each run is bounded (2 GiB of address space, 60 s) so that a regression fails instead of taking the
    machine."""
    import os
    import resource
    import shutil
    import subprocess
    import sys

    from conftest import ROOT

    src = tmp_path / "cards" / "minimal.yaml"
    src.parent.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "good" / "minimal.yaml", src)
    ledger = src.with_name("minimal.ledger.json")
    if kind == "a pipe":
        os.mkfifo(ledger)
    else:
        ledger.symlink_to("/dev/zero")

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    def deckgen(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "deckgen", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, preexec_fn=bounded, cwd=tmp_path)

    checked = deckgen("check", str(src))
    assert checked.returncode == 0, checked.stderr
    assert f"{ledger}: warning: cannot read the ledger (not a regular file (a device or a pipe?))" in checked.stderr
    built = deckgen("build", str(src), "-o", str(tmp_path / "x.apkg"))
    refusal = "is not a regular file" if kind == "a pipe" else "is a symbolic link, and writing would replace"
    assert built.returncode == 1 and refusal in built.stderr, built.stderr
    assert "Traceback" not in built.stderr and not (tmp_path / "x.apkg").exists()
