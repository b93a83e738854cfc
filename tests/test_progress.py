"""Progress: build()'s callback, and the CLI's progress bar on a real terminal (a pseudo-terminal)."""

from __future__ import annotations

import os
import pty
import runpy
import select
import subprocess
import sys
import time
from itertools import groupby
from pathlib import Path

import pytest

from deckgen.builds import build
from deckgen.load import load_file

from conftest import ROOT

# Runs the CLI in a child process, optionally with another bar delay, and reports whether rich.progress
# was imported at all.
CLI = """\
import sys
import deckgen.cli.progress_bar as bar
from deckgen.cli import main
if sys.argv[1] != "default":
    bar.PROGRESS_DELAY = float(sys.argv[1])
main(sys.argv[2:], prog_name="deckgen", standalone_mode=False)
print("rich.progress imported:", "rich.progress" in sys.modules)
"""


def test_build_reports_each_step_to_its_end(cards_copy, tmp_path):
    for ledger in cards_copy.glob("*.ledger.json"):  # a first build: a rebuild that changes nothing writes none
        ledger.unlink()
    calls = []
    result = build(
        load_file(cards_copy / "agi-next-2026.yaml"),
        output=tmp_path / "deck.apkg",
        progress=lambda *call: calls.append(call),
    )
    steps = [step for step, _ in groupby(c[0] for c in calls)]
    assert steps == [
        "reading the ledger",
        "making notes",
        "checking cards",
        "comparing with the ledger",
        "preparing notes",
        "writing notes",
        "compressing",
        "writing the ledger",
    ]
    for _, group in groupby(calls, key=lambda c: c[0]):
        group = list(group)
        done = [d for _, d, _ in group]
        total = group[0][2]
        assert all(t == total for _, _, t in group)
        assert done == sorted(done) and len(group) <= 102
        if total:
            assert done[0] == 0 and done[-1] == total
    by_step = {step: total for step, _, total in calls}
    judgments = len(result.source.judgments)
    assert by_step["making notes"] == judgments and by_step["preparing notes"] == len(result.notes)
    assert by_step["writing notes"] == len(result.notes) + 1  # the deck's entry, then its notes


def run_cli(tmp_path: Path, delay: str, *args: str, terminal: bool) -> tuple[str, str, float]:
    """Run ``deckgen ARGS`` with stderr on a pseudo-terminal (or a pipe); returns stdout, stderr, seconds."""
    master, slave = pty.openpty() if terminal else os.pipe()
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, delay, *args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
    )
    os.close(slave)
    err = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closed
                chunk = b""
            if not chunk:
                break
            err += chunk
        elif proc.poll() is not None:
            break
    out = proc.stdout.read().decode()
    assert proc.wait() == 0, err.decode(errors="replace")
    os.close(master)
    return out, err.decode(errors="replace"), time.monotonic() - start


@pytest.fixture(scope="module")
def big_source(tmp_path_factory) -> Path:
    """A synthetic source of 1,000 judgments, made by the benchmark's generator."""
    make_source = runpy.run_path(str(ROOT / "benchmarks" / "sources.py"))["make_source"]
    source = tmp_path_factory.mktemp("big") / "bench-1000.yaml"
    source.write_text(make_source(1000), encoding="utf-8")
    return source


@pytest.mark.slow
def test_bar_on_a_terminal(big_source, tmp_path):
    out, err, _ = run_cli(tmp_path, "0", "build", str(big_source), "-o", "big.apkg", terminal=True)
    assert "notes" in err and "━" in err  # a rich bar with one of the build's steps
    assert "\x1b[2K" in err  # transient: the bar erases itself
    assert "Wrote big.apkg" in out and "3000 notes" in out  # the summary on stdout is untouched
    assert "rich.progress imported: True" in out


@pytest.mark.slow
def test_no_bar_when_stderr_is_not_a_terminal(big_source, tmp_path):
    out, err, _ = run_cli(tmp_path, "0", "build", str(big_source), "-o", "big.apkg", terminal=False)
    assert err == ""
    assert "rich.progress imported: False" in out


def test_no_bar_for_a_quick_build(cards_copy, tmp_path):
    out, err, seconds = run_cli(tmp_path, "default", "build", str(cards_copy), "-o", "deck.apkg", terminal=True)
    assert "Wrote deck.apkg" in out
    if seconds < 1:  # a build on an overloaded machine may really take longer than the bar's delay
        assert "━" not in err and "rich.progress imported: False" in out
