"""Card generation: each spec kind, stable keys, GUIDs that ignore text."""

from __future__ import annotations

import html
import textwrap
from pathlib import Path

import pytest

from deckgen.errors import SourceError
from deckgen.load import load_file
from deckgen.notes import generate, guid_for, list_question

MINIMAL = """\
deck: {id: demo, name: Demo, source: {title: T}}
themes:
  - {id: agent, zh: Agent, en: Agent}
people:
  - {id: yang-qiang, name: 杨强, roman: Yang Qiang}
  - {id: tang-jie, name: 唐杰, roman: Tang Jie}
judgments:
  - id: quadrants
    number: 34
    theme: agent
    speakers: [yang-qiang]
    zh: 杨强把 Agent 分成四个象限。
    en: Yang Qiang splits agents into four quadrants.
    cards:
{cards}
"""


def make(tmp_path: Path, cards: str, name: str = "demo.yaml"):
    path = tmp_path / name
    path.write_text(MINIMAL.replace("{cards}", textwrap.indent(textwrap.dedent(cards), "      ")), encoding="utf-8")
    return generate(load_file(path))


def test_qa_card(tmp_path):
    notes, _ = make(tmp_path, "- {q: Who split agents into quadrants?, a: 杨强}\n")
    (note,) = notes
    assert note.key == "quadrants/qa/1"
    assert (note.question, note.answer, note.note_type.kind) == ("Who split agents into quadrants?", "杨强", "qa")
    assert note.fields[0] == "Who split agents into quadrants?"
    # the About line: deckgen's English word for a judgment (the source sets no labels), speaker, theme
    assert note.fields[5] == "Claim 34 · 杨强 (Yang Qiang) · Agent"


def test_concept_card_makes_who_and_what(tmp_path):
    notes, _ = make(
        tmp_path, "- {term: 智能效率 (Intelligence Efficiency), by: tang-jie, means: intelligence per resource}\n"
    )
    assert [n.key for n in notes] == ["quadrants/concept/1/who", "quadrants/concept/1/what"]
    assert notes[0].question == "Who proposed 智能效率 (Intelligence Efficiency)?"
    assert notes[0].answer == "唐杰 (Tang Jie)"
    assert notes[1].question == "What is 智能效率 (Intelligence Efficiency)?"
    assert notes[1].answer == "intelligence per resource"


def test_concept_without_by_only_asks_what(tmp_path):
    notes, _ = make(tmp_path, "- {term: 穷则生变, means: scarcity breeds change}\n")
    assert [n.key for n in notes] == ["quadrants/concept/1/what"]


@pytest.mark.parametrize(
    "of, n, expected",
    [
        ("杨强's {n} agent dimensions", 2, "What are 杨强's two agent dimensions?"),
        ("capabilities where humans lead", 3, "What are the three capabilities where humans lead?"),
        ("things", 15, "What are the 15 things?"),
    ],
)
def test_list_question_count_word(of, n, expected):
    assert list_question(of, n) == expected


def test_list_card_answer_is_an_ordered_list(tmp_path):
    notes, _ = make(
        tmp_path,
        """\
    - of: "杨强's {n} agent dimensions"
      items: [目标定义 goal definition, 任务规划 task planning]
    """,
    )
    (note,) = notes
    assert note.question == "What are 杨强's two agent dimensions?"
    assert note.fields[1] == "<ol><li>目标定义 goal definition</li><li>任务规划 task planning</li></ol>"
    assert note.key == "quadrants/list/1"


def test_cloze_card(tmp_path):
    notes, problems = make(tmp_path, '- cloze: "Today {{c1::humans}} set goals and {{c2::humans}} plan."\n')
    (note,) = notes
    assert note.note_type.kind == "cloze" and note.key == "quadrants/cloze/1"
    assert note.fields[0] == "Today {{c1::humans}} set goals and {{c2::humans}} plan."
    assert note.question == "Today [...] set goals and [...] plan."
    assert problems == []


def test_a_cloze_hint_shows_in_the_question_as_on_the_card(tmp_path, anki):
    from deckgen.builds import build

    notes, _ = make(tmp_path, '- cloze: "Agents come in {{c1::four::how many?}} {{c2::quadrants}}."\n')
    assert notes[0].question == "Agents come in [how many?] [...]."
    result = build(load_file(tmp_path / "demo.yaml"), output=tmp_path / "demo.apkg")
    anki.import_apkg(result.output)
    (card, _) = sorted(anki.col.get_note(anki.col.find_notes("")[0]).cards(), key=lambda c: c.ord)
    assert "[how many?]" in html.unescape(card.question())  # Anki writes the h as &#104;


def test_cloze_without_deletions_is_an_error(tmp_path):
    with pytest.raises(SourceError) as err:
        make(tmp_path, '- cloze: "Nothing marked."\n')
    assert "no deletions" in str(err.value)


def test_keys_count_per_kind_and_explicit_ids_win(tmp_path):
    notes, _ = make(
        tmp_path,
        """\
    - {q: Q one?, a: A}
    - {cloze: "x {{c1::y}}"}
    - {q: Q two?, a: B, id: second-q}
    - {q: Q three?, a: C}
    """,
    )
    assert [n.key for n in notes] == ["quadrants/qa/1", "quadrants/cloze/1", "second-q", "quadrants/qa/3"]


def test_guid_depends_on_deck_and_key_not_text(tmp_path):
    (a,), _ = make(tmp_path, "- {q: Who?, a: 杨强}\n", "a.yaml")
    (b,), _ = make(tmp_path, "- {q: Who split agents?, a: 杨强教授}\n", "b.yaml")
    assert a.guid == b.guid == guid_for("demo", "quadrants/qa/1")
    assert a.fields != b.fields
    assert guid_for("other-deck", "quadrants/qa/1") != a.guid


def test_duplicate_explicit_ids_name_both_places(tmp_path):
    with pytest.raises(SourceError) as err:
        make(
            tmp_path,
            """\
        - {q: One?, a: A, id: same}
        - {q: Two?, a: B, id: same}
        """,
        )
    (problem,) = err.value.problems
    assert problem.line == 16
    assert "card id 'same' is already used at line 15" in problem.message


def test_fields_are_escaped(tmp_path):
    notes, _ = make(tmp_path, "- {q: 'Is vector<int> & a<b <script>x</script> text?', a: '<b>no</b>'}\n")
    (note,) = notes
    assert "<" not in note.fields[0].replace("&lt;", "") and "&amp;" in note.fields[0]
    assert note.fields[1] == "&lt;b&gt;no&lt;/b&gt;"


def test_tags(tmp_path):
    (note,), _ = make(tmp_path, "- {q: Who?, a: 杨强, tags: [diagram]}\n")
    assert note.tags == ("demo", "judgment::34", "theme::agent", "speaker::yang-qiang", "diagram")


def test_cloze_numbers_stop_where_anki_does():
    from deckgen.cloze import cloze_error

    assert cloze_error("{{c65535::a}}") is None
    assert "too large" in cloze_error("{{c65536::a}}")


@pytest.mark.parametrize(
    "text, error",
    [
        ("{{c1::Weimar}}, seat {{c2:Berlin}}.", "{{c2:… is not one Anki reads"),
        ("{{C1::Weimar}}", "{{C1:… is not one Anki reads"),
        ("{{ c1 ::Weimar}}", "write {{c1::…}}"),
        ("{{c1::快}}，{{c2：：慢}}", "{{c2：… is not one Anki reads"),  # full-width, as a Chinese input method types
        ("{{c1::快}}，{{c２::慢}}", "write {{c2::…}}"),
        ("{{c1::快}}，｛｛c2::慢｝｝", "｛｛c2:… is not one Anki reads"),
        ("{{c1::快}}，{{c０::慢}}", "write {{c1::…}}"),  # not c0, which makes no card
        ("{{c1::Weimar}}, seat {{c2::Berlin}.", "{{c2::… is not closed"),
        ("{{c1::Weimar}}, seat {c2::Berlin}.", "{c2::… has one brace"),
    ],
)
def test_a_deletion_anki_would_not_read_is_an_error_also_beside_good_ones(text, error):
    """rslib cloze.rs reads exactly ``{{c``, digits, ``::`` and a closing ``}}``; anything else stays on the card
    as typed, so deckgen refuses it and names the fix."""
    from deckgen.cloze import cloze_error

    assert error in (cloze_error(text) or "")
    assert cloze_error("{{c1::Weimar}}, seat {{c2::Berlin}}, {{c3:::colon}}.") is None


def test_qa_and_list_extra_follow_the_answer_in_the_answer_field(tmp_path):
    notes, _ = make(
        tmp_path,
        """\
    - {q: Who split agents into quadrants?, a: 杨强, extra: "By goal & plan <2> [sound:x.mp3]"}
    - of: "杨强's {n} agent dimensions"
      items: [goal, plan]
      extra: Who defines each
    - {q: Who else?, a: 唐杰}
    """,
    )
    qa, listed, plain = notes
    # escaped, and Anki's own markup made literal, as every field is (deckgen.markup)
    assert qa.fields[1] == '杨强<div class="dg-extra">By goal &amp; plan &lt;2&gt; &#91;sound:x.mp3]</div>'
    assert listed.fields[1] == '<ol><li>goal</li><li>plan</li></ol><div class="dg-extra">Who defines each</div>'
    assert plain.fields[1] == "唐杰"  # no extra, no empty div
    assert (qa.answer, listed.answer) == ("杨强", "goal; plan")  # reports and lint see the answer alone
    assert len(qa.fields) == len(plain.fields)  # the same note type: no field was added for it


@pytest.mark.parametrize(
    "means, shown, expected",
    [
        ("An agent that works unattended", "", "an agent that works unattended"),  # closed-class word
        ("A team short of compute", "", "a team short of compute"),
        ("Intelligence gained per unit", "how much extra intelligence it buys", "intelligence gained per unit"),
        ("Intelligence gained per unit", "", "Intelligence gained per unit"),  # nothing shows it is ordinary
        ("Scarcity forces change", "Scarcity breeds change.", "Scarcity forces change"),  # capitalised only
        ("Seeking a paradigm by seeking", "", "seeking a paradigm by seeking"),  # the meaning itself shows it
        ("Anthropic's way of selling", "Anthropic sells to firms, a way of selling", "Anthropic's way of selling"),
        ("AI that acts", "an ai", "AI that acts"),  # acronyms, mixed case and digits are never touched
        ("DeepSeek moment", "", "DeepSeek moment"),
        ("GLM-4.7 level", "", "GLM-4.7 level"),
        ("Qwen style", "", "Qwen style"),
        ("智能效率 per unit", "", "智能效率 per unit"),
    ],
)
def test_reverse_question_keeps_the_meanings_own_case(means, shown, expected):
    from deckgen.model import Person
    from deckgen.notes import reverse_question

    assert reverse_question(means + ".", None, shown=(shown,)) == f"Which term names: {expected}?"
    tang = Person("tang-jie", "唐杰", "Tang Jie")
    assert reverse_question(means, tang, shown=("唐杰说", shown)) == f"Which term does 唐杰 use for: {expected}?"


def test_reverse_question_case_follows_the_label_and_the_sources_languages():
    from deckgen.labels import DEFAULTS
    from deckgen.notes import reverse_question

    first = DEFAULTS["en"]._replace(which_term="{means}: which term?")
    assert reverse_question("The gap", labels=first) == "The gap: which term?"  # starts the sentence: kept
    german = DEFAULTS["de"]
    # English closed-class words count only in a source with English; German's "All" is a noun
    assert reverse_question("All der Modelle", labels=german, english=False) == (
        "Welcher Begriff bezeichnet: All der Modelle?"
    )
    assert reverse_question("Die Lücke", labels=german, shown=("die Lücke",), english=False) == (
        "Welcher Begriff bezeichnet: die Lücke?"
    )


def test_a_reverse_question_reads_its_case_from_the_claim_in_every_language(tmp_path):
    notes, _ = make(
        tmp_path,
        "- {term: 四象限, means: Quadrants of agents, reverse: true}\n",
    )
    # "quadrants" is written in lowercase in the English claim, so the capital is only the sentence's
    assert notes[-1].question == "Which term names: quadrants of agents?"


def test_a_cloze_number_with_thousands_of_leading_zeros_is_read_without_a_traceback():
    from deckgen.cloze import cloze_error, cloze_numbers

    text = "{{c" + "0" * 5000 + "1::x}}"  # Python converts at most 4300 digits to an int
    assert cloze_error(text) is None and cloze_numbers(text) == [1]
    assert "too large" in (cloze_error("{{c1,," + "9" * 5000 + "::x}}") or "")
