"""Opt-in Markdown (``deck.markup: markdown``): a small subset rendered by markdown-it-py and sanitised by
nh3, so emphasis and lists work while raw HTML, links and images never reach a field as markup."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.generate import MARKDOWN_TAGS, generate, markdown_html, text_html
from deckgen.load import load_file

GOOD = Path(__file__).resolve().parent / "data" / "good"
TAG = re.compile(r"<\s*/?\s*([^\s>/]*)([^>]*)>")


def test_markdown_source_renders_the_subset_and_escapes_the_rest():
    notes = {n.key: n for n in generate(load_file(GOOD / "markdown.yaml"))[0]}
    qa = notes["first/qa/1"]
    assert qa.fields[0] == "Who made the <em>first</em> judgment about <code>vector&lt;int&gt;</code>?"
    assert qa.fields[1] == ("<p><strong>唐杰</strong>, who listed:</p>\n<ul>\n"
                            "<li>one &lt;script&gt;alert(1)&lt;/script&gt;</li>\n"
                            "<li>[two](javascript:alert(2)) &lt;img src=x onerror=alert(3)&gt;</li>\n</ul>")
    assert notes["first/cloze/1"].fields[0] == "The first judgment is about {{c1::<em>agents</em>}}."


def test_plain_text_is_the_default():
    notes = {n.key: n for n in generate(load_file(GOOD / "minimal.yaml"))[0]}
    assert load_file(GOOD / "minimal.yaml").markup == "text"
    assert notes["first/qa/1"].fields[0] == text_html("Who made the first judgment?")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' *_`-[]()!&#;:\n\tabscriptimgonerrohf1.")), max_size=60))
def test_rendered_markdown_only_ever_has_allowed_tags_without_attributes(text):
    for name, attributes in TAG.findall(markdown_html(text)):
        assert name in MARKDOWN_TAGS, text
        assert not attributes.strip(), text
