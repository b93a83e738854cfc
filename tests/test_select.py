"""Custom decks: selection rules, named decks, subdecks, and one note per GUID across decks."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from deckgen.builds import build
from deckgen.cli import main
from deckgen.errors import SelectionError
from deckgen.load import load_file
from deckgen.model import Selection
from deckgen.notes import generate
from deckgen.select import select
from deckgen.sourcevalues import normalize_deck_name

from conftest import SOURCE, edit


@pytest.fixture(scope="module")
def deck():
    source = load_file(SOURCE)
    return source, generate(source)[0]


def numbers(source, notes, **options) -> list[int]:
    return sorted({n.judgment.number for n in select(source, notes, Selection(**options))})


# Expected numbers come from the article's section headings (01 分化 = 1-7, 02 新范式 = 8-24 with 自主学习 8-19
# and 原生多模态 20-24, 03 Agent = 25-35, 04 全球 AI 竞赛 = 36-40) and from who the article names per judgment.
@pytest.mark.parametrize(
    "options, expected",
    [
        ({}, list(range(1, 41))),
        ({"themes": ("divergence",)}, list(range(1, 8))),
        ({"themes": ("new-paradigm",)}, list(range(8, 25))),
        ({"themes": ("self-learning",)}, list(range(8, 20))),
        ({"themes": ("multimodal", "global-race")}, [20, 21, 22, 23, 24, 36, 37, 38, 39, 40]),
        ({"themes": ("agent",)}, list(range(25, 36))),
        ({"speakers": ("yang-qiang",)}, [34]),
        ({"speakers": ("tang-jie",)}, [7, 8, 17]),
        ({"speakers": ("yang-qiang", "tang-jie")}, [7, 8, 17, 34]),
        ({"themes": ("new-paradigm",), "speakers": ("tang-jie",)}, [8, 17]),
        ({"judgments": ("12-17,25",)}, [12, 13, 14, 15, 16, 17, 25]),
        ({"judgments": ("1", "40")}, [1, 40]),
        ({"judgments": ("30-40",), "themes": ("agent",)}, [30, 31, 32, 33, 34, 35]),
        ({"tags": ("judgment::07",)}, [7]),
        ({"tags": ("theme",)}, list(range(1, 41))),
    ],
)
def test_selection_table(deck, options, expected):
    assert numbers(*deck, **options) == expected


@pytest.mark.parametrize(
    "options, message",
    [
        ({"themes": ("agnet",)}, "unknown theme 'agnet' (did you mean 'agent'?)"),
        ({"speakers": ("lin-junyan",)}, "unknown speaker 'lin-junyan' (did you mean 'lin-junyang'?)"),
        ({"tags": ("no-such-tag",)}, "no note has tag 'no-such-tag'"),
        ({"judgments": ("41",)}, "no judgment numbered 41"),
        ({"judgments": ("9-x",)}, "'9-x' is not a number or a range"),
        ({"judgments": ("17-12",)}, "runs backwards"),
        ({"judgments": ("٣",)}, "judgment '٣' is not a number"),  # an Arabic-Indic 3: int() would read it
        ({"judgments": ("1-" + "1" * 5000,)}, "judgment '1-" + "1" * 77 + "…' is too large"),
        ({"judgments": ("1-99999999999",)}, "too large; judgment numbers have at most 9 digits"),
        ({"themes": ("agent",), "speakers": ("yang-zhilin",)}, "matches no note"),
    ],
)
def test_bad_selections(deck, options, message):
    with pytest.raises(SelectionError) as err:
        select(*deck, Selection(**options))
    assert message in str(err.value)


@pytest.mark.parametrize(
    "judgments, message",
    [
        (("1-999999999",), "no judgment numbered 41-999999999; this source has 1-40"),
        (("30-2000000",), "no judgment numbered 41-2000000; this source has 1-40"),
        (("0,41,43,45,47,49,51-60",), "no judgment numbered 0, 41, 43, 45, 47 and 2 more; this source has 1-40"),
    ],
)
def test_missing_judgments_are_summarised_as_ranges(deck, judgments, message):
    with pytest.raises(SelectionError) as err:
        select(*deck, Selection(judgments=judgments))
    assert str(err.value) == message


def test_judgment_ranges_are_merged_not_expanded():
    assert Selection(judgments=("12-17,25", "16-18", "19", "1-999999999")).ranges() == [(1, 999999999)]
    assert Selection(judgments=("25, 12-17", "16-18", "20")).ranges() == [(12, 18), (20, 20), (25, 25)]


def test_a_tag_in_a_deck_label_makes_no_subdeck(deck):
    source, _ = deck
    selection = Selection(tags=("theme::agent", "editors-note"))
    assert selection.label(source) == "theme › agent + editors-note"
    assert "::" not in build(source, selection=selection, dry_run=True).deck_name


@pytest.mark.parametrize(
    "name, expected",
    [
        ("AGI-Next 2026 :: Agent", "AGI-Next 2026::Agent"),
        ("  A  B ::C", "A B::C"),
        ("A::::B", None),
        ("A::", None),
        ("::A", None),
        ("", None),
        ("A:::B", "A::B"),  # Anki trims ':' too
        (" :Memory: ", "Memory"),
        ("Default:", None),
        (":Default", None),
        ("Default :", None),
        ("A:: : ", None),
    ],
)
def test_deck_names(name, expected):
    if expected is None:
        with pytest.raises(ValueError):
            normalize_deck_name(name)
    else:
        assert normalize_deck_name(name) == expected


def test_theme_deck_then_full_deck_is_one_set_of_notes(cards_copy, tmp_path, anki, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = load_file(cards_copy / "agi-next-2026.yaml")
    theme = build(source, selection=Selection(themes=("agent",)))  # default output path
    assert theme.deck_name == "AGI-Next 2026 · Agent"
    assert theme.output.name == "agi-next-2026-agent.apkg"
    theme = build(source, selection=Selection(themes=("agent",)), output=tmp_path / "agent.apkg")
    full = build(source, output=tmp_path / "full.apkg")
    anki.import_apkg(theme.output)
    assert all("theme::agent" in note.tags for note in anki.notes())
    anki.import_apkg(full.output)
    assert anki.col.note_count() == len(full.notes)
    # cards imported with the theme deck stay there; the rest go to the full deck
    decks = Counter(anki.col.decks.name(anki.col.get_card(cid).did) for cid in anki.col.find_cards(""))
    assert decks["AGI-Next 2026 · Agent"] == theme.cards


def test_filtered_build_keeps_unselected_notes_in_ledger(cards_copy, tmp_path):
    source = load_file(cards_copy / "agi-next-2026.yaml")
    ledger_path = cards_copy / "agi-next-2026.ledger.json"
    before = json.loads(ledger_path.read_text(encoding="utf-8"))["notes"]
    result = build(source, selection=Selection(speakers=("yang-qiang",)), output=tmp_path / "yq.apkg")
    assert result.changes.removed == []
    assert result.changes.unchanged == len(result.notes) < len(before)
    after = json.loads(ledger_path.read_text(encoding="utf-8"))["notes"]
    assert after == before


def test_subdecks(cards_copy, tmp_path, anki):
    source = load_file(cards_copy / "agi-next-2026.yaml")
    result = build(source, subdecks=True, output=tmp_path / "sub.apkg")
    anki.import_apkg(result.output)
    names = {d.name for d in anki.col.decks.all_names_and_ids()}
    assert {
        "AGI-Next 2026::分化 Divergence",
        "AGI-Next 2026::新范式 New paradigm::自主学习 Self-learning",
        "AGI-Next 2026::Agent",
    } <= names
    (nid,) = anki.col.find_notes('"Key:zhipu-bets-on-coding/qa/2"')  # judgment 7, theme divergence
    card = anki.col.get_note(nid).cards()[0]
    assert anki.col.decks.name(card.did) == "AGI-Next 2026::分化 Divergence"


def test_the_deck_name_reported_is_the_one_anki_makes(cards_copy, tmp_path, anki):
    """Anki trims whitespace and ':' from each part of a deck name; deckgen names the deck as Anki will."""
    source = load_file(cards_copy / "agi-next-2026.yaml")
    result = build(source, name="Notes:::Drill : ", output=tmp_path / "drill.apkg")
    assert result.deck_name == "Notes::Drill"
    anki.import_apkg(result.output)
    (nid, *_) = anki.col.find_notes('"Key:zhipu-bets-on-coding/qa/2"')
    assert anki.col.decks.name(anki.col.get_note(nid).cards()[0].did) == result.deck_name


def test_shipped_named_decks_cover_themes_and_frequent_speakers(deck):
    source, _ = deck
    selected = [d.selection for d in source.decks]
    for theme in source.themes:
        assert Selection(themes=(theme.id,)) in selected, theme.id
    frequent = Counter(p for j in source.judgments for p in j.speakers)
    for person, count in frequent.items():
        if count >= 3:
            assert Selection(speakers=(person,)) in selected, person


def test_build_all(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    long_name = "AGI-Next 2026 · 唐杰 Tang Jie" + " and more" * 30  # wider than any terminal
    edit(cards_copy / "agi-next-2026.yaml", "name: AGI-Next 2026 · 唐杰 Tang Jie\n", f"name: {long_name}\n")
    result = CliRunner().invoke(main, ["build", "--all"])
    assert result.exit_code == 0, result.output
    source = load_file(cards_copy / "agi-next-2026.yaml")
    built = sorted(p.name for p in (cards_copy.parent / "dist").iterdir())
    assert built == sorted(["agi-next-2026.apkg", *(f"agi-next-2026-{d.key}.apkg" for d in source.decks)])
    assert "AGI-Next 2026 · 林俊旸 Lin Junyang" in result.output
    assert not set("━┃┏┡│└") & set(result.output)  # piped: plain columns, no box lines
    lines = result.output.splitlines()
    assert any(long_name in line and "agi-next-2026-tang-jie.apkg" in line for line in lines)  # one row, one line
    assert all(line == line.rstrip() for line in lines)


def test_subdecks_get_their_own_file_and_the_build_says_so(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    dist = cards_copy.parent / "dist"
    for args, file in [
        ([], "agi-next-2026.apkg"),
        (["--subdecks"], "agi-next-2026-subdecks.apkg"),
        (["--subdecks", "--theme", "agent"], "agi-next-2026-agent-subdecks.apkg"),
        (["--subdecks", "--deck", "lin-junyang"], "agi-next-2026-lin-junyang-subdecks.apkg"),
    ]:
        result = CliRunner().invoke(main, ["build", *args])
        assert result.exit_code == 0, result.output
        first = result.output.splitlines()[0]
        assert first.startswith(f"Wrote dist/{file}  (deck ")
        assert first.endswith(", a subdeck per theme)") == ("--subdecks" in args)
    assert sorted(p.name for p in dist.iterdir()) == sorted(
        [
            "agi-next-2026.apkg",
            "agi-next-2026-subdecks.apkg",
            "agi-next-2026-agent-subdecks.apkg",
            "agi-next-2026-lin-junyang-subdecks.apkg",
        ]
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--theme", "agnet"], "did you mean 'agent'?"),
        (["--theme", "agent", "--speaker", "yang-zhilin"], "matches no note"),
        (["--deck", "agnet"], "no deck 'agnet'"),
    ],
)
def test_cli_selection_errors_exit_1(cards_copy, monkeypatch, args, message):
    monkeypatch.chdir(cards_copy.parent)
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 1
    assert message in result.output
    assert not (cards_copy.parent / "dist").exists()


NAMED_DECKS = """\
decks:
  - key: agents
    name: Minimal::Agents
    select: {theme: [agent]}
  - key: typo
    name: Minimal::Typo
    select: {tag: [topic::agent]}
  - key: later
    name: Minimal::Later
    select: {judgment: "3-9"}
"""


def test_every_named_deck_selection_is_checked_and_nothing_is_written(tmp_path, monkeypatch):
    from conftest import ROOT

    src = tmp_path / "minimal.yaml"
    src.write_text(
        (ROOT / "tests" / "data" / "good" / "minimal.yaml").read_text(encoding="utf-8") + NAMED_DECKS, encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    for args in (["check", str(src)], ["build", "--all", str(src)], ["build", str(src)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert result.output.splitlines() == [
            f"{src}:51:13: decks[1].select: deck 'typo': no note has tag 'topic::agent' (did you mean "
            "'topic::agents'?); tags, most used first: minimal, theme::agent, judgment::02, speaker::yang-qiang, "
            "judgment::01, topic::agents, editors-note, speaker::tang-jie",
            f"{src}:54:13: decks[2].select: deck 'later': no judgment numbered 3-9; this source has 1-2",
            "deckgen: 2 error(s) in the sources" + ("" if args[0] == "check" else "; nothing was written"),
        ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal.yaml"]


@pytest.mark.parametrize(
    ("deck", "other"),
    [
        ("{key: agent, name: M::Later, select: {judgment: '2'}}", "--theme agent"),  # other notes than --theme
        ("{key: tang-jie, name: M::Two, select: {theme: [agent]}}", "--speaker tang-jie"),
        ("{key: tag-topic-agents, name: M::T, select: {judgment: '2'}}", "--tag topic-agents"),
        ("{key: topic-agents, name: M::T, select: {judgment: '2'}}", None),  # a tag's file name is tag-…
        ("{key: tag-topic-agents, name: M::T, select: {judgment: '2'}}", None),  # topic::agents: tag-topic--agents
        ("{key: j2, name: M::J, select: {theme: [agent]}}", "--judgment 2"),
        ("{key: agent, name: M::Agent, select: {theme: [agent]}}", None),  # the same notes: one file, no harm
        ("{key: tang-jie, name: M::TJ, select: {speaker: [tang-jie]}}", None),
        ("{key: j2, name: M::J, select: {judgment: '2'}}", None),
        ("{key: later, name: M::Later, select: {judgment: '2'}}", None),  # no build names its file 'later'
        ("{key: subdecks, name: M::S, select: {judgment: '2'}}", "--subdecks"),  # the full deck, a subdeck per theme
        ("{key: agent-subdecks, name: M::AS, select: {theme: [agent]}}", "--theme agent --subdecks"),
    ],
)
def test_a_deck_key_that_is_another_builds_file_name_with_other_notes_is_warned(tmp_path, monkeypatch, deck, other):
    from conftest import ROOT

    src = tmp_path / "minimal.yaml"
    minimal = (ROOT / "tests" / "data" / "good" / "minimal.yaml").read_text(encoding="utf-8")
    if other == "--tag topic-agents":
        minimal = minimal.replace("tags: [topic::agents]", "tags: [topic-agents]")
    src.write_text(f"{minimal}decks:\n  - {deck}\n", encoding="utf-8")
    key = deck.split(",")[0].split(": ")[1]
    result = CliRunner().invoke(main, ["check", "--strict", str(src)])
    if other is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1
    line = len(minimal.splitlines()) + 2
    assert (
        f"{src}:{line}:11: warning: decks[0].key: `build --deck {key}` and `build {other}` write the same file "
        "with different notes"
    ) in result.output
    # and it is so: both builds go to one file, and the second replaces the first
    monkeypatch.chdir(tmp_path)
    for args in (["--deck", key], other.split()):
        assert CliRunner().invoke(main, ["build", *args, str(src)]).exit_code == 0
    assert len(list((tmp_path / "dist").glob("*.apkg"))) == 1


def test_a_theme_named_only_by_colons_is_an_error_not_a_traceback(tmp_path, anki):
    head = "deck: {id: s, name: S}\npeople: []\njudgments:\n"
    judgment = '  - {id: j, number: 1, theme: t, zh: 一。, en: One., cards: [{q: "Which?", a: One}]}\n'
    bad = tmp_path / "bad.yaml"
    bad.write_text(head + judgment + 'themes: [{id: t, zh: ":", en: " : "}]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--subdecks", str(bad), "-o", str(tmp_path / "bad.apkg")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "themes[0]: the theme's name ':' is only spaces and ':'" in result.output, result.output
    good = tmp_path / "good.yaml"
    good.write_text(head + judgment + 'themes: [{id: t, zh: ":", en: "Memory:"}]\n', encoding="utf-8")
    built = build(load_file(good), subdecks=True, output=tmp_path / "good.apkg")
    anki.import_apkg(built.output)
    (nid,) = anki.col.find_notes("")
    assert anki.col.decks.name(anki.col.get_note(nid).cards()[0].did) == "S::Memory"


def test_a_deck_key_that_is_another_decks_subdecks_file_is_warned_whichever_comes_first(tmp_path):
    from conftest import ROOT

    src = tmp_path / "minimal.yaml"
    minimal = (ROOT / "tests" / "data" / "good" / "minimal.yaml").read_text(encoding="utf-8")
    decks = (
        "  - {key: later-subdecks, name: M::LS, select: {judgment: '2'}}\n"
        "  - {key: later, name: M::L, select: {judgment: '2'}}\n"
    )
    src.write_text(f"{minimal}decks:\n{decks}", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--strict", str(src)])
    assert result.exit_code == 1
    assert "decks[0].key: `build --deck later-subdecks` and `build --deck later --subdecks` write the same file" in (
        result.output
    )


def test_a_tag_selection_finds_what_anki_s_tag_search_finds(tmp_path, anki):
    """``--tag`` folds case as Anki's ``tag:`` search does (a case-insensitive regex: simple case folding), not
    in full: ``ss`` does not find ``ß``, nor ``fi`` ``ﬁ``; ``ẞ`` finds ``ß``."""
    from conftest import ROOT

    tags = ["ß", "ǅ", "ﬁ", "Straße::Ecke", "µm", "Meſſe", "ϐ", "ΟΔΟΣ"]
    minimal = (ROOT / "tests" / "data" / "good" / "minimal.yaml").read_text(encoding="utf-8")
    src = tmp_path / "minimal.yaml"
    src.write_text(minimal.replace("tags: [topic::agents]", f"tags: [{', '.join(tags)}]"), encoding="utf-8")
    source = load_file(src)
    notes, _ = generate(source)
    out = tmp_path / "t.apkg"
    build(source, output=out)
    anki.import_apkg(out)
    wanted_tags = ["ß", "ẞ", "ss", "SS", "ǆ", "Ǆ", "ﬁ", "fi", "straße", "STRASSE", "strasse"]
    for wanted in [*wanted_tags, "μm", "ΜM", "messe", "MESSE", "β", "οδοσ", "οδος", "ΟΔΟΣ"]:
        found = {anki.col.get_note(n)["Key"] for n in anki.col.find_notes(f"tag:{wanted}")}
        try:
            chosen = {n.key for n in select(source, notes, Selection(tags=(wanted,)))}
        except SelectionError:  # no note has the tag
            chosen = set()
        assert chosen == found, wanted


def test_sibling_themes_whose_names_differ_only_in_case_are_warned_about(tmp_path, anki):
    """Anki compares deck names without case (ß = SS): their subdecks would not stay two as built."""
    head = "deck: {id: s, name: S, languages: [en]}\npeople: []\n"
    themes = 'themes: [{id: a, en: "Intro"}, {id: b, en: "intro"}, {id: c, en: "Straße"}, {id: d, en: "STRASSE"}]\n'
    cards = "".join(
        f'  - {{id: j{i}, number: {i}, theme: {t}, en: "Claim {i}.", cards: [{{q: "Which {i}?", a: "A{i}"}}]}}\n'
        for i, t in enumerate("abcd", 1)
    )
    src = tmp_path / "s.yaml"
    src.write_text(head + themes + "judgments:\n" + cards, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--subdecks", str(src), "-o", str(tmp_path / "s.apkg")])
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if "in another case" in line]
    at = [themes.index("{id: b") + 1, themes.index("{id: d") + 1]
    assert [w[: w.index(" is '")] for w in warned] == [
        f"{src}:3:{at[0]}: warning: themes[1]: the theme's name 'intro'",
        f"{src}:3:{at[1]}: warning: themes[3]: the theme's name 'STRASSE'",
    ]
    anki.import_apkg(tmp_path / "s.apkg")
    assert sum(name.endswith("_") for name in anki.col.decks.all_names()) == 2  # what the warning says


def test_a_selection_in_a_build_of_several_sources_names_the_source_and_how_to_build_one(cards_copy, monkeypatch):
    from conftest import ROOT

    (cards_copy / "minimal.yaml").write_text(
        (ROOT / "tests" / "data" / "good" / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.chdir(cards_copy.parent)
    for command in (["build", "--dry-run"], ["list"], ["preview", "-o", "p.html"]):
        for args in (["--theme", "divergence"], ["--deck", "agent"]):
            result = CliRunner().invoke(main, [*command, *args])
            assert result.exit_code == 1
            assert result.output.startswith("deckgen: error: cards/minimal.yaml: "), result.output
            assert result.output.rstrip().endswith(
                "; a selection or --deck applies to every source given: name only the files that have it "
                "(cards/agi-next-2026.yaml)"
            ), result.output
            assert CliRunner().invoke(main, [*command, *args, "cards/agi-next-2026.yaml"]).exit_code == 0
        # a value no source has: the did-you-mean is the fix, not naming files (B12-7)
        for args in (
            ["--theme", "divergense"],
            ["--deck", "agnet"],
            ["--theme", "divergence", "--judgment", "99"],
        ):
            result = CliRunner().invoke(main, [*command, *args])
            assert result.exit_code == 1
            assert result.output.rstrip().endswith("; no other source given has it either"), result.output


def test_an_unknown_selection_value_is_quoted_clipped(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    for option in ("--theme", "--speaker", "--deck"):
        result = CliRunner().invoke(main, ["build", "--dry-run", option, "a" * 200])
        assert result.exit_code == 1 and "a" * 81 not in result.output and "a" * 60 in result.output, result.output


def test_a_deck_with_an_error_in_its_selection_gets_no_warning_about_its_file(tmp_path):
    from conftest import ROOT

    src = tmp_path / "minimal.yaml"
    minimal = (ROOT / "tests" / "data" / "good" / "minimal.yaml").read_text(encoding="utf-8")
    src.write_text(f"{minimal}decks:\n  - {{key: tang-jie, name: M::T, select: {{speakers: [tang-jie]}}}}\n")
    result = CliRunner().invoke(main, ["check", str(src)])
    assert result.exit_code == 1
    assert "unknown key 'speakers' (did you mean 'speaker'?)" in result.output
    assert "write the same file" not in result.output  # with the typo fixed, the selection is --speaker's own
