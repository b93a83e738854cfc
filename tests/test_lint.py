"""The card-quality lint: each rule fires on a bad example (and only that rule does) and is silent on a
good one. Sources are small YAML files loaded and generated the normal way."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.lint_rules import RULES, duplicate_questions, lint
from deckgen.load import load_file
from deckgen.notes import generate
from deckgen.wording import NEAR_DUPLICATE_MIN_TOKENS, answer_length, tokens, word_set

HEADER = """\
deck: {{id: t, name: T}}
themes: [{{id: th, zh: 主题, en: Theme}}]
people: {people}
judgments:
  - id: j1
    number: 1
    theme: th
    speakers: {speakers}
    zh: "唐杰提出智能效率。"
    en: {claim}
    cards:
"""


def lint_yaml(
    tmp_path: Path,
    cards: str,
    *,
    people: str = "[]",
    speakers: str = "[]",
    claim: str = '"Tang Jie proposes Intelligence Efficiency."',
    more: str = "",
):
    """Lint a one-theme source whose judgment 1 has the card specs ``cards`` (YAML list items)."""
    text = HEADER.format(people=people, speakers=speakers, claim=claim)
    text += textwrap.indent(textwrap.dedent(cards).strip("\n"), " " * 6) + "\n"
    text += textwrap.indent(textwrap.dedent(more), " " * 2)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    source = load_file(path)
    notes, _ = generate(source)
    return lint(source, notes), text


TANG = "[{id: tang-jie, name: 唐杰, roman: Tang Jie}]"

CASES = [
    # (rule, bad card specs, good card specs, extra keyword arguments for both)
    (
        "answer-too-long",
        '- {q: "What does 智能效率 measure?", a: "How much extra intelligence each unit of resources buys a model"}',
        '- {q: "What does 智能效率 measure?", a: "Intelligence gained per unit of resources"}',
        {},
    ),
    (
        "answer-too-long",  # 13 Han characters > 12
        '- {q: "What does 智能效率 measure?", a: "投入每单位资源所换来的智能增量"}',
        '- {q: "What does 智能效率 measure?", a: "每单位资源的智能增量"}',
        {},
    ),
    (
        "answer-too-long",  # a gloss restates the answer and is not counted
        '- {q: "Which human ability does native multimodality resemble?", '
        'a: "感统, the brain fusing sight, sound and touch into a single perception"}',
        '- {q: "Which human ability does native multimodality resemble?", '
        'a: "感统 (the brain fusing sight, sound and touch into a single perception)"}',
        {},
    ),
    (
        "answer-too-long",  # a cloze deletion is an answer too
        '- cloze: "智能效率 is {{c1::the extra intelligence that each unit of invested resources buys}}."',
        '- cloze: "智能效率 is {{c1::intelligence gained per resource}}."',
        {},
    ),
    (
        "list-too-long",
        '- of: "the {n} abstract tasks LLMs moved into"\n  items: [Compression, Reasoning, Maths, Coding, Vision]',
        '- of: "the {n} abstract tasks LLMs moved into"\n  items: [Compression, Reasoning, Maths, Coding]',
        {},
    ),
    (
        "list-too-long",  # a Q/A answer that is an enumeration
        '- {q: "Which tasks have LLMs moved into?", a: "Compression, reasoning, maths, coding, vision"}',
        '- {q: "Which tasks have LLMs moved into?", a: "Compression, reasoning, maths and coding"}',
        {},
    ),
    (
        "answer-in-question",  # a key term of the answer in the question
        '- {q: "What did 唐杰 call 智能效率?", a: "智能效率 (Intelligence Efficiency)"}',
        '- {q: "What did 唐杰 call the intelligence gained per resource?", a: "智能效率 (Intelligence Efficiency)"}',
        {},
    ),
    (
        "answer-in-question",  # every content word of the answer in the question
        '- {q: "If model, agent and product are one, what is building a base model really doing?", '
        'a: "Building the product"}',
        '- {q: "What is building a base model, in effect, also building?", a: "The product (模型即产品)"}',
        {},
    ),
    (
        "answer-in-question",  # a cloze card that shows its deleted term elsewhere
        '- cloze: "模型即 {{c1::Agent}}，Agent 即 {{c2::产品}}。"',
        '- cloze: "模型即 {{c1::Agent}}，{{c1::Agent}} 即 {{c2::产品}}。"',
        {},
    ),
    (
        "duplicate-question",  # same after case, punctuation and full/half width
        '- {q: "What is 智能效率?", a: "Intelligence per resource"}\n'
        '- {q: "WHAT is 智能效率？", a: "Gain per resource"}',
        '- {q: "What is 智能效率?", a: "Intelligence per resource"}\n- {q: "Who named 智能效率?", a: "唐杰"}',
        {},
    ),
    (
        "duplicate-question",  # one word substituted
        '- {q: "Which bottleneck does 智能效率 remove, per the article?", a: "Cost"}\n'
        '- {q: "Which bottleneck does 智能效率 solve, per the article?", a: "The cost bottleneck"}',
        '- {q: "Which bottleneck does 智能效率 remove, per the article?", a: "Cost"}\n'
        '- {q: "What must replace plain Scaling, per the article?", a: "Efficiency"}',
        {},
    ),
    (
        "duplicate-question",  # reordered words
        '- {q: "Who proposed 智能效率 at AGI-Next?", a: "唐杰"}\n'
        '- {q: "At AGI-Next, who proposed 智能效率?", a: "Tang Jie"}',
        '- {q: "Who proposed 智能效率 at AGI-Next?", a: "唐杰"}\n'
        '- {q: "Where did 唐杰 propose 智能效率?", a: "AGI-Next"}',
        {},
    ),
    ("not-a-question", '- {q: "智能效率 was proposed by", a: "唐杰"}', '- {q: "谁提出了智能效率？", a: "唐杰"}', {}),
    (
        "judgment-without-cards",
        '- {q: "What is 智能效率?", a: "Intelligence per resource"}',
        '- {q: "What is 智能效率?", a: "Intelligence per resource"}',
        {
            "more": {
                "bad": """\
       - id: j2
         number: 2
         theme: th
         zh: "二。"
         en: "Two."
         cards: []
     """,
                "good": """\
       - id: j2
         number: 2
         theme: th
         zh: "二。"
         en: "Two."
         cards: [{q: "What is two?", a: "A number"}]
     """,
            }
        },
    ),
    (
        "person-never-asked",  # a speaker whom no card names
        '- {q: "What is 智能效率?", a: "Intelligence per resource"}',
        '- {q: "In 唐杰\'s view, what is 智能效率?", a: "Intelligence per resource"}',
        {"people": TANG, "speakers": "[tang-jie]"},
    ),
    (
        "person-never-asked",  # listed in people, speaks nothing, named nowhere
        '- {q: "What is 智能效率?", a: "Intelligence per resource"}',
        '- {q: "Who proposed 智能效率?", a: "Tang Jie"}',
        {"people": TANG},
    ),
    (
        "figure-never-asked",
        '- {q: "What is 智能效率?", a: "Intelligence per resource"}',
        '- {q: "By how much does 智能效率 cut cost?", a: "20%"}',
        {"claim": '"Tang Jie says 智能效率 cuts cost by 20%."'},
    ),
    (
        "figure-never-asked",  # a Chinese term kept in the English claim
        '- {q: "What is Intelligence Efficiency?", a: "Intelligence per resource"}',
        '- {q: "What is 智能效率?", a: "Intelligence per resource"}',
        {"claim": '"Tang Jie proposes 智能效率."'},
    ),
    (
        "invisible-character",
        '- {q: "What does 智能效率 measure?", a: "Intelligence\u200b per resource"}',
        '- {q: "What does 智能效率 measure?", a: "Intelligence per resource"}',
        {},
    ),
    (
        "tags-differ-in-case",
        '- {q: "What does 智能效率 measure?", a: "Intelligence per resource", tags: [Cost]}\n'
        '- {q: "Which bottleneck does 智能效率 solve?", a: "Cost", tags: [cost]}',
        '- {q: "What does 智能效率 measure?", a: "Intelligence per resource", tags: [cost]}\n'
        '- {q: "Which bottleneck does 智能效率 solve?", a: "Cost", tags: [cost]}',
        {},
    ),
    (
        "cloze-numbering",
        '- cloze: "智能效率 is {{c2::intelligence per resource}}."',
        '- cloze: "智能效率 is {{c1::intelligence}} per {{c2::resource}}."',
        {},
    ),
]


def _kwargs(extra: dict, which: str) -> dict:
    return {k: (v[which] if isinstance(v, dict) else v) for k, v in extra.items()}


@pytest.mark.parametrize("code, bad, good, extra", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_bad_example_only(tmp_path, code, bad, good, extra):
    found, text = lint_yaml(tmp_path, bad, **_kwargs(extra, "bad"))
    assert {p.code for p in found} == {code}, [str(p) for p in found]
    for p in found:
        assert p.severity == "warning"
        assert p.file.endswith("s.yaml") and p.line > 0
        assert str(p).endswith(f"[{code}]")
        assert ";" in p.message  # what is wrong; how to fix it
        if p.key_path.startswith("judgments[0].cards["):
            # the line is the card spec's line, and the note key is named
            assert text.splitlines()[p.line - 1].lstrip().startswith("- ")
            assert "note 'j1/" in p.message
    good_found, _ = lint_yaml(tmp_path, good, **_kwargs(extra, "good"))
    assert good_found == [], [str(p) for p in good_found]


def test_every_rule_has_a_case_and_a_docstring_citing_its_practice():
    assert {c[0] for c in CASES} == set(RULES)
    for rule in RULES.values():
        doc = rule.__doc__ or ""
        assert "SuperMemo" in doc or "Anki manual" in doc, rule.__name__


def test_duplicate_names_both_places(tmp_path):
    found, text = lint_yaml(
        tmp_path,
        '- {q: "What is 智能效率?", a: "Intelligence per resource"}\n'
        '- {q: "what is 智能效率 ?", a: "Gain per resource"}',
    )
    (p,) = found
    assert "j1/qa/2" in p.message and "j1/qa/1" in p.message
    assert f"s.yaml:{p.line - 1}:" in p.message  # the other card's line


def test_near_duplicates_are_found_in_a_large_deck_without_false_pairs(tmp_path):
    # 300 distinct questions plus one near copy: exactly one pair is reported
    cards = "\n".join(
        f'- {{q: "Which figure does report number {i} give for region {1000 + i}?", a: "Level {i}"}}'
        for i in range(300)
    )
    cards += '\n- {q: "Which figure does report number 5 state for region 1005?", a: "Level 5"}'
    found, _ = lint_yaml(tmp_path, cards)
    assert [p.code for p in found] == ["duplicate-question"]
    assert "j1/qa/301" in found[0].message and "j1/qa/6" in found[0].message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ＷＨＡＴ is 智能效率？", ["what", "is", "智", "能", "效", "率"]),
        ("GLM-4.5 can't code.", ["glm-4.5", "can't", "code"]),
    ],
)
def test_tokens_normalise_width_case_and_punctuation(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize(
    "answer, length",
    [
        ("Intelligence gained per unit of resources invested", 7),
        ("感统 (sensory integration)", 2 / 1.5),
        ("A breakthrough in 光刻机", 3 + 3 / 1.5),
    ],
)
def test_answer_length_counts_words_and_han_characters(answer, length):
    assert answer_length(answer) == pytest.approx(length)


def test_shipped_deck_is_lint_clean():
    from conftest import SOURCE

    source = load_file(SOURCE)
    notes, _ = generate(source)
    assert [str(p) for p in lint(source, notes)] == []


def test_duplicate_check_memory_does_not_grow_with_the_square_of_question_length(tmp_path):
    import tracemalloc

    words = " ".join(f"word{i}" for i in range(2000))
    lint_yaml(tmp_path, f'- {{q: "Which {words}?", a: "A"}}\n- {{q: "Who else?", a: "B"}}')
    source = load_file(tmp_path / "s.yaml")
    notes, _ = generate(source)
    tracemalloc.start()
    found = list(duplicate_questions(source, notes))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert found == []
    assert peak < 10_000_000  # 2,000 copies of the 2,000-word set took over 100 MB


def test_long_questions_differing_in_one_word_are_near_duplicates(tmp_path):
    words = " ".join(f"word{i}" for i in range(300))
    found, _ = lint_yaml(
        tmp_path, f'- {{q: "Which {words}?", a: "A"}}\n- {{q: "Which {words.replace("word7 ", "other ")}?", a: "B"}}'
    )
    assert [p.code for p in found] == ["duplicate-question"]


def _key_sets(question: str) -> list[frozenset]:
    """The near-duplicate keys of a question, written out as sets: the definition the rule implements."""
    words = word_set(tokens(question))
    if len(words) < NEAR_DUPLICATE_MIN_TOKENS:
        return [words]
    return [words, *(words - {w} for w in words)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from("what who agent model scaling the of cost chip data 1 2".split()), min_size=1, max_size=7
        ),
        min_size=2,
        max_size=8,
    )
)
def test_duplicate_reports_match_the_key_set_definition(tmp_path_factory, questions):
    tmp_path = tmp_path_factory.mktemp("dup")
    cards = "\n".join(f'- {{q: "{" ".join(q)}?", a: "A{i}"}}' for i, q in enumerate(questions))
    found, _ = lint_yaml(tmp_path, cards)
    texts = [" ".join(q) + "?" for q in questions]
    reported = {
        int(re.search(r"note 'j1/qa/(\d+)'", p.message).group(1)) - 1 for p in found if p.code == "duplicate-question"
    }
    for i, text in enumerate(texts):  # a question is reported exactly when an earlier one shares a key with it
        exact = any(tokens(t) == tokens(text) for t in texts[:i])
        near = any(set(_key_sets(t)) & set(_key_sets(text)) for t in texts[:i])
        assert (i in reported) == (exact or near), (texts, [p.message for p in found])


def test_long_text_is_clipped_in_warnings(tmp_path):
    long_answer = " ".join(f"word{i}" for i in range(2000))
    found, _ = lint_yaml(
        tmp_path, f'- {{q: "Is it {long_answer}?", a: "{long_answer}"}}\n- {{q: "Is it {long_answer} ?", a: "B"}}'
    )
    assert {p.code for p in found} == {"answer-too-long", "answer-in-question", "duplicate-question"}
    assert all(len(str(p)) < 800 for p in found), [len(str(p)) for p in found]  # unclipped: 20,000 and more


def test_a_cloze_with_thousands_of_deletions_is_checked_card_by_card(tmp_path):
    """Each card's front is what Anki shows on it: every other deletion revealed, its own hidden. Only the
    deletions whose answer is also shown elsewhere give themselves away (the work is linear in the text:
    benchmarks/bench_field.py)."""
    deletions = " ".join(f"word{i} {{{{c{i}::term{i}}}}}" for i in range(1, 3001))
    text = deletions + " and term1234 again, {{c3001::shared}} and {{c3002::shared}}"
    found, _ = lint_yaml(tmp_path, f'- cloze: "{text}"')
    found = [p.message for p in found if p.code == "answer-in-question"]
    assert len(found) == 3, found
    assert "card c1234 shows its answer: 'term1234' is in the question" in found[0]
    assert all("'shared' is in the question" in m for m in found[1:])
