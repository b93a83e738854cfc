"""`deckgen list` in each format, checked against the library's notes and, for TSV, against Anki's importer."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import main
from deckgen.listing import INVENTORY_COLUMNS, RECORD_FIELDS
from deckgen.load import load_file
from deckgen.model import Selection
from deckgen.notes import card_count, generate, guid_for
from deckgen.select import MAX_LISTED_TAGS, select

from conftest import SHIPPED_Q, edit

DATA_GOOD = Path(__file__).resolve().parent / "data" / "good"

# A question with everything a TSV cell can trip on: a leading '#', double quotes, a tab, markup characters.
TRICKY_Q = '#1 "quoted", a<b & c;\tand a tab?'


@pytest.fixture
def in_project(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    return cards_copy.parent


@pytest.fixture
def notes(cards_copy):
    source = load_file(cards_copy / "agi-next-2026.yaml")
    return source, generate(source)[0]


def run(*args):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_json_lists_every_note_with_its_identity(in_project, notes):
    source, all_notes = notes
    records = json.loads(run("list", "--format", "json"))
    assert [r["key"] for r in records] == [n.key for n in all_notes]
    assert all(tuple(r) == RECORD_FIELDS for r in records)
    for rec, note in zip(records, all_notes, strict=True):
        assert rec["guid"] == note.guid == guid_for(source.deck_id, rec["key"])
        assert (rec["kind"], rec["note_type"]) == (note.spec.KIND, note.note_type.name)
        assert (rec["judgment"], rec["theme"]) == (note.judgment.number, note.judgment.theme)
        assert (rec["question"], rec["answer"], rec["tags"]) == (note.question, note.answer, list(note.tags))
        assert rec["speakers"] == list(note.speakers) and rec["cards"] == card_count(note)


def test_json_honours_the_selection_options(in_project, notes):
    _, all_notes = notes
    records = json.loads(run("list", "--format", "json", "--theme", "new-paradigm", "--judgment", "12-20"))
    expected = [
        n.key
        for n in all_notes
        if n.judgment.theme in {"new-paradigm", "self-learning", "multimodal"} and 12 <= n.judgment.number <= 20
    ]
    assert expected and [r["key"] for r in records] == expected


def test_csv_has_a_header_and_one_row_per_note(in_project, notes):
    _, all_notes = notes
    rows = list(csv.DictReader(io.StringIO(run("list", "--format", "csv"))))
    assert len(rows) == len(all_notes)
    assert tuple(rows[0]) == RECORD_FIELDS
    for row, note in zip(rows, all_notes, strict=True):
        assert row["guid"] == note.guid and row["question"] == note.question
        assert row["tags"].split() == list(note.tags) and row["speakers"].split() == list(note.speakers)


def test_what_word_notes_is_the_default(in_project):
    assert run("list", "notes", "cards", "--format", "json") == run("list", "--format", "json")


def test_piped_table_is_one_plain_line_per_note(in_project, notes):
    _, all_notes = notes
    lines = run("list", "--speaker", "tang-jie").splitlines()
    chosen = [n for n in all_notes if "tang-jie" in n.speakers]
    assert len(lines) == len(chosen)
    for line, note in zip(lines, chosen, strict=True):
        assert note.key in line and line.endswith(f"{note.question} → {note.answer}")
    assert not any(ch in "".join(lines) for ch in "┃│━─\x1b")  # no box drawing, no colour codes


def on_a_terminal(folder, *args: str, columns: int = 150) -> str:
    """Run the real command with its stdout on a pseudo-terminal ``columns`` wide, as a person typing it
    would; return what it drew, colour codes removed."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "50", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen", *args], cwd=folder, stdout=slave, stderr=subprocess.PIPE, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    return re.sub(r"\x1b\[[0-9;]*m", "", b"".join(chunks).decode("utf-8"))


def test_table_in_a_terminal_is_a_rich_table(cards_copy):
    screen = on_a_terminal(cards_copy.parent, "list", "--theme", "agent")
    source = load_file(cards_copy / "agi-next-2026.yaml")
    agent = [n for n in generate(source)[0] if n.judgment.theme == "agent"]
    assert f"AGI-Next 2026 · Agent — {len(agent)} notes, {sum(map(card_count, agent))} cards" in screen
    assert "┃" in screen or "│" in screen  # box drawing: a table, not the piped lines
    assert "Question" in screen and "Answer" in screen


@pytest.mark.parametrize("columns", [80, 100, 120, 160])
def test_the_key_column_never_wraps_a_key(cards_copy, notes, columns):
    """The README says to copy keys from this table: each key stays whole on one line, the other columns
    fold instead; in a terminal too narrow for a Key column beside readable questions (keys of 53 cells), the
    key has a line of its own under the answer, and each question still reads in lines, not a letter a line
    (newcomer7 #2), nor a word a line beside a Key column (newcomer8 #6: 120 columns)."""
    screen = on_a_terminal(cards_copy.parent, "list", columns=columns)
    header = next(line for line in screen.splitlines() if "Question" in line)
    question = next(cell for cell in header.split("┃") if "Question" in cell)
    assert "Key" not in header.replace("Question · Answer · Key", "") or len(question) >= 30, header
    cells = {cell.strip() for line in screen.splitlines() for cell in re.split("[│┃]", line)}
    _, all_notes = notes
    assert [n.key for n in all_notes if n.key not in cells] == []
    assert max(len(line) for line in screen.splitlines()) <= columns
    starts = [n.question[:12] for n in all_notes if n.question[:12].isascii()]
    assert starts and [s for s in starts if not any(s in cell for cell in cells)] == []


@pytest.mark.parametrize("columns", [12, 20, 39])
def test_a_terminal_too_narrow_for_a_table_gets_the_plain_lines(cards_copy, notes, columns):
    """Under 40 columns a table showed only its # and Kind columns, or a letter a line (breaker16 #10): the
    plain lines of a pipe, which the terminal wraps, keep every key and question whole."""
    screen = on_a_terminal(cards_copy.parent, "list", columns=columns)
    _, all_notes = notes
    assert "┃" not in screen and "│" not in screen
    joined = screen.replace("\n", "")  # the terminal's own wrapping: a line continues on the next
    assert [n.key for n in all_notes if n.key not in joined] == []
    assert [n.question for n in all_notes if n.question.isascii() and n.question not in joined] == []


@pytest.mark.parametrize("what", ["themes", "people", "decks", "tags"])
def test_an_inventory_keeps_the_ids_a_user_types_whole(cards_copy, what):
    """At 40 to 79 columns `list themes` cut ids to `dive…` (breaker17 #9): ids, keys and tags are what a user
    types back into --theme, --speaker, --deck and --tag, so they stay whole, on one line."""
    from deckgen.listing import list_inventory

    rows = list_inventory([cards_copy], what).rows
    column = next(c for c in ("id", "key", "tag") if c in rows[0])
    screen = on_a_terminal(cards_copy.parent, "list", what, columns=50)
    cells = {cell.strip() for line in screen.splitlines() for cell in re.split("[│┃]", line)}
    assert [r[column] for r in rows if r[column] not in cells] == []


def test_tsv_imports_into_anki_with_guids_fields_tags_and_decks(cards_copy, imported, tmp_path):
    """Anki's own text importer reads the TSV using only the file's headers; every note comes back intact.

    The collection first gets deckgen's note types from the package import; the notes and decks that import
    made are removed so that the TSV's rows are all new notes.
    """
    from anki.collection import ImportCsvRequest

    yaml = cards_copy / "agi-next-2026.yaml"
    edit(yaml, SHIPPED_Q, json.dumps(TRICKY_Q, ensure_ascii=False))
    source = load_file(yaml)
    all_notes = generate(source)[0]
    assert any(n.question == TRICKY_Q for n in all_notes)
    _, _, anki, _ = imported
    anki.col.remove_notes(anki.col.find_notes(""))
    anki.col.decks.remove([d.id for d in anki.col.decks.all_names_and_ids() if d.name != "Default"])

    tsv = tmp_path / "notes.txt"
    result = CliRunner().invoke(main, ["list", str(yaml), "--format", "tsv"])
    assert result.exit_code == 0, result.output
    tsv.write_text(result.output, encoding="utf-8")
    metadata = anki.col.get_csv_metadata(str(tsv), None)
    log = anki.col.import_csv(ImportCsvRequest(path=str(tsv), metadata=metadata)).log
    assert (len(log.new), len(log.missing_notetype), len(log.conflicting)) == (len(all_notes), 0, 0)

    for note in all_notes:
        got = anki.note_by_key(note.key)
        assert got.guid == note.guid
        assert got.note_type()["id"] == note.note_type.id
        assert tuple(got.fields) == note.fields
        assert sorted(got.tags) == sorted(note.tags)
        assert {anki.col.decks.name(c.did) for c in got.cards()} == {"AGI-Next 2026"}
        assert len(got.cards()) == card_count(note)

    again = anki.col.import_csv(ImportCsvRequest(path=str(tsv), metadata=metadata)).log
    assert len(again.new) == 0 and len(again.duplicate) == len(all_notes)  # matched by GUID, not added twice


def test_tsv_needs_deckgens_note_types_in_the_collection(in_project, anki, tmp_path):
    """What the help text says: in a collection without deckgen's note types every row is refused."""
    from anki.collection import ImportCsvRequest

    tsv = tmp_path / "notes.txt"
    tsv.write_text(run("list", "--format", "tsv", "--judgment", "1-3"), encoding="utf-8")
    log = anki.col.import_csv(ImportCsvRequest(path=str(tsv), metadata=anki.col.get_csv_metadata(str(tsv), None))).log
    assert len(log.new) == 0 and len(log.missing_notetype) > 0


def test_unknown_selection_is_an_error_not_an_empty_list(in_project):
    result = CliRunner().invoke(main, ["list", "--theme", "agnet"])
    assert result.exit_code == 1
    assert "unknown theme 'agnet' (did you mean 'agent'?)" in result.output


def test_unknown_format_is_a_usage_error(in_project):
    assert CliRunner().invoke(main, ["list", "--format", "xml"]).exit_code == 2


def test_list_help_mentions_every_format():
    out = run("list", "--help")
    assert all(f in out for f in ("table", "json", "csv", "tsv"))


@pytest.mark.parametrize("what, option", [("themes", "--theme"), ("people", "--speaker"), ("decks", "--deck")])
def test_list_inventory_counts_match_what_build_selects(in_project, what, option):
    rows = json.loads(run("list", what, "--format", "json"))
    assert rows
    for row in rows:
        ident = row.get("id") or row["key"]
        result = CliRunner().invoke(main, ["build", option, ident, "--dry-run"])
        assert result.exit_code == 0, result.output
        assert f"  {row['notes']} notes," in result.output, (ident, result.output)


def test_list_inventory_plain_and_csv(in_project):
    plain = run("list", "people").splitlines()
    assert plain[0].split() == ["deck", "id", "name", "roman", "affiliation", "judgments", "notes"]
    assert any("lin-junyang" in line and "Qwen" in line for line in plain)
    rows = list(csv.DictReader(io.StringIO(run("list", "themes", "--format", "csv"))))
    assert {r["id"]: r["parent"] for r in rows}["self-learning"] == "new-paradigm"


@pytest.mark.parametrize("what", ["themes", "people", "tags", "decks"])
def test_list_inventory_csv_and_tsv_have_a_header_even_without_rows(in_project, what):
    """The header is each inventory's columns; with no rows (a source without named decks) it is still there,
    so that a script reading by the header tells "none" from a failed call."""
    rows = json.loads(run("list", what, "--format", "json"))
    assert rows and all(list(row) == list(INVENTORY_COLUMNS[what]) for row in rows)
    if what == "decks":  # the same source without its named decks
        source = in_project / "cards" / "agi-next-2026.yaml"
        text = source.read_text(encoding="utf-8")
        source.write_text(text[: text.index("\ndecks:")] + text[text.index("\njudgments:") :], encoding="utf-8")
        assert json.loads(run("list", what, "--format", "json")) == []
        assert run("list", what) == "no named decks in the sources (a source's decks: section defines them)\n"
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        lines = run("list", what, "--format", fmt).splitlines()
        assert lines[0].split(delimiter) == list(INVENTORY_COLUMNS[what])
        assert len(lines) == 1 + (0 if what == "decks" else len(rows))


def test_list_inventory_rejects_selection_options(in_project):
    result = CliRunner().invoke(main, ["list", "people", "--theme", "agent"])
    assert result.exit_code == 2


UNLUCKY = '#1 "quoted"\ta tab,\rCR, \r\nCRLF and\nnewline; =1+1'
"""Source text with everything a TSV cell can trip on (typed in YAML as escapes in double quotes)."""


@pytest.mark.parametrize("markup", ["text", "markdown"])
def test_every_cell_survives_anki_s_text_import(tmp_path, anki, markup):
    """Every field of every note, and the deck name, come back from Anki's own text import exactly as
    deckgen made them: carriage returns, tabs, quotes, line breaks, a leading '#'."""
    from anki.collection import ImportCsvRequest

    text = (DATA_GOOD / "minimal.yaml").read_text(encoding="utf-8")
    typed = json.dumps(UNLUCKY)
    for old in (
        "name: Minimal",
        "en: The first judgment.",
        "a: 唐杰",
        'means: "intelligence efficiency"',
        "en: Agents",
    ):
        text = text.replace(old, old.split(":")[0] + ": " + typed, 1)
    text = text.replace('"The first judgment is about {{c1::agents}}."', json.dumps("{{c1::a\tb}} " + UNLUCKY))
    text = text.replace("deck:\n", f"deck:\n  markup: {markup}\n", 1)
    yaml = tmp_path / "unlucky.yaml"
    yaml.write_text(text, encoding="utf-8")
    notes = generate(load_file(yaml))[0]
    assert CliRunner().invoke(main, ["build", str(yaml), "-o", str(tmp_path / "u.apkg")]).exit_code == 0
    anki.import_apkg(tmp_path / "u.apkg")  # brings the note types
    decks = {anki.col.decks.name(anki.col.get_card(c).did) for c in anki.col.find_cards("")}
    anki.col.remove_notes(anki.col.find_notes(""))
    tsv = tmp_path / "notes.txt"
    tsv.write_text(run("list", str(yaml), "--format", "tsv"), encoding="utf-8")
    metadata = anki.col.get_csv_metadata(str(tsv), None)
    log = anki.col.import_csv(ImportCsvRequest(path=str(tsv), metadata=metadata)).log
    assert (len(log.new), len(log.missing_notetype)) == (len(notes), 0)
    for note in notes:
        got = anki.note_by_key(note.key)
        assert tuple(got.fields) == note.fields
        assert {anki.col.decks.name(c.did) for c in got.cards()} == decks  # the same deck as the package's


def test_the_tsv_needs_a_package_with_both_note_types_first(cards_copy, tmp_path, anki, in_project):
    """What the README says: an .apkg import brings only the note types its notes use."""
    from anki.collection import ImportCsvRequest

    tsv = tmp_path / "notes.txt"
    tsv.write_text(run("list", "--format", "tsv"), encoding="utf-8")
    metadata = anki.col.get_csv_metadata(str(tsv), None)
    cloze_rows = sum(n.note_type.is_cloze for n in generate(load_file(cards_copy / "agi-next-2026.yaml"))[0])
    run("build", "--judgment", "1", "-o", str(tmp_path / "qa-only.apkg"))
    anki.import_apkg(tmp_path / "qa-only.apkg")
    log = anki.col.import_csv(ImportCsvRequest(path=str(tsv), metadata=metadata)).log
    assert len(log.missing_notetype) == cloze_rows > 0
    run("build", "-o", str(tmp_path / "full.apkg"))
    anki.import_apkg(tmp_path / "full.apkg")
    log = anki.col.import_csv(ImportCsvRequest(path=str(tsv), metadata=metadata)).log
    assert len(log.missing_notetype) == 0


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(in_project, cards_copy):
    yaml = cards_copy / "agi-next-2026.yaml"
    formula = '=HYPERLINK("http://x.invalid","click")?'
    edit(yaml, SHIPPED_Q, json.dumps(formula))
    rows = list(csv.DictReader(io.StringIO(run("list", "--format", "csv"))))
    assert [r["question"] for r in rows if "HYPERLINK" in r["question"]] == ["'" + formula]
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for k, v in r.items() if k != "guid")
    assert formula in [r["question"] for r in json.loads(run("list", "--format", "json"))]  # JSON: as typed


def test_csv_keeps_a_guid_that_begins_like_a_formula_exact(in_project, cards_copy):
    """A script joins the CSV's guid column with a collection's notes: about one GUID in a thousand begins with
    one of - + = @, and a ' before it matched no note."""
    yaml = cards_copy / "agi-next-2026.yaml"
    deck_id = load_file(yaml).deck_id
    key = next(
        k for k in (f"probe-{i}" for i in range(100_000)) if guid_for(deck_id, k).startswith(("-", "+", "=", "@"))
    )
    edit(yaml, "id: intelligence-efficiency/concept/1/who", f"id: {key}")
    rows = list(csv.DictReader(io.StringIO(run("list", "--format", "csv"))))
    assert [r["guid"] for r in rows if r["key"] == key] == [guid_for(deck_id, key)]


def test_list_tags_counts_what_each_tag_selects(in_project, notes):
    source, all_notes = notes
    rows = json.loads(run("list", "tags", "--format", "json"))
    assert [r["tag"] for r in rows] == sorted({t for n in all_notes for t in n.tags})
    for row in rows:
        chosen = select(source, all_notes, Selection(tags=(row["tag"],)))
        assert (row["notes"], row["judgments"]) == (len(chosen), len({n.judgment.number for n in chosen})), row
    assert {"deck": "agi-next-2026", "tag": "agi-next-2026", "judgments": 40, "notes": len(all_notes)} in rows


def test_a_tags_count_includes_its_child_tags(in_project):
    source = in_project / "cards" / "agi-next-2026.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(
        text.replace("    cards:\n", "    tags: [topic, topic::agents]\n    cards:\n", 1), encoding="utf-8"
    )
    rows = {r["tag"]: r for r in json.loads(run("list", "tags", "--format", "json"))}
    assert rows["topic"]["notes"] == rows["topic::agents"]["notes"] > 0
    source.write_text(text.replace("    cards:\n", "    tags: [topic::agents]\n    cards:\n", 1), encoding="utf-8")
    rows = {r["tag"]: r for r in json.loads(run("list", "tags", "--format", "json"))}
    assert "topic" not in rows  # only tags a note has; --tag topic still selects topic::agents


def test_list_deck_lists_a_named_decks_notes_under_its_name(in_project, notes):
    source, all_notes = notes
    deck = next(d for d in source.decks if d.key == "lin-junyang")
    records = json.loads(run("list", "--deck", "lin-junyang", "--format", "json"))
    assert [r["key"] for r in records] == [n.key for n in select(source, all_notes, deck.selection)]
    tsv = run("list", "--deck", "lin-junyang", "--format", "tsv").split("\n", 7)[7]
    rows = list(csv.reader(io.StringIO(tsv), delimiter="\t"))
    assert rows and {row[1] for row in rows} == {deck.name}


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["list", "--deck", "agnet"], 1, "no deck 'agnet' in cards/agi-next-2026.yaml (did you mean 'agent'?)"),
        (["list", "--deck", "agent", "--theme", "agent"], 2, "a named deck (--deck) brings its own selection"),
        (["list", "themes", "--deck", "agent"], 2, "apply to listing notes, not themes"),
        (["preview", "--deck", "agnet"], 1, "no deck 'agnet'"),
        (["preview", "--deck", "agent", "--speaker", "tang-jie"], 2, "brings its own selection"),
    ],
)
def test_deck_option_errors(in_project, args, code, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == code
    assert message in result.output
    assert not (in_project / "preview.html").exists()


def test_an_unknown_tag_lists_the_known_ones_most_used_first(in_project, notes):
    _, all_notes = notes
    uses = Counter(t for n in all_notes for t in n.tags)
    result = CliRunner().invoke(main, ["list", "--tag", "cost"])
    assert result.exit_code == 1
    listed = re.search(r"tags, most used first: (.*) and (\d+) more; deckgen list tags lists all", result.output)
    shown = listed.group(1).split(", ")
    assert len(shown) == MAX_LISTED_TAGS and int(listed.group(2)) == len(uses) - MAX_LISTED_TAGS
    assert shown[0] == "agi-next-2026" and [uses[t] for t in shown] == sorted((uses[t] for t in shown), reverse=True)
