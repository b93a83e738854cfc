"""Messages are one line each and safe for a terminal, and they say where a problem is as an editor counts
lines: whatever a source, a file name or a command line holds, deckgen never sends a control character, a
line or paragraph separator or a bidirectional control to the terminal raw."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import main

MINIMAL = Path(__file__).resolve().parent / "data" / "good" / "minimal.yaml"
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
"""What must never reach the terminal raw (newline aside, which ends each message)."""


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def with_lines(tmp_path: Path, name: str, replacements: dict[str, str]) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HOSTILE = {
    "osc-key": {"    en: Agents\n": '    en: Agents\n    "\\e]0;PWNED\\a\\e[31mRED": 1\n'},
    "separators-key": {"    en: Agents\n": '    en: Agents\n    "one\\vtwo\\fthree\\Nfour\\Lfive\\Psix\\u202e": 2\n'},
    "escape-in-list": {"speakers: [tang-jie]": 'speakers: "\\e[2J\\e[H cleared"'},
    "escape-in-text": {"en: The first judgment.": 'en: "bell\\a and \\e[2J"'},
    "escape-in-id": {"id: first": 'id: "\\e[31mfirst"'},
    # reads as 't1' when shown raw, beside the suggestion 't1' (breaker16 #12)
    "zero-width-in-id": {"id: first": 'id: "fi\\u200brst"'},
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_quoted_source_text_and_keys_are_escaped_one_problem_per_line(tmp_path, name):
    path = with_lines(tmp_path, f"{name}.yaml", HOSTILE[name])
    result = run("check", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert RAW.search(result.output) is None, result.output
    assert all(line.startswith(f"{path}:") for line in lines[:-1]), lines
    assert lines[-1] == f"deckgen: {len(lines) - 1} error(s) in the sources"  # check never writes


@pytest.mark.parametrize("command", ["check", "list", "stats", "build", "preview"])
def test_a_failure_says_nothing_was_written_only_for_a_command_that_writes(tmp_path, command):
    path = with_lines(tmp_path, "bad.yaml", {"speakers: [tang-jie]": "speakers: [nobody]"})
    result = run(command, str(path))
    assert result.exit_code == 1
    last = result.output.splitlines()[-1]
    assert last.startswith("deckgen: 1 error(s) in the sources")
    assert last.endswith("; nothing was written") == (command in ("build", "preview"))


def test_a_file_name_with_control_characters_is_escaped(tmp_path):
    folder = tmp_path / "evil\x1b[2J\nname"
    folder.mkdir()
    path = with_lines(folder, "x.yaml", {"speakers: [tang-jie]": "speakers: [nobody]"})
    result = run("check", str(path))
    assert result.exit_code == 1
    assert RAW.search(result.output) is None, result.output
    assert len(result.output.splitlines()) == 2
    assert "evil\\x1b[2J\\nname" in result.output


def test_command_line_values_are_escaped_in_errors(tmp_path):
    shutil.copy(MINIMAL, tmp_path / "m.yaml")
    result = run("build", str(tmp_path / "m.yaml"), "--dry-run", "--theme", "\x1b[2Jagent")
    assert result.exit_code == 1, result.output
    assert RAW.search(result.output) is None, result.output
    assert len(result.output.splitlines()) == 1, result.output
    for args, said in (  # malformed option values: usage errors
        (["--judgment", "1\x1b,2"], "judgment '1\\x1b' is not a number"),
        (["--name", "A::\x1b]0;x\x07::"], "--name: the name holds U+001B"),
    ):
        malformed = run("build", str(tmp_path / "m.yaml"), "--dry-run", *args)
        assert malformed.exit_code == 2 and said in malformed.output, malformed.output
        assert RAW.search(malformed.output) is None, malformed.output


@pytest.mark.parametrize(
    ("raw", "line", "col"),
    [
        ('en: "The first\u2028judgment."', 23, 19),  # inside a quoted value
        ("en: The first judgment. # a comment\u0085 more: [", 23, 40),  # in a comment
        ("en: The first\u2029judgment.", 23, 18),
    ],
)
def test_line_breaks_that_yaml_counts_and_editors_do_not_are_refused_where_they_are(tmp_path, raw, line, col):
    path = with_lines(tmp_path, "x.yaml", {"en: The first judgment.": raw})
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"{path}:{line}:{col}: character U+"), result.output
    assert "line break to YAML but not to most editors" in result.output
    assert RAW.search(result.output) is None


def test_the_escaped_forms_work_and_keep_later_line_numbers(tmp_path):
    """``\\L`` (YAML's escape for U+2028) in double quotes is text; a later problem is on its own line."""
    path = with_lines(
        tmp_path,
        "x.yaml",
        {"en: The first judgment.": 'en: "The first\\Ljudgment."', "speakers: [yang-qiang]": "speakers: [nobody]"},
    )
    result = run("check", str(path))
    assert result.exit_code == 1
    assert f"{path}:36:16: judgments[1].speakers[0]: unknown person 'nobody'" in result.output, result.output


def test_a_did_you_mean_is_clipped_as_every_quoted_value(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    source = cards_copy / "agi-next-2026.yaml"
    long_id = "agent" + "x" * 95
    source.write_text(source.read_text(encoding="utf-8").replace("  - id: agent\n", f"  - id: {long_id}\n", 1))
    source.write_text(source.read_text(encoding="utf-8").replace("theme: agent\n", f"theme: {long_id}\n"))
    source.write_text(source.read_text(encoding="utf-8").replace("theme: [agent]", f"theme: [{long_id}]"))
    result = run("build", "--dry-run", "--theme", long_id[:-1])
    assert result.exit_code == 1 and "(did you mean '" in result.output, result.output
    assert long_id not in result.output


def test_a_name_in_another_case_gets_a_did_you_mean(tmp_path):
    """`theme: Agent`, `speakers: [Tang-jie]` and `Q:` differ from what is meant only in case, which difflib's
    ratio put below its cutoff: no hint, where a misspelling got one (breaker16 #14)."""
    source = with_lines(
        tmp_path,
        "s.yaml",
        {
            "    theme: agent\n": "    theme: Agent\n",
            "speakers: [tang-jie]": "speakers: [Tang-jie]",
            '      - q: "Who made the first judgment?"': '      - Q: "Who made the first judgment?"',
        },
    )
    result = run("check", str(source))
    assert result.exit_code == 1
    for meant in ("agent", "tang-jie", "q"):
        assert f"(did you mean '{meant}'?)" in result.output, (meant, result.output)


@pytest.mark.parametrize("word", ["person", "speakers"])
def test_list_of_a_word_for_people_says_people(tmp_path, word):
    result = run("list", word)
    assert result.exit_code == 2 and "(did you mean 'people'?)" in result.output, result.output


def test_a_card_kind_written_as_a_word_and_an_image_in_another_case_get_a_did_you_mean(tmp_path):
    """`question:` for `q:` and `media/Reich.svg` for the file `media/reich.svg` were the two messages of a new
    user's mistakes without the suggestion every other one has (newcomer7 #8)."""
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "reich.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    source = with_lines(
        tmp_path,
        "s.yaml",
        {
            '      - q: "Who made the first judgment?"': '      - question: "Who made the first judgment?"',
            '      - of: "the {n} parts"': '      - of: "the {n} parts"\n        image: media/Reich.svg',
        },
    )
    result = run("check", str(source))
    assert result.exit_code == 1
    assert "found none; 'question' is not a card key (did you mean 'q'?)" in result.output, result.output
    assert "image 'media/Reich.svg' not found (looked for " in result.output
    assert "(did you mean 'media/reich.svg'?); paths are relative to the source file's folder" in result.output


@pytest.mark.parametrize("key", ["    number: 1", "        a: 唐杰", "  - id: second"])
def test_a_tab_in_the_indentation_is_named_at_its_own_line(tmp_path, key):
    """PyYAML stops a line or two after a tab-indented line, with another error ("mapping values are not allowed"
    at a correct line): the README promises one error at the tab's line (newcomer8 #2)."""
    tabbed = "\t" + key.lstrip(" ")
    source = with_lines(tmp_path, "s.yaml", {key + "\n": tabbed + "\n"})
    line = source.read_text(encoding="utf-8").splitlines().index(tabbed) + 1
    result = run("check", str(source))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{source}:{line}:1: YAML syntax: a tab in the indentation; YAML indents with spaces, not tabs: replace the tab"
    ), result.output


def test_list_shows_a_bidirectional_control_in_a_theme_name_escaped(tmp_path):
    """A theme name with U+202E (right-to-left override) reversed the table's heading in the terminal
    (breaker16 #12); the loader only warns about it, so list escapes it as every message does."""
    from test_list import on_a_terminal

    path = with_lines(tmp_path, "rlo.yaml", {"    en: Agents\n": '    en: "Agents \\u202eevil\\u202c"\n'})
    screen = on_a_terminal(tmp_path, "list", path.name, columns=120)
    assert "\u202e" not in screen and "Agents \\u202eevil\\u202c" in screen, screen


def test_every_listing_and_stats_escape_bidirectional_and_invisible_characters(tmp_path):
    """list's inventories, its plain lines (a pipe, a terminal under 40 columns) and stats printed U+202E and
    the soft hyphen raw (breaker17 #5), reordering the terminal's line."""
    from test_list import on_a_terminal

    path = with_lines(
        tmp_path,
        "rlo.yaml",
        {
            "    en: Agents\n": '    en: "Agents \\u202eevil\\u00ad"\n',
            '      - q: "Who made the first judgment?"': '      - q: "Who made the \\u202efirst judgment?"',
        },
    )
    outputs = [run(*args, str(path)).output for args in (["list", "themes"], ["list"], ["stats"])]
    outputs += [
        on_a_terminal(tmp_path, *args, path.name, columns=c) for args, c in ((["list"], 30), (["list", "themes"], 100))
    ]
    for output in outputs:
        output = output.replace("\r\n", "\n")  # a terminal's line ends
        assert RAW.search(output) is None and "\\u202e" in output, output
    usage = run("list", "note\u00ads", str(path))
    assert usage.exit_code == 2 and "'note\\xads' is neither" in usage.output, usage.output
