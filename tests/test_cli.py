"""The command line through Click's CliRunner: exit codes, output, default paths."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from deckgen import __version__
from deckgen.cli import main
from deckgen.load import load_file
from deckgen.notes import card_count, generate

from conftest import JUDGMENT_28_QA, edit


@pytest.fixture
def in_project(cards_copy, monkeypatch):
    """Run commands from a folder holding a copy of cards/ (as a user does from the repo root)."""
    monkeypatch.chdir(cards_copy.parent)
    return cards_copy.parent


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_build_defaults_to_cards_and_dist(in_project):
    result = run("build")
    assert result.exit_code == 0, result.output
    apkg = in_project / "dist" / "agi-next-2026.apkg"
    assert apkg.is_file()
    assert f"Wrote {apkg.relative_to(in_project)}" in result.output
    assert "notes" in result.output and "cards" in result.output
    notes, _ = generate(load_file(in_project / "cards" / "agi-next-2026.yaml"))
    divergence = [n for n in notes if n.judgment.theme == "divergence"]
    cloze = [n for n in notes if n.note_type.kind == "cloze"]
    assert f"分化 Divergence {len(divergence)}/{sum(map(card_count, divergence))}" in result.output
    assert f"cloze {len(cloze)}/{sum(map(card_count, cloze))}" in result.output


def test_build_output_option(in_project):
    result = run("build", "cards", "-o", "out/my.apkg")
    assert result.exit_code == 0, result.output
    assert (in_project / "out" / "my.apkg").is_file()
    assert not (in_project / "dist").exists()


def test_check_valid_source(in_project):
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "40 judgments" in result.output
    assert not (in_project / "dist").exists()


def test_check_reports_problem_with_location(in_project):
    bad = in_project / "bad.yaml"
    bad.write_text(
        (in_project / "cards" / "agi-next-2026.yaml")
        .read_text()
        .replace("speakers: [yao-shunyu]", "speakers: [yao-shunyo]", 1),
        encoding="utf-8",
    )
    result = run("check", str(bad))
    assert result.exit_code == 1
    assert "bad.yaml:" in result.output
    assert "unknown person 'yao-shunyo' (did you mean 'yao-shunyu'?)" in result.output
    assert "Traceback" not in result.output


def test_missing_source_is_an_error(in_project):
    result = run("build", "nowhere.yaml")
    assert result.exit_code == 1
    assert "nowhere.yaml: no such file or folder" in result.output


@pytest.mark.parametrize("command", ["build", "check", "list", "stats", "preview"])
def test_no_source_and_no_cards_folder_says_where_deckgen_looked(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = run(command)
    assert result.exit_code == 2, result.output
    assert "no SOURCES given and no cards/ folder here" in result.output and "deckgen init" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["build", "check", "list", "preview"])
def test_an_empty_source_argument_is_a_usage_error_not_the_current_folder(in_project, command):
    result = run(command, "")
    assert result.exit_code == 2 and "a SOURCES argument is empty" in result.output, result.output


def test_unknown_option_is_usage_error(in_project):
    assert run("build", "--colour").exit_code == 2


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", ["build", "check"])
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output


def test_python_dash_m(in_project):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "deckgen", "check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "40 judgments" in proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--all", "--theme", "agent"],
        ["build", "--deck", "agent", "--speaker", "tang-jie"],
        ["build", "--deck", "agent", "--all"],
        ["build", "--deck", "agent", "--name", "X"],
        ["build", "--all", "-o", "one.apkg"],
        ["list", "speakers"],
    ],
)
def test_conflicting_or_unknown_options_are_usage_errors(in_project, args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert not (in_project / "dist").exists()


@pytest.mark.parametrize("value", ["abc", "1-", "+1", "17-12", "1,x", "1-99999999999"])
@pytest.mark.parametrize("command", ["build", "list", "preview", "install", "sync"])
def test_a_judgment_value_that_does_not_parse_is_a_usage_error(in_project, command, value):
    result = run(command, "--judgment", value)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--judgment'" in result.output and "Usage:" in result.output
    assert not (in_project / "dist").exists()


def test_a_judgment_the_source_does_not_have_is_a_source_error(in_project):
    result = run("build", "--judgment", "41")
    assert result.exit_code == 1 and "no judgment numbered 41; this source has 1-40" in result.output
    assert run("build", "--judgment", "12-17,25").exit_code == 0


def test_check_warns_when_a_card_without_id_changes_question_and_answer(in_project):
    source = in_project / "cards" / "agi-next-2026.yaml"
    text = source.read_text(encoding="utf-8")
    first, second = JUDGMENT_28_QA
    assert first + second in text
    source.write_text(text.replace(first + second, second + first), encoding="utf-8")  # judgment 28's two swap
    result = run("check", "--strict")
    assert result.exit_code == 1
    assert (
        "note 'deployment-unlocks-value/qa/1': this question was the note 'deployment-unlocks-value/qa/2' in the "
        "last build, whose key now asks another question. Under this key it would overwrite another card's note"
    ) in result.output
    assert "set its id to its old key: id: deployment-unlocks-value/qa/2" in result.output
    assert "set its id to its old key: id: deployment-unlocks-value/qa/1" in result.output


def test_build_report_names_added_notes(in_project):
    source = in_project / "cards" / "agi-next-2026.yaml"
    last = JUDGMENT_28_QA[-1]  # judgment 28's last Q/A card, keyed by its position
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            last, last + '      - {q: "Which added question is this?", a: New}\n', 1
        ),
        encoding="utf-8",
    )
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "added 1 ·" in result.output and "    added deployment-unlocks-value/qa/3" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["build", "-o", ""],
        ["build", "-o", "cards"],
        ["build", "-o", "dist/"],  # a folder, which had become a file named dist (breaker16 #6)
        ["build", "-o", "dist/."],  # the same (breaker17 #8)
        ["build", "--name", "  "],
        ["build", "--name", "A::::B"],
        ["build", "--name", "A::\u200b"],
        ["preview", "-o", "cards/agi-next-2026.yaml"],
        ["preview", "-o", "cards/agi-next-2026.ledger.json"],
    ],
)
def test_bad_output_or_name_is_refused_and_touches_nothing(in_project, args):
    before = {p: p.read_bytes() for p in (in_project / "cards").glob("*.*")}
    result = run(*args)
    assert result.exit_code == (1 if args[0] == "preview" else 2), result.output
    assert {p: p.read_bytes() for p in (in_project / "cards").glob("*.*")} == before


def test_an_output_ending_in_a_slash_is_a_folder_and_a_file_in_a_folders_place_is_named(in_project):
    """`-o dist/` wrote a file named dist, after which every default build failed with advice to make a
    folder writable (breaker16 #6)."""
    for command in ("build", "preview"):
        result = run(command, "-o", "new/")
        assert result.exit_code == 2 and "'new/' ends in '/', so it names a folder" in result.output, result.output
        assert not (in_project / "new").exists()
    (in_project / "dist").write_text("a file", encoding="utf-8")
    blocked = run("build")
    assert blocked.exit_code == 1, blocked.output
    assert "dist is a file, not a folder; move it away, or write elsewhere with -o" in blocked.output


@pytest.mark.parametrize("command", [["install", "--collection", "missing/collection.anki2"], ["sync"]])
def test_a_name_that_is_no_deck_name_is_a_usage_error_before_the_collection_or_login_is_looked_for(in_project, command):
    result = run(*command, "--name", "A::::B")  # no such collection, no login: those would be exit 1
    assert result.exit_code == 2 and "--name: deck name 'A::::B' has an empty part" in result.output, result.output


def test_all_refuses_two_decks_writing_one_file(in_project):
    source = in_project / "cards" / "agi-next-2026.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(
        text.replace(
            "  - key: tang-jie\n",
            "  - key: agent-again\n    name: Again\n    select: {theme: [agent]}\n  - key: tang-jie\n",
            1,
        ),
        encoding="utf-8",
    )
    (in_project / "cards" / "other.yaml").write_text(
        text.replace("id: agi-next-2026", "id: agi-next-2026-agent", 1), encoding="utf-8"
    )
    result = run("build", "--all")
    assert result.exit_code == 1  # the sources' keys and ids name the files: no option the user can change
    assert "would both be written to dist/agi-next-2026-agent.apkg" in result.output
    assert not (in_project / "dist").exists()


def test_all_writes_nothing_when_one_named_deck_fails(in_project):
    source = in_project / "cards" / "agi-next-2026.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "    select: {speaker: [tang-jie]}\n", "    select: {speaker: [tang-jie], judgment: ['1']}\n", 1
        ),
        encoding="utf-8",
    )
    ledger = (in_project / "cards" / "agi-next-2026.ledger.json").read_bytes()
    result = run("build", "--all")
    assert result.exit_code == 1
    assert not (in_project / "dist").exists()
    assert (in_project / "cards" / "agi-next-2026.ledger.json").read_bytes() == ledger


def test_source_text_that_looks_like_rich_markup_is_printed_literally(in_project):
    source = in_project / "cards" / "agi-next-2026.yaml"
    source.write_text(
        source.read_text(encoding="utf-8")
        .replace("name: AGI-Next 2026 · Agent\n", 'name: "Reddit [/r/LocalLLaMA] [bold]x"\n', 1)
        .replace("en: Divergence\n", 'en: "Div [/r/x]"\n', 1),
        encoding="utf-8",
    )
    result = run("build", "--all", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Reddit [/r/LocalLLaMA] [bold]x" in result.output
    stats = run("stats")
    assert stats.exit_code == 0 and "分化 Div [/r/x]" in stats.output


def test_check_reports_the_errors_of_every_source(in_project):
    cards = in_project / "cards"
    text = (cards / "agi-next-2026.yaml").read_text(encoding="utf-8")
    broken = text.replace("    select: {speaker: [tang-jie]}\n", "    select: {tag: [no-such-tag]}\n", 1)
    assert broken != text  # a named deck that selects nothing: found while building, not while loading
    (cards / "a.yaml").write_text(broken, encoding="utf-8")
    (cards / "b.yaml").write_text(broken.replace("id: agi-next-2026", "id: other-deck", 1), encoding="utf-8")
    result = run("check", "cards/a.yaml", "cards/b.yaml")
    assert result.exit_code == 1
    assert "cards/a.yaml:" in result.output and "cards/b.yaml:" in result.output
    assert "2 error(s) in the sources" in result.output


def test_login_refuses_an_endpoint_that_is_not_a_url_before_asking_for_the_password(machine_state):
    result = CliRunner().invoke(main, ["login", "--endpoint", "ftp://127.0.0.1/", "--username", "u"], input="pw\n")
    assert result.exit_code == 2
    assert "must be an http:// or https:// URL" in result.output and "Password" not in result.output
    assert not list(machine_state.iterdir())


@pytest.mark.parametrize(
    ("endpoint", "said"),
    [
        (
            "http://127.0.0.1:1/a\x1b[31mRED\nX",
            "with a host, e.g. http://127.0.0.1:8080/ (got 'http://127.0.0.1:1/a\\x1b",
        ),
        ("http://", "with a host"),
        ("http://me:hunter2@127.0.0.1:1/", "must not hold a user name or password"),
        ("http://me:hun?ter2@127.0.0.1:1/", "must not hold a user name or password"),  # '?' ends urlsplit's netloc
        ("http://me:hunter2/x@127.0.0.1:1/", "must not hold a user name or password"),
        ("http://127.0.0.1:99999/", "with a host"),
        ("http://127.0.0.1:port/", "with a host"),
    ],
)
def test_login_refuses_an_endpoint_it_would_print_or_store_badly(machine_state, endpoint, said):
    args = ["login", "--endpoint", endpoint, "--username", "u", "--password-stdin"]
    result = CliRunner().invoke(main, args, input="pw\n")
    assert result.exit_code == 2 and said in result.output, result.output
    assert "ter2" not in result.output and "\x1b" not in result.output and not list(machine_state.iterdir())


def test_login_without_a_terminal_says_to_use_password_stdin(machine_state):
    result = CliRunner().invoke(main, ["login", "--username", "u"], input="")
    assert result.exit_code == 2 and "--password-stdin" in result.output and "Aborted" not in result.output
    assert not list(machine_state.iterdir())


def test_build_bounds_its_warnings_per_rule_and_check_lists_them_all(tmp_path):
    """A source with 25 copies of one question: build prints the first WARNINGS_PER_RULE duplicate-question
    warnings, in the file's order, and counts the rest; check prints every one."""
    from deckgen.cli.report import WARNINGS_PER_RULE

    copies = WARNINGS_PER_RULE + 5
    judgments = "".join(
        f"  - {{id: j{i}, number: {i}, theme: t, zh: 判断, en: A claim, cards: "
        f"[{{q: 'Which region leads the race?', a: 'Region {i}'}}]}}\n"
        for i in range(1, copies + 1)
    )
    source = tmp_path / "dup.yaml"
    source.write_text(
        "deck: {id: dup, name: Dup}\nthemes: [{id: t, zh: 主题, en: Theme}]\npeople: []\njudgments:\n" + judgments,
        encoding="utf-8",
    )
    built = run("build", str(source), "-o", str(tmp_path / "dup.apkg"))
    assert built.exit_code == 0, built.output
    shown = [line for line in built.stderr.splitlines() if line.endswith("[duplicate-question]")]
    # judgments 2 to 21 (lines 6 to 25) repeat judgment 1's question
    assert [int(line.split(":")[1]) for line in shown] == list(range(6, 6 + WARNINGS_PER_RULE))
    more = copies - 1 - WARNINGS_PER_RULE
    assert f"… and {more} more [duplicate-question]; run `deckgen check` to list them all" in built.stderr.splitlines()
    checked = run("check", str(source))
    assert checked.exit_code == 0, checked.output
    listed = [line for line in checked.stderr.splitlines() if line.endswith("[duplicate-question]")]
    assert len(listed) == copies - 1
    assert "more [duplicate-question]" not in checked.output


ONE_NOTE = """\
deck: {id: one, name: One}
themes: [{id: t, zh: 主题, en: Theme}]
people: []
judgments:
  - {id: j, number: 1, theme: t, zh: 一条判断。, en: One judgment., cards: [{q: "Which judgment?", a: One}]}
"""


def test_counts_of_one_are_singular_and_file_names_are_printed_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one\x1b[2J.yaml").write_text(ONE_NOTE, encoding="utf-8")
    source = str(tmp_path / "one\x1b[2J.yaml")
    built = run("build", source, "-o", "one.apkg")
    assert built.exit_code == 0, built.output
    assert "  1 note, 1 card\n" in built.output
    checked = run("check", source)
    assert checked.exit_code == 0 and "\x1b" not in checked.output, checked.output
    assert "one\\x1b[2J.yaml: 1 judgment, 1 note, 0 warning(s)" in checked.output
    page = run("preview", source, "-o", "one.html")
    assert "(1 card from 1 note)" in page.output and "\x1b" not in page.output
    stats = run("stats", source)
    assert stats.exit_code == 0 and "1 judgment, 1 note, 1 card, 0 warning(s)" in stats.output
    assert "\x1b" not in stats.output


def test_a_change_outside_question_and_answer_is_said_and_a_long_list_of_changes_is_cut(in_project):
    """Renaming a theme changes the line under the context of each of its notes, and no question or answer:
    the report says so. Changing the judgment label changes every note: the report lists the first ones."""
    source = in_project / "cards" / "agi-next-2026.yaml"
    text = source.read_text(encoding="utf-8")
    edit(source, "    en: Agent\n", "    en: Agents\n")
    result = run("build", "--dry-run")
    assert result.exit_code == 0, result.output
    changed = re.findall(r"^    changed (\S+)\n      \(question and answer as before: ", result.output, re.M)
    assert changed and len(changed) == result.output.count("    changed ")
    source.write_text(text.replace("    judgment: 判断 ", "    judgment: 论断 ", 1), encoding="utf-8")
    result = run("build", "--dry-run")
    assert "changed 77 ·" in result.output
    assert result.output.count("    changed ") == 20 and "    … and 57 more changed" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["install", "--collection", ""],
        ["install", "--profile", ""],
        ["install", "--profile", "User 1", "--base", ""],
        ["sync", "--deck", ""],
        ["build", "--deck", ""],
        ["build", "--theme", ""],
        ["build", "--speaker", ""],
        ["build", "--tag", ""],
        ["list", "--deck", ""],
        ["preview", "--deck", ""],
        ["preview", "-o", ""],
        ["init", "x", "--language", ""],
        ["init", "x", "--name", ""],
        ["login", "--username", ""],
        ["login", "--username", " "],  # blank: no login request is sent (breaker15 B15-12)
        ["build", "-o", " "],
        ["init", "x", "--name", " "],
    ],
)
def test_an_empty_option_value_is_a_usage_error(in_project, args):
    """`--collection "$COL"` with COL unset was read as the current folder, `--profile ""` and `--deck ""` as
    names nothing has (exit 1): like an empty SOURCES argument, they are usage errors (breaker13 B13-9)."""
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{args[-2]}'" in result.output
    assert ": is empty or blank (an unset variable?)" in result.output


def test_an_empty_folder_for_init_is_a_usage_error(in_project):
    """`deckgen init "$DIR"` with DIR unset wrote a starter into the current folder (breaker14 B14-8)."""
    before = sorted(p.name for p in in_project.iterdir())
    result = run("init", "")
    assert result.exit_code == 2 and "is empty or blank (an unset variable?)" in result.output, result.output
    assert sorted(p.name for p in in_project.iterdir()) == before


@pytest.mark.parametrize("value", [",", " , ", ",,"])
def test_a_language_list_with_no_tag_is_a_usage_error(in_project, value):
    """`init --language ','` had silently meant English (breaker15 B15-12)."""
    result = run("init", "x", "--language", value)
    assert result.exit_code == 2 and "--language: no language tag in" in result.output, result.output
