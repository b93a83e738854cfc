"""How the duplicate-question lint scales: time it on 2,000 to 32,000 distinct questions, doubling, and
print the time ratio of each doubling.

A linear rule gives ratios near 2; an all-pairs comparison would give about 4. Measured here: ×2.2-3.0 with
Python's garbage collector on (its full collections walk the growing set of word-set keys), ×2.0-2.1 with
it off (``gc.disable()``), i.e. the rule itself is linear.
Run: python benchmarks/lint_duplicates.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from deckgen.lint_rules import duplicate_questions
from deckgen.load import load_file
from deckgen.notes import generate

WORDS = "agent model scaling compute market data context memory reward planning goal chip".split()


def source_with(n: int, folder: Path):
    cards = "\n".join(
        f'      - {{q: "Which {WORDS[i % 12]} claim does {WORDS[i // 12 % 12]} report {i} make about region '
        f'{100_000 + i}?", a: "Claim {i}"}}'
        for i in range(n)
    )
    text = (
        "deck: {id: bench, name: Bench}\nthemes: [{id: t, zh: 主题, en: Theme}]\npeople: []\njudgments:\n"
        "  - {id: j, number: 1, theme: t, zh: 一, en: One, cards: []}\n"
        "  - id: j2\n    number: 2\n    theme: t\n    zh: 二\n    en: Two\n    cards:\n" + cards + "\n"
    )
    path = folder / f"bench-{n}.yaml"
    path.write_text(text, encoding="utf-8")
    source = load_file(path)
    notes, _ = generate(source)
    return source, notes


def timed(source, notes, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        found = list(duplicate_questions(source, notes))
        best = min(best, time.perf_counter() - start)
    assert not found, found[:3]
    return best


def main() -> None:
    previous = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in (2_000, 4_000, 8_000, 16_000, 32_000):
            seconds = timed(*source_with(n, Path(tmp)))
            ratio = f"  ×{seconds / previous:.2f} for 2× the notes" if previous else ""
            print(f"duplicate-question: {n:>6,} notes {seconds * 1000:8.1f} ms{ratio}")
            previous = seconds
    print("(linear ≈ ×2 per doubling, all-pairs ≈ ×4)")


if __name__ == "__main__":
    main()
