"""The published JSON Schema of the source format (``deckgen schema``, ``schema/deckgen-source.schema.json``):
it is a valid draft 2020-12 schema, it accepts every source deckgen accepts among the fixtures, the README's
examples and ``deckgen init``'s starters, it rejects the fixtures whose fault is structural, its patterns for
language tags and labels agree with the loader's checks, the committed file is what the command prints, the
shipped source and the starters name it, and the README's key reference is made from it.

Sources are read with ``yaml.safe_load`` and validated by the ``jsonschema`` package. safe_load turns a date
(``2026-01-10``) into a ``datetime.date`` and ``!!binary`` into bytes, neither of which JSON has; they are
compared as their text, which is what an editor's YAML parser and deckgen's loader both see.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from deckgen.cli import main
from deckgen.errors import SourceError
from deckgen.labels import DEFAULTS, PLACEHOLDERS, label_problem
from deckgen.languages import tag_problem
from deckgen.load import load_file
from deckgen.schema import LANGUAGE_TAG_PATTERN, MODELINE, SECTIONS, source_schema
from deckgen.starter import write_starter

from conftest import CARDS, ROOT, SOURCE

DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
SCHEMA_FILE = ROOT / "schema" / "deckgen-source.schema.json"
README = (ROOT / "README.md").read_text(encoding="utf-8")

STRUCTURAL = {
    "alias-bomb-keys": "judgments with 300 unknown keys and no required one",
    "card-kind-key-typo": "a card with question: for q:, so no kind's keys",
    "context-unknown": "context: editor, not one of claim, editors",
    "empty": "no document, so no mapping",
    "empty-answer": "a required text that is blank",
    "empty-question": "a required text that is empty",
    "file-is-a-list": "the document is a list",
    "file-is-a-scalar": "the document is a scalar",
    "ids-missing-twice": "required keys missing",
    "invalid-id": "an id that is no slug",
    "items-as-text": "text where a list card's items belong",
    "list-card-one-item": "a list card with one item",
    "list-for-text": "a list where text belongs",
    "many-problems": "among others, a list where text belongs",
    "mapping-for-list": "a mapping where a list belongs",
    "mapping-for-text": "a mapping where text belongs",
    "markup-unknown": "markup: markdwn",
    "missing-required-key": "a required key missing",
    "named-deck-empty-selection": "select: {theme: []}",
    "named-deck-select-empty": "select: {}",
    "named-deck-select-list": "select: [agent]",
    "named-deck-select-typo": "select: {themes: [agent]}",
    "null-answer": "a required text that is null",
    "null-name": "a required text that is null",
    "number-not-a-number": "number: one",
    "number-unicode-digit": "number: ²",
    "only-comments": "no document, so no mapping",
    "reverse-not-boolean": "reverse: maybe",
    "text-for-list": "text where a list belongs",
    "two-card-kinds": "a card with both cloze and q",
    "unknown-key-typo": "an unknown key (speker)",
    "unknown-top-level-key": "an unknown key (judgement) and so a missing one (judgments)",
}
"""Bad fixtures the schema rejects, with what is wrong in their structure."""

BEYOND_THE_SCHEMA = {
    "alias-bomb-text": "its size once aliases are expanded",
    "binary-tag": "a YAML tag (!!binary), which the loader refuses",
    "card-id-is-a-default-key": "an id that another card has as its key",
    "card-kind-key-twice": "a card's q: twice, which safe_load reads as one",
    "cloze-c0": "cloze syntax",
    "cloze-empty-deletion": "cloze syntax",
    "cloze-nested": "cloze syntax",
    "cloze-one-brace": "cloze syntax",
    "cloze-unclosed": "cloze syntax",
    "cloze-one-colon": "cloze syntax",
    "cloze-capital-c": "cloze syntax",
    "cloze-number-absurd": "cloze syntax",
    "cloze-number-too-large": "cloze syntax",
    "cloze-numbering-gap": "cloze numbering (a warning)",
    "cloze-without-deletions": "cloze syntax",
    "control-character-escape": "a control character inside text",
    "deck-name-empty-part": "an empty part between :: in a deck name",
    "deck-name-invisible": "a deck name of only invisible characters",
    "duplicate-card-id": "uniqueness",
    "duplicate-deck-key": "uniqueness",
    "duplicate-judgment-id": "uniqueness",
    "duplicate-number": "uniqueness",
    "duplicate-person-id": "uniqueness",
    "duplicate-theme-id": "uniqueness",
    "duplicate-yaml-key": "a key twice in one mapping, which safe_load reads as one",
    "editors-context-without-note": "context: editors needs the judgment's editors_note (two values)",
    "image-folder": "the image file",
    "image-missing": "the image file",
    "image-not-an-image": "the image file",
    "image-outside-folder": "the image file",
    "merge-key": "a merge key (<<), which safe_load expands and the loader refuses",
    "named-deck-matches-nothing": "what the selection matches",
    "named-deck-no-such-judgment": "what the selection matches",
    "named-deck-unknown-tag": "what the selection matches",
    "named-deck-unknown-theme": "a reference",
    "no-judgment-has-cards": "the document as a whole",
    "tag-empty-part": "an empty part between :: in a tag",
    "tag-with-spaces": "spaces in a tag (a warning)",
    "theme-name-with-separator": ":: in a theme's name",
    "theme-name-invisible": "a theme's name of only invisible characters",
    "unknown-person": "a reference",
    "unknown-person-in-by": "a reference",
    "unknown-theme": "a reference",
    "utf16-bom": "the file's encoding (safe_load reads UTF-16, deckgen asks for UTF-8)",
}
"""Bad fixtures whose fault the schema cannot see (it accepts them); the loader, the notes or the build find
it, with a located message."""

VALID = ("bom-crlf", "html-in-text", "unicode-tags", "yaml11-traps")
"""Fixtures in bad/ that look dangerous but are valid sources."""

NOT_VALIDATED = {
    "alias-bomb": "a billion laughs: a validator walks the millions of values its aliases expand to (minutes), "
    "while deckgen refuses it within milliseconds (test_bad_input.py)",
}
"""Fixtures the schema is not asked about, and why."""

NOT_YAML = (
    "cloze-unquoted",
    "colon-in-plain-text",
    "colon-in-wrapped-text",
    "control-character-raw",
    "custom-tag",
    "invalid-utf8",
    "key-indented-too-deep",
    "language-key-indented-too-deep",
    "number-too-large",  # a 4,000-digit integer: Python refuses to convert it
    "python-object-tag",
    "tab-indentation",
    "quote-inside-double-quotes",
    "quote-inside-single-quotes",
    "two-documents",
    "unclosed-brace",
    "unclosed-bracket",
    "unclosed-quote",
    "utf16-le-no-bom",
)
"""Fixtures that ``yaml.safe_load`` refuses, so no schema ever sees them."""


@pytest.fixture(scope="module")
def validator():
    schema = source_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def as_json(value, seen=None):
    """safe_load's value as JSON data: dates and bytes become their text; shared values (aliases) stay shared,
    so that an alias bomb is not expanded here."""
    seen = {} if seen is None else seen
    if id(value) in seen:
        return seen[id(value)]
    if isinstance(value, dict):
        out = seen[id(value)] = {}
        out.update((str(k), as_json(v, seen)) for k, v in value.items())
        return out
    if isinstance(value, list):
        out = seen[id(value)] = []
        out.extend(as_json(v, seen) for v in value)
        return out
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def document(path: Path):
    return as_json(yaml.safe_load(path.read_bytes()))


def readme_yaml(heading: str) -> dict:
    """The first YAML block after ``heading`` in the README."""
    return yaml.safe_load(re.search(rf"{re.escape(heading)}.*?```yaml\n(.*?)```", README, re.S).group(1))


def errors(validator, doc) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(doc)]


def test_every_bad_fixture_is_classified():
    classified = [*STRUCTURAL, *BEYOND_THE_SCHEMA, *VALID, *NOT_VALIDATED, *NOT_YAML]
    assert len(classified) == len(set(classified))
    assert sorted(classified) == sorted(p.stem for p in BAD.glob("*.yaml"))


GOOD = [*sorted((DATA / "good").glob("*.yaml")), *sorted(CARDS.glob("*.yaml")), *(BAD / f"{n}.yaml" for n in VALID)]


@pytest.mark.parametrize("path", GOOD, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_schema_accepts_every_good_source(validator, path):
    load_file(path)  # deckgen accepts it
    assert errors(validator, document(path)) == []


def test_the_schema_accepts_the_readmes_examples(validator):
    example = readme_yaml("## Source format")
    named = readme_yaml("Named decks live in the source:")
    assert set(named) == {"decks"}
    assert errors(validator, {**example, **named}) == []
    english = readme_yaml("### Languages")
    assert english["deck"]["languages"] == ["en"]
    assert errors(validator, english) == []


STARTER_LANGUAGES = [
    *([tag] for tag in DEFAULTS),
    ["zh", "en"],
    ["en", "zh"],
    ["zh-Hant", "en"],
    ["de", "fr"],
    ["ja"],  # no labels of its own: the starter sets every label, in English
    ["pt-BR", "en"],
]
"""Every language deckgen has labels for, alone, some pairs, and languages it has none for."""


@pytest.mark.parametrize("languages", STARTER_LANGUAGES, ids=",".join)
def test_the_schema_accepts_every_starter_and_init_writes_the_schema_it_names(validator, tmp_path, languages):
    starter = write_starter(tmp_path, "My deck", languages)
    load_file(starter.source)  # deckgen accepts it
    assert errors(validator, document(starter.source)) == []
    first = starter.source.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE == SOURCE.read_text(encoding="utf-8").splitlines()[0]
    named = (starter.source.parent / first.partition("$schema=")[2]).resolve()
    assert named == starter.schema.resolve() and starter.schema_action == "written"
    assert starter.schema.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")


def test_init_keeps_the_schema_file_when_it_is_current_and_replaces_a_stale_one(tmp_path):
    first = write_starter(tmp_path, "One")
    assert write_starter(tmp_path, "Two").schema_action == "kept"
    first.schema.write_text('{"title": "deckgen source", "type": "object"}\n', encoding="utf-8")  # an older one
    result = CliRunner().invoke(main, ["init", str(tmp_path), "--name", "Three"])
    assert result.exit_code == 0, result.output
    assert f"Updated {first.schema}" in result.output
    assert first.schema.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize("theirs", ['{"my": "schema"}\n', "not json\n", '["deckgen source"]\n'])
def test_init_refuses_to_replace_a_schema_file_that_is_not_deckgens(tmp_path, theirs):
    schema = tmp_path / "schema" / "deckgen-source.schema.json"
    schema.parent.mkdir()
    schema.write_text(theirs, encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path), "--name", "Mine"])
    assert result.exit_code == 1 and "exists and is not deckgen's schema" in result.output, result.output
    assert schema.read_text(encoding="utf-8") == theirs and sorted(os.listdir(tmp_path)) == ["schema"]


TAGS = [
    "en",
    "zh",
    "zh-Hant",
    "pt-BR",
    "sr-Latn",
    "es-419",
    "de-CH-1901",
    "en-u-nu-latn",
    "x",
    "english",
    "zh_CN",
    "id",
    "ID",
    "id-ID",
    "en-",
    "a1",
    "cmn-Hans-CN",
    "en-x-mine",
    "e",
    "toolong-tag",
]


@pytest.mark.parametrize("tag", TAGS)
def test_the_schemas_language_tags_are_the_loaders(tag):
    assert bool(re.search(LANGUAGE_TAG_PATTERN, tag)) == (tag_problem(tag) is None)


LABEL_TEXTS = [
    "What is {term}?",
    "{term}?",
    "What is {term} {term}?",
    "What is it?",
    "What is {means}?",
    "{person} and {means}",
    "{means} by {person}",
    "{person} only",
    "{n} {of}",
    "{of}",
    "the {n}",
    "Claim",
    "Claim {n}",
    "a { b } {term}",
    "{{term}}",
    "{term",
    "x {} {term}",
]


@pytest.mark.parametrize("name", sorted(SECTIONS["labels"].keys.keys() - {"count_words"}))
def test_the_schemas_labels_want_the_loaders_placeholders(validator, name):
    assert set(PLACEHOLDERS) <= set(SECTIONS["labels"].keys)
    label = jsonschema.Draft202012Validator(source_schema()["$defs"]["labels"]["properties"][name])
    for text in LABEL_TEXTS:
        assert label.is_valid(text) == (label_problem(name, text) is None), text


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
def test_the_schema_rejects_structural_faults(validator, name):
    with pytest.raises(SourceError):
        load_file(BAD / f"{name}.yaml")  # deckgen rejects it too: the schema is never the stricter one
    assert errors(validator, document(BAD / f"{name}.yaml")), STRUCTURAL[name]


@pytest.mark.parametrize("name", sorted(BEYOND_THE_SCHEMA))
def test_faults_beyond_the_schema_are_left_to_deckgen(validator, name):
    assert errors(validator, document(BAD / f"{name}.yaml")) == [], BEYOND_THE_SCHEMA[name]


@pytest.mark.parametrize("name", NOT_YAML)
def test_what_safe_load_refuses(name):
    with pytest.raises((yaml.YAMLError, ValueError)):
        yaml.safe_load((BAD / f"{name}.yaml").read_bytes())


LANGUAGE_FAULTS = {
    "a tag that is no BCP 47 tag": lambda d: d["deck"].update(languages=["english"]),
    "three languages": lambda d: d["deck"].update(languages=["en", "de", "fr"]),
    "no language": lambda d: d["deck"].update(languages=[]),
    "a tag twice": lambda d: d["deck"].update(languages=["en", "en"]),
    "the reserved tag id": lambda d: d["deck"].update(languages=["id"]),
    "a label without its placeholder": lambda d: d["deck"].update(labels={"what_is": "What is it?"}),
    "a label with another's placeholder": lambda d: d["deck"].update(labels={"judgment": "Claim {term}"}),
    "an unknown label": lambda d: d["deck"].update(labels={"judgement": "Claim"}),
    "no count words": lambda d: d["deck"].update(labels={"count_words": []}),
    "a claim under no language tag": lambda d: d["judgments"][0].update({"english_text": "x"}),
    "an empty claim": lambda d: d["judgments"][0].update(en=""),
    "a default-language deck without zh": lambda d: (d["deck"].pop("languages"), d["themes"][0].update(zh="记忆")),
}
"""Structural faults of languages and labels, made in an English starter: the schema and the loader both
reject each. (The last: without ``deck.languages`` a source is ``[zh, en]``, and its judgments have no zh.)"""


@pytest.mark.parametrize("fault", LANGUAGE_FAULTS)
def test_the_schema_rejects_faults_of_languages_and_labels(validator, tmp_path, fault):
    starter = write_starter(tmp_path, "My deck", ["en"])
    doc = document(starter.source)
    assert errors(validator, doc) == []
    LANGUAGE_FAULTS[fault](doc)
    assert errors(validator, doc), fault
    assert not jsonschema.Draft7Validator(source_schema()).is_valid(doc), fault
    starter.source.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SourceError):
        load_file(starter.source)


def test_draft_7_validators_agree():
    """Editors whose validators stop at draft-07 (the YAML language server, as of 2025) read the schema the
    same way: it uses no keyword whose meaning changed after draft-07."""
    schema = source_schema()
    new, old = jsonschema.Draft202012Validator(schema), jsonschema.Draft7Validator(schema)
    paths = [*GOOD, *(BAD / f"{n}.yaml" for n in [*STRUCTURAL, *BEYOND_THE_SCHEMA])]
    for path in paths:
        doc = document(path)
        assert new.is_valid(doc) == old.is_valid(doc), path.name


def test_the_committed_schema_is_what_the_command_prints():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert SCHEMA_FILE.read_text(encoding="utf-8") == result.output, (
        "schema/deckgen-source.schema.json is out of date: run `deckgen schema > schema/deckgen-source.schema.json`"
    )


def test_the_shipped_source_names_the_schema_on_its_first_line():
    first = SOURCE.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match and first == MODELINE, first
    assert (SOURCE.parent / match.group(1)).resolve() == SCHEMA_FILE


def key_reference(schema: dict) -> str:
    """The README's table of every key, made from the schema: one row per key path, whether it is required
    (in which card kind, for a kind's own keys; ``each language`` for the text under each language tag) and
    its description."""
    defs = schema["$defs"]
    rows: list[tuple[str, str, str]] = []

    def walk(node: dict, path: str) -> list[tuple[str, str, str]]:
        node = defs[node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node
        # text in each language of deck.languages: one key per language tag, which the schema matches by pattern
        out = [
            (f"{path}{v['title']}", "each language", v["description"])
            for v in node.get("patternProperties", {}).values()
        ]
        for name, value in node["properties"].items():
            required = "required" if name in node["required"] else "optional"
            out.append((f"{path}{name}", required, value["description"]))
            inner, below = (value["items"], f"{path}{name}[].") if "items" in value else (value, f"{path}{name}.")
            if "$ref" in inner:
                out += walk(inner, below)
            elif "oneOf" in inner:  # the card kinds: a kind's own keys say which kind
                branches = [(defs[b["$ref"].rsplit("/", 1)[1]]["title"], walk(b, below)) for b in inner["oneOf"]]
                common = set.intersection(*(set(rows) for _, rows in branches))
                out += [row for row in branches[0][1] if row in common]
                out += [
                    (k, f"{r} ({title})", d) for title, rows in branches for k, r, d in rows if (k, r, d) not in common
                ]
        return out

    rows = walk(schema, "")
    lines = ["| key | | what it is, and where it shows |", "|---|---|---|"]
    lines += [f"| `{key}` | {required} | {about} |" for key, required, about in rows]
    return "\n".join(lines) + "\n"


def test_the_readmes_key_reference_is_made_from_the_schema():
    expected = key_reference(source_schema())
    assert expected in README, "the README's key reference differs from the schema; it should read:\n" + expected


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("[true]", True),
        ("['12-17, 25']", False),
        ("12", False),
        ("[1, '3-4']", False),
        ("[x]", True),
        ("'7-'", True),
        ("1234567890", True),  # more digits than a judgment number has
        ("'1-1234567890'", True),
    ],
)
def test_named_deck_judgments_are_numbers_or_ranges_to_the_schema_and_the_loader_alike(validator, tmp_path, value, bad):
    """The schema's judgment values are those Selection.ranges reads; the loader reports a bad one at itself."""
    src = tmp_path / "s.yaml"
    src.write_text(
        (DATA / "good" / "minimal.yaml").read_text(encoding="utf-8")
        + f"decks:\n  - {{key: k, name: K, select: {{judgment: {value}}}}}\n",
        encoding="utf-8",
    )
    assert bool(errors(validator, document(src))) == bad
    if not bad:
        load_file(src)
        return
    with pytest.raises(SourceError) as err:
        load_file(src)
    (problem,) = err.value.problems
    assert problem.key_path.startswith("decks[0].select.judgment")
    assert "not a number or a range" in problem.message or "at most 9 digits" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "bad"),
    [
        ("id: minimal", "id: -1", True),  # the loader reads '-1': no id
        ("id: minimal", "id: .inf", True),
        ("id: minimal", "id: 123", False),  # '123' is an id
        ("id: minimal", "id: 1.5", False),
        ("name: Minimal", "name: Minimal\n  labels: {who_proposed: 5}", True),  # a number holds no {term}
        ("name: Minimal", "name: Minimal\n  labels: {who_proposed: true}", True),
        ("name: Minimal", "name: Minimal\n  labels: {judgment: 5}", False),  # no placeholder wanted
    ],
)
def test_numbers_where_the_loader_wants_patterned_text_are_judged_alike(validator, tmp_path, old, new, bad):
    src = tmp_path / "s.yaml"
    text = (DATA / "good" / "minimal.yaml").read_text(encoding="utf-8")
    assert old in text
    src.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert bool(errors(validator, document(src))) == bad
    if bad:
        with pytest.raises(SourceError):
            load_file(src)
    else:
        load_file(src)


def _patterned(node, path="#"):
    """Every subschema of ``node`` that has a ``pattern``, with where it is."""
    if isinstance(node, dict):
        if "pattern" in node:
            yield path, node
        for key, value in node.items():
            yield from _patterned(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _patterned(value, f"{path}/{i}")


def test_every_pattern_says_in_words_what_it_wants():
    """An editor shows a refused pattern as the regular expression itself (400 characters for a language tag)
    unless the schema gives a patternErrorMessage, which VS Code and yaml-language-server show instead
    (newcomer7 #5)."""
    found = list(_patterned(source_schema()))
    assert len(found) > 10
    unsaid = [path for path, node in found if not node.get("patternErrorMessage")]
    assert unsaid == []
    assert all(not re.search(r"[\\^$]|\(\?", node["patternErrorMessage"]) for _, node in found)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("languages: [en]", "languages: [german]", "a BCP 47 language tag"),
        ("id: memory", "id: Memory_Cards", "lowercase letters and digits"),
        ("number: 1", "number: '0'", "a whole number from 1"),
    ],
)
def test_a_refused_pattern_is_reported_in_words(validator, tmp_path, old, new, says):
    assert CliRunner().invoke(main, ["init", str(tmp_path), "--name", "Memory", "--language", "en"]).exit_code == 0
    (source,) = (tmp_path / "cards").glob("*.yaml")
    text = source.read_text(encoding="utf-8")
    assert old in text
    errors = list(validator.iter_errors(yaml.safe_load(text.replace(old, new, 1))))
    messages = {e.schema.get("patternErrorMessage") for e in errors for e in (e, *(e.context or ()))}
    assert any(m and m.startswith(says) for m in messages), [e.message for e in errors]
