"""Richer card kinds in the real Anki backend: the shipped image card, reversed concept cards, and new
cards queued in source order."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.builds import build
from deckgen.cli import main
from deckgen.load import load_file
from deckgen.notes import generate

from conftest import card_text


@pytest.fixture
def shipped(cards_copy: Path, tmp_path: Path):
    """The shipped source (a private copy), its notes in source order, and its built .apkg."""
    source = load_file(cards_copy / "agi-next-2026.yaml")
    out = tmp_path / "deck.apkg"
    build(source, output=out, sleep=lambda s: None)
    notes, _ = generate(source)
    return source, notes, out


def test_image_card_renders_with_its_image_in_the_media_folder(anki, shipped, cards_copy):
    source, notes, apkg = shipped
    anki.import_apkg(apkg)
    (with_image,) = [n for n in notes if n.spec.image]
    card = anki.note_by_key(with_image.key).cards()[0]
    assert "<img" not in card.question()  # the diagram is on the back only
    (src,) = re.findall(r'<img src="([^"]+)"', card.answer())
    stored = Path(anki.col.media.dir()) / src
    original = cards_copy / "media" / "yang-qiang-agent-quadrants.svg"
    assert stored.read_bytes() == original.read_bytes()
    assert src == f"yang-qiang-agent-quadrants-{hashlib.sha1(original.read_bytes()).hexdigest()[:12]}.svg"
    assert anki.col.media.check().missing == []
    assert with_image.question in card_text(card.answer())


def test_svg_keeps_cjk_fonts_and_its_own_background(cards_copy):
    svg = (cards_copy / "media" / "yang-qiang-agent-quadrants.svg").read_text(encoding="utf-8")
    fonts = re.search(r'font-family="([^"]+)"', svg).group(1)
    assert "Noto Sans CJK SC" in fonts and fonts.rstrip().endswith("sans-serif")
    assert re.search(r'<rect x="0" y="0" width="520" height="420"[^>]*fill="#fbfbf8"', svg)
    assert "今天 Today" in svg


def test_a_missing_image_is_an_error_before_anything_is_written(cards_copy, tmp_path):
    (cards_copy / "media" / "yang-qiang-agent-quadrants.svg").unlink()
    out = tmp_path / "x.apkg"
    ledger_before = (cards_copy / "agi-next-2026.ledger.json").read_bytes()
    result = CliRunner().invoke(main, ["build", str(cards_copy), "-o", str(out)])
    assert result.exit_code == 1
    assert "image 'media/yang-qiang-agent-quadrants.svg' not found" in result.output
    assert not out.exists()
    assert (cards_copy / "agi-next-2026.ledger.json").read_bytes() == ledger_before


def test_new_cards_are_queued_in_source_order(anki, shipped):
    source, notes, apkg = shipped
    col = anki.col
    # cards already waiting in the collection: an import must not interleave or reorder ours
    basic = col.models.by_name("Basic")
    for i in range(3):
        note = col.new_note(basic)
        note["Front"], note["Back"] = f"existing {i}", "x"
        col.add_note(note, 1)
    anki.import_apkg(apkg)

    did = col.decks.id_for_name(source.name)
    cards = [col.get_card(cid) for cid in col.find_cards(f"did:{did}")]
    dues: dict[str, set[int]] = {}
    for c in cards:
        dues.setdefault(c.note()["Key"], set()).add(c.due)
    assert all(len(d) == 1 for d in dues.values())  # a note's cards share one position
    in_source_order = [dues[n.key].pop() for n in notes]
    assert all(a < b for a, b in zip(in_source_order, in_source_order[1:], strict=False)), in_source_order

    # the scheduler's own queue for the deck (new cards per day lifted): first cards in source order
    queued = _queued(col, did)
    assert len(queued) == len(cards)
    first_cards = [c.note()["Key"] for c in queued if c.ord == 0]
    assert first_cards == [n.key for n in notes]


def _queued(col, did: int) -> list:
    """The cards Anki's scheduler would show from deck ``did``, in order, with the new-card limit lifted."""
    config = col.decks.config_dict_for_deck_id(did)
    config["new"]["perDay"] = 9999
    col.decks.update_config(config)
    col.decks.select(did)
    return [col.get_card(q.card.id) for q in col.sched.get_queued_cards(fetch_limit=9999).cards]


def _import_source(anki, tmp_path: Path, text: str):
    """Build the source ``text`` and import its package into ``anki``'s collection; the build's result."""
    source = tmp_path / "source.yaml"
    source.write_text(text, encoding="utf-8")
    result = build(load_file(source), output=tmp_path / "source.apkg", sleep=lambda s: None)
    anki.import_apkg(result.output)
    return result


CONCEPTS = """\
deck: {id: c, name: C}
themes: [{id: t, zh: 主题, en: Theme}]
people: [{id: tang-jie, name: 唐杰, roman: Tang Jie}]
judgments:
  - id: j
    number: 1
    theme: t
    speakers: [tang-jie]
    zh: 唐杰提出智能效率；穷则生变；托管式。
    en: "Tang Jie proposes 智能效率, the intelligence gained per unit of resources; 穷则生变; 托管式."
    cards:
      - {term: 智能效率, by: tang-jie, means: Intelligence gained per unit of resources, reverse: true}
      - {term: 穷则生变, means: Scarcity forces change, reverse: true}
      - {term: 托管式, means: An agent that works unattended}
"""


def test_reversed_concept_cards_only_where_the_spec_says_so(anki, tmp_path):
    _import_source(anki, tmp_path, CONCEPTS)
    keys = {n["Key"] for n in anki.notes()}
    assert keys == {
        "j/concept/1/who",
        "j/concept/1/what",
        "j/concept/1/term",
        "j/concept/2/what",
        "j/concept/2/term",
        "j/concept/3/what",
    }
    card = anki.note_by_key("j/concept/1/term").cards()[0]
    # the meaning keeps its own case: "intelligence" is an ordinary word, as the claim's lowercase shows
    assert "Which term does 唐杰 use for: intelligence gained per unit of resources?" in card.question()
    assert "智能效率" in card.answer()
    # "Scarcity" is written nowhere in lowercase, so its capital stays (it might be a name)
    assert anki.note_by_key("j/concept/2/term")["Question"] == "Which term names: Scarcity forces change?"


def test_every_card_kind_imports_with_the_cards_the_build_counts(anki, shipped, tmp_path):
    source, notes, apkg = shipped
    result = build(source, output=tmp_path / "again.apkg", dry_run=True)
    anki.import_apkg(apkg)
    assert len(anki.col.find_cards("")) == result.cards
    assert {n.spec.KIND for n in notes} == {"qa", "concept", "list", "cloze"}
    listed = anki.note_by_key("open-questions-for-agents/list/1").cards()[0]
    assert listed.answer().count("<li>") == 3


def _clozes(*texts: str) -> str:
    """A source with one judgment per cloze text, ``j1``, ``j2``, … in that order."""
    judgments = "".join(
        f"""  - id: j{n}
    number: {n}
    theme: t
    speakers: []
    zh: 人类在记忆和反思上领先。
    en: Humans lead in memory and in reflection.
    cards:
      - cloze: "{text}"
"""
        for n, text in enumerate(texts, 1)
    )
    return "deck: {id: c, name: C}\nthemes: [{id: t, zh: 主题, en: Theme}]\npeople: []\njudgments:\n" + judgments


TWO_NUMBERS = "Humans lead in {{c1::memory}} and in {{c2::reflection}}."


def test_a_two_number_cloze_makes_two_cards_each_hiding_only_its_own_deletion(anki, tmp_path):
    result = _import_source(anki, tmp_path, _clozes(TWO_NUMBERS))
    cards = sorted(anki.note_by_key("j1/cloze/1").cards(), key=lambda c: c.ord)
    assert result.cards == len(cards) == 2
    assert _visible(cards[0].question()) == "Humans lead in [...] and in reflection."
    assert _visible(cards[1].question()) == "Humans lead in memory and in [...]."


def test_a_term_deleted_twice_under_one_number_is_hidden_twice_on_its_one_card(anki, tmp_path):
    _import_source(anki, tmp_path, _clozes("Humans lead in {{c1::memory}} and in {{c1::memory}} again."))
    (card,) = anki.note_by_key("j1/cloze/1").cards()
    assert _visible(card.question()) == "Humans lead in [...] and in [...] again."


def test_later_cloze_cards_follow_every_first_card_in_source_order(anki, tmp_path):
    """Anki's default new-card sort ("card type, then order gathered") shows a cloze's c2, c3… after every
    first card; among themselves they still follow source order."""
    _import_source(anki, tmp_path, _clozes(TWO_NUMBERS, TWO_NUMBERS, TWO_NUMBERS))
    order = [(c.note()["Key"], c.ord) for c in _queued(anki.col, anki.col.decks.id_for_name("C"))]
    firsts = [("j1/cloze/1", 0), ("j2/cloze/1", 0), ("j3/cloze/1", 0)]
    assert order == firsts + [(k, 1) for k, _ in firsts]


def _visible(card_html: str) -> str:
    """The text a card shows: CSS and tags removed."""
    return re.sub(r"<[^>]+>", "", re.sub(r"<style>.*?</style>", "", card_html, flags=re.S)).strip()


@pytest.mark.slow
def test_media_names_anki_can_show(tmp_path, anki, reviewer):
    """B14: an image named with '#', '%' or a space is shown in Anki's reviewer, the card's HTML prepared as
    aqt does (``col.media.escape_media_filenames``), and Anki's media check finds every file referenced."""

    minimal = Path(__file__).resolve().parent / "data" / "good" / "minimal.yaml"
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
    names = ["fig#1.svg", "100%25.svg", "a b.svg", "plain.svg"]
    (tmp_path / "media").mkdir()
    for name in names:
        (tmp_path / "media" / name).write_text(svg.replace("40", str(40 + len(name))))
    cards = "".join(f'      - {{image: "media/{n}", q: "Image {n}?", a: "it"}}\n' for n in names)
    src = tmp_path / "m.yaml"
    src.write_text(minimal.read_text(encoding="utf-8").replace("    cards:\n", "    cards:\n" + cards, 1))
    assert CliRunner().invoke(main, ["build", str(src), "-o", str(tmp_path / "m.apkg")]).exit_code == 0
    anki.import_apkg(tmp_path / "m.apkg")
    check = anki.col.media.check()
    assert (list(check.missing), list(check.unused)) == ([], [])
    reviewer.media = Path(anki.col.media.dir())
    try:
        for name in names:
            (nid,) = anki.col.find_notes(f'"Question:Image {name}?"')
            card = anki.col.get_note(nid).cards()[0]
            (ref,) = re.findall(r'<img src="([^"]+)"', card.answer())
            shown = reviewer.show(anki.col.media.escape_media_filenames(card.answer()), side="answer", probe=False)
            assert (shown.images, shown.shown) == (1, 1), name
            assert re.fullmatch(r"[\w.-]+", ref), ref
    finally:
        reviewer.media = None


@pytest.mark.parametrize("typed", ["NFC", "NFD"])
def test_an_image_whose_file_name_is_in_nfd_is_found_and_named_as_in_nfc(tmp_path, anki, typed):
    """macOS writes file and folder names in NFD; the source's text is read in NFC (and typed either way): the
    file is found, and packaged under the name its NFC twin would get, which Anki's media check finds."""
    import unicodedata

    minimal = Path(__file__).resolve().parent / "data" / "good" / "minimal.yaml"
    folder = tmp_path / unicodedata.normalize("NFD", "médias")  # a folder copied from a Mac too
    folder.mkdir()
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
    (folder / unicodedata.normalize("NFD", "résumé.svg")).write_text(svg)
    name = unicodedata.normalize(typed, "médias/résumé.svg")
    card = f'      - {{image: "{name}", q: "Which image?", a: "it"}}\n'
    src = tmp_path / "m.yaml"
    src.write_text(minimal.read_text(encoding="utf-8").replace("    cards:\n", "    cards:\n" + card, 1))
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(tmp_path / "m.apkg")])
    assert result.exit_code == 0, result.output
    anki.import_apkg(tmp_path / "m.apkg")
    digest = hashlib.sha1(svg.encode()).hexdigest()[:12]
    assert os.listdir(anki.col.media.dir()) == [f"résumé-{digest}.svg"]
    assert anki.col.media.check().missing == []


def test_extra_text_shows_below_the_answer_in_anki_with_the_same_note_type(anki, tmp_path):
    from deckgen.notetypes import QA

    source = tmp_path / "x.yaml"
    source.write_text(
        """\
deck: {id: x, name: X}
themes: [{id: t, zh: 主题, en: Theme}]
people: []
judgments:
  - {id: j, number: 1, theme: t, zh: 杨强分四象限。, en: Four quadrants.,
     cards: [{q: "How many quadrants?", a: Four, extra: "Goal and plan, each by a human or AI"}]}
""",
        encoding="utf-8",
    )
    out = tmp_path / "x.apkg"
    build(load_file(source), output=out, sleep=lambda s: None)
    anki.import_apkg(out)
    note = anki.note_by_key("j/qa/1")
    assert note.note_type()["id"] == QA.id and len(note.keys()) == len(QA.fields)
    back = card_text(note.cards()[0].answer())
    assert back.index("Four") < back.index("Goal and plan, each by a human or AI") < back.index("Four quadrants.")
