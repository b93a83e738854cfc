"""The README is the contract: its commands exist, CI runs its test command verbatim, its examples are real."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from deckgen.cli import main

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


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
