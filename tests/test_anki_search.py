"""Printed Anki searches find exactly the note they name: Anki's search syntax (``_`` and ``*`` are
wildcards; backslashes, quotes, colons, parentheses and ``-`` are syntax) is escaped."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from deckgen.cli import main
from deckgen.notetypes import field_search

MINIMAL = Path(__file__).resolve().parent / "data" / "good" / "minimal.yaml"
VALUES = ["old_card", "old-card", "oldXcard", "a*b", "axxb", 'q"uote', "back\\slash", "co:lon", "(par)", "-dash", "1%"]


def test_a_field_search_finds_exactly_that_value(anki):
    col = anki.col
    ids = {}
    for value in VALUES:
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = value, "b"
        col.add_note(note, 1)
        ids[value] = note.id
    for value in VALUES:
        assert col.find_notes(field_search("Front", value)) == [ids[value]], value


def test_the_search_printed_for_a_removed_note_finds_only_it(tmp_path, anki):
    src = tmp_path / "m.yaml"
    shutil.copy(MINIMAL, src)
    text = src.read_text(encoding="utf-8")
    cards = (
        '      - {id: old_card, q: "Which card is old?", a: this}\n'
        '      - {id: old-card, q: "Which is older?", a: that}\n'
    )
    src.write_text(text.replace("    cards:\n", "    cards:\n" + cards, 1), encoding="utf-8")
    out = tmp_path / "m.apkg"
    assert CliRunner().invoke(main, ["build", str(src), "-o", str(out)]).exit_code == 0
    anki.import_apkg(out)
    src.write_text(text.replace("    cards:\n", "    cards:\n" + cards.splitlines(True)[1], 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (search,) = re.findall(r"old_card .*→ search: (.*)", result.output)
    assert search == '"Key:old\\_card"'
    (found,) = anki.col.find_notes(search)
    assert anki.col.get_note(found)["Key"] == "old_card"
