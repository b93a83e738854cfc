"""`deckgen preview`: the page's content and escaping, the page itself in real headless Chromium, and the
live preview (`--watch`): its server, its watcher and the page reloading in Chromium.

The browser tests drive Debian's Chromium through Playwright (``executable_path``; Playwright's own browser
downloads are never used). They skip only when no Chromium binary exists, and fail instead where
``DECKGEN_REQUIRE_BROWSER`` is set (CI).
"""

from __future__ import annotations

import base64
import html
import http.client
import json
import os
import queue
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import main
from deckgen.listing import gather
from deckgen.live import LivePreview
from deckgen.load import load_file
from deckgen.model import Selection
from deckgen.notes import media_name, media_src
from deckgen.preview import page_cards, page_html, preview_html
from deckgen.render import cards

from conftest import ROOT, SHIPPED_Q, as_foreground_job, card_text, edit, replace_once

MINIMAL = Path(__file__).resolve().parent / "data" / "good" / "minimal.yaml"
HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


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
    text = replace_once(text, SHIPPED_Q, f"'Who said {HOSTILE}?'")
    yaml.write_text(text, encoding="utf-8")
    return yaml


def test_page_has_every_card_once_with_anki_wrapping(cards_copy):
    page, notes = page_for(cards_copy / "agi-next-2026.yaml")
    rendered = [c for n in notes for c in cards(n)]
    assert page.count('<article class="pv-card"') == len(rendered)
    assert f'<span id="pv-total">{len(rendered)}</span> cards from {len(notes)} notes' in page
    paths = sorted({p for n in notes for p in n.media})
    assert paths  # the shipped deck has a diagram (judgment 34)
    (table,) = re.findall(r'<script type="application/json" id="pv-media">(.*?)</script>', page)
    assert json.loads(table) == [
        "data:image/svg+xml;base64," + base64.b64encode(Path(p).read_bytes()).decode() for p in paths
    ]
    for card in rendered:
        back = card.back
        for i, p in enumerate(paths):
            back = back.replace(f'src="{media_src(p)}"', f'data-pv-media="{i}"')
        assert f'<div class="card card{card.ord + 1}">{card.front}</div>' in page
        assert f'<div class="card card{card.ord + 1}">{back}</div>' in page
    source = load_file(cards_copy / "agi-next-2026.yaml")
    headings = re.findall(r"<h3><bdi>(.*?)</bdi><span", page)  # isolated: a count beside a right-to-left name
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
    edit(yaml, f"        q: {SHIPPED_Q}", f"        image: fig.svg\n        q: {SHIPPED_Q}")
    page, notes = page_for(yaml)
    (with_image,) = [n for n in notes if any(p.endswith("fig.svg") for p in n.media)]
    assert '"data:image/svg+xml;base64,' in page
    assert media_src(with_image.media[0]) in with_image.fields[2]
    assert media_name(with_image.media[0]) not in page  # the package's media name is not referenced


def test_each_media_file_is_embedded_once_however_many_cards_show_it(tmp_path):
    """B15: 300 cards sharing a 4 MB image made a 1.6 GB page, a data URI per card."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><!--' + "x" * 4_000_000 + "--></svg>"
    (tmp_path / "big.svg").write_text(svg)
    text = MINIMAL.read_text(encoding="utf-8")
    cards = "".join(f'      - {{image: big.svg, q: "Question {i}?", a: "answer {i}"}}\n' for i in range(300))
    (tmp_path / "m.yaml").write_text(text.replace("    cards:\n", "    cards:\n" + cards, 1), encoding="utf-8")
    page, notes = page_for(tmp_path / "m.yaml")
    assert sum(len(n.media) for n in notes) == 300
    encoded = base64.b64encode(svg.encode()).decode()
    assert page.count(encoded) == 1
    assert len(page) < 1.2 * len(encoded)
    assert page.count('data-pv-media="0"') == 300


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
@pytest.mark.parametrize("width", [320, 360])
def test_the_page_fits_a_phone_screen_in_chromium(chromium, cards_copy, tmp_path, width):
    """At phone widths the bar's search box and night-mode button overflowed the screen, which scrolled
    sideways (breaker16 #13): nothing is wider than the viewport, with an error box shown or not."""
    groups, _ = gather([load_file(cards_copy / "agi-next-2026.yaml")], Selection())
    error = "cards/agi-next-2026.yaml:12:34: judgments[0].speakers[0]: unknown person 'yao-shunyo' (did you mean …)"
    for errors in ([], [error]):
        file = tmp_path / f"{width}-{len(errors)}.html"
        file.write_text(page_html(page_cards(groups), errors=errors), encoding="utf-8")
        loaded = Loaded(chromium, file)
        loaded.page.set_viewport_size({"width": width, "height": 700})
        assert loaded.page.evaluate("document.documentElement.scrollWidth") <= width
        night = loaded.page.locator("#pv-night").bounding_box()
        assert night["x"] + night["width"] <= width and loaded.errors == []
        loaded.page.close()


def test_hostile_source_stays_text_in_chromium(chromium, hostile_yaml, tmp_path):
    page_html, _ = page_for(hostile_yaml)
    file = tmp_path / "preview.html"
    file.write_text(page_html, encoding="utf-8")
    loaded = Loaded(chromium, file)
    assert loaded.page.evaluate("window.pwned") is None
    assert loaded.page.locator("img:not([src^='data:'])").count() == 0
    assert HOSTILE in loaded.page.text_content("h1")
    assert loaded.errors == []


# ---- the live preview (deckgen preview --watch) ----


def bind_again(port: int) -> None:
    """Listen on ``port`` as a server starting there would (``SO_REUSEADDR``, as Python's HTTP servers set
    it, so that connections still closing do not count); fails while anything else listens on it."""
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
        again.listen()


def save_by_rename(path: Path, text: str) -> float:
    """Save ``text`` to ``path`` as vim and VS Code do: write a new file, then rename it over the old one.
    Returns the time of the rename (epoch seconds, the clock the browser's ``performance.timeOrigin`` uses)."""
    new = path.with_name(path.name + ".new~")
    new.write_text(text, encoding="utf-8")
    os.replace(new, path)
    return time.time()


EDIT = "in this live edit"

SHOWN_AT = """(() => {
  window.shownAt = null;
  new MutationObserver((changes, observer) => {
    if (document.documentElement.textContent.includes(EDIT)) {
      observer.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => {
        window.shownAt = performance.timeOrigin + performance.now();
      }));
    }
  }).observe(document, {childList: true, subtree: true, characterData: true});
})();""".replace("EDIT", json.dumps(EDIT))
"""Run at the start of every page load (Playwright's init scripts are not subject to the page's CSP): when
the edited text enters the page, note the time (epoch ms) once the next frame has been drawn, which is when
it shows, free of the delay with which Playwright polls for it."""


def test_static_page_connects_nowhere_and_live_page_only_to_itself(cards_copy):
    groups, _ = gather([load_file(cards_copy / "agi-next-2026.yaml")], Selection())
    static = preview_html(groups)
    live = page_html(page_cards(groups), events="/events?v=1")
    assert "connect-src" not in static and "EventSource" not in static and "data-events" not in static
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', live).group(1)
    assert "default-src 'none';" in csp and " connect-src 'self';" in csp
    assert '<body data-events="/events?v=1">' in live and "EventSource" in live


def test_an_edit_with_errors_keeps_the_last_good_cards(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    source = cards_copy / "agi-next-2026.yaml"
    text = source.read_text(encoding="utf-8")
    with LivePreview(["cards"]) as live:
        first = live.first
        assert (first.version, first.errors) == (1, []) and first.cards > 0
        source.write_text(text.replace("speakers: [yao-shunyu]", "speakers: ['<b>yao</b>']", 1), encoding="utf-8")
        broken = live.rebuild()
        check = CliRunner().invoke(main, ["check"])
        assert broken.errors == check.output.splitlines()[:-1] and len(broken.errors) == 1
        assert (broken.version, broken.cards, broken.notes) == (2, first.cards, first.notes)
        page = live.page.decode("utf-8")
        assert html.escape(broken.errors[0]) in page and "<b>yao" not in page
        assert "the cards below are from its last version that loaded" in page
        assert page.count('<article class="pv-card"') == first.cards
        source.write_text(text, encoding="utf-8")
        assert live.rebuild().errors == [] and 'id="pv-problems"' not in live.page.decode("utf-8")


def get(url: str, host: str | None = None) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", parts.path or "/", headers={"Host": host} if host else {})
    response = connection.getresponse()
    return response.status, response.read()


def test_the_server_answers_only_its_own_address_and_paths(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    with LivePreview(["cards"]) as live:
        threading.Thread(target=live.serve, kwargs={"stop": threading.Event()}, daemon=True).start()
        assert live.url.startswith("http://127.0.0.1:")
        status, body = get(live.url)
        assert status == 200 and body == live.page
        assert get(live.url, host=f"evil.example:{live.port}")[0] == 403
        assert get(live.url + "cards/agi-next-2026.yaml")[0] == 404


def test_a_saved_edit_reaches_an_open_event_stream(cards_copy, monkeypatch):
    """Without a browser: a write-then-rename save is seen by the watcher, rebuilt, and announced."""
    monkeypatch.chdir(cards_copy.parent)
    source = cards_copy / "agi-next-2026.yaml"
    rebuilt, stop = queue.Queue(), threading.Event()
    with LivePreview(["cards"]) as live:
        thread = threading.Thread(target=live.serve, args=(rebuilt.put, stop), daemon=True)
        thread.start()
        parts = urllib.parse.urlsplit(live.url)
        stream = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        stream.request("GET", "/events?v=1")
        response = stream.getresponse()
        assert response.getheader("Content-Type") == "text/event-stream"
        time.sleep(0.3)  # the watcher is set up
        save_by_rename(source, replace_once(source.read_text(encoding="utf-8"), SHIPPED_Q, '"Who said so, live?"'))
        assert rebuilt.get(timeout=10).errors == []
        assert response.readline() == b"data: 2\n"
        assert "Who said so, live?" in live.page.decode("utf-8")
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive()
    bind_again(live.port)


def test_a_port_in_use_is_a_clear_error(cards_copy, monkeypatch):
    monkeypatch.chdir(cards_copy.parent)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["preview", "--watch", "--port", str(port)])
        with pytest.raises(OSError):
            bind_again(port)  # the check can fail
    assert result.exit_code == 1
    assert f"deckgen: error: cannot serve on 127.0.0.1:{port} (" in result.output
    assert "choose another --port, or leave it out for a free one" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--watch", "-o", "x.html"], "--watch serves the page and writes no file"),
        (["--port", "8000"], "--port is for --watch"),
        (["--watch", "--deck", "agent", "--theme", "agent"], "brings its own selection"),
    ],
)
def test_watch_usage_errors(cards_copy, monkeypatch, args, message):
    monkeypatch.chdir(cards_copy.parent)
    result = CliRunner().invoke(main, ["preview", *args])
    assert result.exit_code == 2 and message in result.output


@pytest.mark.slow
def test_live_preview_in_chromium(chromium, cards_copy, monkeypatch):
    """The issue's promise, end to end: `deckgen preview --watch` as a person runs it, the page in Chromium,
    an edit saved by rename shows within a second, a broken edit shows its located error above the last good
    cards, and Ctrl-C (SIGINT) stops the command and frees the port."""
    folder, source = cards_copy.parent, cards_copy / "agi-next-2026.yaml"
    monkeypatch.chdir(folder)
    text = source.read_text(encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen", "preview", "--watch"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=as_foreground_job,
    )
    try:
        assert proc.stdout.readline().startswith("Page built: ")
        url = re.fullmatch(r"Serving (http://127\.0\.0\.1:(\d+)/)  \(.*\)\n", proc.stdout.readline())
        page = chromium.new_page()
        problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("request", lambda r: r.url.startswith((url.group(1), "data:")) or problems.append(r.url))
        page.add_init_script(SHOWN_AT)
        page.goto(url.group(1))
        cards = page.locator(".pv-card").count()
        assert cards == int(page.text_content("#pv-total")) > 0
        page.locator(".pv-card", has_text=json.loads(SHIPPED_Q)).first.wait_for()

        edited = replace_once(text, SHIPPED_Q, f'"Who proposed, {EDIT}, Intelligence Efficiency?"')
        saved = save_by_rename(source, edited)
        page.locator(".pv-card", has_text=EDIT).first.wait_for(timeout=5000)
        page.wait_for_function("window.shownAt !== null", timeout=5000)
        seconds = page.evaluate("window.shownAt") / 1000 - saved
        print(f"\nlive preview: the edit showed {seconds * 1000:.0f} ms after its rename")
        assert 0 < seconds <= 1.0, f"the edit took {seconds:.2f} s to show"

        page.evaluate("window.scrollTo(0, 4000)")  # far down the cards, as one is while editing
        save_by_rename(source, edited.replace("speakers: [yao-shunyu]", "speakers: [yao-shunyo]", 1))
        page.locator("#pv-problems").wait_for(timeout=5000)
        # the sticky bar says so wherever the page is, and its link shows the box below the bar (newcomer8 #4)
        assert page.evaluate("window.scrollY") > 1000
        alert = page.locator("#pv-alert")
        assert alert.text_content() == "1 error ↑" and 0 <= alert.bounding_box()["y"] < 100
        alert.click()
        bar = page.locator(".pv-bar").bounding_box()
        box = page.locator("#pv-problems").bounding_box()
        assert box["y"] >= bar["y"] + bar["height"], (box, bar)
        located = CliRunner().invoke(main, ["check"]).output.splitlines()[0]
        assert re.match(r"cards/agi-next-2026\.yaml:\d+:\d+: judgments\[0\]\.speakers\[0\]: unknown person", located)
        assert page.text_content(".pv-errors") == located
        assert page.locator(".pv-card").count() == cards  # the last good cards stay, edit included
        assert page.locator(".pv-card", has_text=EDIT).count() == 1
        assert problems == []
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert out.rstrip().endswith("Stopped.") and "Traceback" not in err
    bind_again(int(url.group(2)))


def test_ctrl_c_ends_the_live_preview_with_exit_0_as_the_readme_says(cards_copy):
    """A server run until Ctrl-C ends with exit 0 and "Stopped." (as ``python -m http.server`` does), not with
    the 130 of an interrupted build; the README's exit codes say so."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckgen", "preview", "--watch"],
        cwd=cards_copy.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=as_foreground_job,
    )
    try:
        assert proc.stdout.readline().startswith("Page built: ")
        assert proc.stdout.readline().startswith("Serving http://127.0.0.1:")
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert (proc.returncode, out, err) == (0, "Stopped.\n", ""), err
    codes = (ROOT / "README.md").read_text(encoding="utf-8").split("Exit codes:", 1)[1].split("\n\n", 2)[1]
    assert "`deckgen preview --watch` is the exception" in codes and "It prints `Stopped.` and exits 0" in codes


RTL_SOURCE = """\
deck: {{id: ar-11111111, name: "الذاكرة", languages: {languages}{labels}}}
themes: [{{id: memory, ar: "الذاكرة"{en}}}]
people: [{{id: eb, name: "هيرمان إبنغهاوس", roman: Hermann Ebbinghaus}}]
judgments:
  - id: curve
    number: 1
    theme: memory
    speakers: [eb]
    ar: "قاس هيرمان إبنغهاوس سرعة تلاشي الذكريات دون مراجعة: بسرعة في البداية ثم ببطء."{en_claim}
    cards:
      - q: "من قاس سرعة تلاشي الذكريات؟"
        a: "هيرمان إبنغهاوس"
      - of: "the {{n}} phases"
        items: ["بسرعة", "ببطء"]
{cloze}"""

WORD_BOXES = """
([words, scope]) => {
  const root = document.querySelector(scope);
  const out = {};
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode()); ) {
    for (const w of words) {
      const i = n.data.indexOf(w);
      if (i < 0 || w in out) continue;
      const r = document.createRange();
      r.setStart(n, i); r.setEnd(n, i + w.length);
      const box = r.getBoundingClientRect(), holder = n.parentElement.closest("div").getBoundingClientRect();
      out[w] = [box.left, getComputedStyle(n.parentElement).direction, holder.right - box.right];
    }
  }
  return out;
}
"""


@pytest.mark.slow
@pytest.mark.parametrize("two_languages", [False, True])
def test_right_to_left_text_is_laid_out_right_to_left_in_chromium(chromium, tmp_path, two_languages):
    """A claim in Arabic ends with its full stop on the left, short lines stand at the right, a list's numbers
    are beside their items, and the About line keeps its order (label, speaker, theme, from the right), in a
    source in Arabic only and in one in Arabic and English; there, an English cloze that begins with an Arabic
    word stays left to right on both faces. In the Arabic source, the list's question, made of deckgen's
    English label, is laid out left to right."""
    en = ', en: "Memory"' if two_languages else ""
    en_claim = '\n    en: "Hermann Ebbinghaus measured how fast memories fade."' if two_languages else ""
    cloze = (
        '      - cloze: "{{{{c1::القاهرة}}}} is where the forgetting curve was tested again."\n'
        if two_languages
        else ""
    )
    languages = "[ar, en]" if two_languages else "[ar]"
    src = tmp_path / "ar.yaml"
    labels = "" if two_languages else ', labels: {judgment: "الحكم"}'  # Arabic, so the About line is
    text = RTL_SOURCE.format(languages=languages, labels=labels, en=en, en_claim=en_claim, cloze=cloze)
    src.write_text(text, encoding="utf-8")
    page_html, _ = page_for(src)
    file = tmp_path / "preview.html"
    file.write_text(page_html, encoding="utf-8")
    page = Loaded(chromium, file).page
    qa, listed = '.pv-card[data-key="curve/qa/1"]', '.pv-card[data-key="curve/list/1"]'
    back = ".pv-face[data-side=Back]"
    claim = page.evaluate(WORD_BOXES, [["قاس", "ببطء."], f"{qa} {back} .dg-c1"])
    assert claim["قاس"][1] == claim["ببطء."][1] == "rtl"
    assert claim["ببطء."][0] < claim["قاس"][0]  # the last word (with its full stop) left of the first
    about = page.evaluate(WORD_BOXES, [["1", "هيرمان", "الذاكرة"], f"{qa} {back} .dg-about"])
    number, speaker, theme = about["1"][0], about["هيرمان"][0], about["الذاكرة"][0]
    if two_languages:  # the About line is mostly in the labels' language, English: left to right
        assert number < speaker < theme
    else:
        assert number > speaker > theme
    question = page.evaluate(WORD_BOXES, [["من", "؟"], f"{qa} .pv-face[data-side=Front] .dg-q"])
    assert question["من"][1] == "rtl" and question["؟"][0] < question["من"][0]  # the question mark ends it, on the left
    answer = page.evaluate(WORD_BOXES, [["هيرمان"], f"{qa} {back} .dg-a"])
    assert answer["هيرمان"][2] < 2  # a short line stands at the right edge, where right-to-left lines begin
    item = page.evaluate(WORD_BOXES, [["بسرعة"], f"{listed} {back} .dg-a"])
    assert item["بسرعة"][2] < 40  # a list item beside its number (the indent at the right), not across the card
    label = page.evaluate(WORD_BOXES, [["What"], f"{listed} .pv-face[data-side=Front] .dg-q"])
    assert label["What"][1] == "ltr"
    heading = page.locator(".pv-theme h3").first  # the theme's Arabic name, then its count, not run together
    name, count = heading.locator("bdi").bounding_box(), heading.locator(".pv-n").bounding_box()
    assert name is not None and count is not None and name["x"] + name["width"] <= count["x"] + 1
    if two_languages:  # an English cloze beginning with an Arabic word: left to right, front and back alike
        cloze = '.pv-card[data-key="curve/cloze/1"]'
        for side in ("Front", "Back"):
            face = page.locator(f"{cloze} .pv-face[data-side={side}] .dg-q")
            assert face.evaluate("e => getComputedStyle(e.querySelector('div') || e).direction") == "ltr", side


@pytest.mark.parametrize("version", [b"\xb2", b"9" * 5000])
def test_an_event_stream_version_that_is_no_small_number_counts_as_none(cards_copy, monkeypatch, capfd, version):
    """http.server decodes the request line as Latin-1, so a raw 0xB2 byte is '²', which str.isdigit takes."""
    monkeypatch.chdir(cards_copy.parent)
    stop = threading.Event()
    with LivePreview(["cards"]) as live:
        thread = threading.Thread(target=live.serve, kwargs={"stop": stop}, daemon=True)
        thread.start()
        with socket.create_connection(("127.0.0.1", live.port), timeout=10) as s:
            s.sendall(b"GET /events?v=" + version + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % live.port)
            answer = b""
            while b"data: " not in answer:
                chunk = s.recv(4096)
                assert chunk, answer
                answer += chunk
        stop.set()
        thread.join(timeout=10)
    assert answer.startswith(b"HTTP/1.1 200") and b"data: 1\n" in answer, answer
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--deck", "nope"], "no deck 'nope'"),
        (["--theme", "nope"], "unknown theme 'nope'"),
        (["--judgment", "99"], "99"),
    ],
)
def test_a_live_preview_of_a_selection_that_names_nothing_exits_1_as_the_static_one(cards_copy, args, message):
    """The command line names nothing in sources that load: the static preview exits 1, and so does a live
    one, before it serves a page that no edit of the sources was meant to mend (newcomer9 #5)."""
    static = CliRunner().invoke(main, ["preview", str(cards_copy), "-o", str(cards_copy.parent / "p.html"), *args])
    assert static.exit_code == 1 and message in static.output, static.output
    live = subprocess.run(
        [sys.executable, "-m", "deckgen", "preview", str(cards_copy), "--watch", *args],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=as_foreground_job,
    )
    assert live.returncode == 1 and live.stdout == "", (live.stdout, live.stderr)
    assert live.stderr.startswith("deckgen: error: ") and message in live.stderr, live.stderr


def test_a_live_preview_started_on_a_broken_source_says_it_has_no_cards_yet(tmp_path, monkeypatch, capsys):
    from deckgen.cli.report import print_rebuilt

    broken = tmp_path / "cards" / "s.yaml"
    broken.parent.mkdir()
    broken.write_text("deck: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with LivePreview(["cards"]) as live:
        first = live.first
    assert first.errors and first.notes == 0
    print_rebuilt(first)
    assert capsys.readouterr().out == f"Page built with {len(first.errors)} error(s) and no cards yet\n"


@pytest.mark.parametrize("how", ["another suffix", "a link to another folder", "a link in a watched folder"])
def test_a_source_is_watched_whatever_its_name_or_place(tmp_path, how):
    """A source named on the command line whatever its name, and a source a symbolic link (named, or in a
    watched folder) leads to in another folder: a save there rebuilds the page; another file written in that
    other folder does not."""
    minimal = (ROOT / "tests" / "data" / "good" / "minimal.yaml").read_text(encoding="utf-8")
    (tmp_path / "real").mkdir()
    edited = tmp_path / "real" / ("notes.txt" if how == "another suffix" else "minimal.yaml")
    edited.write_text(minimal, encoding="utf-8")
    watched = str(edited)
    if how != "another suffix":
        (tmp_path / "links").mkdir()
        (tmp_path / "links" / "minimal.yaml").symlink_to(edited)
        watched = str(tmp_path / "links" / ("minimal.yaml" if how == "a link to another folder" else ""))
    rebuilt, stop = queue.Queue(), threading.Event()
    with LivePreview([watched]) as live:
        thread = threading.Thread(target=live.serve, args=(rebuilt.put, stop), daemon=True)
        thread.start()
        time.sleep(0.3)  # the watcher is set up
        edited.write_text(replace_once(minimal, "a: 唐杰", "a: 唐杰 edited here"), encoding="utf-8")
        assert rebuilt.get(timeout=10).errors == []
        assert "唐杰 edited here" in live.page.decode("utf-8")
        if how != "another suffix":  # the other folder's other files are no sources of this preview
            (tmp_path / "real" / "other.yaml").write_text(minimal, encoding="utf-8")
            (tmp_path / "real" / "thumb.png").write_bytes(b"\x89PNG\r\n\x1a\n")
            with pytest.raises(queue.Empty):
                rebuilt.get(timeout=1.5)
        stop.set()
        thread.join(timeout=10)
