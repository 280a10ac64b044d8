"""The TimelineJS export (/events.timelinejs.json) loaded by TimelineJS itself (3.9.11, pinned in
bench/timelinejs; `make test` installs it with npm) in headless Chromium: the journalist's
"drop the same data into TimelineJS" works, every event becomes a slide, and hostile event
text stays text inside TimelineJS (which renders headlines and text as HTML)."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from urllib.parse import quote

import httpx
import pytest

from tests.browser.conftest import _in_ci, shot
from tests.browser.test_hostile_browser import INJECTED, TRAP
from tests.conftest import ROOT, Server
from tests.hostile import SCRIPT, write_hostile_store

DIST = ROOT / "bench" / "timelinejs" / "node_modules" / "@knight-lab" / "timelinejs" / "dist"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS with our data</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="timelinejs/css/timeline.css">
<style>html,body{height:100%;margin:0}#timeline-embed{width:100%;height:650px}</style></head>
<body><div id="timeline-embed"></div>
<script src="timelinejs/js/timeline.js"></script>
<script>
  var base = new URL('timelinejs/', location.href).href;
  window.timeline = new TL.Timeline('timeline-embed', new URLSearchParams(location.search).get('data'), {
    script_path: base + 'js/', font: base + 'css/fonts/font.georgia-helvetica.css',
    language: 'en', ga_measurement_id: null, hash_bookmark: false
  });
</script></body></html>
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def tljs_site(tmp_path_factory):
    """A plain static server with TimelineJS's dist and a page that loads ?data=<url>."""
    if not (DIST / "js" / "timeline.js").is_file():
        message = f"TimelineJS is not installed at {DIST} (`make test` runs npm ci in bench/timelinejs)"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    site = tmp_path_factory.mktemp("tljs")
    shutil.copytree(DIST / "js", site / "timelinejs" / "js")
    shutil.copytree(DIST / "css", site / "timelinejs" / "css")
    (site / "index.html").write_text(PAGE, encoding="utf-8")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    httpd.shutdown()


def _load(page, site: str, data_url: str) -> dict:
    page.goto(f"{site}?data={quote(data_url, safe='')}")
    page.wait_for_selector(".tl-timemarker", state="attached", timeout=30000)
    return page.evaluate("""() => ({
        slides: window.timeline.config.events.length,
        markers: document.querySelectorAll('.tl-timemarker').length,
        errors: (window.timeline.config.messages || {}).errors || [],
        warnings: (window.timeline.config.messages || {}).warnings || []
    })""")


def test_timelinejs_draws_every_event(page, server, tljs_site):
    data_url = f"{server.url}/events.timelinejs.json?limit=500"
    ours = httpx.get(data_url).json()
    total = int(httpx.get(f"{server.url}/events?limit=1").headers["x-total-count"])
    assert len(ours["events"]) == total
    state = _load(page, tljs_site, data_url)
    assert state["errors"] == [] and state["warnings"] == [], state
    assert state["slides"] == total and state["markers"] == total
    # the title slide, then the first event's slide: TimelineJS shows our headline and sources
    assert page.locator(".tl-slide-titleslide .tl-headline").first.text_content().strip() == "Chip Controls Timeline"
    page.locator(".tl-slidenav-next").first.click()
    page.wait_for_timeout(800)
    current = page.locator(".tl-slide.tl-slide-active, .tl-slide:not(.tl-slide-titleslide)").first
    first = ours["events"][0]
    assert page.get_by_text(first["text"]["headline"], exact=True).first.is_visible()
    assert current.locator("a[href^='http']").count() >= 1
    assert page.watch.errors == []
    shot(page, "timelinejs-real-store")


def test_hostile_text_stays_text_in_timelinejs(browser, tljs_site, tmp_path):
    srv = Server(write_hostile_store(tmp_path / "data"))
    try:
        data_url = f"{srv.url}/events.timelinejs.json?limit=500"
        n = len(httpx.get(data_url).json()["events"])
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        ctx.add_init_script(TRAP)
        pg = ctx.new_page()
        dialogs: list[str] = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        state = _load(pg, tljs_site, data_url)
        assert state["slides"] == n, state
        seen = ""
        for _ in range(n):  # visit every slide
            pg.locator(".tl-slidenav-next").first.click()
            pg.wait_for_timeout(400)
            seen += pg.locator("#timeline-embed").text_content()
        assert SCRIPT in seen  # the markup is shown as literal text
        assert pg.evaluate("window.__pwned") is None
        assert pg.locator("#timeline-embed").locator(INJECTED).count() == 0
        assert dialogs == []
        shot(pg, "timelinejs-hostile")
        ctx.close()
    finally:
        srv.stop()
