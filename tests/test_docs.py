"""The README is the contract: its commands exist, CI runs its test command verbatim, its examples are real."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import main

from conftest import ROOT, as_foreground_job

README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
"""Where the venv's ``deckgen`` script is."""


def setup_commands() -> list[str]:
    block = re.search(r"## Set-up.*?```sh\n(.*?)```", README, re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_has_two_setup_commands_and_ci_runs_the_test_one():
    build_cmd, test_cmd = setup_commands()
    assert "deckgen build" in build_cmd and "pytest" in test_cmd
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_cmd in ci.splitlines()


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_documented_with_help(command):
    assert f"deckgen {command}" in README
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output


def readme_block(command: str) -> str:
    """The text of the README's example output block that starts with ``$ <command>``."""
    return re.search(rf"```text\n\$ {re.escape(command)}\n(.*?)```", README, re.S).group(1)


def test_readme_list_people_example_is_real_output(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    result = CliRunner().invoke(main, ["list", "people"])
    assert result.exit_code == 0
    assert result.output == readme_block("deckgen list people")


def test_readme_build_example_counts_are_the_real_decks(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    result = CliRunner().invoke(main, ["build", "--dry-run"])
    counts = re.search(r"^  \d+ notes, \d+ cards$", result.output, re.M).group(0)
    assert counts in readme_block("deckgen build").splitlines()


def test_readme_error_example_is_real_output(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    example = re.search(r"```text\n(cards/agi-next-2026\.yaml:\d+:\d+: .*?)```", README, re.S).group(1)
    source = cards_copy / "agi-next-2026.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("speakers: [yao-shunyu]", "speakers: [yao-shunyo]", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert result.output == example


def readme_sh_lines(heading: str) -> list[str]:
    block = re.search(rf"{re.escape(heading)}.*?```sh\n(.*?)```", README, re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_activation_step_names_the_venv_the_setup_makes():
    activate, pipx = readme_sh_lines("The first command installs deckgen")
    assert activate == ". .venv/bin/activate" and ".venv" in setup_commands()[0]
    assert pipx == "pipx install '.[anki]'"  # with the extra that install, login and sync need


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_readme_completion_lines_produce_a_completion_script(shell):
    (line,) = [line for line in readme_sh_lines("### Shell completion") if f"={shell}_source" in line]
    variable = re.search(r"_DECKGEN_COMPLETE=(\w+) deckgen", line).group(1)
    env = {**os.environ, "_DECKGEN_COMPLETE": variable}
    proc = subprocess.run([str(BIN / "deckgen")], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "_deckgen_completion" in proc.stdout and f"_DECKGEN_COMPLETE={shell}_complete" in proc.stdout


def test_completion_completes_commands():
    """What the scripts ask for as you type `deckgen li<TAB>`: Click answers with the command."""
    env = {**os.environ, "_DECKGEN_COMPLETE": "bash_complete", "COMP_WORDS": "deckgen li", "COMP_CWORD": "1"}
    proc = subprocess.run([str(BIN / "deckgen")], capture_output=True, text=True, env=env)
    assert proc.stdout.splitlines() == ["plain,list"]


def test_readme_live_preview_example_is_real_output(cards_copy):
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen", "preview", "--watch"],
        cwd=cards_copy.parent,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=as_foreground_job,
    )
    try:
        printed = [proc.stdout.readline(), proc.stdout.readline()]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
    port = re.search(r"127\.0\.0\.1:(\d+)/", printed[1]).group(1)
    example = readme_block("deckgen preview --watch --open").replace("127.0.0.1:40511", f"127.0.0.1:{port}")
    assert "".join(printed) == example


def test_readme_csv_columns_are_the_real_header(cards_copy):
    listed = re.search(r"JSON or CSV for scripts \(columns ([^;]*);", README).group(1)
    header = CliRunner().invoke(main, ["list", str(cards_copy), "--format", "csv"]).output.splitlines()[0]

    from deckgen.listing import RECORD_FIELDS

    assert re.findall(r"`([a-z_]+)`", listed) == header.split(",") == list(RECORD_FIELDS)


def test_readme_opening_card_count_is_about_the_real_deck():
    """The README's first paragraph says how many cards the shipped deck has ("about N"); within a tenth."""
    from deckgen.load import load_file
    from deckgen.notes import card_count, generate

    from conftest import SOURCE

    said = int(re.search(r"in about (\d+) cards", README).group(1))
    cards = sum(card_count(n) for n in generate(load_file(SOURCE))[0])
    assert abs(said - cards) <= cards / 10, (said, cards)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("deckgen build --theme ag", ["plain,agent"]),
        ("deckgen install --speaker lin", ["plain,lin-junyang"]),
        ("deckgen build --deck lin", ["plain,lin-junyang"]),
        ("deckgen list t", ["plain,themes", "plain,tags", "file,t"]),
        (f"deckgen build {ROOT}/tests/data/good/minimal.yaml --theme ", ["plain,agent"]),  # the named source's
    ],
)
def test_completion_completes_values_from_the_sources(cards_copy, words, expected):
    """Theme, person and deck ids and `list`'s WHAT, from the sources here (newcomer7 #10)."""
    env = {**os.environ, "_DECKGEN_COMPLETE": "bash_complete", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split(" ")) - 1)
    proc = subprocess.run([str(BIN / "deckgen")], capture_output=True, text=True, env=env, cwd=cards_copy.parent)
    assert proc.stdout.splitlines() == expected, proc.stderr


def test_completion_completes_profile_names_from_ankis_data_folder(tmp_path):
    """The one value a user must type exactly: the profiles with a collection under $ANKI_BASE or --base
    (newcomer9 #12)."""
    for name in ("User 1", "Usual", "Other"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "collection.anki2").write_bytes(b"")
    (tmp_path / "Unopened").mkdir()  # a profile folder without a collection is no profile to install into
    for words, env in (
        ("deckgen install --profile U", {"ANKI_BASE": str(tmp_path)}),
        (f"deckgen install --base {tmp_path} --profile U", {"ANKI_BASE": str(tmp_path / "elsewhere")}),
    ):
        env = {**os.environ, **env, "_DECKGEN_COMPLETE": "bash_complete", "COMP_WORDS": words}
        env["COMP_CWORD"] = str(len(words.split(" ")) - 1)
        proc = subprocess.run([str(BIN / "deckgen")], capture_output=True, text=True, env=env)
        assert proc.stdout.splitlines() == ["plain,User 1", "plain,Usual"], proc.stderr
