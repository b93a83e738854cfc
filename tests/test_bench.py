"""The benchmark's small mode runs (CI), each command once: it must finish and print its table. Times are not
asserted here; the targets are checked by reading the full run's ratios (benchmarks/README.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_bench_small_runs_and_prints_the_table():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_build.py"), "--small", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    rows = [line for line in lines if line.startswith("| 40 |") or line.startswith("| 2,000 |")]
    assert len(rows) == 2, proc.stdout
    assert rows[0].split("|")[2].strip() == "120" and rows[1].split("|")[2].strip() == "6,000"
    assert any(line.startswith("| deckgen --help |") for line in lines)
    assert any(line.startswith("machine: ") for line in lines)


@pytest.mark.slow
def test_bench_field_quick_runs_and_prints_a_ratio_per_doubling():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_field.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = [line.split("|") for line in proc.stdout.splitlines() if line.startswith("| ") and "deletions" in line]
    assert len(rows) == 2 and rows[1][4].strip()  # the second size has a ratio to the first
