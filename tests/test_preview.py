"""`deckgen preview`: the page's content and escaping, and the page itself in real headless Chromium.

The browser tests drive Debian's Chromium through Playwright (``executable_path``; Playwright's own browser
downloads are never used). They skip only when no Chromium binary exists, and fail instead where
``DECKGEN_REQUIRE_BROWSER`` is set (CI).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import main
from deckgen.listing import gather
from deckgen.load import load_file
from deckgen.model import Selection
from deckgen.notes import media_name
from deckgen.preview import preview_html
from deckgen.render import cards

from conftest import card_text

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Besides Playwright's own ``--headless``, ``--user-data-dir=<new temp dir>`` and ``--remote-debugging-pipe``.
The networking flags keep Chromium from calling home on a machine whose network is closed."""

HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


def find_browser() -> str | None:
    """Path of a Chromium-family browser on PATH (Debian: ``chromium``), or None."""
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def page_for(yaml) -> tuple[str, list]:
    groups, _ = gather([load_file(yaml)], Selection())
    return preview_html(groups), [n for g in groups for n in g.notes]


@pytest.fixture
def hostile_yaml(cards_copy):
    """The shipped source with markup in a question, a theme name and the deck name."""
    yaml = cards_copy / "agi-next-2026.yaml"
    text = yaml.read_text(encoding="utf-8")
    text = text.replace("name: AGI-Next 2026", f"name: 'AGI-Next {HOSTILE}'", 1)
    text = text.replace("en: Divergence", f"en: '{HOSTILE}'", 1)
    text = text.replace(
        '"Who argued that most To C users, most of the time, do not need very strong intelligence?"',
        f"'Who said {HOSTILE}?'",
        1,
    )
    yaml.write_text(text, encoding="utf-8")
    return yaml


def test_page_has_every_card_once_with_anki_wrapping(cards_copy):
    page, notes = page_for(cards_copy / "agi-next-2026.yaml")
    rendered = [c for n in notes for c in cards(n)]
    assert page.count('<article class="pv-card"') == len(rendered)
    assert f'<span id="pv-total">{len(rendered)}</span> cards from {len(notes)} notes' in page
    media = {
        f'src="{media_name(p)}"': 'src="data:image/svg+xml;base64,'
        + base64.b64encode(Path(p).read_bytes()).decode()
        + '"'
        for n in notes
        for p in n.media
    }
    assert media  # the shipped deck has a diagram (judgment 34)
    for card in rendered:
        back = card.back
        for ref, uri in media.items():
            back = back.replace(ref, uri)
        assert f'<div class="card card{card.ord + 1}">{card.front}</div>' in page
        assert f'<div class="card card{card.ord + 1}">{back}</div>' in page
    source = load_file(cards_copy / "agi-next-2026.yaml")
    headings = re.findall(r"<h3>(.*?)<span", page)
    assert headings == list(dict.fromkeys(source.theme_path(n.judgment.theme) for n in notes))


def test_page_loads_nothing_from_anywhere(cards_copy):
    page, _ = page_for(cards_copy / "agi-next-2026.yaml")
    assert re.findall(r'\b(?:src|href)="(?!data:)', page) == []
    assert "@import" not in page and "url(" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_source_markup_is_text_on_the_page(hostile_yaml):
    page, _ = page_for(hostile_yaml)
    assert "<script>window.pwned" not in page and "<img src=x" not in page
    assert page.count("&lt;script&gt;window.pwned = 1&lt;/script&gt;") >= 3  # title/heading, theme, question


def test_images_are_embedded_as_data_uris(cards_copy):
    yaml = cards_copy / "agi-next-2026.yaml"
    (cards_copy / "fig.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace(
            '      - q: "Who argued that most To C users',
            '      - image: fig.svg\n        q: "Who argued that most To C users',
            1,
        ),
        encoding="utf-8",
    )
    page, notes = page_for(yaml)
    (with_image,) = [n for n in notes if any(p.endswith("fig.svg") for p in n.media)]
    assert 'src="data:image/svg+xml;base64,' in page
    assert media_name(with_image.media[0]) in with_image.fields[2]
    assert media_name(with_image.media[0]) not in page  # the package's media name is not referenced


def test_preview_command_writes_the_page_and_can_open_it(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    result = CliRunner().invoke(main, ["preview", "--speaker", "tang-jie", "-o", "out/p.html", "--open"])
    assert result.exit_code == 0, result.output
    page = (cards_copy.parent / "out" / "p.html").read_text(encoding="utf-8")
    n_cards = page.count('<article class="pv-card"')
    assert f"Wrote out/p.html  ({n_cards} cards from" in result.output
    assert opened == [(cards_copy.parent / "out" / "p.html").resolve().as_uri()]
    assert "AGI-Next 2026 · 唐杰" in page


def test_preview_deck_shows_a_named_deck_under_its_name(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    built = CliRunner().invoke(main, ["build", "--deck", "lin-junyang", "--dry-run"])
    result = CliRunner().invoke(main, ["preview", "--deck", "lin-junyang", "-o", "lin.html"])
    assert result.exit_code == 0, result.output
    page = (cards_copy.parent / "lin.html").read_text(encoding="utf-8")
    n_cards = re.search(r"^  \d+ notes, (\d+) cards$", built.output, re.M).group(1)
    assert page.count('<article class="pv-card"') == int(n_cards)
    assert "<h1>AGI-Next 2026 · 林俊旸 Lin Junyang</h1>" in page


# ---- in the browser ----


@pytest.fixture(scope="module")
def chromium():
    path = find_browser()
    if path is None:
        reason = (
            f"no Chromium-family browser on PATH (looked for {', '.join(BROWSER_NAMES)}); "
            "install the Debian package chromium"
        )
        if os.environ.get("DECKGEN_REQUIRE_BROWSER"):
            pytest.fail(reason + " (DECKGEN_REQUIRE_BROWSER is set)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Loaded:
    """A page opened from a file, with everything the browser reported while loading and using it."""

    def __init__(self, browser, path):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}"))
        self.page.on(
            "request", lambda r: r.url.startswith(("file:", "data:")) or self.errors.append(f"network request: {r.url}")
        )
        self.page.goto(path.as_uri())

    def visible_cards(self) -> int:
        return self.page.locator(".pv-card:visible").count()


def screenshot(page, path) -> tuple[int, int]:
    """Take a PNG screenshot of the viewport to ``path``; return its (width, height) read from the file."""
    png = page.screenshot(path=str(path))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@pytest.mark.slow
def test_page_in_chromium(chromium, cards_copy, tmp_path):
    page_html, notes = page_for(cards_copy / "agi-next-2026.yaml")
    file = tmp_path / "preview.html"
    file.write_text(page_html, encoding="utf-8")
    loaded = Loaded(chromium, file)
    page = loaded.page
    rendered = [c for n in notes for c in cards(n)]

    assert page.locator(".pv-card").count() == len(rendered) == int(page.text_content("#pv-total"))
    assert page.locator(".pv-face").count() == 2 * len(rendered)
    assert screenshot(page, tmp_path / "day.png") == (1280, 900)
    first_front = page.locator(".pv-face .card").first
    assert first_front.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(251, 251, 248)"  # Anki CSS

    page.click("#pv-night")
    assert page.evaluate("document.body.className").split() == ["nightMode", "night_mode"]
    assert first_front.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(31, 31, 34)"
    assert screenshot(page, tmp_path / "night.png") == (1280, 900)

    query = "智能效率"
    page.fill("#pv-search", query)
    expected = sum(query in f"{card_text(c.front)} {card_text(c.back)}" for c in rendered)
    assert 0 < expected < len(rendered)
    assert loaded.visible_cards() == expected
    page.fill("#pv-search", "no card says this")
    assert loaded.visible_cards() == 0 and page.locator("#pv-empty").is_visible()
    page.fill("#pv-search", "")
    assert loaded.visible_cards() == len(rendered)
    assert loaded.errors == []


@pytest.mark.slow
def test_hostile_source_stays_text_in_chromium(chromium, hostile_yaml, tmp_path):
    page_html, _ = page_for(hostile_yaml)
    file = tmp_path / "preview.html"
    file.write_text(page_html, encoding="utf-8")
    loaded = Loaded(chromium, file)
    assert loaded.page.evaluate("window.pwned") is None
    assert loaded.page.locator("img:not([src^='data:'])").count() == 0
    assert HOSTILE in loaded.page.text_content("h1")
    assert loaded.errors == []
