"""Heavy modules load only when a command needs them: ``--help`` loads none, a build never loads ``anki``
(only the tests import into Anki) and loads rich only for what it shows."""

from __future__ import annotations

import subprocess
import sys

import pytest

RUN = """\
import sys
from deckgen.cli import main
try:
    main(sys.argv[1:], prog_name="deckgen")
except SystemExit:
    pass
print(sorted(m for m in ("anki", "genanki", "rich", "yaml") if m in sys.modules))
"""


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--help"], "[]"),
        (["build", "--help"], "[]"),
        (["install", "--help"], "[]"),
        (["sync", "--help"], "[]"),
        (["check", "{cards}"], "['genanki', 'yaml']"),
        (["build", "{cards}", "-o", "{out}"], "['genanki', 'yaml']"),
        (["build", "{cards}", "--all"], "['genanki', 'rich', 'yaml']"),  # the summary table of several decks
    ],
)
def test_modules_loaded_by_a_command(cards_copy, tmp_path, args, expected):
    args = [a.format(cards=cards_copy, out=tmp_path / "deck.apkg") for a in args]
    proc = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, cwd=tmp_path)
    assert proc.stdout.splitlines()[-1] == expected, proc.stderr
