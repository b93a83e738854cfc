"""Anki's desktop reviewer page in headless Chromium, to see what its MathJax does to a card's HTML.

What it loads, and why (read in aqt's ``reviewer.py``, ``webview.py`` and ``ts/reviewer/index.ts``):

* ``Reviewer._initWeb`` calls ``AnkiWebView.stdHtml(revHtml(), css=["css/reviewer.css"], js=["js/reviewer.js"])``;
  stdHtml writes ``<base href="http://127.0.0.1:PORT/">``, ``css/webview.css`` then ``css/reviewer.css`` in the
  head, ``js/webview.js`` then ``js/reviewer.js`` at the start of the body, then ``#_mark``, ``#_flag`` and
  ``<div id="qa">``. The same page is built here and served from the aqt wheel's ``_aqt/data/web/`` through
  Playwright routes on that origin: no socket is opened, and every other request is aborted and recorded in
  :attr:`Reviewer.refused`.
* A card is shown with ``_showQuestion(html, answer_html, bodyclass)`` / ``_showAnswer(html)``, as
  ``Reviewer._showQuestion``/``_showAnswer`` do. reviewer.js then tests the HTML string for ``\\(…\\)`` or
  ``\\[…\\]``; only if it finds one it loads ``/_anki/js/mathjax.js`` (the reviewer's MathJax configuration)
  and ``js/vendor/mathjax/tex-chtml-full.js``, sets ``#qa``'s innerHTML and typesets it. All of that is the
  real reviewer.js; only ``window.bridgeCommand`` (Qt's web channel) is a stub.
* ``probe=True`` (the default) appends ``<div id="mj-probe">\\(1\\)</div>`` to the card: its raw ``\\(`` makes
  the reviewer load MathJax and typeset the whole card, as it does when another field of the card holds
  real math. The probe must come out typeset (else :class:`MathJaxDidNotRun`), so a count of 0 means that
  MathJax ran over the card and found nothing, never that it did not run.

:func:`aqt_web_dir` gets the files with ``pip download --no-deps aqt==<the installed anki's version>`` (no
Qt; aqt and anki are released together) into a cache folder and unpacks only the few it needs. Nothing of
aqt is kept in this repository.
"""

from __future__ import annotations

import mimetypes
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

ORIGIN = "http://127.0.0.1:40123"
"""The reviewer's media-server origin as aqt writes it; served from memory by Playwright, never listened on."""
WEB_FILES = ("js/webview.js", "js/reviewer.js", "js/mathjax.js", "css/webview.css", "css/reviewer.css")
WEB_TREES = ("js/vendor/mathjax/",)
PROBE = '<div id="mj-probe">\\(1\\)</div>'

_PAGE = f"""<!doctype html>
<html class="" dir="ltr" data-bs-theme="light">
<head>
<title>reviewer</title>
<base href="{ORIGIN}/"><link rel="stylesheet" type="text/css" href="{ORIGIN}/_anki/css/webview.css">\
<link rel="stylesheet" type="text/css" href="{ORIGIN}/_anki/css/reviewer.css">
</head>
<body class="">
<script>window.bridgeCommand = function () {{}};</script>
<script src="{ORIGIN}/_anki/js/webview.js"></script>
<script src="{ORIGIN}/_anki/js/reviewer.js"></script>
<div id="_mark" hidden>&#x2605;</div>
<div id="_flag" hidden>&#x2691;</div>
<div id="qa" dir="auto"></div>
</body>
</html>"""

_SHOW = """async ([side, html, bodyclass]) => {
  await new Promise((resolve) => {
    if (side === "question") { _showQuestion(html, "", bodyclass); } else { _showAnswer(html, bodyclass); }
    _queueAction(() => resolve());
  });
  const qa = document.getElementById("qa");
  const images = Array.from(qa.querySelectorAll("img"));
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  const probe = document.getElementById("mj-probe");
  const probeTypeset = probe ? probe.querySelectorAll("mjx-container").length : null;
  if (probe) { probe.remove(); }
  return {containers: qa.querySelectorAll("mjx-container").length, probe: probeTypeset, text: qa.innerText,
          images: images.length, shown: images.filter((img) => img.naturalWidth > 0).length};
}"""


class MathJaxDidNotRun(RuntimeError):
    """The probe was not typeset: MathJax did not run over the card, so a count of 0 would prove nothing."""


@dataclass(frozen=True)
class Shown:
    containers: int
    """``mjx-container`` elements MathJax made of the card (the probe's left out)."""
    text: str
    """``#qa``'s innerText: what a reader sees and copies (the probe's left out)."""
    images: int = 0
    """``<img>`` elements in the card."""
    shown: int = 0
    """Of those, the ones whose file was found and drawn (from :attr:`Reviewer.media`)."""


def anki_version() -> str:
    """The installed ``anki`` package's version as PyPI spells it (``26.09.3`` → ``26.9.3``)."""
    from anki.buildinfo import version

    return ".".join(str(int(p)) for p in version.split("."))


def aqt_web_dir(cache: Path, version: str | None = None) -> Path:
    """``_aqt/data/web`` of aqt ``version`` (default: :func:`anki_version`), unpacked under ``cache``, which
    is reused when the files are already there. Raises ``subprocess.CalledProcessError`` when pip cannot
    download the wheel."""
    version = version or anki_version()
    web = cache / f"aqt-{version}" / "web"
    if (web / "js" / "reviewer.js").exists():
        return web
    wheels = cache / "wheels"
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", f"aqt=={version}", "-d", str(wheels)]
    subprocess.run(command, check=True, capture_output=True, text=True)
    (wheel,) = wheels.glob(f"aqt-{version}-*.whl")
    prefix = "_aqt/data/web/"
    staged = web.with_name("web.partial")
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            rel = name[len(prefix) :] if name.startswith(prefix) else ""
            if rel and (rel in WEB_FILES or rel.startswith(WEB_TREES)) and not name.endswith("/"):
                target = staged / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(name))
    staged.rename(web)  # complete or absent, so a cache interrupted half-way is never taken for a good one
    return web


class Reviewer:
    """One headless Chromium page running aqt's reviewer.js. Use as a context manager around a Playwright
    ``browser``; reuse it for many cards (MathJax stays loaded between cards, as in Anki)."""

    def __init__(self, browser, web: Path):
        self.browser = browser
        self.web = Path(web).resolve()
        self.refused: list[str] = []
        self.media: Path | None = None
        """A collection's media folder, served at the origin's root as aqt's media server does (the URL's
        path percent-decoded into a file name), or None."""

    def __enter__(self) -> Reviewer:
        self.page = self.browser.new_page()
        self.page.route("**/*", self._serve)
        self.page.goto(f"{ORIGIN}/_anki/reviewer.html")
        self.page.wait_for_function("typeof _showQuestion === 'function'")
        return self

    def __exit__(self, *exc) -> None:
        self.page.close()

    def _serve(self, route) -> None:
        url = route.request.url
        if url == f"{ORIGIN}/_anki/reviewer.html":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=_PAGE)
            return
        rel = url[len(f"{ORIGIN}/_anki/") :].split("?")[0] if url.startswith(f"{ORIGIN}/_anki/") else None
        path = (self.web / rel).resolve() if rel else None
        if path and path.is_file() and path.is_relative_to(self.web):
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            route.fulfill(status=200, body=path.read_bytes(), content_type=content_type)
        elif self.media and url.startswith(f"{ORIGIN}/") and (self.media / unquote(url[len(ORIGIN) + 1 :])).is_file():
            name = unquote(url[len(ORIGIN) + 1 :].split("?")[0])
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            route.fulfill(status=200, body=(self.media / name).read_bytes(), content_type=content_type)
        else:
            self.refused.append(url)
            route.abort()

    def show(self, html: str, *, side: str = "question", bodyclass: str = "card card1", probe: bool = True) -> Shown:
        """Show ``html`` (a card's ``question()`` or ``answer()``, play tags already turned into buttons as aqt
        does) as the reviewer does, and say what MathJax made of it."""
        r = self.page.evaluate(_SHOW, [side, html + (PROBE if probe else ""), bodyclass])
        if probe and r["probe"] != 1:
            raise MathJaxDidNotRun(f"the probe was typeset into {r['probe']} containers")
        return Shown(r["containers"], r["text"], r["images"], r["shown"])
