"""Property: whatever is done to the real source, ``deckgen build`` exits 0 or 1, never with a traceback;
a failure says where (``file:line``) and leaves the previous package and ledger as they were.

Mutations: structural ones on the parsed source (delete a key or list item, put a value of another type in
its place, duplicate a list item), then textual ones on the YAML text (insert random text, often YAML
syntax characters, at a random place; delete a line).
"""

from __future__ import annotations

import copy
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deckgen.cli import main

from conftest import CARDS, PREVIOUS_PACKAGE, SOURCE

ORIGINAL = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
PREVIOUS = PREVIOUS_PACKAGE  # -o replaces only a package

SYNTAX = ":-[]{}#&*!|>'\"%@`,?\t\n "
printable = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
scalars = st.one_of(
    st.text(printable, max_size=12), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False), st.dates()
)
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=8), scalars, max_size=2))
snippets = st.one_of(
    st.text(alphabet=SYNTAX, min_size=1, max_size=4),
    st.text(printable, min_size=1, max_size=8),
    st.sampled_from(["\x00", "\x1b", "\ufeff", "\u2028", "\r", "<script>", "&amp;", "{{c1::"]),
)


def slots(node, out):
    """Every (container, key-or-index) pair in ``node``, depth first."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        out.append((node, key))
        slots(value, out)
    return out


@st.composite
def mutated_sources(draw) -> str:
    # places are picked with a seeded Random: hypothesis' own integers favour the ends (the first key, the
    # first character), and every part of the source should get its share
    rnd = draw(st.randoms(use_true_random=True))
    doc = copy.deepcopy(ORIGINAL)
    for _ in range(draw(st.integers(0, 3))):
        places = slots(doc, [])
        if not places:
            break
        container, key = rnd.choice(places)
        action = draw(st.sampled_from(["delete", "retype", "duplicate"]))
        if action == "delete":
            del container[key]
        elif action == "retype":
            container[key] = draw(values)
        elif isinstance(container, list):
            container.insert(key, container[key])
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
    for _ in range(draw(st.integers(0 if doc != ORIGINAL else 1, 3))):
        if draw(st.booleans()):
            at = rnd.randrange(len(text) + 1)
            text = text[:at] + draw(snippets) + text[at:]
        else:
            lines = text.split("\n")
            del lines[rnd.randrange(len(lines))]
            text = "\n".join(lines)
    return text


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sources())
def test_mutated_source_fails_cleanly_or_builds(text):
    with tempfile.TemporaryDirectory() as tmp:
        cards = Path(tmp) / "cards"
        shutil.copytree(CARDS, cards)
        src = cards / SOURCE.name
        src.write_text(text, encoding="utf-8")
        out = Path(tmp) / "out" / "deck.apkg"
        out.parent.mkdir()
        out.write_bytes(PREVIOUS)
        ledgers = {p: p.read_bytes() for p in cards.glob("*.ledger.json")}

        result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])

        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert result.exit_code in (0, 1), result.output
        if result.exit_code == 1:
            assert re.search(rf"^{re.escape(str(src))}:\d+:\d+: ", result.output, re.M), result.output
            assert out.read_bytes() == PREVIOUS
            assert {p: p.read_bytes() for p in cards.glob("*.ledger.json")} == ledgers
        else:
            assert out.read_bytes() != PREVIOUS
