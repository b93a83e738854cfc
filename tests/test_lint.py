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
from deckgen.wording import (
    NEAR_DUPLICATE_MIN_TOKENS,
    answer_length,
    are_near,
    glosses,
    question_words,
    substance,
    tokens,
    word_set,
)

HEADER = """\
deck: {{id: t, name: T}}
themes: [{{id: th, zh: 主题, en: Theme}}]
people: {people}
judgments:
  - id: j1
    number: 1
    theme: th
    speakers: {speakers}
    zh: {zh}
    en: {claim}
    cards:
"""


CLAIM = '"Tang Jie proposes Intelligence Efficiency at AGI-Next: how much intelligence each unit of resources buys."'
"""The default claim: it backs the answers of most cases (see unsupported-answer)."""
CLAIM_ZH = '"唐杰提出智能效率：每单位资源换来的智能增量。"'


def lint_yaml(
    tmp_path: Path,
    cards: str,
    *,
    people: str = "[]",
    speakers: str = "[]",
    claim: str = CLAIM,
    zh: str = CLAIM_ZH,
    more: str = "",
):
    """Lint a one-theme source whose judgment 1 has the card specs ``cards`` (YAML list items)."""
    text = HEADER.format(people=people, speakers=speakers, claim=claim, zh=zh)
    text += textwrap.indent(textwrap.dedent(cards).strip("\n"), " " * 6) + "\n"
    text += textwrap.indent(textwrap.dedent(more), " " * 2)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    source = load_file(path)
    notes, _ = generate(source)
    return lint(source, notes), text


TANG = "[{id: tang-jie, name: 唐杰, roman: Tang Jie}]"
LIN = "[{id: lin-junyang, name: 林俊旸, roman: Lin Junyang}]"

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
        {
            "claim": '"Native multimodality resembles 感统: the brain fuses sight, sound and touch into a single '
            'perception."'
        },
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
        {"claim": '"LLMs moved into compression, reasoning, maths, coding and vision."'},
    ),
    (
        "list-too-long",  # a Q/A answer that is an enumeration
        '- {q: "Which tasks have LLMs moved into?", a: "Compression, reasoning, maths, coding, vision"}',
        '- {q: "Which tasks have LLMs moved into?", a: "Compression, reasoning, maths and coding"}',
        {"claim": '"LLMs moved into compression, reasoning, maths, coding and vision."'},
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
        {"claim": '"If model, agent and product are one, building a base model is building the product."'},
    ),
    (
        "answer-in-question",  # a cloze card that shows its deleted term elsewhere
        '- cloze: "模型即 {{c1::Agent}}，Agent 即 {{c2::产品}}。"',
        '- cloze: "模型即 {{c1::Agent}}，{{c1::Agent}} 即 {{c2::产品}}。"',
        {},
    ),
    (
        "sibling-giveaway",  # another card's front names the answer of the "Who …?" card
        '- {q: "Who says model divergence grows out of customer contact?", a: 林俊旸}\n'
        '- {q: "In 林俊旸\'s view, which vertical did Anthropic find that way?", a: Finance}',
        '- {q: "Who says model divergence grows out of customer contact?", a: 林俊旸}\n'
        '- {q: "Which vertical did Anthropic find through customer contact?", a: Finance}',
        {
            "people": LIN,
            "speakers": "[lin-junyang]",
            "claim": '"Lin Junyang: divergence grows out of customer contact, as Anthropic found Finance."',
        },
    ),
    (
        "sibling-giveaway",  # a "besides" pair gives each other away; one list card does not
        '- {q: "Besides RLVR, what did 智谱 add to training?", a: "Real programming environments"}\n'
        '- {q: "Besides real programming environments, which method did 智谱 add?", a: RLVR}',
        '- of: "the {n} things 智谱 added to training"\n  items: [RLVR, Real programming environments]',
        {"claim": '"Zhipu added RLVR and real programming environments to training."'},
    ),
    (
        "sibling-giveaway",  # another form of a one-word answer's word ("deploying" for "Deployment")
        '- of: "the {n} factors besides model progress that make agents create value"\n'
        "  items: [Environment, Deployment]\n"
        '- {q: "What return could deploying today\'s models across companies bring?", a: "10x, even 100x"}',
        '- of: "the {n} factors besides model progress that make agents create value"\n'
        "  items: [Environment, Deployment]\n"
        '- {q: "What return could today\'s models bring once put to use in companies?", a: "10x, even 100x"}',
        {"claim": '"Environment and deployment matter besides model progress; deployed models bring 10x, even 100x."'},
    ),
    (
        "sibling-giveaway",  # a cloze card shows another note's answer; the cards of one cloze note may
        '- cloze: "模型即 {{c1::Agent}}，{{c1::Agent}} 即 {{c2::产品}}。"\n'
        '- {q: "What is building a base model also building?", a: "产品 (the product)"}',
        '- cloze: "模型即 {{c1::Agent}}，{{c1::Agent}} 即 {{c2::产品}}。"',
        {"zh": '"模型即 Agent，Agent 即产品。"', "claim": '"The model is the agent, the agent is the product."'},
    ),
    (
        "sibling-giveaway",  # a reverse card naming the person gives away the concept's "Who proposed …?"
        "- {term: 托管式 Agent, by: lin-junyang, means: An agent that works unattended until done, reverse: true}",
        "- {term: 托管式 Agent, means: An agent that works unattended until done, reverse: true}",
        {
            "people": {"bad": LIN, "good": "[]"},
            "claim": '"Lin Junyang: agents will be 托管式, working unattended until done."',
        },
    ),
    (
        "unsupported-answer",  # a figure the back never states; the extra text can state it
        '- {q: "How many of 10 tasks does Opus 4.5 get right?", a: "8-9"}',
        '- {q: "How many of 10 tasks does Opus 4.5 get right?", a: "8-9", extra: "Opus 4.5: 8-9 of 10; weaker: 5-6"}',
        {"claim": '"Enterprises pay a premium for the strongest model."'},
    ),
    (
        "unsupported-answer",  # every number of an answer must be on the back, however many words are
        '- {q: "How many of 10 tasks does Opus 4.5 get right?", a: "8-9"}',
        '- {q: "How many of 10 tasks does Opus 4.5 get right?", a: "8-9"}',
        {"claim": {"bad": '"Opus 4.5 gets 8 of 10 tasks right."', "good": '"Opus 4.5 gets 8-9 of 10 tasks right."'}},
    ),
    (
        "unsupported-answer",  # a gloss backed by the claim in another language counts
        '- {q: "What does 唐杰 call scaling the known path?", a: "偷懒 (a lazy approach)"}',
        '- {q: "What does 唐杰 call scaling the known path?", a: "偷懒 (a lazy approach)"}',
        {
            "zh": '"唐杰：沿已知路径 Scaling。"',
            "claim": {"bad": '"Tang Jie: scaling known paths."', "good": '"Tang Jie: scaling known paths is lazy."'},
        },
    ),
    (
        "unsupported-answer",  # every list item must be backed
        '- of: "the {n} parts of 智谱\'s diagram"\n  items: [A fast system, A slow system, Self-learning]',
        '- of: "the {n} parts of 智谱\'s diagram"\n  items: [A fast system, A slow system]',
        {"claim": '"Zhipu drew a diagram with a fast system and a slow system."'},
    ),
    (
        "vague-cue",
        '- {q: "What does the article call the new paradigm\'s biggest bottleneck?", a: Imagination}',
        '- {q: "What is the biggest bottleneck of the new AI paradigm?", a: Imagination}',
        {"claim": '"The new paradigm\'s biggest bottleneck is imagination."'},
    ),
    (
        "vague-cue",  # a named example is a cue; "the example" is not
        '- {q: "In the example, which two things does the model not know?", a: "Mood and weather"}',
        '- {q: "In the 「今天吃什么」 example, which two things does the model not know?", a: "Mood and weather"}',
        {"claim": '"The model does not know the user\'s mood or the weather."'},
    ),
    ("vague-cue", '- {q: "文中提到谁提出了智能效率？", a: 唐杰}', '- {q: "谁提出了智能效率？", a: 唐杰}', {}),
    (
        "inconsistent-gloss",  # one term, two glosses; word order, case and function words do not count
        '- {q: "Who proposed 智能效率 (Intelligence Efficiency)?", a: 唐杰}\n'
        '- {q: "Which bottleneck does 智能效率 (intelligence yield) remove?", a: Cost, extra: "The cost bottleneck."}',
        '- {q: "Who proposed 智能效率 (Intelligence Efficiency)?", a: 唐杰}\n'
        '- {q: "Which bottleneck does 智能效率 (the efficiency of intelligence) remove?", a: Cost, '
        'extra: "The cost bottleneck."}',
        {},
    ),
    (
        "inconsistent-gloss",  # one gloss for two terms
        '- {q: "Which ability does 自主学习 (self-learning) aim at?", a: Self-reflection, extra: "Self-reflection."}\n'
        '- {q: "Which module of the diagram is 自学习 (self-learning)?", a: The third, extra: "The third module."}',
        '- {q: "Which ability does 自主学习 (self-learning) aim at?", a: Self-reflection, extra: "Self-reflection."}\n'
        '- {q: "Which module of the diagram is 自学习 (learning by itself)?", a: The third, '
        'extra: "The third module."}',
        {},
    ),
    (
        "inconsistent-gloss",  # an answer read as "English (中文)" against the claim; a romanisation is no gloss
        '- {q: "Which human capacity do native multimodal models resemble?", a: "Sensory fusion (感统)"}',
        '- {q: "Which human capacity do native multimodal models resemble?", a: "感统 (gǎntǒng, sensory integration)"}',
        {"claim": '"Native multimodal models resemble human 感统 (sensory integration): the brain pools the senses."'},
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
        '- {q: "Which bottleneck does 智能效率 remove, per 唐杰?", a: "Cost"}\n'
        '- {q: "Which bottleneck does 智能效率 solve, per 唐杰?", a: "The cost bottleneck"}',
        '- {q: "Which bottleneck does 智能效率 remove, per 唐杰?", a: "Cost"}\n'
        '- {q: "What must replace plain Scaling, per 唐杰?", a: "Efficiency"}',
        {"claim": '"Tang Jie: not plain Scaling but Intelligence Efficiency, the key to the cost bottleneck."'},
    ),
    (
        "duplicate-question",  # reordered words
        '- {q: "Who proposed 智能效率 at AGI-Next?", a: "唐杰"}\n'
        '- {q: "At AGI-Next, who proposed 智能效率?", a: "Tang Jie"}',
        '- {q: "Who proposed 智能效率 at AGI-Next?", a: "唐杰"}\n'
        '- {q: "What does 智能效率 measure?", a: "Intelligence per resource"}',
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
         en: "Two is a number."
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
        {"claim": '"Tang Jie says 智能效率, intelligence per resource, cuts cost by 20%."'},
    ),
    (
        "figure-never-asked",  # a Chinese term kept in the English claim
        '- {q: "What is Intelligence Efficiency?", a: "Intelligence per resource"}',
        '- {q: "What is 智能效率?", a: "Intelligence per resource"}',
        {"claim": '"Tang Jie proposes 智能效率, intelligence per resource."'},
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
        {
            "claim": '"Tang Jie proposes Intelligence Efficiency, intelligence per resource, against the cost '
            'bottleneck."'
        },
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


@pytest.mark.parametrize("code, bad, good, extra", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_lint_finds_what_the_rules_find_one_by_one(tmp_path, code, bad, good, extra):
    """lint() runs answer-in-question and sibling-giveaway as one pass (card_fronts) that reads each note's
    fronts and answers once; its warnings are those of every rule of RULES run on its own."""
    from deckgen.lint_rules import RULES

    found, _ = lint_yaml(tmp_path, bad, **_kwargs(extra, "bad"))
    source = load_file(tmp_path / "s.yaml")
    notes, _ = generate(source)
    assert found == sorted(p for rule in RULES.values() for p in rule(source, notes))


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
        f'- {{q: "Which figure does report number {i} give for region {1000 + i}?", a: "Level {i}", '
        f'extra: "Report {i} gives level {i}."}}'
        for i in range(300)
    )
    cards += '\n- {q: "Which figure does report number 5 state for region 1005?", a: "Level 5", extra: "Level 5."}'
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
    "text, numbers, units",
    [
        ("GLM-4.5 can't write 植物大战僵尸", {"4.5"}, {"glm", "write", "植物", "物大", "大战", "战僵", "僵尸"}),
        ("Replicating efficiently, planning deployments", set(), {"replic", "effici", "plan", "deploy"}),
        ("8-9 of 10 (偷懒)", {"8", "9", "10"}, {"偷懒"}),
        ("the 懒 of it", set(), {"懒"}),
        ("GPTはおやすみ", set(), {"gpt", "はお", "おや", "やす", "すみ"}),  # kana pair up as Han characters do
    ],
)
def test_substance_is_numbers_word_roots_and_han_character_pairs(text, numbers, units):
    assert substance(text) == (numbers, units)


@pytest.mark.parametrize(
    "text, whole, expected",
    [
        (
            "自反思 (self-reflection) and 自学习 (learning by itself)",
            False,
            [("自反思", "self-reflection"), ("自学习", "learning by itself")],
        ),
        ("A 「偷懒」 (lazy) approach", False, [("偷懒", "lazy")]),
        ("感统 (gǎntǒng, sensory integration)", True, [("感统", "sensory integration")]),
        ("Self-evolution (自我进化)", True, [("自我进化", "Self-evolution")]),
        ("the self-evolution (自我进化) of agents", True, []),  # in running text the English has no clear start
        ("Interprets health data (To C 基因)", True, []),  # a bracket mixing the languages is no gloss
        ("a 托管式 (tuōguǎn shì) Agent", False, []),  # a romanisation only
    ],
)
def test_glosses_are_found_after_a_term_or_around_a_whole_answer(text, whole, expected):
    assert glosses(text, whole) == expected


def test_a_term_inside_another_may_share_its_gloss(tmp_path):
    found, _ = lint_yaml(
        tmp_path,
        '- {q: "Which vertical did Anthropic find through its customers?", a: "Finance (金融)"}',
        claim='"Anthropic found Finance through its customers."',
        zh='"Anthropic 做金融（Finance）。"',
    )
    assert found == [], [str(p) for p in found]


def test_glosses_are_read_in_every_language_of_the_source(tmp_path):
    """The claim in each of ``deck.languages`` is read, not a fixed zh and en: here the second language's
    text glosses 智能效率 another way than the card does."""
    text = """\
deck: {id: t, name: T, languages: [zh-Hant, de]}
themes: [{id: th, zh-Hant: 主題, de: Thema}]
people: []
judgments:
  - id: j1
    number: 1
    theme: th
    zh-Hant: "唐傑提出智能效率。"
    de: "Tang Jie schlägt 智能效率 (Intelligenzertrag) vor: wie viel Intelligenz je Ressource."
    cards:
      - {q: "Wer schlägt 智能效率 (Intelligenzeffizienz) vor?", a: "Tang Jie"}
"""
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    source = load_file(path)
    notes, _ = generate(source)
    found = lint(source, notes)
    assert [p.code for p in found] == ["inconsistent-gloss"], [str(p) for p in found]
    assert "'智能效率' is glossed 'Intelligenzeffizienz' here but 'Intelligenzertrag'" in found[0].message


def test_an_answer_backed_only_by_a_claim_in_the_sources_other_language_is_backed(tmp_path):
    text = """\
deck: {id: t, name: T, languages: [de, fr]}
themes: [{id: th, de: Thema, fr: Thème}]
people: []
judgments:
  - id: j1
    number: 1
    theme: th
    de: "Der Engpass ist die Vorstellungskraft."
    fr: "Le goulot d'étranglement est l'imagination."
    cards:
      - {q: "Quel est le goulot d'étranglement ?", a: "L'imagination"}
      - {q: "Quel est le coût ?", a: "Trois euros"}
"""
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    source = load_file(path)
    notes, _ = generate(source)
    assert [(p.code, "j1/qa/2" in p.message) for p in lint(source, notes)] == [("unsupported-answer", True)]


@pytest.mark.parametrize(
    "answer, length",
    [
        ("Intelligence gained per unit of resources invested", 7),
        ("感统 (sensory integration)", 2 / 1.5),
        ("A breakthrough in 光刻机", 3 + 3 / 1.5),
        ("最初は速く、その後ゆっくり", 4 / 1.5 + 8 / 3),  # four Han characters and eight kana
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
        tmp_path,
        f'- {{q: "Which {words}?", a: "Intelligence"}}\n'
        f'- {{q: "Which {words.replace("word7 ", "other ")}?", a: "Resources"}}',
    )
    assert [p.code for p in found] == ["duplicate-question"]


def test_questions_differing_only_in_their_question_word_are_not_near_duplicates(tmp_path):
    """When / where / who ask for different kinds of fact, whose answers are not confused (newcomer7 #1); a
    content word substituted still is a near-duplicate."""
    found, _ = lint_yaml(
        tmp_path,
        """
        - {q: "When was the German Empire proclaimed?", a: "1871"}
        - {q: "Where was the German Empire proclaimed?", a: "Versailles"}
        - {q: "Who proclaimed the German Empire?", a: "Wilhelm I"}
        - {q: "When was the German Empire dissolved?", a: "1918"}
        """,
    )
    dups = [p.message for p in found if p.code == "duplicate-question"]
    assert len(dups) == 1 and "'When was the German Empire dissolved?' is nearly the same" in dups[0], dups
    # in German, as a German source's languages give them
    de = question_words(("de",))
    wo, wann = (word_set(tokens(f"{w} wurde das Deutsche Reich proklamiert?"), de) for w in ("Wo", "Wann"))
    assert are_near(wo, wann) and are_near(wo, wann, question_words(("en",)))
    assert not are_near(wo, wann, de)


@pytest.mark.parametrize(
    ("a", "b", "languages"),
    [
        ("What city hosted the 2008 Olympics?", "Which city hosted the 2008 Olympics?", ("en",)),
        ("Quel est le plus grand pays d'Afrique ?", "Quelle est le plus grand pays d'Afrique ?", ("fr",)),
        ("Welcher Fluss ist der längste Fluss Europas?", "Welches Fluss ist der längste Fluss Europas?", ("de",)),
        ("Chi ha definito l'IA come una bolla finanziaria?", "Chi ha definito l'IA una bolla finanziaria?", ("it",)),
    ],
)
def test_question_words_of_one_kind_and_added_words_still_make_near_duplicates(a, b, languages):
    """what/which and the forms of one question word ask the same; a question word added or dropped (Italian
    `come`, "as") is an ordinary difference (breaker14 B14-7)."""
    kinds = question_words(languages)
    assert are_near(word_set(tokens(a), kinds), word_set(tokens(b), kinds), kinds)


def _key_sets(question: str) -> list[frozenset]:
    """The near-duplicate keys of a question, written out as sets: the definition the rule implements."""
    words = word_set(tokens(question), question_words(("en",)))
    if len(words) < NEAR_DUPLICATE_MIN_TOKENS:
        return [words]
    return [words, *(words - {w} for w in words)]


def _other_kinds(a: str, b: str) -> bool:
    """Whether two questions differ in just one word each, question words of different kinds."""
    kinds = question_words(("en",))
    x, y = (word_set(tokens(q), kinds) for q in (a, b))
    return len(x - y) == len(y - x) == 1 and (x ^ y) <= kinds.keys()


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
        near = any(set(_key_sets(t)) & set(_key_sets(text)) and not _other_kinds(t, text) for t in texts[:i])
        assert (i in reported) == (exact or near), (texts, [p.message for p in found])


def test_long_text_is_clipped_in_warnings(tmp_path):
    long_answer = " ".join(f"word{i}" for i in range(2000))
    found, _ = lint_yaml(
        tmp_path, f'- {{q: "Is it {long_answer}?", a: "{long_answer}"}}\n- {{q: "Is it {long_answer} ?", a: "B"}}'
    )
    assert {p.code for p in found} == {
        "answer-too-long",
        "answer-in-question",
        "duplicate-question",
        "sibling-giveaway",
        "unsupported-answer",
    }
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


def test_a_long_front_still_gives_a_siblings_answer_away(tmp_path):
    """A front of thousands of tokens is searched through its token index (deckgen.wording.TokenIndex),
    as a short one is."""
    words = " ".join(f"word{i}" for i in range(3000))
    found, _ = lint_yaml(
        tmp_path,
        f'- {{q: "Which {words} did 唐杰 name?", a: "Intelligence Efficiency", extra: "{words}"}}\n'
        '- {q: "Who proposed 智能效率?", a: 唐杰}',
    )
    assert [p.code for p in found] == ["sibling-giveaway"]
    assert "of note 'j1/qa/2'" in found[0].message


PEOPLE_SOURCE = """\
deck: {{id: t, name: T}}
themes: [{{id: th, zh: 主题, en: Theme}}]
people:
  - {{id: emlen, name: Stephen Emlen}}
  - {{id: tang-jie, name: 唐杰, roman: Tang Jie}}
  - {{id: yang-qiang, name: 杨强, roman: Yang Qiang}}
  - {{id: yang-zhilin, name: 杨植麟, roman: Yang Zhilin}}
judgments:
  - id: j1
    number: 1
    theme: th
    speakers: [emlen]
    zh: 候鸟靠星星导航。
    en: Buntings steer by the stars.
    cards: [{{q: "{q1}", a: "{a1}"}}]
  - id: j2
    number: 2
    theme: th
    speakers: [tang-jie, yang-qiang, yang-zhilin]
    zh: 智能效率是每单位资源换来的智能。
    en: Intelligence efficiency is intelligence per unit of resources.
    cards: [{{q: "{q2}", a: "{a2}"}}]
"""
EVERYONE = {"emlen", "tang-jie", "yang-qiang", "yang-zhilin"}
Q1, A1, Q2, A2 = "What do buntings steer by?", "The stars", "What is intelligence efficiency?", "Intelligence per unit"


@pytest.mark.parametrize(
    "cards, asked",
    [
        ({"q1": "Where did Emlen test the star compass?"}, {"emlen"}),  # a surname
        ({"q1": "What did Emlen's buntings steer by?"}, {"emlen"}),  # a possessive
        ({"q1": "Who tested the star compass?", "a1": "Emlen"}, {"emlen"}),  # a surname as the answer
        ({"q2": "In Tang Jie’s view, what is intelligence efficiency?"}, {"tang-jie"}),  # a romanisation’s
        ({"q2": "What does Tang call intelligence per unit?"}, {"tang-jie"}),  # a romanisation's first word
        ({"q2": "Who defines intelligence efficiency?", "a2": "Tang Jie"}, {"tang-jie"}),
        # near misses: none of these names anyone
        ({"q1": "Where did Stephen test the star compass?"}, set()),  # a given name of a name in Latin letters
        ({"q1": "What is an Emlenish compass?"}, set()),  # part of a word
        ({"q2": "Where did Emlen test the star compass?"}, set()),  # a surname on another speaker's judgment
        ({"q2": "In Yang's view, what is intelligence efficiency?"}, set()),  # a surname two people share
        ({"q2": "Is intelligence efficiency 荒唐?"}, set()),  # one Han character of 唐杰
    ],
)
def test_person_never_asked_counts_surnames_and_romanisations_on_their_own_judgments(tmp_path, cards, asked):
    from click.testing import CliRunner

    from deckgen.cli import main

    source = tmp_path / "people.yaml"
    source.write_text(PEOPLE_SOURCE.format(**{"q1": Q1, "a1": A1, "q2": Q2, "a2": A2, **cards}), encoding="utf-8")

    result = CliRunner().invoke(main, ["check", str(source)])

    assert result.exit_code == 0, result.output
    warned = set(re.findall(r"person '([a-z-]+)' \(.*\[person-never-asked\]$", result.output, re.M))
    assert warned == EVERYONE - asked, result.output


def test_vague_cue_knows_this_judgment_in_the_source_s_own_word(tmp_path):
    """With ``deck.labels.judgment: 判断``, a front's 本判断 leans on the article; 判断力 (judgment as a
    faculty) does not."""
    text = (Path(__file__).parent / "data" / "good" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("    title: A minimal source\n", "    title: A minimal source\n  labels: {judgment: 判断}\n")
    source = tmp_path / "x.yaml"
    fronts = {"hit": "本判断由谁提出？", "near miss": "谁的判断力最好？"}
    found = {}
    for case, front in fronts.items():
        source.write_text(text.replace('"Who made the first judgment?"', f'"{front}"'), encoding="utf-8")
        loaded = load_file(source)
        found[case] = [p.message for p in lint(loaded, generate(loaded)[0]) if p.code == "vague-cue"]
    assert len(found["hit"]) == 1 and "the front leans on the article ('本判断')" in found["hit"][0]
    assert found["near miss"] == []


INVISIBLE_EVERYWHERE = """\
deck:
  id: t
  name: "De\u200bck"
  description: "A\u200b deck"
  languages: [zh, en]
  labels:
    judgment: "Cl\u200baim"
  source:
    title: "Ti\u200btle"
    by: "B\u200by"
themes:
  - id: th
    zh: 主题
    en: "The\u200bme"
    subthemes:
      - id: sub
        zh: "子\u00ad主题"
        en: Sub
people:
  - id: tang
    name: "唐\u200d杰"
    roman: Tang Jie
    affiliation: "Tsing\u200bhua"
judgments:
  - id: j1
    number: 1
    theme: sub
    speakers: [tang]
    zh: "唐杰提出智能效率。"
    en: "Tang Jie proposes \u2066Intelligence Efficiency\u2069."
    editors_note:
      zh: "编者\u200b注。"
      en: "An editors' note."
    tags: ["cost\u200b"]
    cards:
      - q: "Who proposes Intelligence Efficiency?"
        a: "Tang\u200b Jie"
      - of: "the {n} parts"
        items:
          - "One"
          - "T\u200bwo"
decks:
  - key: mine
    name: "Mi\u200bne"
    description: "Desc\u200b"
    select: {theme: [th]}
"""


def test_invisible_characters_are_found_in_every_text_at_the_text(tmp_path):
    """Every text that holds a format character, wherever it is in the source, gets one warning located at the
    text's own line and column (where its quote or first character is), with its key path."""
    path = tmp_path / "s.yaml"
    path.write_text(INVISIBLE_EVERYWHERE, encoding="utf-8")
    source = load_file(path)
    found = [p for p in lint(source, generate(source)[0]) if p.code == "invisible-character"]
    lines = INVISIBLE_EVERYWHERE.splitlines()
    expected = []
    for n, line in enumerate(lines, 1):
        hit = re.search(r"[\u200b\u200d\u00ad\u2066]", line)
        if hit:
            value = re.search(r'(?<=: )"|(?<=- )"', line) or re.search(r'\["', line)
            assert value is not None, line
            expected.append((n, value.start() + 1 + (1 if value.group() == '["' else 0)))
    assert [(p.line, p.col) for p in found] == expected, [str(p) for p in found]
    paths = [p.key_path for p in found]
    assert paths == [
        "deck.name",
        "deck.description",
        "deck.labels.judgment",
        "deck.source.title",
        "deck.source.by",
        "themes[0].en",
        "themes[0].subthemes[0].zh",
        "people[0].name",
        "people[0].affiliation",
        "judgments[0].en",
        "judgments[0].editors_note.zh",
        "judgments[0].tags[0]",
        "judgments[0].cards[0].a",
        "judgments[0].cards[1].items[1]",
        "decks[0].name",
        "decks[0].description",
    ]
    by_path = {p.key_path: p.message for p in found}
    assert by_path["judgments[0].en"].startswith("judgment 1 'j1': U+2066 (LEFT-TO-RIGHT ISOLATE)")
    assert by_path["judgments[0].cards[0].a"].startswith("note 'j1/qa/1': U+200B (ZERO WIDTH SPACE) at character 5")
    assert by_path["people[0].name"].startswith("U+200D (ZERO WIDTH JOINER) at character 2 of '唐\\u200d杰'")
    assert all(m.endswith("is invisible; remove it, or write what it stands for") for m in by_path.values())


@pytest.mark.parametrize(
    "question, asks",
    [
        ("من قاس سرعة تلاشي الذكريات؟", True),  # Arabic (and Persian, Urdu): U+061F
        ("Πώς ξεθωριάζουν οι αναμνήσεις\u037e", True),  # Greek: U+037E, which NFC makes ';'
        ("Ինչպե՞ս են մարում հիշողությունները", True),  # Armenian: U+055E on the stressed vowel
        ("谁提出了智能效率？", True),
        ("Who measured forgetting; and when", False),  # a ';' outside Greek text is no question mark
        ("من قاس سرعة تلاشي الذكريات", False),
        ("記憶はどのように薄れるか。", True),  # formal Japanese: the particle か asks
        ("記憶はゆっくり薄れる。", False),
    ],
)
def test_not_a_question_knows_the_question_marks_of_other_scripts(tmp_path, question, asks):
    found, _ = lint_yaml(tmp_path, f'- {{q: "{question}", a: "唐杰"}}')
    assert ("not-a-question" not in {p.code for p in found}) == asks, [str(p) for p in found]


@pytest.mark.parametrize(
    "answer, warned",
    [
        ("خاطره\u200cها", False),  # Persian spelling: the non-joiner keeps the letters apart
        ("नम\u094d\u200dस", False),  # a Devanagari conjunct
        ("👨\u200d👩\u200d👧", False),  # an emoji ZWJ sequence
        ("❤\ufe0f\u200d🔥", False),
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", False),  # the flag of Scotland
        ("ന്\u200d and more", False),  # Malayalam's old chillu: a joiner after a virama, at a word's end
        ("۱۳۵۰\u200cها", False),  # Persian digits, then a suffix kept apart
        ("\u06dd١٢", False),  # the end of ayah, a format character that shows
        ("x\U000e0067 y", True),  # a tag character outside a flag shows nothing
        ("Intelligence\u200d per resource", True),  # a joiner between Latin letters and a space joins nothing
        ("唐\u200d杰", True),  # Han does not use joiners
        ("Tang Jie\u200c", True),
    ],
)
def test_a_joiner_that_is_part_of_the_spelling_is_not_invisible(tmp_path, answer, warned):
    found, _ = lint_yaml(tmp_path, f'- {{q: "What does 智能效率 measure?", a: "{answer}"}}')
    assert ("invisible-character" in {p.code for p in found}) == warned, [str(p) for p in found]


def test_an_invisible_character_past_the_bmp_is_shown_as_one_escape(tmp_path):
    found, _ = lint_yaml(
        tmp_path, '- {q: "What does 智能效率 measure?", a: "Intelligence\U000e0001 per\u200b resource"}'
    )
    (warning,) = [p for p in found if p.code == "invisible-character"]
    assert "U+E0001 (LANGUAGE TAG) at character 13 of 'Intelligence\\U000e0001 per\\u200b resource'" in warning.message


def test_an_answer_too_long_by_a_fraction_of_a_word_says_how_much(tmp_path):
    """Han characters count 1/1.5 of a word each: 13 of them are 8.7 words, which must not read as 9 or 8."""
    found, _ = lint_yaml(tmp_path, '- {q: "What does 智能效率 measure?", a: "投入每单位资源换来智能增量"}')
    (warning,) = [p for p in found if p.code == "answer-too-long"]
    assert "is 8.7 words long (limit 8 words" in warning.message, warning.message


@pytest.mark.parametrize(
    "name, roman, question, asked",
    [
        ("Герман Эббингауз", "German Ebbingauz", "Что измерил Эббингауз?", True),
        ("Έμπινγκχαους Χέρμαν", "Hermann", "Τι μέτρησε ο Χέρμαν;", True),
        ("ヘルマン・エビングハウス", "Hermann Ebbinghaus", "エビングハウスは何を測った？", True),
        ("헤르만 에빙하우스", "Hermann Ebbinghaus", "에빙하우스는 무엇을 측정했나?", True),
        ("唐杰", "Tang Jie", "What did 杰 measure?", False),  # one Han character stands for no one
    ],
)
def test_a_short_name_in_any_alphabet_asks_about_the_speaker(tmp_path, name, roman, question, asked):
    people = f'[{{id: p, name: "{name}", roman: "{roman}"}}]'
    found, _ = lint_yaml(
        tmp_path, f'- {{q: "{question}", a: "Intelligence per resource"}}', people=people, speakers="[p]"
    )
    assert ("person-never-asked" not in {p.code for p in found}) == asked, [str(p) for p in found]


def test_tag_characters_are_exempt_only_inside_an_emoji_flag(tmp_path):
    """🏴 + 2 to 7 tag letters + the cancel tag is a flag; a longer run, or tags spelling hidden text with a
    space, are not (and the check stays linear in the run)."""
    hidden = "🏴" + "".join(chr(0xE0000 + ord(c)) for c in "hide me") + "\U000e007f"
    long_run = "🏴" + "\U000e0061" * 2000 + "\U000e007f"
    for answer, warned in (
        (hidden, True),
        (long_run, True),
        ("🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f", False),
    ):
        found, _ = lint_yaml(tmp_path, f'- {{q: "What does 智能效率 measure?", a: "Intelligence {answer}"}}')
        assert ("invisible-character" in {p.code for p in found}) == warned, answer.encode("unicode_escape")


def test_a_japanese_answer_with_kana_in_a_question_is_given_away(tmp_path):
    """An answer of kanji and kana (散乱する) or kana alone, written out in its own question or a sibling's, is a
    giveaway: the kana runs on into the question's particles, so kana are tokens one by one as Han characters
    are (breaker17 #7, after 3fb4b6f stopped reading a kanji word inside an answer as a key term)."""
    cards = """
        - {q: "空が散乱するのはなぜ？", a: 散乱する}
        - {q: "光が散乱するとどうなる？", a: 空が青く見える}
        - {q: "寝る前の挨拶は？", a: おやすみなさい}
        - {q: "おやすみなさいと言うのはいつ？", a: 寝る前}
    """
    claim = '"光は散乱する。空が青く見える。寝る前の挨拶はおやすみなさい。"'
    found, _ = lint_yaml(tmp_path, cards, claim=claim, zh=claim)
    codes = {(p.code, p.message.split(":")[0]) for p in found}
    assert ("answer-in-question", "note 'j1/qa/1'") in codes, codes
    assert ("sibling-giveaway", "note 'j1/qa/2'") in codes, codes  # 散乱する in the next question
    assert ("sibling-giveaway", "note 'j1/qa/4'") in codes, codes  # おやすみなさい in the next question
