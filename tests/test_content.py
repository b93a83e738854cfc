"""The shipped deck: coverage of the article and no repeated questions."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest

from deckgen.load import load_file
from deckgen.notes import generate

from conftest import SOURCE


@pytest.fixture(scope="module")
def deck():
    source = load_file(SOURCE)
    notes, warnings = generate(source)
    return source, notes, warnings


def test_all_forty_judgments_in_order(deck):
    source, _, _ = deck
    assert [j.number for j in source.judgments] == list(range(1, 41))


def test_every_judgment_has_a_note(deck):
    source, notes, _ = deck
    counts = Counter(n.judgment.id for n in notes)
    assert all(counts[j.id] >= 1 for j in source.judgments)
    assert sum(2 <= counts[j.id] <= 4 for j in source.judgments) >= 20  # "most two to four"


def test_no_two_cards_share_a_question(deck):
    _, notes, _ = deck
    norm = Counter(unicodedata.normalize("NFKC", n.question).casefold() for n in notes)
    assert [q for q, c in norm.items() if c > 1] == []


def test_themes_and_people_as_specified(deck):
    source, _, _ = deck
    assert {(t.id, t.names[0], t.parent) for t in source.themes} == {
        ("divergence", "分化", None),
        ("new-paradigm", "新范式", None),
        ("self-learning", "自主学习", "new-paradigm"),
        ("multimodal", "原生多模态", "new-paradigm"),
        ("agent", "Agent", None),
        ("global-race", "全球 AI 竞赛", None),
    }
    assert source.person("tang-jie").name == "唐杰" and source.person("tang-jie").roman == "Tang Jie"


def test_every_speaker_is_asked_by_name(deck):
    source, notes, _ = deck
    answers = " ".join(n.answer for n in notes)
    for person in source.people:
        assert person.name in answers, person.id


def test_editors_notes_are_not_attributed_to_a_speaker(deck):
    _, notes, _ = deck
    editors = [n for n in notes if n.spec.context == "editors"]
    assert editors
    for n in editors:
        assert "editors-note" in n.tags
        assert not any(t.startswith("speaker::") for t in n.tags)
        assert "拾象注" in n.fields[5]


def test_judgment_19_does_not_list_kinds_of_scaling(deck):
    _, notes, _ = deck
    j19 = [n for n in notes if n.judgment.number == 19]
    assert j19
    for n in j19:
        assert n.spec.KIND != "list" or "Scaling" not in n.question


def test_the_committed_ledger_is_the_shipped_source_s(cards_copy, tmp_path):
    """A fresh clone's first build changes nothing: the ledger committed next to the source records every
    note as the source now makes it (the README says to commit the two together)."""
    from deckgen.builds import build

    result = build(load_file(cards_copy / SOURCE.name), output=tmp_path / "deck.apkg", dry_run=True)
    changes = result.changes
    assert ([c.key for c in changes.added], [c.key for c in changes.changed], [c.key for c in changes.removed]) == (
        [],
        [],
        [],
    )
    assert changes.unchanged == len(result.notes) > 0
