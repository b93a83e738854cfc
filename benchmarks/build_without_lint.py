"""For ``bench_build.py``'s information table: ``deckgen`` with the build's lint taken out.

    python benchmarks/build_without_lint.py build SOURCE -o OUT.apkg

Runs deckgen's own command line with ``deckgen.builds.lint`` (the quality lint a build runs,
:func:`deckgen.lint_rules.lint`) replaced by a function that finds nothing; loading, validation, note
generation, the ledger and the package are deckgen's as built. It measures what the build costs without its
lint, to set the lint's share of a build's time apart from the rest. It is not a mode of deckgen: a user's
``deckgen build`` always runs the lint.
"""

from __future__ import annotations

import sys

import deckgen.builds
from deckgen.cli import main


def no_warnings(source: object, notes: object) -> list[object]:
    return []


if __name__ == "__main__":
    if not callable(getattr(deckgen.builds, "lint", None)):
        sys.exit("build_without_lint: deckgen.builds no longer calls lint by that name; update this script")
    deckgen.builds.lint = no_warnings
    sys.exit(main())
