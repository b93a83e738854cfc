"""Baseline for bench_build.py: the same notes as ``deckgen build``, written with PyYAML and plain genanki.

    python benchmarks/baseline_genanki.py SOURCE.yaml OUT.apkg [--gc-off]

This is the least a script must do to turn a deckgen source into an .apkg: parse the YAML with PyYAML's C
loader (``yaml.load`` with ``CSafeLoader``), make each card spec's notes (same keys, GUIDs, fields and
tags as deckgen, HTML-escaped), and write them with ``genanki.Package.write_to_file``. It validates
nothing, reports nothing, keeps no ledger and writes an uncompressed zip: it is the floor deckgen is
measured against, not a second implementation to maintain. ``--gc-off`` turns Python's cyclic garbage
collector off first (deckgen pauses it while it loads and builds), to show the floor without its cost.
"""

from __future__ import annotations

import gc
import html
import sys

import genanki
import yaml

FIELDS = ["Question", "Answer", "Image", "ClaimZh", "ClaimEn", "About", "Key"]
CONTEXT = "<hr id=answer>{{%s}}<div>{{ClaimZh}}</div><div>{{ClaimEn}}</div><div>{{About}}</div>"
QA = genanki.Model(
    1607392319,
    "baseline Q/A",
    fields=[{"name": f} for f in FIELDS],
    templates=[{"name": "Card", "qfmt": "{{Question}}", "afmt": "{{Question}}" + CONTEXT % "Answer"}],
)
CLOZE = genanki.Model(
    1607392320,
    "baseline Cloze",
    model_type=genanki.Model.CLOZE,
    fields=[{"name": f} for f in ["Text", "Extra", *FIELDS[2:]]],
    templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}" + CONTEXT % "Extra"}],
)
KINDS = {"q": "qa", "term": "concept", "of": "list", "cloze": "cloze"}
COUNT = "zero one two three four five six seven eight nine ten eleven twelve".split()


def esc(text) -> str:
    return html.escape(str(text), quote=False).replace("\n", "<br>")


def label(theme) -> str:
    return theme["zh"] if theme["zh"] == theme["en"] else f"{theme['zh']} {theme['en']}"


def main(source: str, output: str) -> None:
    with open(source, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=yaml.CSafeLoader)
    deck_id = data["deck"]["id"]
    themes = {}
    for t in data["themes"]:
        themes[t["id"]] = (label(t), None)
        for s in t.get("subthemes", []):
            themes[s["id"]] = (label(s), t["id"])
    people = {p["id"]: f"{p['name']} ({p['roman']})" for p in data["people"]}
    names = {p["id"]: p["name"] for p in data["people"]}
    deck = genanki.Deck(2059400110, data["deck"]["name"], data["deck"].get("description", ""))

    for j in data["judgments"]:
        name, parent = themes[j["theme"]]
        where = f"{themes[parent][0]} › {name}" if parent else name
        speakers = j.get("speakers") or []
        base_tags = [
            deck_id,
            f"judgment::{j['number']:02d}",
            *([f"theme::{parent}"] if parent else []),
            f"theme::{j['theme']}",
        ]
        counts: dict[str, int] = {}
        for card in j["cards"]:
            kind = next(k for k in KINDS if k in card)
            counts[kind] = counts.get(kind, 0) + 1
            key = card.get("id") or f"{j['id']}/{KINDS[kind]}/{counts[kind]}"
            editors = card.get("context") == "editors"
            ctx = j["editors_note"] if editors else j
            who = "拾象注 editors' note" if editors else ", ".join(people[p] for p in speakers)
            about = " · ".join(x for x in (f"判断 {j['number']}", who, where) if x)
            tags = [
                *base_tags,
                *(["editors-note"] if editors else [f"speaker::{p}" for p in speakers]),
                *j.get("tags", []),
                *card.get("tags", []),
            ]
            notes = []  # (key, model, first field, second field)
            if kind == "q":
                notes.append((key, QA, esc(card["q"]), esc(card["a"])))
            elif kind == "term":
                if card.get("by"):
                    notes.append((f"{key}/who", QA, esc(f"Who proposed {card['term']}?"), esc(people[card["by"]])))
                notes.append((f"{key}/what", QA, esc(f"What is {card['term']}?"), esc(card["means"])))
                if card.get("reverse"):
                    means = card["means"].rstrip().rstrip(".。?？")
                    asks = f"does {names[card['by']]} use for" if card.get("by") else "names"
                    notes.append((f"{key}/term", QA, esc(f"Which term {asks}: {means}?"), esc(card["term"])))
            elif kind == "of":
                n = COUNT[len(card["items"])] if len(card["items"]) < len(COUNT) else str(len(card["items"]))
                of = card["of"]
                q = f"What are {of.replace('{n}', n)}?" if "{n}" in of else f"What are the {n} {of}?"
                notes.append((key, QA, esc(q), "<ol>" + "".join(f"<li>{esc(i)}</li>" for i in card["items"]) + "</ol>"))
            else:
                notes.append((key, CLOZE, esc(card["cloze"]), esc(card.get("extra", ""))))
            for note_key, model, first, second in notes:
                deck.add_note(
                    genanki.Note(
                        model=model,
                        guid=genanki.guid_for(deck_id, note_key),
                        tags=list(dict.fromkeys(tags)),
                        fields=[first, second, "", esc(ctx["zh"]), esc(ctx["en"]), html.escape(about), note_key],
                    )
                )

    genanki.Package(deck).write_to_file(output)


if __name__ == "__main__":
    if "--gc-off" in sys.argv:
        gc.disable()
    main(*sys.argv[1:3])
