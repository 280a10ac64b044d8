"""The embed in an article on another origin (a second local port), with the embed.js loader."""

from __future__ import annotations

import http.server
import re
import threading
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import PAINT_TIMES, POINTS, paint_times, serious, shot, wait_chart
from tests.conftest import free_port

ARTICLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A news article</title></head>
<body style="font-family: Georgia, serif; max-width: 720px; margin: 2em auto">
<h1>What the chip controls did</h1><p>Some article text before the timeline.</p>
<iframe id="timeline" src="{src}" title="Chip controls timeline" width="100%" height="300"
  style="border:0;max-width:100%" loading="eager" data-cct-embed></iframe>
<script src="{app}/static/embed.js" async></script>
<p>Some article text after the timeline.</p>
<iframe id="framed-explorer" src="{app}/" title="explorer (must be refused)" width="100%" height="200"></iframe>
</body></html>"""


@pytest.fixture
def article(server):
    """Serve an article page that embeds the timeline from a different origin."""
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/favicon.ico":
                self.send_response(204)
                self.end_headers()
                return
            body = pages.get(self.path.split("?")[0])
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, *args):
            pass

    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    def make(query: str) -> str:
        pages["/article"] = ARTICLE.format(src=f"{server.url}/embed?{query}", app=server.url).encode()
        return f"http://127.0.0.1:{port}/article"

    yield make
    httpd.shutdown()


def embed_frame(page):
    page.wait_for_selector("iframe#timeline")
    frame = page.frame_locator("iframe#timeline")
    handle = page.query_selector("iframe#timeline").content_frame()
    return frame, handle


def test_embed_renders_resizes_and_shows_only_the_filtered_events(page, server, client, article):
    url = article("side=china&category=tariff&title=China%27s%20answers&lang=en")
    page.goto(url)
    _, frame = embed_frame(page)
    wait_chart(frame)
    n = client.get("/events", params={"side": "china", "category": "tariff", "limit": 1}).json()["total"]
    assert n > 0
    assert frame.locator(POINTS).count() == n
    assert frame.locator("#event-list li.event").count() == n
    assert frame.locator("h1").inner_text() == "China's answers"
    # the loader sized the iframe to the embed's height, which its content fills exactly
    page.wait_for_selector("iframe#timeline[data-cct-resized='true']")
    content = frame.evaluate("Math.ceil(document.documentElement.scrollHeight)")
    height = page.evaluate("document.getElementById('timeline').getBoundingClientRect().height")
    assert height == 560 and abs(height - content) <= 2
    # the list opens inside the frame: the host article does not grow
    frame.locator("#event-list summary").click()
    frame.wait_for_selector("#event-list[open] li.event")
    page.wait_for_timeout(300)
    assert page.evaluate("document.getElementById('timeline').getBoundingClientRect().height") == height
    shot(page, "embed-in-article")
    # the explorer link opens the same view
    href = frame.locator("#explorer-link").get_attribute("href")
    q = parse_qs(urlsplit(href).query)
    assert q["side"] == ["china"] and q["category"] == ["tariff"] and href.startswith(server.url + "/?")
    assert frame.locator("#explorer-link").get_attribute("target") == "_blank"
    # the only errors: the explorer refusing to be framed (tested below)
    expected = ("ERR_BLOCKED_BY_RESPONSE", "frame-ancestors", "X-Frame-Options")
    assert [e for e in page.watch.errors if not any(x in e for x in expected)] == []


def test_embed_opens_an_event_inside_the_frame(page, server, client, article):
    page.goto(article("technology=ai-chips&lang=zh"))
    _, frame = embed_frame(page)
    wait_chart(frame)
    frame.locator("#event-list summary").click()
    first = frame.locator("#event-list a.event-link").first
    event_id = first.get_attribute("data-id")
    first.click()
    frame.wait_for_selector("#detail:not([hidden]) #detail-title")
    event = client.get(f"/events/{event_id}").json()
    assert frame.locator("#detail-title").inner_text().strip() == event["title"]["zh"]
    explorer = frame.locator("#detail-explorer").get_attribute("href")
    q = parse_qs(urlsplit(explorer).query)
    assert q["event"] == [event_id] and q["technology"] == ["ai-chips"] and q["lang"] == ["zh"]
    # source links leave the frame
    assert all(t == "_blank" for t in frame.locator("#detail-body .sources a").evaluate_all(
        "els => els.map(a => a.target)"))
    shot(page, "embed-event-open")


def test_explorer_refuses_to_be_framed_elsewhere(page, server, article):
    page.goto(article("lang=en"))
    page.wait_for_timeout(500)
    framed = page.query_selector("iframe#framed-explorer").content_frame()
    # Chromium blocks the document: the frame has no explorer content
    assert framed is None or framed.locator("#chart").count() == 0


def test_dark_theme_applies(page, server, article):
    page.goto(article("theme=dark"))
    _, frame = embed_frame(page)
    wait_chart(frame)
    bg = frame.evaluate("getComputedStyle(document.body).backgroundColor")
    rgb = [int(x) for x in bg[bg.index("(") + 1:bg.index(")")].split(",")[:3]]
    assert sum(rgb) < 3 * 80, bg
    paper = frame.evaluate("document.getElementById('chart').layout.font.color")
    assert paper.lower() in ("#e6e6e6",)
    shot(page, "embed-dark")


@pytest.mark.parametrize("query", ["lang=en", "lang=zh&theme=dark", "side=us&theme=light"])
def test_axe_inside_the_frame(page, server, article, query):
    page.goto(article(query))
    _, frame = embed_frame(page)
    wait_chart(frame)
    problems = serious(Axe().run(frame))
    assert problems == [], "\n".join(problems)


def test_framing_headers(server):
    embed = httpx.get(server.url + "/embed")
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    for path in ("/", "/event/2022-10-07-bis-advanced-computing-rule", "/events", "/docs"):
        r = httpx.get(server.url + path)
        assert "frame-ancestors 'self'" in r.headers["content-security-policy"], path
        assert r.headers["x-frame-options"] == "SAMEORIGIN"


def test_embed_dialog_options_rewrite_the_code_and_the_preview(page, server):
    """Title, note, language, theme, height, date range and list: each option changes both
    codes and the live preview; a height out of range is marked and left out, not changed."""
    page.goto(server.url + "/?side=china&lang=en")
    wait_chart(page)
    page.click("#embed-button")
    dialog = page.locator("#embed-dialog")
    dialog.locator("input[name=title]").fill("Export curbs <b>&")
    dialog.locator("input[name=note]").fill("From our March story")
    dialog.locator("select[name=lang]").select_option("zh")
    dialog.locator("select[name=theme]").select_option("dark")
    dialog.locator("input[name=height]").fill("700")
    dialog.locator("input[name=from]").fill("2023-01-01")
    dialog.locator("input[name=to]").fill("2024-12-31")
    dialog.locator("input[name=list]").uncheck()
    code = page.locator("#embed-code-script").input_value()
    src = re.search(r'src="([^"]+)"', code)[1].replace("&amp;", "&")
    query = parse_qs(urlsplit(src).query)
    assert urlsplit(src).path == "/embed"
    assert query["title"] == ["Export curbs <b>&"] and query["note"] == ["From our March story"]
    assert query["lang"] == ["zh"] and query["theme"] == ["dark"] and query["height"] == ["700"]
    assert query["from"] == ["2023-01-01"] and query["to"] == ["2024-12-31"] and query["list"] == ["false"]
    assert query["side"] == ["china"]
    assert 'height="700"' in code and "<b>" not in code  # the title is escaped in the attribute
    # the preview follows (after a short pause while typing)
    page.wait_for_function("() => document.getElementById('embed-preview').src.indexOf('list=false') > 0", timeout=5000)
    frame = page.frame_locator("#embed-preview")
    frame.locator("h1", has_text="Export curbs").wait_for(timeout=20000)
    frame.locator("#chart[data-drawn='true']").wait_for(timeout=20000)
    assert frame.locator("h1").inner_text() == "Export curbs <b>&"
    assert frame.locator(".embed-note").inner_text() == "From our March story"
    assert frame.locator("html").get_attribute("lang").startswith("zh")
    assert "theme-dark" in frame.locator("html").get_attribute("class")
    assert frame.locator("#event-list").is_hidden()
    shot(page, "embed-dialog-options-1280")
    # a height the embed would refuse: marked, left out of the code
    dialog.locator("input[name=height]").fill("90")
    assert dialog.locator("input[name=height]").get_attribute("aria-invalid") == "true"
    assert dialog.locator(".embed-invalid").is_visible()
    assert "height=90" not in page.locator("#embed-code-iframe").input_value()
    # a range that ends before it starts: both marked, neither in the code
    dialog.locator("input[name=height]").fill("560")
    dialog.locator("input[name=to]").fill("2022-01-01")
    code = page.locator("#embed-code-iframe").input_value()
    assert "from=" not in code and "to=" not in code
    assert dialog.locator("input[name=from]").get_attribute("aria-invalid") == "true"


def test_embed_without_its_list_still_fills_its_frame(page, server):
    page.set_viewport_size({"width": 800, "height": 560})  # the frame
    bottoms = {}
    for extra in ("", "&list=false"):
        page.goto(f"{server.url}/embed?lang=en&height=560{extra}")
        wait_chart(page)
        assert page.evaluate("document.documentElement.scrollHeight") <= 562, extra  # nothing cut off
        bottoms[extra] = page.evaluate("document.querySelector('.embed-footer').getBoundingClientRect().bottom")
    # without the list, its line goes to the chart: the credit stays at the frame's foot
    assert abs(bottoms["&list=false"] - bottoms[""]) <= 6, bottoms


def test_the_embed_paints_its_header_first_and_its_chart_next(browser, server):
    """The embed's first paint is its header, legend, list line and credit; its chart (the
    server-drawn preview, whose first lane label carries Element Timing) comes a frame later
    (static/style.css, "First frames"), and nothing painted moves meanwhile."""
    ctx = browser.new_context(viewport={"width": 800, "height": 420})
    pg = ctx.new_page()
    pg.add_init_script(PAINT_TIMES + """window.__shift = 0;
new PerformanceObserver(l => { for (const e of l.getEntries()) window.__shift += e.value; })
  .observe({type: 'layout-shift', buffered: true});""")
    pg.goto(f"{server.url}/embed?lang=en&height=420")
    wait_chart(pg)
    paints, fcp = paint_times(pg, "header", "chart")
    assert paints["header"] <= fcp + 1, f"something was painted before the header: {paints}, FCP {fcp}"
    assert paints["chart"] > paints["header"], f"the chart was painted with the header: {paints}"
    assert pg.evaluate("window.__shift") < 0.005, "something painted in the embed moved while it started"
    # then everything is shown
    assert pg.evaluate("[...document.querySelectorAll('.embed-main > *')].every(e => "
                       "getComputedStyle(e).contentVisibility === 'visible')")
    ctx.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_small_frame_gives_the_chart_what_the_lines_leave(browser, server, lang):
    """A frame under 380 px hides the legend; each part keeps its own grid row, so the chart still
    gets the rest of the frame and the list line sits below it (with the legend hidden, the chart
    had slipped into the legend's row: 66 px high, under the list line, with an empty band below)."""
    ctx = browser.new_context(viewport={"width": 390, "height": 300})
    pg = ctx.new_page()
    pg.goto(f"{server.url}/embed?lang={lang}&height=300")
    wait_chart(pg)
    box = lambda sel: pg.locator(sel).bounding_box()  # noqa: E731
    chart, summary, credit = box("#chart"), box(".embed-list > summary"), box(".embed-footer")
    assert not pg.locator(".chart-legend").is_visible()
    assert chart["height"] >= 180, chart
    assert summary["y"] >= chart["y"] + chart["height"] - 1, (chart, summary)
    assert credit["y"] >= summary["y"] + summary["height"] - 1 and credit["y"] + credit["height"] <= 301, credit
    ctx.close()
