"""The style checks CI relies on, run from the test suite so that the README's one test command covers
them: ``ruff check``, ``ruff format --check`` and ``mypy`` (configured in pyproject.toml) find nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=["ruff check", "ruff format --check", "mypy deckgen"],
)
def test_style_check_finds_nothing(command):
    proc = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
