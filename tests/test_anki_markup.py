"""Text exactly as typed, in Anki too: Anki's own markup typed into any field shows literally.

Anki reads more than HTML in a field (``deckgen/markup.py`` says where): sound and TTS tags, LaTeX, cloze
syntax and image occlusion when rslib renders a card, play buttons and type-in boxes in aqt's reviewer, and
``\\(…\\)``/``\\[…\\]`` in the reviewer's MathJax. A source holding every one of them, in every field, in plain
and Markdown mode, is built with the real CLI and imported into real Anki. Each card must come out without a
LaTeX image, an av tag, a play or type-in reference or an occlusion shape; Anki's import and its card
generation must change no field and make no card deckgen does not predict; and in aqt's real reviewer page,
with its MathJax made to run over the card, no ``mjx-container`` appears and the reviewer shows the same
text as deckgen's preview page.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from click.testing import CliRunner

from deckgen.cli import main
from deckgen.load import load_file
from deckgen.notes import card_count, generate

TYPED = {
    "mathjax": r"costs $5, \(x\) and \[y\]",
    "latex": "[$]z[/$] [latex]w[/latex] [$$]v[/$$] [LaTeX]u[/LATEX]",
    "latex-lines": "[latex]a\nb[/latex]",
    "sound": "[sound:evil.mp3]",
    "tts": "[anki:tts lang=en_US]spoken[/anki:tts] [anki:tts]unspoken[/anki:tts]",
    "directive": "[anki:foo a=b ]x[/anki:foo]",
    "play": "[anki:play:q:0] [anki:play:a:0]",
    "type": "[[type:Answer]]",
    "braces": "{{Key}} {{c1::x}} {{c2::y}} {{FrontSide}}",
    "other-tex": r"\begin{equation}x\end{equation} $x$ \ref{a} \\(a\\)",
    "nfc": "a\n\u0338b and e\u0301",
    "html": "vector<int> & a<b > c",
    "markdown-escapes": r"\[sound:c.mp3] \\[latex]w\\[/latex] \\(q\\)",
}
"""What a user types: every construct Anki interprets (markdown-escapes is for Markdown mode)."""

CLOZES = {
    "hint-latex": "{{c1::a::latex}} b {{c1::c::/latex}}",
    "hint-sound": "{{c1::x::sound:evil.mp3}} y",
    "hint-play": "{{c1::x::anki:play:q:0}} y",
    "hint-type": "{{c1::x::[type:Text]}} y",
    "occlusion": "{{c1::image-occlusion:rect:left=.1:top=.1:width=.2:height=.2:oi=1}} z",
    "math": r"{{c1::\(x\)}} and \[y\]",
    "latex": "{{c1::[$]z[/$]}} [latex]w[/latex]",
    "sound": "{{c1::[sound:evil.mp3]}} [anki:tts lang=en_US]t[/anki:tts]",
    "stray-braces": "{{c1::one}} }} {{open",  # an unclosed {{c3:: beside it is refused (test_generate)
    "markdown-escapes": r"{{c1::}\}x}} {{c2::a:\:b}}",
}


def hostile_source(markup: str) -> dict:
    """A source with Anki markup in every text: deck description, theme and person names (the About line),
    claims, editors' notes, questions, answers, list items, concept terms, cloze texts, hints and Extra."""
    judgments = []
    for i, (name, typed) in enumerate(TYPED.items(), 1):
        judgments.append(
            {
                "id": f"j-{name}",
                "number": i,
                "theme": "t",
                "speakers": ["p"],
                "zh": typed,
                "en": typed,
                "editors_note": {"zh": typed, "en": typed},
                "cards": [
                    {"q": f"q {typed}", "a": typed},
                    {"q": f"q {typed}", "a": typed, "context": "editors"},
                    {"of": f"{typed} {{n}}", "items": [typed, "x"]},
                    {"term": typed, "means": typed, "by": "p"},
                    {"cloze": f"{{{{c1::k}}}} {typed}", "extra": typed},
                ],
            }
        )
    for i, (name, text) in enumerate(CLOZES.items(), len(judgments) + 1):
        card = {"cloze": text, "extra": TYPED["mathjax"]}
        judgments.append({"id": f"c-{name}", "number": i, "theme": "t", "zh": "z", "en": "e", "cards": [card]})
    return {
        "deck": {
            "id": f"markup-{markup}",
            "name": "Markup",
            "description": TYPED["mathjax"] + " " + TYPED["sound"],
            "markup": markup,
            "source": {"title": TYPED["latex"], "by": TYPED["tts"]},
        },
        "themes": [{"id": "t", "zh": TYPED["mathjax"], "en": TYPED["latex"]}],
        "people": [{"id": "p", "name": "[sound:p.mp3]", "roman": r"\(r\)"}],
        "judgments": judgments,
    }


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def preview_texts(chromium, page_file) -> dict[tuple[str, int], tuple[str, str]]:
    """(note key, n-th card of the note) → the preview page's (front text, back text), as a browser shows them."""
    page = chromium.new_page()
    page.goto(page_file.as_uri())
    faces = page.evaluate(  # every card laid out (the page skips rendering cards off screen), then read
        """() => Array.from(document.querySelectorAll(".pv-card")).map(c => {
             c.style.contentVisibility = "visible";
             return [c.dataset.key, Array.from(c.querySelectorAll(".pv-face > .card")).map(f => f.innerText)];
           })"""
    )
    page.close()
    out: dict[tuple[str, int], tuple[str, str]] = {}
    for key, (front, back) in faces:
        n = sum(1 for k, _ in out if k == key)
        out[key, n] = (front, back)
    return out


FINDINGS = {
    "LaTeX image": re.compile(r"<img class=latex"),
    "play reference": re.compile(r"\[anki:play:"),
    "type-in box": re.compile(r"\[\[type:"),
    "occlusion shape": re.compile(r"data-shape="),
    "directive error": re.compile(r"Error in directive"),
    "raw MathJax delimiter": re.compile(r"\\[(\[]"),
}


@pytest.mark.slow
@pytest.mark.parametrize("markup", ["text", "markdown"])
def test_anki_shows_its_own_markup_as_typed(markup, tmp_path, anki, reviewer, chromium):
    yaml = tmp_path / "markup.yaml"
    yaml.write_text(json.dumps(hostile_source(markup), ensure_ascii=False, indent=1), encoding="utf-8")
    apkg, page_file = tmp_path / "markup.apkg", tmp_path / "preview.html"
    assert run("build", str(yaml), "-o", str(apkg)).exit_code == 0
    assert run("preview", str(yaml), "-o", str(page_file)).exit_code == 0
    notes = {n.guid: n for n in generate(load_file(yaml))[0]}
    preview = preview_texts(chromium, page_file)
    anki.import_apkg(apkg)
    col = anki.col

    problems = []
    nids = col.find_notes("")
    assert len(nids) == len(notes)
    for nid in nids:
        note = col.get_note(nid)
        made = notes[note.guid]
        if list(note.fields) != list(made.fields):
            problems.append(f"{made.key}: Anki's import changed a field")
        cards = sorted(note.cards(), key=lambda c: c.ord)
        if len(cards) != card_count(made):
            problems.append(f"{made.key}: {len(cards)} cards in Anki, {card_count(made)} predicted")
        for n, card in enumerate(cards):
            question, answer = card.question(), card.answer()
            found = [what for what, pattern in FINDINGS.items() if pattern.search(question + answer)]
            if card.question_av_tags() or card.answer_av_tags():
                found.append("av tags")
            for side, html in (("question", question), ("answer", answer)):
                shown = reviewer.show(html, side=side, bodyclass=f"card card{card.ord + 1}")
                if shown.containers or reviewer.show(html, side=side, probe=False).containers:
                    found.append(f"mjx-container on the {side}")
                expected = preview[made.key, n][side == "answer"]
                if shown.text.strip() != expected.strip():
                    found.append(f"{side}: reviewer {shown.text.strip()!r} != preview {expected.strip()!r}")
            if found:
                problems.append(f"{made.key} card {card.ord}: {found}")
        if made.key.endswith("/qa/1") and markup == "text":
            typed = TYPED[made.key.split("/")[0].removeprefix("j-")]
            if reviewer.show(cards[0].question()).text.strip() != unicodedata.normalize("NFC", f"q {typed}"):
                problems.append(f"{made.key}: the question does not show as typed")
    col.after_note_updates(nids, mark_modified=False, generate_cards=True)  # as when a note is saved in Anki
    for nid in nids:
        note = col.get_note(nid)
        if len(note.cards()) != card_count(notes[note.guid]):
            problems.append(f"{notes[note.guid].key}: Anki's card generation makes {len(note.cards())} cards")
    assert problems == []


def test_the_reviewer_harness_sees_mathjax_where_there_is_some(reviewer):
    """The check above can fail: raw delimiters are typeset, a character reference is decoded and typeset
    too once MathJax runs, and deckgen's escaping is not."""
    from deckgen.markup import text_html

    assert reviewer.show(r"\(x\) \[y\]").containers == 2
    assert reviewer.show("&#92;(x&#92;)").containers == 1
    assert reviewer.show("&#92;(x&#92;)", probe=False).containers == 0  # the reviewer alone would not run it
    assert reviewer.show(text_html(r"\(x\) \[y\]")).containers == 0
    assert reviewer.show(text_html(r"\(x\) \[y\]")).text == r"\(x\) \[y\]"
