"""The benchmark's small mode runs (CI), each command once: it must finish and print its tables. Times are not
asserted here; the targets are checked by reading the full run's verdicts (benchmarks/README.md)."""

from __future__ import annotations

import pytest

from conftest import run_benchmark


@pytest.mark.slow
def test_bench_small_runs_and_prints_the_table():
    out = run_benchmark("bench_build.py", "--small", "--repeat", "1")
    lines = out.splitlines()
    rows = {}  # (source kind, judgments) → notes, from the main table (twelve columns)
    for line in lines:
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 14 and cells[1] in ("synthetic", "realistic"):
            rows[cells[1], cells[2]] = int(cells[3].replace(",", ""))
    assert rows.keys() == {("synthetic", "40"), ("synthetic", "400"), ("realistic", "40"), ("realistic", "120")}
    assert rows["synthetic", "40"] == 120 and rows["synthetic", "400"] == 1200
    # three copies of the shipped deck, each with fresh ids, make three times its notes
    assert rows["realistic", "120"] == 3 * rows["realistic", "40"] > 0
    # + the CPU table and the table of rebuilds without the lint (seven columns), one row per source each
    assert len([line for line in lines if line.startswith(("| synthetic |", "| realistic |"))]) == 12
    without_lint = {}  # (source kind, notes) → the rebuild without its lint, in seconds
    for line in lines:
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 9 and cells[1] in ("synthetic", "realistic"):
            without_lint[cells[1], int(cells[2].replace(",", ""))] = float(cells[4].split()[0])
    assert without_lint.keys() == {(kind, notes) for (kind, _), notes in rows.items()}
    assert all(seconds > 0 for seconds in without_lint.values())
    assert any(line.startswith("| deckgen --help |") for line in lines)
    assert any(line.startswith("| deckgen build (shipped deck) |") for line in lines)
    assert any(line.startswith("machine: ") for line in lines)
    verdicts = [line for line in lines if line.startswith(("PASS  ", "FAIL  "))]
    assert any("--help" in v for v in verdicts) and any("shipped deck" in v for v in verdicts)


@pytest.mark.slow
def test_bench_field_quick_runs_and_prints_a_ratio_per_doubling():
    out = run_benchmark("bench_field.py", "--quick")
    rows = [line.split("|") for line in out.splitlines() if line.startswith("| ") and "deletions" in line]
    assert len(rows) == 2 and rows[1][4].strip()  # the second size has a ratio to the first
