"""deckgen's renderer against the real Anki backend: same cards, same text, same HTML.

Anki's ``card.question()``/``card.answer()`` are the reference. Besides the text a person reads (tags
stripped, entities decoded, whitespace folded) the HTML itself must be Anki's, up to the ``<style>`` block
Anki puts first and the ``data-cloze`` attribute the renderer leaves out (see :mod:`deckgen.render`).
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deckgen.notetypes import CLOZE, QA
from deckgen.render import TemplateError, cards, render_card, render_note

from conftest import card_text


def anki_html(card_html: str) -> str:
    """Anki's card HTML without its leading ``<style>`` block and the ``data-cloze`` attribute."""
    return re.sub(r' data-cloze="[^"]*"', "", re.sub(r"^<style>.*?</style>", "", card_html, flags=re.S))


def mismatches(anki_note, rendered) -> list[str]:
    """Every difference between Anki's cards of ``anki_note`` and ``rendered`` (a list of render.Card)."""
    theirs = sorted(anki_note.cards(), key=lambda c: c.ord)
    if [c.ord for c in theirs] != [c.ord for c in rendered]:
        return [f"card ordinals: anki {[c.ord for c in theirs]}, deckgen {[c.ord for c in rendered]}"]
    out = []
    for a, r in zip(theirs, rendered, strict=True):
        for side, ref, mine in (("front", a.question(), r.front), ("back", a.answer(), r.back)):
            if card_text(ref) != card_text(mine):
                out.append(f"card {a.ord} {side} text:\n  anki:    {card_text(ref)}\n  deckgen: {card_text(mine)}")
            elif anki_html(ref) != mine:
                out.append(f"card {a.ord} {side} html:\n  anki:    {anki_html(ref)!r}\n  deckgen: {mine!r}")
    return out


def add_note(anki, note_type, fields):
    """Add a note of one of deckgen's note types (already in the collection) with these fields."""
    note = anki.col.new_note(anki.col.models.get(note_type.id))
    for name, value in zip(note_type.field_names, fields, strict=True):
        note[name] = value
    anki.col.add_note(note, 1)
    return note


def test_every_card_of_the_shipped_deck_renders_as_in_anki(imported):
    result, _, anki, _ = imported
    problems = {}
    for note in result.notes:
        found = mismatches(anki.note_by_key(note.key), cards(note))
        if found:
            problems[note.key] = found
    assert problems == {}
    kinds = {(n.note_type.kind, len(cards(n)) > 1) for n in result.notes}
    assert {("qa", False), ("cloze", False)} <= kinds  # what was compared; clozes of several cards: EDGE_CASES


def fields_of(note_type, **values):
    return tuple(values.get(name, "") for name in note_type.field_names)


EDGE_CASES = [
    pytest.param(
        CLOZE,
        fields_of(CLOZE, Text="模型即 {{c1::Agent &amp; co::a &lt;hint&gt;}}，Agent 即 {{c2::产品}}。", Key="k"),
        id="hint-and-entities",
    ),
    pytest.param(
        CLOZE,
        fields_of(CLOZE, Text="{{c1::a}} and {{c3::b::x::y}} and {{c1::again}}", Extra="more", Key="k"),
        id="gap-repeat-double-colon-hint",
    ),
    pytest.param(
        CLOZE,
        fields_of(CLOZE, Text="x {{c2::y}}", Extra=" <br> ", Image="<div></div><br/>", Key="k"),
        id="empty-looking-extra-and-image",
    ),
    pytest.param(
        QA,
        fields_of(
            QA,
            Question="vector&lt;int&gt; and a&lt;b?",
            Answer="<ol><li>1</li></ol>",
            Image='<img src="fig-0123.svg">',
            Context1='<div lang="zh">中</div>',
            Context2='<div lang="en">en</div>',
            About="Claim 1",
            Key="k",
        ),
        id="qa-with-image",
    ),
    pytest.param(
        QA,
        fields_of(QA, Question="q", Answer="a", Context1='<div lang="en">One language</div>', About="x", Key="k"),
        id="qa-one-language",
    ),
    pytest.param(QA, fields_of(QA, Question="q", Answer="a", Image="   ", Key="k"), id="qa-blank-image"),
    pytest.param(
        CLOZE,
        fields_of(CLOZE, Text="{{c1::one}} {{c1,2::both::h}} {{c3::three}} {{c2,03::late}}", Key="k"),
        id="one-deletion-on-several-cards",
    ),
    pytest.param(
        CLOZE,
        fields_of(CLOZE, Text="{{c1,,2::both}} {{c,3::three}} {{c4,::four}} {{c1::one}}", Key="k"),
        id="empty-parts-between-commas",
    ),
]


@pytest.mark.parametrize("note_type, fields", EDGE_CASES)
def test_edge_cases_render_as_in_anki(imported, note_type, fields):
    _, _, anki, _ = imported
    assert mismatches(add_note(anki, note_type, fields), render_note(note_type, fields)) == []


plain = st.text(st.sampled_from("ab 中文:&;<>/."), max_size=6).map(
    lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
)
deletion = st.builds(
    lambda n, text, hint: f"{{{{c{n}::{text}{'::' + hint if hint is not None else ''}}}}}",
    st.integers(1, 4).map(str) | st.sampled_from(["1,2", "2,4", "3,1,3", "1,,2", ",3", "2,"]),
    plain.filter(lambda s: s.strip(": ") and not s.endswith(":")),
    st.none() | plain,
)
cloze_text = st.lists(st.one_of(plain, deletion), min_size=1, max_size=6).map("".join).filter(lambda t: "{{c" in t)
maybe_empty = st.sampled_from(["", " ", "<br>", "<div></div>", "x", "<b>y</b>"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=cloze_text, extra=maybe_empty, image=maybe_empty)
def test_any_cloze_renders_as_in_anki(imported, text, extra, image):
    _, _, anki, _ = imported
    fields = fields_of(CLOZE, Text=text, Extra=extra, Image=image, Context1="z", Key="k")
    assert mismatches(add_note(anki, CLOZE, fields), render_note(CLOZE, fields)) == []


def test_front_side_renders_as_in_anki(imported):
    """deckgen's templates repeat the question; ``{{FrontSide}}`` is checked on a variant of the Q/A type."""
    _, _, anki, _ = imported
    back = '{{FrontSide}}\n<hr id="answer">\n{{Answer}}{{#Image}}<p>{{Image}}</p>{{/Image}}'
    model = anki.col.models.get(QA.id)
    model["tmpls"][0]["afmt"] = back
    anki.col.models.update_dict(model)
    fields = fields_of(QA, Question="Who?", Answer="唐杰", Image="i", Key="k")
    assert mismatches(add_note(anki, QA, fields), render_note(dataclasses.replace(QA, back=back), fields)) == []


@pytest.mark.parametrize(
    "front, message",
    [
        ("{{text:Question}}", "'text' filter is not supported"),
        ("{{^Image}}no image{{/Image}}", "not supported"),
        ("{{Nope}}", "field 'Nope'"),
        ("{{#Image}}open", "never closed"),
        ("{{/Image}}", "closes no open"),
        ("{{FrontSide}}", "only be used on the back"),
    ],
)
def test_unsupported_template_syntax_is_an_error(front, message):
    with pytest.raises(TemplateError, match=re.escape(message)):
        render_card(dataclasses.replace(QA, front=front), fields_of(QA, Question="q"), 0)
