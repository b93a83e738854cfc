"""Bad input: every kind of broken source gets a located, one-line error (or works, when it should), through
the real CLI; nothing is executed from a source; a failed build loses nothing.

The sources are small files in ``tests/data/bad/``, each ``tests/data/good/minimal.yaml`` with one thing
broken (the line numbers below are where that thing was put).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import main
from deckgen.load import load_file
from deckgen.notes import generate

DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
MINIMAL = DATA / "good" / "minimal.yaml"

# (file in tests/data/bad, exit code of `deckgen check`, line of the problem, fragment of its message)
TABLE = [
    ("unknown-key-typo", 1, 21, "judgments[0].speker: unknown key 'speker' (did you mean 'speakers'?)"),
    ("unknown-top-level-key", 1, 17, "unknown key 'judgement' (did you mean 'judgments'?)"),
    ("unknown-person", 1, 21, "judgments[0].speakers[0]: unknown person 'tang-jei' (did you mean 'tang-jie'?)"),
    ("unknown-person-in-by", 1, 41, "unknown person 'yang-qaing' (did you mean 'yang-qiang'?)"),
    ("unknown-theme", 1, 35, "judgments[1].theme: unknown theme 'agnet' (did you mean 'agent'?)"),
    ("list-for-text", 1, 30, "judgments[0].cards[0].a: expected text, found a list"),
    ("mapping-for-text", 1, 23, "judgments[0].en: expected text, found a mapping"),
    ("mapping-for-list", 1, 36, "judgments[1].speakers: expected a list"),
    ("text-for-list", 1, 6, "themes: expected a list"),
    ("missing-required-key", 1, 33, "judgments[1]: missing required key 'zh'"),
    ("duplicate-judgment-id", 1, 33, "judgment id 'first' is already used at line 18"),
    ("duplicate-number", 1, 34, "number 1 is already used at line 19"),
    ("duplicate-card-id", 1, 34, "card id 'same' is already used at line 31"),
    ("duplicate-yaml-key", 1, 24, "duplicate key 'en' (first at line 23)"),
    ("number-not-a-number", 1, 19, "expected a whole number from 1 up, found 'one'"),
    ("number-unicode-digit", 1, 19, "expected a whole number from 1 up, found '²'"),
    ("invalid-id", 1, 18, "'First Judgment' is not a valid id"),
    ("two-card-kinds", 1, 31, "a card needs exactly one of"),
    ("list-card-one-item", 1, 44, "a list card needs at least two items"),
    ("reverse-not-boolean", 1, 43, "expected true or false, found 'maybe'"),
    ("context-unknown", 1, 32, "expected 'claim' or 'editors', found 'editor' (did you mean 'editors'?)"),
    ("markup-unknown", 1, 4, "deck.markup: expected 'text' or 'markdown', found 'markdwn' (did you mean 'markdown'?)"),
    ("empty-question", 1, 29, "judgments[0].cards[0].q: must not be empty"),
    ("empty-answer", 1, 30, "judgments[0].cards[0].a: must not be empty"),
    ("cloze-without-deletions", 1, 31, "cloze text has no deletions"),
    ("cloze-c0", 1, 31, "cloze numbers start at c1"),
    ("cloze-empty-deletion", 1, 31, "a cloze deletion is empty"),
    ("cloze-number-too-large", 1, 31, "cloze number c70000 is too large"),
    (
        "cloze-numbering-gap",
        0,
        31,
        "warning: judgments[0].cards[1]: note 'first/cloze/1': cloze numbering has gaps (no c1)",
    ),
    ("ids-missing-twice", 1, 11, "decks[1]: missing required key 'key'"),
    ("tag-with-spaces", 0, 27, "warning: judgments[0].tags[0]: tag 'agent design' contains spaces"),
    ("tag-empty-part", 1, 27, "tag 'topic::' has an empty '::' part"),
    ("editors-context-without-note", 1, 29, "context is 'editors' but the judgment has no editors_note"),
    ("image-missing", 1, 31, "image 'figs/missing.png' not found"),
    ("image-outside-folder", 1, 31, "image '../../conftest.py' is outside the source file's folder"),
    ("deck-name-empty-part", 1, 3, "deck.name: deck name 'Minimal::::Agents' has an empty part"),
    ("theme-name-with-separator", 1, 9, "themes[0].en: 'Agents::All' contains '::'"),
    ("deck-name-invisible", 1, 3, "deck.name: the text is only invisible characters (U+200B), which Anki shows"),
    ("theme-name-invisible", 1, 9, "themes[0].en: the text is only invisible characters (U+2060), which Anki shows"),
    ("named-deck-unknown-theme", 1, 48, "decks[0].select.theme[0]: unknown theme 'agnet'"),
    ("control-character-escape", 1, 23, "judgments[0].en: contains the control character U+0007"),
    ("control-character-raw", 1, 23, "character U+0001 is not allowed in YAML"),
    ("tab-indentation", 1, 22, "YAML indents with spaces, not tabs"),
    ("unclosed-quote", 1, 42, "runs on to line 43, where the parser stops"),
    ("unclosed-bracket", 1, 22, "while parsing a flow sequence (begun at line 21)"),
    ("unclosed-brace", 1, 45, "while parsing a flow mapping (begun at line 44)"),
    ("colon-in-plain-text", 1, 23, "mapping values are not allowed in this context (a ': ' inside unquoted text"),
    ("key-indented-too-deep", 1, 19, "(this line's key is indented deeper than the key on the line above"),
    ("language-key-indented-too-deep", 1, 24, "(this line's key is indented deeper than the key on the line above"),
    ("colon-in-wrapped-text", 1, 24, "mapping values are not allowed in this context (a ': ' inside unquoted text"),
    ("card-kind-key-typo", 1, 29, "or cloze; found none; 'question' is not a card key"),
    ("card-kind-key-twice", 1, 31, "judgments[0].cards[0].q: duplicate key 'q' (first at line 29); keep one"),
    ("cloze-one-brace", 1, 31, "cloze deletion {c1::… has one brace; write two, as in {{c1::…}}"),
    ("cloze-unclosed", 1, 31, "cloze deletion {{c1::… is not closed; end it with }}"),
    (
        "cloze-one-colon",
        1,
        31,
        "cloze deletion {{c2:… is not one Anki reads, so it would stay on the card as typed; write {{c2::…}}",
    ),
    (
        "cloze-capital-c",
        1,
        31,
        "cloze deletion {{C1:… is not one Anki reads, so it would stay on the card as typed; write {{c1::…}}",
    ),
    ("quote-inside-double-quotes", 1, 29, 'ends the text: write it as \\" or put the text in single quotes'),
    ("quote-inside-single-quotes", 1, 29, "ends the text: write it twice, as in 'It''s', or put the text in double"),
    ("cloze-unquoted", 1, 31, 'did not find expected key (text that begins with "{" must be in quotes'),
    ("items-as-text", 1, 44, "judgments[1].cards[1].items: expected a list, e.g. [first, second]; found 'alpha, beta'"),
    ("named-deck-select-typo", 1, 48, "decks[0].select.themes: unknown key 'themes' (did you mean 'theme'?)"),
    ("named-deck-select-list", 1, 48, "decks[0].select: expected a mapping, found a list"),
    ("named-deck-select-empty", 1, 48, "decks[0].select: select at least one of theme, speaker, tag, judgment"),
    ("two-documents", 1, 45, "expected a single document"),
    ("python-object-tag", 1, 30, "tag '!!python/object/apply:os.system' is not allowed"),
    ("custom-tag", 1, 30, "tag '!include' is not allowed"),
    ("binary-tag", 1, 30, "tag '!!binary' is not allowed"),
    ("empty", 1, 1, "the file is empty"),
    ("only-comments", 1, 1, "the file is empty"),
    ("file-is-a-list", 1, 1, "expected a mapping with deck:, themes:, people: and judgments:, found a list"),
    ("file-is-a-scalar", 1, 1, "expected a mapping with deck:, themes:, people: and judgments:, found 'just some"),
    ("invalid-utf8", 1, 12, "not valid UTF-8 (byte 0xe6); save the file as UTF-8"),
    ("alias-bomb", 1, 4, "the document expands to too many values"),
    ("alias-bomb-keys", 1, 4, "the document expands to too many values"),
    ("alias-bomb-text", 1, 22, "judgments[0].tags[48]: the document expands to too much text"),
    ("number-too-large", 1, 19, "judgments[0].number: number '99999999999"),
    ("null-answer", 1, 30, "judgments[0].cards[0].a: must not be empty"),
    ("null-name", 1, 12, "people[0].name: must not be empty"),
    ("no-judgment-has-cards", 1, 18, "judgments: no judgment has cards"),
    ("duplicate-theme-id", 1, 10, "theme id 'agent' is defined twice (first at line 7)"),
    ("duplicate-person-id", 1, 17, "person id 'tang-jie' is defined twice (first at line 11)"),
    ("duplicate-deck-key", 1, 49, "deck key 'agents' is defined twice (first at line 46)"),
    ("merge-key", 1, 11, "themes[1]: merge keys (<<) are not supported; write the keys out"),
    ("utf16-le-no-bom", 1, 1, "the file is UTF-16 text; save the file as UTF-8"),
    ("utf16-bom", 1, 1, "the file is UTF-16 text; save the file as UTF-8"),
    ("image-folder", 1, 31, "image 'media' is a folder"),
    ("image-not-an-image", 1, 31, "image 'many-problems.yaml' is not an image file; use one of .png, .jpg"),
    (
        "named-deck-unknown-tag",
        1,
        48,
        "decks[0].select: deck 'agents': no note has tag 'topic::agent' (did you mean 'topic::agents'?)",
    ),
    ("named-deck-no-such-judgment", 1, 49, "decks[0].select: deck 'later': no judgment numbered 3-999999999;"),
    ("named-deck-matches-nothing", 1, 48, "decks[0].select: deck 'none': the selection matches no note"),
    (
        "card-id-is-a-default-key",
        1,
        31,
        "card id 'first/qa/1' is also the key of the card at line 29 (judgments[0].cards[0]), which has no id",
    ),
    ("named-deck-empty-selection", 1, 48, "decks[0].select.theme: the list is empty, so it would select nothing"),
    ("cloze-number-absurd", 1, 31, "cloze number c111111111111… is too large"),
    ("cloze-nested", 1, 31, "judgments[0].cards[1].cloze: cloze deletion {{c1::…}} holds another deletion ({{c2::…)"),
    # inputs that look dangerous but must simply work (their content is checked in the tests below)
    ("bom-crlf", 0, None, "2 judgments, 5 notes,"),
    ("unicode-tags", 0, None, "2 judgments, 5 notes,"),
    ("html-in-text", 0, None, "2 judgments, 5 notes,"),
    ("yaml11-traps", 0, None, "2 judgments, 5 notes,"),
]


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def problem_lines(output: str, path: Path) -> list[tuple[int, int, str]]:
    """(line, col, rest) of every ``path:line:col: ...`` line of the output."""
    located = re.compile(re.escape(str(path)) + r":(\d+):(\d+): (.*)")
    return [(int(m[1]), int(m[2]), m[3]) for m in map(located.fullmatch, output.splitlines()) if m]


def test_table_covers_every_file_and_enough_kinds():
    names = {name for name, *_ in TABLE}
    assert names | {"many-problems"} == {p.stem for p in BAD.glob("*.yaml")}
    assert sum(code == 1 for _, code, *_ in TABLE) >= 25


@pytest.mark.parametrize(("name", "code", "line", "fragment"), TABLE, ids=[row[0] for row in TABLE])
def test_bad_source(name, code, line, fragment):
    path = BAD / f"{name}.yaml"
    result = run("check", str(path))
    assert result.exit_code == code, result.output
    if line is None:
        assert fragment in result.output
        return
    problems = problem_lines(result.output, path)
    assert any(n == line and fragment in rest for n, _, rest in problems), result.output
    if code == 1:
        # every line but the summary is a located problem, one line each, in file order
        lines = result.output.splitlines()
        assert len(problems) == len(lines) - 1, result.output
        assert re.fullmatch(r"deckgen: [1-9][0-9]* error\(s\) in the sources", lines[-1]), lines[-1]
        assert problems == sorted(problems)


@pytest.mark.parametrize("name", ["items-as-text", "named-deck-select-typo", "named-deck-select-list"])
def test_one_mistake_is_one_problem(name):
    """A mistake is reported once, not also as what follows from it (a list card's items that are not a list
    are not also "fewer than two items"; a selection with only a misspelt key, or not a mapping, is not also
    "select at least one")."""
    path = BAD / f"{name}.yaml"
    result = run("check", str(path))
    assert result.exit_code == 1
    assert len(problem_lines(result.output, path)) == 1, result.output


@pytest.mark.parametrize("blank", ["\\u200b \\u200b", "\\u3164", "\\u2800", "\\u034f", "\\ufe0f", "A::\\u00ad"])
def test_a_deck_name_that_shows_as_nothing_is_an_error(tmp_path, blank):
    """Anki shows such a deck with a blank name; a name with a visible character beside them is fine."""
    path = tmp_path / "blank.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8").replace("  name: Minimal\n", f'  name: "{blank}"\n', 1))
    result = run("check", str(path))
    assert result.exit_code == 1
    ((line, _, rest),) = problem_lines(result.output, path)
    assert line == 3 and rest.startswith("deck.name: ") and "only invisible characters (U+" in rest
    path.write_text(MINIMAL.read_text(encoding="utf-8").replace("  name: Minimal\n", f'  name: "{blank}x"\n', 1))
    assert run("check", str(path)).exit_code == 0


@pytest.mark.parametrize("blank", ["\\u2800", "\\u0301", "\\u3164", "\\u200b", "\\ufe0f \\u200d"])
def test_an_answer_or_question_that_shows_as_nothing_is_an_error(tmp_path, blank):
    """A Braille blank, a combining mark with nothing to mark, a Hangul filler or a zero-width space showed a
    blank answer in Anki and passed check (breaker16 #11); a text with a letter beside them is fine."""
    text = MINIMAL.read_text(encoding="utf-8")
    path = tmp_path / "blank.yaml"
    path.write_text(text.replace("        a: 唐杰\n", f'        a: "{blank}"\n', 1), encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 1, result.output
    ((line, _, rest),) = problem_lines(result.output, path)
    assert rest.startswith("judgments[0].cards[0].a: the text is only invisible characters (U+"), rest
    assert rest.endswith("write the text it stands for")
    path.write_text(text.replace("        a: 唐杰\n", f'        a: "唐杰{blank}"\n', 1), encoding="utf-8")
    assert "only invisible" not in run("check", str(path)).output
    # nor a cloze deletion, which showed a blank answer (breaker17 #6)
    cloze = "{{c1::agents}}"
    path.write_text(text.replace(cloze, "{{c1::" + blank + "}}", 1), encoding="utf-8")
    hidden = run("check", str(path))
    assert hidden.exit_code == 1 and "a cloze deletion is empty ({{c1::}}, or only invisible" in hidden.output


def test_a_card_of_two_kinds_names_each_kind_once(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8")
    old = '      - q: "Who made the first judgment?"\n        a: 唐杰\n'
    assert old in text
    path = tmp_path / "kinds.yaml"
    again = '        cloze: "A {{c1::card}}."\n        q: "Again?"\n        Q: "Once more?"\n'
    path.write_text(text.replace(old, old + again), encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 1
    problems = [(line, rest) for line, _, rest in problem_lines(result.output, path)]
    assert problems[0] == (
        29,
        "judgments[0].cards[0]: a card needs exactly one of q (question/answer), term (concept), of (list) or "
        "cloze; found q and cloze",
    )
    # and its other keys' problems, every one at once
    assert [(line, rest.split(" (")[0].split(";")[0]) for line, rest in problems[1:]] == [
        (32, "judgments[0].cards[0].q: duplicate key 'q'"),
        (33, "judgments[0].cards[0].Q: unknown key 'Q'"),
    ]


def test_an_image_that_is_a_loop_of_links_is_named_as_such(tmp_path):
    shutil.copy(MINIMAL, tmp_path / "m.yaml")
    (tmp_path / "loop.png").symlink_to("loop.png")
    text = (tmp_path / "m.yaml").read_text(encoding="utf-8")
    old = '      - q: "Who made the first judgment?"\n'
    (tmp_path / "m.yaml").write_text(text.replace(old, old + "        image: loop.png\n"), encoding="utf-8")
    result = run("check", str(tmp_path / "m.yaml"))
    assert result.exit_code == 1
    assert problem_lines(result.output, tmp_path / "m.yaml") == [
        (30, 16, "judgments[0].cards[0].image: image 'loop.png' is a loop of symbolic links; name the file itself")
    ]


def test_a_source_in_a_folder_whose_name_is_not_utf8_builds(tmp_path):
    """The build's lock file is named by a hash of the ledger's path: of its bytes, which need not be UTF-8."""
    import os

    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/latin-\xff"))
    folder.mkdir()
    shutil.copy(MINIMAL, folder / "minimal.yaml")
    for _ in range(2):  # a first build and a rebuild
        result = run("build", str(folder / "minimal.yaml"), "-o", str(tmp_path / "out.apkg"))
        assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "out.apkg") as z, z.open("collection.anki2") as db:
        (tmp_path / "c.anki2").write_bytes(db.read())
    with sqlite3.connect(tmp_path / "c.anki2") as db:
        assert db.execute("select count(*) from notes").fetchone() == (5,)


def test_a_file_named_twice_is_read_once(tmp_path):
    shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    result = run("check", str(tmp_path), str(tmp_path / "minimal.yaml"), str(tmp_path / "." / "minimal.yaml"))
    assert result.exit_code == 0, result.output
    assert result.output.count("2 judgments, 5 notes") == 1


def test_a_source_link_that_leads_nowhere_is_named_and_never_dropped_from_a_folder(tmp_path):
    """A dangling link or a loop was "no such file or folder" when named, and in a folder a broken link, a loop
    or a pipe with a source's name was skipped without a word, so its deck dropped out (breaker16 #15)."""
    import os

    folder = tmp_path / "cards"
    folder.mkdir()
    shutil.copy(MINIMAL, folder / "minimal.yaml")
    (folder / "moved.yaml").symlink_to(tmp_path / "gone.yaml")
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    os.mkfifo(folder / "pipe.yaml")
    named = run("check", str(folder / "moved.yaml"), str(folder / "loop.yaml"))
    assert named.exit_code == 1
    assert (
        f"{folder / 'moved.yaml'}: a symbolic link to '{tmp_path / 'gone.yaml'}', which does not exist" in named.output
    )
    assert f"{folder / 'loop.yaml'}: a loop of symbolic links; give the source file itself" in named.output
    whole = run("check", str(folder))
    assert whole.exit_code == 1, whole.output
    for name in ("moved.yaml", "loop.yaml", "pipe.yaml"):
        assert f"{folder / name}: " in whole.output, (name, whole.output)
    assert f"{folder / 'pipe.yaml'}: not a regular file (a device or a pipe?)" in whole.output


@pytest.mark.parametrize(("encoding", "named"), [("utf-32", "UTF-32"), ("utf-16", "UTF-16")])
def test_a_file_in_a_wide_encoding_is_named_by_its_encoding(tmp_path, encoding, named):
    """A UTF-32 byte-order mark starts with UTF-16's (FF FE), so it is told apart first."""
    path = tmp_path / "wide.yaml"
    path.write_bytes((BAD.parent / "good" / "minimal.yaml").read_text(encoding="utf-8").encode(encoding))
    result = run("check", str(path))
    assert result.exit_code == 1
    assert problem_lines(result.output, path) == [(1, 1, f"the file is {named} text; save the file as UTF-8")]


def test_a_path_that_is_not_a_regular_file_is_named_as_such(tmp_path):
    import os

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # reading it would block
    for path in ("/dev/null", str(fifo)):
        result = run("check", path)
        assert result.exit_code == 1
        assert result.output.startswith(f"{path}: not a regular file (a device or a pipe?)"), result.output


def test_every_problem_in_a_file_is_reported_at_once_sorted_by_line():
    path = BAD / "many-problems.yaml"
    result = run("check", str(path))
    assert result.exit_code == 1
    problems = problem_lines(result.output, path)
    assert [(n, rest.split(":")[0]) for n, _, rest in problems] == [
        (21, "judgments[0].speker"),
        (30, "judgments[0].cards[0].a"),
        (31, "judgments[0].cards[1].cloze"),
        (35, "judgments[1].theme"),
        (44, "judgments[1].cards[1].items"),
    ]
    assert "5 error(s)" in result.output


def test_strict_turns_warnings_into_failures():
    path = BAD / "cloze-numbering-gap.yaml"
    assert run("check", str(path)).exit_code == 0
    strict = run("check", "--strict", str(path))
    assert strict.exit_code == 1
    assert "warning(s) and --strict is on" in strict.output
    assert run("check", "--strict", str(MINIMAL)).exit_code == 0


@pytest.mark.parametrize("args", [["check", "--no-such-option"], ["build", "--bogus"], ["no-such-command"]])
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Error:" in result.output


def notes_of(name: str):
    notes, _ = generate(load_file(BAD / f"{name}.yaml"))
    return {n.key: n for n in notes}


def test_yaml_11_scalars_come_out_as_typed():
    notes = notes_of("yaml11-traps")
    assert notes["first/qa/1"].answer == "no"
    assert notes["second/list/1"].answer == "yes; off; 1911; 02142; 1:10; 1:10; 2026-01-10; ~; 0x1F; 1e3; .inf"
    assert "<li>02142</li>" in notes["second/list/1"].fields[1]


def test_bom_and_crlf_just_work():
    plain = notes_of("bom-crlf")
    expected = {n.key: n for n in generate(load_file(MINIMAL))[0]}
    assert {k: n.fields for k, n in plain.items()} == {k: n.fields for k, n in expected.items()}
    assert not any("\r" in field or "\ufeff" in field for n in plain.values() for field in n.fields)


def test_tags_with_spaces_are_normalised_and_unicode_tags_kept():
    assert "agent_design" in notes_of("tag-with-spaces")["first/qa/1"].tags
    assert {"主题::智能体", "café", "naïve-tag"} <= set(notes_of("unicode-tags")["first/qa/1"].tags)


HTML_QUESTION = "In C++, what is vector&lt;int&gt; and is a&lt;b &amp; c?"
HTML_ANSWER = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;"
HTML_CONTEXT = '<div lang="en">Fish &amp; chips &lt;b&gt;bold&lt;/b&gt;</div>'  # the claim's second language


def test_html_in_text_is_escaped_in_the_note_fields():
    note = notes_of("html-in-text")["first/qa/1"]
    assert note.fields[:2] == (HTML_QUESTION, HTML_ANSWER)
    assert note.fields[4] == HTML_CONTEXT


def test_html_in_text_is_escaped_in_the_package_and_in_anki(tmp_path, anki):
    src = tmp_path / "html.yaml"
    shutil.copy(BAD / "html-in-text.yaml", src)
    out = tmp_path / "html.apkg"
    assert run("build", str(src), "-o", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as zf:
        (tmp_path / "col.anki2").write_bytes(zf.read("collection.anki2"))
    con = sqlite3.connect(tmp_path / "col.anki2")
    stored = [row[0].split("\x1f") for row in con.execute("SELECT flds FROM notes")]
    con.close()
    question = next(f for f in stored if f[0] == HTML_QUESTION)
    assert question[1] == HTML_ANSWER and question[4] == HTML_CONTEXT
    assert not any("<script" in f or "<img" in f or "<b>" in f for fields in stored for f in fields)

    anki.import_apkg(out)
    imported = anki.note_by_key("first/qa/1")
    assert (imported["Question"], imported["Answer"]) == (HTML_QUESTION, HTML_ANSWER)


def test_python_tag_runs_nothing_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "cards" / "evil.yaml"
    src.parent.mkdir()
    shutil.copy(BAD / "python-object-tag.yaml", src)
    result = run("build", str(src), "-o", "out/evil.apkg")
    assert result.exit_code == 1
    assert (
        "tag '!!python/object/apply:os.system' is not allowed; deckgen reads plain YAML only and never "
        "constructs objects" in result.output
    )
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["cards", "cards/evil.yaml"]


def test_alias_bomb_is_refused_quickly():
    # a generous bound for slow CI machines; the benchmark figure is well under a second
    start = time.monotonic()
    result = run("check", str(BAD / "alias-bomb.yaml"))
    elapsed = time.monotonic() - start
    assert result.exit_code == 1
    assert "too many values" in result.output
    assert elapsed < 5


def test_a_node_repeated_through_an_alias_is_reported_once():
    path = BAD / "alias-bomb-keys.yaml"
    result = run("check", str(path))
    unknown = [rest for _, _, rest in problem_lines(result.output, path) if "unknown key" in rest]
    assert len(unknown) == 300  # one per key written, not one per key per repetition
    assert unknown[0].startswith("judgments[0].k0: ")


# -- nothing lost ------------------------------------------------------------------------------------------


@pytest.fixture
def built(tmp_path):
    """A source built once into dist/: (source path, package path, ledger path, their bytes)."""
    src = tmp_path / "cards" / "minimal.yaml"
    src.parent.mkdir()
    shutil.copy(MINIMAL, src)
    out = tmp_path / "dist" / "minimal.apkg"
    assert run("build", str(src), "-o", str(out)).exit_code == 0
    ledger = src.parent / "minimal.ledger.json"
    return src, out, ledger, out.read_bytes(), ledger.read_bytes()


def edit_answer(src: Path) -> None:
    """A valid edit, so that a build that succeeded would change both the package and the ledger."""
    src.write_text(src.read_text(encoding="utf-8").replace("a: 唐杰", "a: 唐杰 (Tang Jie)"), encoding="utf-8")


def test_a_bad_source_leaves_package_and_ledger_intact(built):
    src, out, ledger, out_bytes, ledger_bytes = built
    shutil.copy(BAD / "many-problems.yaml", src)
    result = run("build", str(src), "-o", str(out))
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert out.read_bytes() == out_bytes and ledger.read_bytes() == ledger_bytes


def test_an_unwritable_output_folder_is_a_clear_error_and_loses_nothing(built, tmp_path):
    src, out, ledger, out_bytes, ledger_bytes = built
    edit_answer(src)
    (tmp_path / "blocker").write_text("a file where a folder should be")
    result = run("build", str(src), "-o", str(tmp_path / "blocker" / "minimal.apkg"))
    assert result.exit_code == 1
    assert f"{tmp_path / 'blocker'} is a file, not a folder" in result.output  # not: make it writable
    assert "nothing was written" in result.output
    assert out.read_bytes() == out_bytes and ledger.read_bytes() == ledger_bytes


def test_a_ledger_that_cannot_be_written_leaves_the_package_intact(built):
    src, out, ledger, out_bytes, _ = built
    edit_answer(src)
    ledger.unlink()
    ledger.mkdir()  # the ledger's place is taken by a folder: its rename would fail
    result = run("build", str(src), "-o", str(out))
    assert result.exit_code == 1
    assert f"{ledger}: is a folder" in result.output
    assert out.read_bytes() == out_bytes
    assert [p.name for p in out.parent.iterdir()] == ["minimal.apkg"]  # no temporary files left behind


def test_a_missing_output_folder_is_created(built, tmp_path):
    src, *_ = built
    out = tmp_path / "new" / "deeper" / "minimal.apkg"
    assert run("build", str(src), "-o", str(out)).exit_code == 0
    assert zipfile.ZipFile(out).namelist()[0] == "collection.anki2"


def test_an_image_symlink_to_a_non_image_is_refused(tmp_path):
    (tmp_path / ".env").write_text("SECRET=1\n", encoding="utf-8")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "env.png").symlink_to("../.env")
    src = tmp_path / "s.yaml"
    question = '      - q: "Who made the first judgment?"'
    src.write_text(
        MINIMAL.read_text(encoding="utf-8").replace(
            question, "      - image: media/env.png\n  " + question.replace("- ", "", 1), 1
        ),
        encoding="utf-8",
    )
    result = run("build", str(src), "-o", str(tmp_path / "out.apkg"))
    assert result.exit_code == 1
    assert "image 'media/env.png' is not an image file" in result.output
    assert not (tmp_path / "out.apkg").exists()


def test_an_image_that_is_a_pipe_is_not_a_regular_file_not_missing(tmp_path):
    src = tmp_path / "s.yaml"
    src.write_text((BAD / "image-missing.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "figs").mkdir()
    os.mkfifo(tmp_path / "figs" / "pipe.png")
    for how in ("the pipe", "a link to it"):
        if how == "the pipe":
            (tmp_path / "figs" / "pipe.png").rename(tmp_path / "figs" / "missing.png")
        else:
            (tmp_path / "figs" / "missing.png").rename(tmp_path / "figs" / "pipe.png")
            (tmp_path / "figs" / "missing.png").symlink_to("pipe.png")
        result = run("check", str(src))
        assert result.exit_code == 1
        assert "image 'figs/missing.png' is not a regular file; name an image file" in result.output, how


@pytest.mark.parametrize("written", ["唐杰", "Tang Jie", "tang jie"])
def test_a_person_s_name_where_the_id_belongs_is_told_the_id(tmp_path, written):
    src = tmp_path / "s.yaml"
    good = MINIMAL.read_text(encoding="utf-8")
    src.write_text(good.replace("speakers: [tang-jie]", f'speakers: ["{written}"]', 1), encoding="utf-8")
    result = run("check", str(src))
    assert result.exit_code == 1
    assert f"unknown person '{written}' (the person of that name has the id 'tang-jie': write the id)" in result.output


@pytest.mark.parametrize("form", ["over a mapping", "as a list"])
def test_a_deck_mapping_refused_for_its_tag_keeps_its_languages(tmp_path, form):
    """One error for the tag, not one more for every text in a language the refused deck: does not name."""
    from deckgen.starter import write_starter

    made = write_starter(tmp_path / "s", languages=["fr"])
    text = made.source.read_text(encoding="utf-8")
    if form == "over a mapping":
        text = text.replace("\ndeck:\n", "\ndeck: !!omap\n", 1)
    else:  # an omap's own form: a list of one-key mappings
        deck = text[text.index("\ndeck:\n") + 7 : text.index("\nthemes:")]
        items = "".join(
            f"  - {line.strip()}\n" for line in deck.splitlines() if line.strip() and not line.lstrip().startswith("#")
        )
        text = text.replace(f"\ndeck:\n{deck}", f"\ndeck: !!omap\n{items}", 1)
    made.source.write_text(text, encoding="utf-8")
    result = run("check", str(made.source))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2 and "deck: tag '!!omap' is not allowed" in lines[0], result.output


def test_a_name_two_people_share_names_both_ids(tmp_path):
    src = tmp_path / "s.yaml"
    good = MINIMAL.read_text(encoding="utf-8")
    twins = good.replace(
        "  - id: tang-jie\n", "  - {id: tang-jie-2, name: 唐杰, roman: Tang Jie}\n  - id: tang-jie\n", 1
    )
    src.write_text(twins.replace("speakers: [tang-jie]", "speakers: [唐杰]", 1), encoding="utf-8")
    result = run("check", str(src))
    assert "(the people of that name have the ids 'tang-jie-2', 'tang-jie': write one of them)" in result.output


def test_a_speaker_option_given_a_name_is_told_the_id(tmp_path):
    result = run("list", "--speaker", "唐杰", str(MINIMAL))
    assert result.exit_code == 1
    assert "unknown speaker '唐杰' (the person of that name has the id 'tang-jie': write the id)" in result.output
