"""The install benchmark's small mode runs: it must finish and print its table. Times are not asserted here;
the target is judged on the full run's ratio (benchmarks/README.md)."""

from __future__ import annotations

import pytest

from conftest import run_benchmark


@pytest.mark.slow
def test_bench_install_small_runs_and_prints_the_table():
    out = run_benchmark("bench_install.py", "--small", "--repeat", "1")
    rows = [line.split("|") for line in out.splitlines() if line.startswith("| fresh") or line.startswith("| already")]
    assert [r[1].strip() for r in rows] == ["fresh collection", "already has the deck"]
    assert all(r[6].strip().endswith("×") for r in rows)
    assert "6,000 notes" in out
