"""``deckgen init``: a valid, lint-clean starter source with a fresh deck id, built and imported into real
Anki next to the shipped deck."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from deckgen.builds import build, check
from deckgen.cli import main
from deckgen.load import load_file
from deckgen.notes import generate
from deckgen.sourcevalues import readable_id
from deckgen.starter import fresh_deck_id, write_starter
from deckgen.state import Packaged

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def invoke(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def test_init_in_an_empty_folder_then_build_and_import_a_deck_of_its_own(tmp_path, monkeypatch, anki, cards_copy):
    folder = tmp_path / "mine"
    folder.mkdir()
    monkeypatch.chdir(folder)
    made = invoke("init", "--name", "Rust notes")
    assert made.exit_code == 0, made.output
    (source,) = (folder / "cards").glob("*.yaml")
    assert source.name == "rust-notes.yaml" and (folder / ".gitignore").read_text() == "dist/\npreview.html\n"
    deck_id = load_file(source).deck_id
    assert re.fullmatch(r"rust-notes-[0-9a-f]{8}", deck_id) and f"deck id {deck_id}" in made.output
    schema = folder / "schema" / "deckgen-source.schema.json"
    assert sorted(p.name for p in folder.iterdir()) == [".gitignore", "cards", "schema"]
    assert "Wrote schema/deckgen-source.schema.json" in made.output and schema.read_text() == invoke("schema").output

    checked = invoke("check", "--strict")
    assert checked.exit_code == 0 and "2 judgments, 5 notes, 0 warning(s)" in checked.output
    built = invoke("build")
    assert built.exit_code == 0, built.output
    package = folder / "dist" / f"{deck_id}.apkg"
    assert package.exists() and "warning" not in built.output

    # one card of each kind; into an Anki that holds the shipped deck, it only adds
    starter = build(load_file(source), dry_run=True)
    assert {n.spec.KIND for n in starter.notes} == {"qa", "concept", "list", "cloze"}
    shipped = build(load_file(cards_copy / "agi-next-2026.yaml"), output=tmp_path / "shipped.apkg")
    anki.import_apkg(shipped.output)
    log = anki.import_apkg(package)
    assert len(log.new) == len(starter.notes) == 5 and not log.updated and not log.duplicate
    assert deck_id != shipped.source.deck_id
    assert not {n.guid for n in starter.notes} & {n.guid for n in shipped.notes}
    assert anki.col.note_count() == len(shipped.notes) + 5
    assert anki.col.decks.id_for_name("Rust notes")


def test_two_inits_never_share_a_deck_id(tmp_path):
    ids = {write_starter(tmp_path / f"d{i}", name="Same name").deck_id for i in range(20)}
    assert len(ids) == 20 and all(i.startswith("same-name-") for i in ids)


def test_a_deck_id_this_machine_has_a_record_of_is_drawn_again(tmp_path):
    tokens = iter(["00000000", "00000000", "1234abcd"])
    Packaged.path_for("x-00000000").parent.mkdir(parents=True, exist_ok=True)
    Packaged.path_for("x-00000000").write_text("{}")
    assert fresh_deck_id("x", lambda n: next(tokens)) == "x-1234abcd"


@pytest.mark.parametrize(
    "name, expected",
    [("Rust Notes 2!", "rust-notes-2"), ("Café crème", "cafe-creme"), ("我的卡组", ""), ("a" * 60, "a" * 40)],
)
def test_readable_id(name, expected):
    assert readable_id(name) == expected
    assert readable_id("我的卡组", name) == expected  # a name that gives none: the next one is tried


def test_a_name_in_another_script_takes_the_folder_name_for_its_id_and_the_id_for_its_file(tmp_path):
    made = write_starter(tmp_path / "nihongo", name="日本語の単語", languages=["ja"])
    assert made.deck_id.startswith("nihongo-")
    assert made.source == tmp_path / "nihongo" / "cards" / f"{made.deck_id}.yaml"
    second = write_starter(tmp_path / "nihongo", name="記憶", languages=["ja"])  # another deck in the folder
    assert second.source != made.source and second.deck_id.startswith("nihongo-")
    assert write_starter(tmp_path / "日本語", name="日本語の単語").deck_id.startswith("deck-")  # neither gives one


@pytest.mark.parametrize(
    "languages", [["en"], ["zh"], ["zh,en"], ["en", "zh"], ["de"], ["fr"], ["es"], ["de,en"], ["zh-Hant", "en"], ["ja"]]
)
def test_the_starter_is_valid_and_lint_clean_in_any_language(tmp_path, languages):
    starter = write_starter(tmp_path, name="Deck", languages=languages)
    result = check([starter.source])
    assert result.errors == [] and result.warnings == 0
    (checked,) = result.sources
    source = checked.source
    assert ",".join(source.languages) == ",".join(languages) and checked.notes == 5


@pytest.mark.parametrize("in_the_way", [".gitignore", "schema/deckgen-source.schema.json"])
def test_a_folder_where_init_writes_a_file_is_refused_and_nothing_is_made(tmp_path, in_the_way):
    (tmp_path / in_the_way).mkdir(parents=True)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = invoke("init", str(tmp_path), "--name", "Deck")
    assert result.exit_code == 1
    assert result.output == (
        f"deckgen: error: {tmp_path / in_the_way}: is a folder, where deckgen writes a file; "
        "move or rename the folder\n"
    )
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("in_the_way", ["cards", "schema"])
def test_a_file_where_init_needs_a_folder_is_refused_and_nothing_is_made(tmp_path, in_the_way):
    (tmp_path / in_the_way).write_text("mine\n")
    result = invoke("init", str(tmp_path), "--name", "Deck")
    assert result.exit_code == 1
    assert f"deckgen: error: {tmp_path / in_the_way}: is a file, where deckgen needs a folder for " in result.output
    assert [p.name for p in tmp_path.iterdir()] == [in_the_way] and (tmp_path / in_the_way).read_text() == "mine\n"


def test_init_never_overwrites_a_source(tmp_path):
    first = invoke("init", str(tmp_path), "--name", "Deck")
    assert first.exit_code == 0
    (source,) = (tmp_path / "cards").glob("*.yaml")
    before = source.read_bytes()
    again = invoke("init", str(tmp_path), "--name", "Deck")
    assert again.exit_code == 1
    assert (
        again.output
        == f"deckgen: error: {source} exists already; nothing was written (give another --name, or another folder)\n"
    )
    assert source.read_bytes() == before and (tmp_path / ".gitignore").read_text() == "dist/\npreview.html\n"


@pytest.mark.parametrize(
    "existing, after, said",
    [
        ("node_modules/", "node_modules/\ndist/\npreview.html\n", "Added dist/, preview.html to"),
        ("*.pyc\ndist/\n", "*.pyc\ndist/\npreview.html\n", "Added preview.html to"),
        ("/dist\n*.html\n", "/dist\n*.html\n", None),
        ("preview.html\n", "preview.html\ndist/\n", "Added dist/ to"),
    ],
)
def test_init_adds_dist_to_an_existing_gitignore(tmp_path, existing, after, said):
    (tmp_path / ".gitignore").write_text(existing)
    result = invoke("init", str(tmp_path))
    assert result.exit_code == 0 and (tmp_path / ".gitignore").read_text() == after
    assert (said in result.output) if said else ".gitignore" not in result.output


def test_init_keeps_the_bytes_of_a_gitignore_that_is_not_utf8(tmp_path):
    """git reads .gitignore as bytes; a Latin-1 comment in it made init raise a traceback."""
    (tmp_path / ".gitignore").write_bytes(b"# caf\xe9\n*.pyc\n")
    result = invoke("init", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / ".gitignore").read_bytes() == b"# caf\xe9\n*.pyc\ndist/\npreview.html\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--language", "english"], "--language: 'english' is not a BCP 47 language tag"),
        (["--language", "en,de,fr"], "name one language or two"),
        (["--language", "en", "--language", "EN"], "each once"),
        (["--name", "A::::B"], "--name: deck name 'A::::B' has an empty part"),
        (["--name", "\x1b[31mred"], "--name: deck name '\\x1b[31mred' contains U+001B, a control or invisible"),
        (["--name", "a\x7fb"], "contains U+007F"),
        (["--name", "zero\u200bwidth"], "contains U+200B"),
        (["--name", "a\u202eb"], "contains U+202E"),
    ],
)
def test_init_usage_errors(tmp_path, args, message):
    result = invoke("init", str(tmp_path), *args)
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "cards").exists()


def test_what_build_and_a_default_preview_write_after_init_is_ignored_by_git(tmp_path, monkeypatch):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.fail("git is needed to check the .gitignore init writes")
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q"], check=True)
    assert invoke("init", "--name", "Birds").exit_code == 0
    assert invoke("build").exit_code == 0
    previewed = invoke("preview")
    assert previewed.exit_code == 0 and (tmp_path / "preview.html").is_file(), previewed.output

    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], capture_output=True, text=True, check=True
    )

    (ledger,) = (tmp_path / "cards").glob("*.ledger.json")  # the files to commit, and nothing else
    assert sorted(line[3:] for line in status.stdout.splitlines()) == [
        ".gitignore",
        f"cards/{ledger.name}",
        "cards/birds.yaml",
        "schema/deckgen-source.schema.json",
    ]


@pytest.mark.parametrize(
    "name", ["a\tb", "two\nlines", "no\u00a0break", "line\u2028separator", "  padded  ", "Ünïcödé ✓"]
)
def test_whatever_name_init_accepts_gives_a_starter_that_passes_check_strict(tmp_path, monkeypatch, name):
    assert invoke("init", str(tmp_path), "--name", name).exit_code == 0
    monkeypatch.chdir(tmp_path)
    checked = invoke("check", "--strict")
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("language", ["de", "fr", "es", "de-CH", "fr-CA", "es-419"])
def test_a_starter_in_a_language_deckgen_has_words_for_is_written_in_it(tmp_path, language):
    """deckgen's own words on the cards are German, French or Spanish there: the sample text under the key was
    English, which made cards such as "Von wem stammt the forgetting curve?" (newcomer7 #6)."""
    starter = write_starter(tmp_path, name="Deck", languages=[language])
    text = starter.source.read_text(encoding="utf-8")
    assert "Replace the sample text under" not in text
    notes = generate(load_file(starter.source))[0]
    english = {"the", "of", "how", "review", "memories", "answer"}
    words = {w for n in notes for w in re.findall(r"[a-z]+", f"{n.question} {n.answer}".lower())}
    assert not words & english, sorted(words & english)
