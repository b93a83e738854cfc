"""The real deck through the real Anki backend, imported the way the desktop import dialog does it."""

from __future__ import annotations

import sqlite3
import zipfile

import pytest

from conftest import card_text


def test_note_count_equals_package(imported, tmp_path):
    result, log, anki, out = imported
    with zipfile.ZipFile(out) as zf:
        (tmp_path / "c.anki2").write_bytes(zf.read("collection.anki2"))
    (in_package,) = sqlite3.connect(tmp_path / "c.anki2").execute("SELECT count(*) FROM notes").fetchone()
    assert anki.col.note_count() == in_package == len(log.new) == len(result.notes)
    assert anki.col.card_count() == result.cards


def test_every_judgment_present_by_tag(imported):
    _, _, anki, _ = imported
    for n in range(1, 41):
        assert anki.col.find_notes(f"tag:judgment::{n:02d}"), f"judgment {n} missing"


def test_every_card_renders_without_template_residue(imported):
    _, _, anki, _ = imported
    for cid in anki.col.find_cards(""):
        card = anki.col.get_card(cid)
        front, back = card_text(card.question()), card_text(card.answer())
        assert front and back
        for text in (front, back):
            assert "{{" not in text and "}}" not in text, text
        assert len(back) > len(front)


def test_note_types_are_deckgens_own(imported):
    _, _, anki, _ = imported
    names = {m.name for m in anki.col.models.all_names_and_ids()}
    assert {"deckgen Q/A v1", "deckgen Cloze v1"} <= names
    assert not any(name.endswith("+") for name in names)


@pytest.mark.parametrize(
    "question_part, answer",
    [
        ("Who proposed 智能效率 (Intelligence Efficiency)?", "唐杰"),
        ("What are the two dimensions of the four agent quadrants?", "目标定义"),
    ],
)
def test_example_questions(imported, question_part, answer):
    _, _, anki, _ = imported
    matches = [n for n in anki.notes() if "Question" in n and question_part in n["Question"]]
    assert len(matches) == 1, question_part
    assert answer in matches[0]["Answer"]
    assert "判断" in matches[0]["About"]
