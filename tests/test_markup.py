"""Opt-in Markdown (``deck.markup: markdown``): a small subset rendered by markdown-it-py and sanitised by
nh3, so emphasis and lists work while raw HTML, links and images never reach a field as markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.cloze import CLOZE_RE
from deckgen.load import load_file
from deckgen.markup import MARKDOWN_TAGS, markdown_cloze_html, markdown_html, text_cloze_html, text_html
from deckgen.notes import generate

GOOD = Path(__file__).resolve().parent / "data" / "good"
TAG = re.compile(r"<\s*/?\s*([^\s>/]*)([^>]*)>")


def test_markdown_source_renders_the_subset_and_escapes_the_rest():
    notes = {n.key: n for n in generate(load_file(GOOD / "markdown.yaml"))[0]}
    qa = notes["first/qa/1"]
    assert qa.fields[0] == "Who made the <em>first</em> judgment about <code>vector&lt;int&gt;</code>?"
    assert qa.fields[1] == (
        "<p><strong>唐杰</strong>, who listed:</p>\n<ul>\n"
        "<li>one &lt;script&gt;alert(1)&lt;/script&gt;</li>\n"
        "<li>&#91;two](javascript:alert(2)) &lt;img src=x onerror=alert(3)&gt;</li>\n</ul>"
    )
    assert notes["first/cloze/1"].fields[0] == "The first judgment is about {{c1::<em>agents</em>}}."


def test_plain_text_is_the_default():
    notes = {n.key: n for n in generate(load_file(GOOD / "minimal.yaml"))[0]}
    assert load_file(GOOD / "minimal.yaml").markup == "text"
    assert notes["first/qa/1"].fields[0] == text_html("Who made the first judgment?")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' *_`-[]()!&#;:\n\tabscriptimgonerrohf1.")), max_size=60))
def test_rendered_markdown_only_ever_has_allowed_tags_and_attributes(text):
    for name, attributes in TAG.findall(markdown_html(text)):
        assert name in MARKDOWN_TAGS, text
        assert not attributes.strip() or name == "ol" and re.fullmatch(r' start="[0-9]+"', attributes), text


def test_an_ordered_list_keeps_its_start():
    assert markdown_html("2025. Year?") == '<ol start="2025">\n<li>Year?</li>\n</ol>'


@pytest.mark.parametrize(
    "text, expected",
    [
        ("*start {{c1::a*}}", "*start {{c1::a*}}"),  # emphasis opened outside, closed inside: kept as typed
        ("{{c3::`code}}`", "{{c3::`code}}`"),
        ("*{{c1::b}}* and {{c2::**x**::*hint*}}", "<em>{{c1::b}}</em> and {{c2::<strong>x</strong>::<em>hint</em>}}"),
        ("- {{c1::a}}\n- {{c2::b}}", "<ul>\n<li>{{c1::a}}</li>\n<li>{{c2::b}}</li>\n</ul>"),
        ("{{c1::<b>}} \ue000", "{{c1::&lt;b&gt;}} \ue000"),  # a private-use character in the text is no placeholder
    ],
)
def test_markdown_never_crosses_a_cloze_deletion(text, expected):
    assert markdown_cloze_html(text) == expected


def balanced(html: str) -> bool:
    stack = []
    for closing, name in re.findall(r"<(/?)(\w+)[^>]*>", html):
        if name == "br":
            continue
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.sampled_from(list("*_`- \n1.ab")), max_size=12),
            st.text(alphabet=st.sampled_from(list("*_`- ab")), min_size=1, max_size=8),
        ),
        min_size=1,
        max_size=4,
    ),
    st.text(alphabet=st.sampled_from(list("*_`- \nab")), max_size=8),
)
def test_cloze_deletions_and_markdown_tags_nest_properly(parts, tail):
    text = "".join(f"{before}{{{{c{i}::{inner}}}}}" for i, (before, inner) in enumerate(parts, 1)) + tail
    html = markdown_cloze_html(text)
    deletions = [m.group(2) for m in CLOZE_RE.finditer(html)]
    assert len(deletions) == len(parts), html
    assert all(balanced(d) for d in deletions), html
    assert balanced(CLOZE_RE.sub("", html)), html


@pytest.mark.parametrize("cloze_html", [markdown_cloze_html, text_cloze_html])
def test_any_private_use_character_in_a_cloze_stays_text(cloze_html):
    """The placeholder a cloze deletion is held under while the text around it is rendered can never be
    taken from the text (B11: every character U+E000–U+F8FF in one cloze once raised StopIteration)."""
    every = "".join(chr(c) for c in range(0xE000, 0xF900))
    tricky = "\ue000\ue000 \ue0000\ue000 \ue000"
    html = cloze_html(f"{every} {{{{c1::a{tricky}}}}} {tricky}")
    assert html == f"{every} {{{{c1::a{tricky}}}}} {tricky}"


@pytest.mark.parametrize(
    "field, rtl",
    [
        ("ما هو Reinforcement Learning؟", True),  # an Arabic question with an English term in it
        ("كيف يعمل Transformer؟", True),
        ("What are the two phases?", False),  # deckgen's English label in an Arabic deck
    ],
)
def test_a_field_of_a_right_to_left_language_is_right_to_left_when_it_has_an_rtl_letter(field, rtl):
    from deckgen.markup import in_language

    assert ('dir="rtl"' in in_language(field, "ar")) == rtl


@pytest.mark.parametrize(
    "field, rtl",
    [
        ("من قاس سرعة تلاشي الذكريات؟ (Ebbinghaus)", True),
        ("{{c1::القاهرة}} is the capital of Egypt.", False),
        ("What does بِسْمِ ٱللَّٰهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ mean in English?", False),  # vowel marks are no letters
        ("Call 0123 or ١٢٣٤٥٦٧٨٩٠ now", False),  # nor are digits
    ],
)
def test_a_field_of_no_one_language_is_right_to_left_when_most_letters_are(field, rtl):
    from deckgen.markup import in_its_direction

    assert ('dir="rtl"' in in_its_direction(field)) == rtl
