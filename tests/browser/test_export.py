"""The static export (`timeline export`) served by a plain static file server, in Chromium.

The real data set is copied (researchers may be editing it), exported with
`python -m app.cli export`, and served with `python -m http.server` on a free port: no app
runs. Expected counts come from the app's own query module on the same copy, so the
browser-side filtering (static/static-explorer.js) is checked against the server's rules.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import time
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from app import query as q
from app.figure import figure_dict
from app.params import FilterParams
from app.store import load_snapshot
from tests.browser.conftest import POINTS, marker_count, shot, wait_chart
from tests.conftest import DATA, ROOT, free_port
from tests.links import links

RENDERED = "() => document.documentElement.hasAttribute('data-static-rendered')"


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """(output folder, snapshot of the exported data, seconds the export took)."""
    base = tmp_path_factory.mktemp("export")
    data = base / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns(".*"))
    out = base / "site"
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "app.cli", "export", "--data", str(data), "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    took = time.monotonic() - started
    assert run.returncode == 0, run.stdout + run.stderr
    return out, load_snapshot(data), took


@pytest.fixture(scope="module")
def site(export):
    out = export[0]
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(url + "/events.json", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("static server did not start")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def expected(snap, **filters) -> list[str]:
    """Ids the live API returns for these filters (same parameter names as /events)."""
    query = FilterParams.model_validate(filters).to_query(snap)
    return [snap.events[i].id for i in q.match(snap, query)]


def expected_facets(snap, **filters) -> dict:
    return q.facets(snap, FilterParams.model_validate(filters).to_query(snap))


def points(traces) -> dict:
    """event id -> (category, y) of every marker, and the set of connector segments."""
    out: dict = {}
    for tr in traces:
        meta = tr.get("meta") or {}
        cd, ys = list(tr.get("customdata") or []), list(tr.get("y") or [])
        if meta.get("connectors"):
            out["links"] = sorted((cd[i], cd[i + 1], round(ys[i], 6), round(ys[i + 1], 6)) for i in range(0, len(cd) - 1, 3))
        else:
            out.update({c[0]: (meta.get("category"), round(y, 6)) for c, y in zip(cd, ys)})
    return out


def watch_http(page, origin: str) -> list[str]:
    bad: list[str] = []
    page.on("response", lambda r: bad.append(f"{r.status} {r.url}") if r.url.startswith(origin) and r.status >= 400 else None)
    return bad


def inside_plot(page) -> int:
    """Index (among POINTS) of a marker drawn inside the plot area (a zoomed view clips the others)."""
    return page.evaluate("""() => {
      const plot = document.querySelector('#chart .nsewdrag').getBoundingClientRect();
      const pts = Array.from(document.querySelectorAll(%r));
      return pts.findIndex(p => { const b = p.getBoundingClientRect(), x = b.x + b.width / 2, y = b.y + b.height / 2;
        return x > plot.left + 2 && x < plot.right - 2 && y > plot.top + 2 && y < plot.bottom - 2; });
    }""" % POINTS)


def visible_ids(page) -> list[str]:
    return page.eval_on_selector_all("#event-list li.event", "els => els.map(e => e.dataset.id)")


def open_static(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(RENDERED, timeout=20000)
    wait_chart(page)


def wait_count(page, n: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('#event-list li.event').length === {n}"
                           f" && document.querySelectorAll({POINTS!r}).length === {n}", timeout=15000)


# --- files -------------------------------------------------------------------------------------

def test_export_is_relative_fast_and_complete(export):
    out, snap, took = export
    n = len(snap.events)
    pages = list(out.rglob("*.html"))
    # explorer, embed (en, zh); event page and panel per event and language; story page and its embed
    assert len(pages) == 4 + 4 * n + 4 * len(snap.stories) + 2  # and the glossary (en, zh)
    offenders = []
    for path in pages:
        text = path.read_text(encoding="utf-8")
        if re.search(r'(href|src|action)="/', text) or "testserver" in text or "static-export.invalid" in text:
            offenders.append(str(path.relative_to(out)))
    assert offenders == []
    assert (out / "static" / "vendor" / "plotly.min.js").stat().st_size > 100_000
    assert (out / "static" / "static-explorer.js").is_file()
    assert 'static/static-explorer.js' in (out / "index.html").read_text() and "explorer.js?" not in (out / "index.html").read_text()
    # the exported download files hold every event: the explorer says so instead of "this view"
    for index, words in ((out / "index.html", "Download all events"), (out / "zh" / "index.html", "下载全部事件数据")):
        text = index.read_text(encoding="utf-8")
        assert words in text and "Download this view" not in text and "下载当前视图数据" not in text
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"export of {n} events: {took:.1f} s (incl. interpreter start), {size / 1e6:.1f} MB")
    assert took < 60  # ~10 s on a quiet 2-core machine; generous for a busy CI box


def test_served_under_a_sub_path_no_link_is_broken(export, tmp_path):
    """Every page of the export, served from a plain static file server under /a/b/: every link,
    script, stylesheet, image and form target of every page answers 200 (the crawl follows them
    all, once each), and the data files' own URLs name files that exist."""
    out, snap, _took = export
    root = tmp_path / "www"
    (root / "a").mkdir(parents=True)
    (root / "a" / "b").symlink_to(out, target_is_directory=True)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    site = f"http://127.0.0.1:{port}/a/b/"
    try:
        with httpx.Client(timeout=10) as http:
            for _ in range(200):
                try:
                    if http.get(site + "events.json").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            status: dict[str, int] = {}
            pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
            for rel in pages:
                page_url = site + rel
                text = http.get(page_url).text
                for url in links(text, page_url):
                    if not url.startswith(f"http://127.0.0.1:{port}/"):
                        continue
                    assert url.startswith(site), f"{rel} links {url}, outside the site"
                    key = url.split("?")[0]
                    if key not in status:
                        status[key] = http.get(key).status_code
                    assert status[key] == 200, f"{rel} links {url}: {status[key]}"
            assert len(status) > 2 * len(snap.events), len(status)  # at least every event page in both languages
            # data files: site-relative URLs of events, stories and terms
            data = http.get(site + "events.json").json()
            for event in data["events"][:: max(1, len(data["events"]) // 20)]:
                assert http.get(site + event["url"]).status_code == 200, event["url"]
    finally:
        proc.terminate()
        proc.wait(10)


def test_data_files_parse(export):
    import feedparser
    from icalendar import Calendar

    out, snap, _ = export
    n = len(snap.events)
    body = json.loads((out / "events.json").read_text(encoding="utf-8"))
    assert body["total"] == body["count"] == len(body["events"]) == n and body["next"] is None
    assert [e["id"] for e in body["events"]] == [e.id for e in snap.events]
    for lang in ("", ".zh"):
        rows = list(csv.DictReader(io.StringIO((out / f"events{lang}.csv").read_text(encoding="utf-8"))))
        assert len(rows) == n and rows[0]["url"].startswith("event/")
        cal = Calendar.from_ical((out / f"events{lang}.ics").read_bytes())
        assert len(cal.walk("VEVENT")) == n
        feed = feedparser.parse((out / f"events{lang}.atom").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert len(feed.entries) == n
        tl = json.loads((out / f"events{lang}.timelinejs.json").read_text(encoding="utf-8"))
        assert len(tl["events"]) == n
    zh_rows = list(csv.DictReader(io.StringIO((out / "events.zh.csv").read_text(encoding="utf-8"))))
    assert re.search(r"[\u4e00-\u9fff]", zh_rows[0]["title"])
    assert json.loads((out / "taxonomy.json").read_text())["sides"]
    publishers = json.loads((out / "publishers.json").read_text(encoding="utf-8"))["publishers"]
    assert {"en": "Reuters", "zh": "路透社", "term": None, "variants": []} in publishers
    assert len(list((out / "events").glob("*.json"))) == n


def test_base_url_makes_feeds_and_embed_codes_absolute(export, tmp_path):
    data = export[0].parent / "data"  # the copy the main export used
    out = tmp_path / "site"
    from app.export import export_site

    export_site(data, out, base_url="https://example.org/cct/")
    first = json.loads((out / "events.json").read_text())["events"][0]
    assert first["url"] == f"https://example.org/cct/event/{first['id']}/"
    assert first["api_url"] == f"https://example.org/cct/events/{first['id']}.json"
    page = (out / "event" / first["id"] / "index.html").read_text()
    assert f'<link rel="canonical" href="https://example.org/cct/event/{first["id"]}/">' in page
    assert f"from https://example.org/cct/event/{first['id']}/" in page  # the APA citation
    data_json = re.search(r'id="page-data">(.*?)</script>', (out / "index.html").read_text(), re.S)[1]
    page_data = json.loads(data_json)  # the embed dialog's code: absolute addresses of the export
    assert page_data["embed_url"] == "https://example.org/cct/embed/"
    assert page_data["embed_script"] == "https://example.org/cct/static/embed.js"
    assert not re.search(r'(href|src|action)="/', page)


# --- browser -------------------------------------------------------------------------------------

def test_explorer_loads_without_errors(page, site, export):
    snap = export[1]
    bad = watch_http(page, site)
    open_static(page, site + "/index.html")
    n = len(snap.events)
    assert marker_count(page) == n
    assert len(visible_ids(page)) == n
    assert page.locator("#count").inner_text() == f"{n} events"
    shot(page, "export-explorer-en")
    assert page.watch.errors == [] and bad == []


def test_a_link_into_the_static_list_lands_on_its_event(page, site, export):
    """The static explorer redraws the list in the browser: a link to its last event (#e-<id>)
    still ends with that event in view, as on the server."""
    last = max(export[1].events, key=lambda e: (e.date, e.id))
    page.set_viewport_size({"width": 1280, "height": 800})
    open_static(page, f"{site}/index.html#e-{last.id}")
    page.wait_for_timeout(400)
    box = page.locator(f"#e-{last.id}").bounding_box()
    assert box is not None and 0 <= box["y"] < 800, f"#e-{last.id} is not in view: {box}"


def test_side_filter_matches_the_api(page, site, export):
    snap = export[1]
    bad = watch_http(page, site)
    open_static(page, site + "/index.html")
    page.locator("#filters input[name='side'][value='china']").check()
    page.wait_for_function("() => location.search === '?side=china'")
    ids = expected(snap, side=["china"])
    assert 0 < len(ids) < len(snap.events)
    wait_count(page, len(ids))
    assert visible_ids(page) == ids
    assert page.locator("#count").inner_text() == f"{len(ids)} events"
    facets = expected_facets(snap, side=["china"])
    for el in page.locator("#filters .count[data-facet]").all():
        facet, value = el.get_attribute("data-facet"), el.get_attribute("data-value")
        assert int(el.inner_text()) == facets[facet].get(value, 0), (facet, value)
    # newest first reverses the list
    page.select_option("#sort", "-date")
    page.wait_for_function("() => location.search.includes('sort=-date')")
    page.wait_for_function(f"() => document.querySelector('#event-list li.event').dataset.id === {ids[-1]!r}")
    assert visible_ids(page) == ids[::-1]
    # back restores the oldest-first view, forward the newest-first one
    page.go_back()
    page.wait_for_function(f"() => document.querySelector('#event-list li.event').dataset.id === {ids[0]!r}")
    assert page.locator("#sort").input_value() == "date"
    assert page.watch.errors == [] and bad == []


CASES = [
    {"category": ["entity-list"], "q": "huawei"},
    {"entity": ["H200"]},
    {"entity": ["nvidia"]},
    {"from": "2022", "to": "2023-06"},
    {"from": "2024-12-02", "to": "2024-12-31", "side": ["china", "us"]},
    {"significance": "3", "status": ["official"]},
    {"actor": ["us-bis", "cn-mofcom"], "technology": ["ai-chips"]},
    {"q": "出口管制"},
    {"q": "ＧＡＬＬＩＵＭ"},  # full-width: NFKC + case-insensitive, like the server
    {"q": "nvidia h20 export"},
    {"status": ["reported"], "sort": "-date"},
]


def test_url_state_restores_views_with_the_server_semantics(page, site, export):
    from urllib.parse import urlencode

    snap = export[1]
    bad = watch_http(page, site)
    for case in CASES:
        qs = urlencode(case, doseq=True)
        open_static(page, f"{site}/index.html?{qs}")
        ids = expected(snap, **case)
        wait_count(page, len(ids))
        assert visible_ids(page) == ids, case
        facets = expected_facets(snap, **case)
        for el in page.locator("#filters .count[data-facet]").all():
            facet, value = el.get_attribute("data-facet"), el.get_attribute("data-value")
            assert int(el.inner_text()) == facets[facet].get(value, 0), (case, facet, value)
        for name in ("side", "category", "technology", "actor", "status"):
            checked = page.eval_on_selector_all(f"#filters input[name='{name}']:checked", "els => els.map(e => e.value)")
            assert sorted(checked) == sorted(case.get(name, [])), (case, name)
        assert page.locator("#q").input_value() == case.get("q", "")
        if not ids:
            assert page.locator("#event-list p.empty").count() == 1
        # the chart is the server's figure for this view: same points, lanes, staggering, span
        query = FilterParams.model_validate(case).to_query(snap)
        server = figure_dict(snap, q.events(snap, query), "en")
        drawn = page.evaluate("() => { const c = document.getElementById('chart');"
                              " return {data: c.data.map(t => ({customdata: t.customdata, y: t.y, meta: t.meta})),"
                              " range: c.layout.xaxis.rangeslider.range}; }")
        assert points(drawn["data"]) == points(server["data"]), case
        assert drawn["range"] == server["layout"]["xaxis"]["rangeslider"]["range"], case
        if page.locator(".chart-legend").count():  # categories drawn + the two fixed keys
            legend = page.eval_on_selector_all(".chart-legend li:not([hidden])", "els => els.length")
            assert legend == sum(1 for tr in server["data"] if tr.get("mode") == "markers") + 2, case
    shot(page, "export-explorer-restored")
    assert page.watch.errors == [] and bad == []


def test_clicking_an_event_opens_its_detail(page, site, export):
    snap = export[1]
    bad = watch_http(page, site)
    open_static(page, site + "/index.html?category=entity-list")
    event = next(e for e in snap.events if e.category == "entity-list" and (e.related or snap.inverse_related.get(e.id)))
    page.locator(f"#event-list a.event-link[data-id='{event.id}']").click()
    page.wait_for_selector("#detail:not([hidden]) #detail-title")
    assert page.locator("#detail-title").inner_text() == event.title.en
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('event') === {event.id!r}")
    assert "category=entity-list" in page.url
    # links inside the fragment were resolved against the fragment's file: all load
    hrefs = page.eval_on_selector_all("#detail-body a[href]", "els => els.map(a => a.href)")
    own = [h for h in hrefs if h.startswith(site)]
    assert own, hrefs
    for href in own:
        assert page.request.get(href).status == 200, href
    # a related event opens in the panel too
    page.locator("#detail-body a.event-link").first.click()
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('event') !== {event.id!r}")
    page.keyboard.press("Escape")
    page.wait_for_selector("#detail", state="hidden")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('event')")
    # a shared link with event= opens the panel on load
    open_static(page, f"{site}/index.html?event={event.id}")
    page.wait_for_selector("#detail:not([hidden]) #detail-title")
    # clicking a marker opens it as well
    page.keyboard.press("Escape")
    page.locator(POINTS).nth(inside_plot(page)).click(force=True)
    page.wait_for_selector("#detail:not([hidden]) #detail-title")
    assert page.watch.errors == [] and bad == []


def test_chinese_explorer(page, site, export):
    snap = export[1]
    bad = watch_http(page, site)
    open_static(page, site + "/zh/index.html")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "芯片管制时间线" in page.locator("h1").inner_text()
    n = len(snap.events)
    assert page.locator("#count").inner_text() == f"共 {n} 个事件"
    page.locator("#filters input[name='side'][value='us']").check()
    ids = expected(snap, side=["us"])
    wait_count(page, len(ids))
    assert page.locator("#count").inner_text() == f"共 {len(ids)} 个事件"
    # the language switch keeps the filters
    href = page.locator("a.lang-switch").get_attribute("href")
    assert href == "../index.html?side=us"
    page.locator(f"#event-list a.event-link[data-id='{ids[0]}']").click()
    page.wait_for_selector("#detail:not([hidden]) #detail-title")
    assert page.locator("#detail-title").inner_text() == snap.get(ids[0]).title.zh
    shot(page, "export-explorer-zh")
    # the detail is a drawer over the page (it never narrows the chart): closed, the header's
    # Embed button is in reach; the dialog gives the static embed in the page's language
    page.click("#detail-close")
    page.click("#embed-button")
    code = page.locator("#embed-code-iframe").input_value()
    assert code.startswith("<iframe") and "embed/zh/index.html" in code
    assert "static/embed.js" in page.locator("#embed-code-script").input_value()
    page.keyboard.press("Escape")
    assert page.watch.errors == [] and bad == []
    # a live-site style link (?lang=zh) lands on the Chinese explorer with its filters; the
    # English page it replaces may be fetching plotly.js at that moment (an expected abort)
    page.goto(site + "/index.html?lang=zh&side=china")
    page.wait_for_url(site + "/zh/index.html?side=china")
    page.wait_for_function(RENDERED)
    wait_count(page, len(expected(snap, side=["china"])))
    assert [e for e in page.watch.errors if not e.endswith("net::ERR_ABORTED")] == [] and bad == []


def test_event_pages_link_to_existing_files(page, site, export):
    snap = export[1]
    bad = watch_http(page, site)
    event = next(e for e in snap.events if e.related)
    for path in (f"/event/{event.id}/index.html", f"/event/{event.id}/zh/index.html"):
        page.goto(site + path)
        assert page.locator("h1").first.is_visible()
        hrefs = page.eval_on_selector_all("a[href], link[href]", "els => els.map(a => a.href)")
        own = sorted({h.split("#")[0] for h in hrefs if h.startswith(site)})
        assert len(own) >= 5
        for href in own:
            assert page.request.get(href).status == 200, href
        sources = [s.url for s in event.sources if s.url]
        assert all(any(h.startswith(s[:40]) for h in hrefs) for s in sources)
    # back to the explorer with the event open
    page.goto(f"{site}/event/{event.id}/index.html")
    page.locator("main.event-page p a").first.click()
    page.wait_for_function(RENDERED)
    page.wait_for_selector("#detail:not([hidden]) #detail-title")
    assert urlsplit(page.url).path == "/index.html"
    assert page.watch.errors == [] and bad == []


def test_embed_draws_and_opens_details(page, site, export):
    snap = export[1]
    bad = watch_http(page, site)
    page.goto(site + "/embed/index.html")
    wait_chart(page)
    assert marker_count(page) == len(snap.events)
    page.locator("#event-list summary").click()
    first = snap.events[0]
    page.locator(f"#event-list a.event-link[data-id='{first.id}']").click()
    page.wait_for_selector("#detail:not([hidden]) #detail-title")
    explorer = page.locator("#detail-explorer").get_attribute("href")
    assert explorer == f"{site}/index.html?event={first.id}"
    permalink = page.locator("#detail-body p.permalink a").get_attribute("href")
    assert permalink == f"{site}/event/{first.id}/index.html"
    assert page.request.get(permalink).status == 200
    page.goto(site + "/embed/zh/index.html")
    wait_chart(page)
    assert marker_count(page) == len(snap.events)
    shot(page, "export-embed-zh")
    assert page.watch.errors == [] and bad == []


def test_embed_follows_the_filters_in_its_url(page, site, export):
    """The embed code the static explorer gives out carries its filters; the exported embed
    applies them (list, counts, chart, explorer link) with the server's semantics."""
    snap = export[1]
    bad = watch_http(page, site)
    open_static(page, site + "/index.html")
    page.locator("#filters input[name='side'][value='china']").check()
    ids = expected(snap, side=["china"])
    wait_count(page, len(ids))
    page.click("#embed-button")
    code = page.locator("#embed-code-iframe").input_value()
    src = re.search(r'src="([^"]+)"', code)[1]
    assert src.endswith("embed/index.html?side=china"), src
    # the dialog's preview loads the embed: let it finish before leaving the page
    page.frame_locator("#embed-preview").locator("#chart[data-drawn='true']").wait_for(timeout=20000)
    page.keyboard.press("Escape")
    for query, filters in (("side=china", {"side": ["china"]}),
                           ("q=gallium&from=2023", {"q": "gallium", "from": "2023"}),
                           ("actor=us-bis&sort=-date", {"actor": ["us-bis"], "sort": "-date"})):
        want = expected(snap, **filters)
        page.goto(f"{site}/embed/index.html?{query}")
        page.wait_for_function(f"() => document.querySelectorAll({POINTS!r}).length === {len(want)}", timeout=20000)
        assert visible_ids(page) == want, query
        n = len(want)
        assert page.locator(".count-heading").inner_text() == (f"{n} events" if n != 1 else "1 event")
        assert page.locator("#event-list > summary").inner_text().endswith(f"({n})")
        link = urlsplit(page.locator("#explorer-link").get_attribute("href"))
        assert f"{link.scheme}://{link.netloc}{link.path}" == f"{site}/index.html"
        assert sorted(parse_qsl(link.query)) == sorted(parse_qsl(query)), query
    assert page.watch.errors == [] and bad == []


def test_exported_stories_step_through_and_link_to_existing_files(page, site, export):
    snap = export[1]
    if not snap.stories:
        pytest.skip("the store has no stories")
    story = snap.stories[0]
    bad = watch_http(page, site)
    page.goto(f"{site}/story/{story.id}/index.html?step=2")
    wait_chart(page)
    assert page.locator(".story-step.current").get_attribute("data-step") == "2"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('step=3')")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    own = sorted({h.split("#")[0] for h in hrefs if h.startswith(site)})
    for href in own:
        assert page.request.get(href).status == 200, href
    page.click("#embed-button")
    src = page.locator("#embed-preview").get_attribute("src")
    assert f"embed/story/{story.id}/index.html?step=3" in src
    page.frame_locator("#embed-preview").locator("#chart[data-drawn='true']").wait_for()
    assert page.watch.errors == [] and bad == []


@pytest.mark.parametrize("query,errors,filters", [
    ("from=2025%2F03&side=china", ["from"], {"side": ["china"]}),
    ("from=2025&to=2024", ["from"], {}),
    ("catgory=tariff&actor=us-bis", ["catgory"], {"actor": ["us-bis"]}),
    ("actor=nobody&side=us", ["actor"], {"side": ["us"]}),
    ("as_of=2025-12-01", [], {"as_of": "2025-12-01"}),
    ("as_of=2099-01-01", ["as_of"], {}),
    ("updated_since=2026-12-01&sort=-date", [], {"updated_since": "2026-12-01", "sort": "-date"}),
])
def test_static_explorer_reports_invalid_input_as_the_server_does(page, site, export, query, errors, filters):
    """The static site answers every query as the live app does, errors included (static/query.js)."""
    snap = export[1]
    open_static(page, f"{site}/index.html?{query}")
    want = expected(snap, **filters)
    page.wait_for_function(f"() => document.querySelectorAll('#event-list li.event').length === {len(want)}",
                           timeout=15000)  # with as_of the chart also draws the rest, greyed
    assert visible_ids(page) == want
    shown = page.eval_on_selector_all("#view-errors li code", "els => els.map(e => e.textContent)")
    assert shown == errors
    if "from" in errors and "2025%2F03" in query:
        assert page.locator("#from").get_attribute("aria-invalid") == "true" and page.locator("#from-error").is_visible()


def test_static_state_of_play_greys_what_was_not_in_force(page, site, export):
    snap = export[1]
    open_static(page, f"{site}/index.html?as_of=2025-12-01&side=us")
    want = expected(snap, as_of="2025-12-01", side=["us"])
    page.wait_for_function(
        f"() => document.querySelectorAll('#event-list li.event').length === {len(want)}", timeout=15000)
    context = expected(snap, side=["us"])
    page.wait_for_function(f"() => document.querySelectorAll({POINTS!r}).length === {len(context)}", timeout=15000)
    greyed = page.evaluate("document.getElementById('chart').data.filter(t => t.marker && Array.isArray(t.marker.color))"
                           ".reduce((n, t) => n + t.marker.color.filter(c => c === '#a9a9a9').length, 0)")
    assert greyed == len(context) - len(want)
    assert page.locator("#state-of-play").is_visible()
    assert f": {len(want)} measures in force" in page.locator("#state-of-play h2").inner_text()
    assert page.locator("#state-of-play a.event-link").count() == len(want)


def test_static_lanes_collapse_as_the_servers_do(page, site, export):
    open_static(page, f"{site}/index.html?side=china&side=us")
    page.wait_for_function("() => document.getElementById('chart').layout.yaxis.ticktext.length === 2", timeout=15000)
    assert page.evaluate("document.getElementById('chart').layout.yaxis.ticktext") == ["China", "United States"]


def test_exported_embed_applies_its_own_parameters_and_reports_bad_ones(page, site, export):
    """title, note, theme, height and list=false work on the static embed as on the server; a
    height the server refuses is reported inline (as the server's page does), not applied."""
    page.goto(f"{site}/embed/index.html?side=us&title=Our%20view&note=A%20note&theme=dark&list=false&height=700")
    wait_chart(page)
    assert page.locator("h1").inner_text() == "Our view" and page.title() == "Our view"
    assert page.locator(".embed-note").inner_text() == "A note"
    assert "theme-dark" in page.locator("html").get_attribute("class")
    assert page.locator("#event-list").is_hidden()
    assert page.evaluate("document.getElementById('chart').getBoundingClientRect().height") > 560 - 150
    page.goto(f"{site}/embed/index.html?height=90&theme=purple")
    page.locator("#view-errors").wait_for(timeout=20000)
    text = page.locator("#view-errors").inner_text()
    assert "height" in text and "theme" in text
    assert "theme-purple" not in page.locator("html").get_attribute("class")


def test_static_site_refuses_what_the_server_refuses(page, site, export):
    """Where the server answers a bad address with a message, the static site names it too, in the
    page's language: an unknown event stays on the explorer (it left for a 404 page), a repeated
    parameter is not guessed (the server took the last, the static explorer the first), a story's
    step out of range or an unknown parameter is named (they were silently step 1); lang= on an
    embed or a story goes to that language's file, and event= opens the embed's detail."""
    open_static(page, f"{site}/index.html?event=nope")
    assert page.url.endswith("/index.html?event=nope")
    assert "There is no event “nope”." in page.locator("#view-errors").inner_text()
    open_static(page, f"{site}/zh/index.html?sort=-date&sort=date&side=mars")
    text = page.locator("#view-errors").inner_text()
    assert "参数“sort”出现了不止一次" in text and "“mars”不是 side 的取值" in text, text
    assert visible_ids(page) == expected(export[1])  # neither sort applied: oldest first, as the server
    open_static(page, f"{site}/index.html?side=china&x0=2024-01-01&x1=2025-06-30")
    page.click("#embed-button")
    src = re.search(r'src="([^"]+)"', page.locator("#embed-code-iframe").input_value())[1].replace("&amp;", "&")
    assert src.endswith("embed/index.html?side=china&x0=2024-01-01&x1=2025-06-30"), src  # the zoom, as live
    page.frame_locator("#embed-preview").locator("#chart[data-drawn='true']").wait_for(timeout=20000)
    page.keyboard.press("Escape")
    for path, message in (("story/huawei/index.html?step=99", "step must be a number from 1 to"),
                          ("story/huawei/index.html?foo=1", "Unknown parameter “foo”"),
                          ("embed/story/huawei/index.html?step=0", "step must be a number from 1 to")):
        page.goto(f"{site}/{path}")
        page.locator("#view-errors").wait_for(timeout=15000)
        assert message in page.locator("#view-errors").inner_text(), path
        assert page.evaluate("document.getElementById('view-errors').getBoundingClientRect().top") >= 0, path  # in view
    page.goto(f"{site}/story/huawei/index.html?lang=zh&step=3")
    page.wait_for_url("**/story/huawei/zh/index.html?step=3")
    assert page.locator("#step-status").inner_text() == "第3步，共{}步".format(len(export[1].story("huawei").steps))
    page.goto(f"{site}/embed/index.html?side=china&lang=zh")
    page.wait_for_url("**/embed/zh/index.html?side=china")
    wait_chart(page)
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    # a redirect leaves the page while its scripts load: only those loads may be cut short
    assert [e for e in page.watch.errors if not e.endswith("net::ERR_ABORTED")] == [], page.watch.errors
    page.watch.errors.clear()
    event = export[1].events[-1].id
    page.goto(f"{site}/embed/index.html?event={event}")
    page.locator(f"#detail:not([hidden]) article[data-id='{event}']").wait_for(timeout=15000)
    assert page.watch.errors == []


@pytest.mark.parametrize("lang,query", [("en", {"q": "H200"}), ("zh", {"q": "H200"}),
                                        ("en", {"side": ["china"], "category": ["tariff"]}), ("en", {})])
def test_static_chart_labels_and_legend_are_the_servers(page, site, export, lang, query):
    """A filtered static chart labels the landmarks the server labels for that view (it kept only
    those the whole view had room for), and its legend lists only the categories drawn (a hidden
    attribute the legend's CSS overrode showed all of them)."""
    from urllib.parse import urlencode

    from app.figure import PLOT_PX, figure_dict
    snap = export[1]
    events = [snap.get(i) for i in expected(snap, **query)]
    fig = figure_dict(snap, events, lang, plot_px=PLOT_PX["explorer"])
    want = sorted((a["name"], a["text"]) for a in fig["layout"].get("annotations", []))
    assert want or "q" not in query  # the H200 views have landmarks to label
    open_static(page, f"{site}/{'zh/' if lang == 'zh' else ''}index.html?{urlencode(query, doseq=True)}")
    wait_count(page, len(events))
    got = page.evaluate("(document.getElementById('chart').layout.annotations || [])"
                        ".filter(a => /^landmark:/.test(a.name || '')).map(a => [a.name, a.text])")
    assert sorted(map(tuple, got)) == want
    shown = page.eval_on_selector_all(".chart-legend li[data-category]", "els => els.filter(e => e.offsetParent !== null)"
                                      ".map(e => e.getAttribute('data-category'))")
    assert set(shown) == {e.category for e in events}


def test_static_embed_greys_what_was_not_in_force(page, site, export):
    """With as_of the static embed draws the view's other events greyed, as the server's embed does
    (it left them out)."""
    snap = export[1]
    kept = expected(snap, as_of="2025-12-01", side=["china"])
    context = expected(snap, side=["china"])
    page.goto(f"{site}/embed/index.html?as_of=2025-12-01&side=china")
    page.wait_for_function(f"() => document.querySelectorAll({POINTS!r}).length === {len(context)}", timeout=20000)
    greyed = page.evaluate("document.getElementById('chart').data.filter(t => t.marker && Array.isArray(t.marker.color))"
                           ".reduce((n, t) => n + t.marker.color.filter(c => c === '#a9a9a9').length, 0)")
    assert greyed == len(context) - len(kept) > 0
