"""`deckgen check` with the quality lint, and `deckgen stats` (library data and command output)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import main
from deckgen.load import load_file
from deckgen.stats import deck_stats

from conftest import CARDS

SMALL = """\
deck: {id: small, name: Small}
themes:
  - {id: a, zh: 甲, en: A, subthemes: [{id: a1, zh: 甲一, en: A one}]}
  - {id: b, zh: 乙, en: B}
people:
  - {id: tang-jie, name: 唐杰, roman: Tang Jie}
  - {id: lin-junyang, name: 林俊旸, roman: Lin Junyang}
judgments:
  - id: j1
    number: 1
    theme: a1
    speakers: [tang-jie, lin-junyang]
    zh: "一。"
    en: "One."
    editors_note: {zh: "注。", en: "Note."}
    cards:
      - {q: "Who spoke first?", a: "唐杰 and 林俊旸"}
      - {cloze: "{{c1::One}} and {{c2::two}}.", context: editors}
  - id: j2
    number: 2
    theme: b
    zh: "二：唐杰的智能效率。"
    en: "Two: Tang Jie's 智能效率 is intelligence per resource, the answer."
    cards:
      - {term: 智能效率, means: "Intelligence per resource", by: tang-jie, reverse: true}
      - {q: "What does the ANSWER say", a: "Answer"}
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_shipped_cards_pass_check_strict():
    result = CliRunner().invoke(main, ["check", "--strict", str(CARDS)])
    assert result.exit_code == 0, result.output
    assert "0 warning(s)" in result.output


@pytest.mark.parametrize("args, code", [(["check"], 0), (["check", "--strict"], 1)])
def test_lint_warnings_fail_only_under_strict(small, args, code):
    result = CliRunner().invoke(main, [*args, str(small)])
    assert result.exit_code == code, result.output
    # "What does the ANSWER say" is no question and gives its answer away; the reverse card of a concept
    # with by: names the person its "Who proposed …?" card asks for
    assert "warning: judgments[1].cards[1]: note 'j2/qa/1'" in result.output
    assert "[not-a-question]" in result.output and "[answer-in-question]" in result.output
    assert "note 'j2/concept/1/term': its front gives away the answer '唐杰 (Tang Jie)'" in result.output
    assert "small.yaml: 2 judgments, 6 notes, 3 warning(s)" in result.output


def test_deck_stats_counts(small):
    s = deck_stats(load_file(small))
    assert (s.judgments, s.notes, s.cards, s.warnings) == (2, 6, 7, 3)
    # j1: a Q/A note (1 card) and a two-card cloze under sub-theme a1, counted again under its parent a
    assert s.by_theme == (("甲 A", 2, 3), ("› 甲一 A one", 2, 3), ("乙 B", 4, 4))
    # the editors' cloze counts under the editors, not under j1's speakers; j2 has no speakers (the rows are
    # labelled with deckgen's English defaults, as the source sets no labels)
    assert s.by_speaker == (
        ("唐杰 (Tang Jie)", 1, 1),
        ("林俊旸 (Lin Junyang)", 1, 1),
        ("Editors' note", 1, 2),
        ("no speaker", 4, 4),
    )
    # the concept makes /who, /what and (reverse) /term
    assert s.by_kind == (("qa", 2, 2), ("concept", 3, 3), ("list", 0, 0), ("cloze", 1, 2))
    assert dict(s.lint) == {
        **{code: 0 for code, _ in s.lint},
        "not-a-question": 1,
        "answer-in-question": 1,
        "sibling-giveaway": 1,
    }


def test_stats_has_no_editors_or_no_speaker_row_for_a_deck_without_them(tmp_path):
    """A deck with no editors' note and every judgment spoken showed "Editors' note 0 0" (newcomer8 #11)."""
    from conftest import ROOT

    text = (ROOT / "tests" / "data" / "good" / "minimal.yaml").read_text(encoding="utf-8")
    start, end = text.index("    editors_note:\n"), text.index("    tags: [topic::agents]\n")
    src = tmp_path / "m.yaml"
    src.write_text(text[:start] + text[end:].replace("        context: editors\n", ""), encoding="utf-8")
    labels = [row[0] for row in deck_stats(load_file(src)).by_speaker]
    assert labels == ["唐杰 (Tang Jie)", "杨强 (Yang Qiang)"]


def test_stats_command_prints_tables(small):
    result = CliRunner().invoke(main, ["stats", str(small)])
    assert result.exit_code == 0, result.output
    for text in (
        "Small",
        "by theme",
        "› 甲一 A one",
        "by speaker",
        "林俊旸 (Lin Junyang)",
        "by kind",
        "concept",
        "not-a-question",
    ):
        assert text in result.output
    assert not set("━┃┏┡│└") & set(result.output)  # piped: plain columns, no box lines


def test_stats_command_reports_source_errors_cleanly(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("theme: b", "theme: nope"), encoding="utf-8")
    result = CliRunner().invoke(main, ["stats", str(bad)])
    assert result.exit_code == 1
    assert "unknown theme 'nope'" in result.output and "Traceback" not in result.output
