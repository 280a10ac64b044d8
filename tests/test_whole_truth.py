"""Every output tells the whole truth: complete flat formats, change tracking, strict HTTP.

Over real HTTP, on a freshly started server, with real clients (feedparser, icalendar, csv)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import httpx
import pytest
import yaml
from icalendar import Calendar

from tests.conftest import ROOT, Server

N = 130  # more than a JSON page (50): the old default cut every flat format at 50


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("truth") / "data"
    subprocess.run([sys.executable, "scripts/make_synthetic_store.py", str(N), "--out", str(out), "--seed", "7"],
                   cwd=ROOT, check=True, capture_output=True)
    # one event with a correction, for the change log
    first = sorted((out / "events").rglob("*.yaml"))[5]
    data = yaml.safe_load(first.read_text(encoding="utf-8"))
    data["updated"] = "2026-12-01"
    data["changes"] = [{"date": "2026-12-01", "text": {"en": "The date was corrected.", "zh": "日期已更正。"}}]
    first.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def srv(store):
    server = Server(store)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(srv):
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        yield c


def _events(store: Path) -> list[dict]:
    return sorted((yaml.safe_load(p.read_text(encoding="utf-8")) for p in (store / "events").rglob("*.yaml")),
                  key=lambda e: (str(e["date"]), e["id"]))


def test_json_is_paged_and_says_so(api):
    body = api.get("/events").json()
    assert body["total"] == N and body["count"] == 50 and body["limit"] == 50 and body["next"]
    assert api.get("/events", params={"limit": 1000}).json()["count"] == N


def test_flat_formats_carry_every_event(api, store):
    ids = [e["id"] for e in _events(store)]
    rows = list(csv.DictReader(io.StringIO(api.get("/events.csv").text)))
    assert [r["id"] for r in rows] == ids
    assert {"added", "updated", "changes", "documents"} <= set(rows[0])
    cal = Calendar.from_ical(api.get("/events.ics").content)
    assert sorted(str(v["uid"]).split("@")[0] for v in cal.walk("VEVENT")) == sorted(ids)
    tl = api.get("/events.timelinejs.json").json()
    assert [e["unique_id"] for e in tl["events"]] == ids
    ld = api.get("/events.jsonld").json()
    assert len(ld["itemListElement"]) == ld["numberOfItems"] == N


def test_atom_is_complete_newest_first_updated_is_latest_change(api, store):
    events = _events(store)
    feed = feedparser.parse(api.get("/events.atom").content)
    assert not feed.bozo, feed.bozo_exception
    got = [e.id.rsplit("/", 1)[-1] for e in feed.entries]
    assert got == [e["id"] for e in reversed(events)]  # newest first, every event
    latest = max(str(e["updated"]) for e in events)
    assert feed.feed.updated.startswith(latest)


def test_limit_pages_a_flat_format_with_a_next_link(api):
    r = api.get("/events.csv", params={"limit": 10})
    assert len(list(csv.DictReader(io.StringIO(r.text)))) == 10
    assert 'rel="next"' in r.headers["link"]


def test_updated_since_and_the_changes_feed(api, store):
    events = _events(store)
    changed = [e["id"] for e in events if str(e["updated"]) >= "2026-12-01"]
    assert ids_of(api.get("/events", params={"updated_since": "2026-12-01", "limit": 1000})) == changed
    feed = feedparser.parse(api.get("/changes.atom").content)
    assert not feed.bozo
    assert len(feed.entries) == N + 1  # every addition and the one correction
    dates = [e.updated for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert feed.entries[0].title.startswith("Corrected: ")
    assert api.get("/changes.atom", params={"updated_since": "nonsense"}).status_code == 400


def ids_of(r: httpx.Response) -> list[str]:
    assert r.status_code == 200, r.text
    return [e["id"] for e in r.json()["events"]]


GET_ROUTES = ["/", "/events", "/embed", "/facets", "/docs", "/healthz", "/readyz", "/oembed?url={base}/",
              "/events.csv", "/events.atom", "/changes.atom", "/taxonomy", "/openapi.json"]


def test_head_answers_like_get_on_a_fresh_server(store):
    server = Server(store)  # nothing fetched yet: HEAD is the first request of each URL
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            for path in GET_ROUTES:
                url = path.format(base=server.url)
                head = c.head(url)
                assert head.status_code == 200, (url, head.status_code)
                assert head.content == b""
                get = c.get(url)
                skip = {"date", "content-length"} if url.startswith(("/healthz", "/readyz")) else {"date"}
                assert {k: v for k, v in head.headers.items() if k not in skip} == \
                       {k: v for k, v in get.headers.items() if k not in skip}, url
    finally:
        server.stop()


@pytest.mark.parametrize("path,name", [
    ("/events?catgory=tariff", "catgory"), ("/facets?x=1", "x"), ("/events.csv?limt=5", "limt"),
    ("/taxonomy?lang=zh", "lang"), ("/oembed?url=http://x/&width=3", "width"), ("/changes.atom?since=2026", "since"),
])
def test_unknown_parameters_are_named_with_the_known_ones(api, path, name):
    r = api.get(path)
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["parameter"] == name and name in body["detail"]
    if path.startswith("/events"):
        assert "category" in body["detail"] and "limit" in body["detail"]


def test_next_links_carry_only_known_parameters(api):
    body = api.get("/events", params={"side": "us", "limit": 5}).json()
    assert re.fullmatch(r".*/events\?side=us&limit=5&cursor=[\w-]+", body["next"])


@pytest.mark.parametrize("path", ["/?catgory=tariff", "/embed?catgory=tariff", "/event/{id}?foo=1"])
def test_pages_report_unknown_parameters_in_the_sites_layout(api, store, path):
    r = api.get(path.format(id=_events(store)[0]["id"]))
    assert r.status_code == 400
    assert "catgory" in r.text or "foo" in r.text
    assert 'class="error"' in r.text and "Chip Controls Timeline" in r.text


def test_identical_requests_get_identical_headers(api):
    def headers(**extra):
        r = api.get("/events", params={"actor": "us-bis"}, headers={"Origin": "https://news.example", **extra})
        return r, {k: v for k, v in r.headers.items() if k != "date"}

    r1, h1 = headers()
    r2, h2 = headers()
    assert h1 == h2
    assert r1.headers.get_list("access-control-expose-headers") == ["ETag, Link, X-Total-Count"]
    assert r1.headers["vary"] == "Accept-Encoding"
    _, plain = headers(**{"Accept-Encoding": "identity"})
    _, gz = headers(**{"Accept-Encoding": "gzip"})
    _, br = headers(**{"Accept-Encoding": "br"})
    assert len({plain["etag"], gz["etag"], br["etag"]}) == 3  # a distinct ETag per content-coding
    for coding, etag in (("identity", plain["etag"]), ("gzip", gz["etag"]), ("br", br["etag"])):
        again = api.get("/events", params={"actor": "us-bis"}, headers={"Accept-Encoding": coding, "If-None-Match": etag})
        assert again.status_code == 304, coding
    other = api.get("/events", params={"actor": "us-bis"}, headers={"Accept-Encoding": "br", "If-None-Match": plain["etag"]})
    assert other.status_code == 200  # the identity ETag does not validate the brotli form


def test_invalid_input_is_shown_inline_not_replaced(api):
    r = api.get("/", params={"from": "2025/03", "side": "us"})
    assert r.status_code == 400
    assert 'value="2025/03"' in r.text and 'aria-invalid="true"' in r.text and 'id="from-error"' in r.text
    assert "<header" in r.text  # the site's layout, with the form
    r = api.get("/", params={"from": "2025", "to": "2024"})
    assert r.status_code == 400 and "after" in r.text and 'id="filters"' in r.text
    missing = api.get("/event/2099-01-01-nothing")
    assert missing.status_code == 404 and "<header" in missing.text and "/?lang=en" in missing.text


def test_real_store_reaches_feed_readers_and_calendars_in_full(client):
    total = client.get("/events", params={"limit": 1}).json()["total"]
    feed = feedparser.parse(client.get("/events.atom").content)
    assert len(feed.entries) == total
    newest = client.get("/events", params={"sort": "-date", "limit": 1}).json()["events"][0]
    assert feed.entries[0].id.endswith(newest["id"])
    cal = Calendar.from_ical(client.get("/events.ics").content)
    assert len(cal.walk("VEVENT")) == total
    assert len(client.get("/events.timelinejs.json").json()["events"]) == total


def test_event_page_shows_updates_documents_and_a_correct_apa_date(api, store):
    events = _events(store)
    corrected = next(e for e in events if e.get("changes"))
    page = api.get(f"/event/{corrected['id']}").text
    assert "Last updated December 1, 2026" in page and "1 correction" in page
    y, m, d = str(corrected["date"]).split("-")
    assert re.search(rf"\({y}, [A-Z][a-z]+ {int(d)}\)\. ", page), "APA: (year, Month day)"
    assert "GB/T 7714" not in page
    zh = api.get(f"/event/{corrected['id']}", params={"lang": "zh"}).text
    today = dt.date.today().isoformat()  # GB/T 7714—2015: creator. title[EB/OL]. (updated)[cited]. address.
    assert (f'<p class="apa">芯片管制时间线. {html.escape(corrected["title"]["zh"], quote=False)}[EB/OL]. '
            f'({corrected["updated"]})[{today}]. {str(api.base_url).rstrip("/")}/event/{corrected["id"]}?lang=zh.</p>') in zh, zh[-1500:]
    assert f'from {str(api.base_url).rstrip("/")}/event/{corrected["id"]}?lang=zh</p>' in zh  # APA of the Chinese page
    listing = api.get("/", params={"status": "reported"}).text
    assert '<span class="badge reported">Reported</span>' in listing  # a label, capitalised like the others
    assert re.search(r'value="reported" checked>\s*Reported', listing)


def test_openapi_is_valid_and_typed(api):
    from openapi_spec_validator import validate

    doc = api.get("/openapi.json").json()
    validate(doc)
    schemas = doc["components"]["schemas"]
    assert {"EventOut", "EventPage", "EventDetail", "Facets", "Taxonomy", "Problem", "OEmbed"} <= set(schemas)
    ok = doc["paths"]["/events"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/EventPage"} in ok["anyOf"]  # or TimelineJS, with format=timelinejs
    bad = doc["paths"]["/events"]["get"]["responses"]["400"]["content"]["application/problem+json"]["schema"]
    assert bad == {"$ref": "#/components/schemas/Problem"}
    # the schema describes what the API really sends: every field of a served event is in it
    event = api.get("/events", params={"limit": 1}).json()["events"][0]
    assert set(event) | {"state"} == set(schemas["EventOut"]["properties"])  # state: only with as_of


def test_social_cards(api, store):
    import io

    from PIL import Image

    page = api.get("/", params={"side": "china", "lang": "zh"}).text
    card_url = re.search(r'<meta property="og:image" content="([^"]+)"', page)[1].replace("&amp;", "&")
    assert "side=china" in card_url and "lang=zh" in card_url
    assert re.search(r'<meta name="twitter:image" content="[^"]+card\.png', page)
    first = api.get(card_url)
    assert first.status_code == 200 and first.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(first.content)).size == (1200, 630)
    again = api.get(card_url)  # rendered once: the same prepared bytes
    assert again.headers["etag"] == first.headers["etag"]
    event_id = _events(store)[3]["id"]
    event_page = api.get(f"/event/{event_id}", params={"lang": "en"}).text
    event_card = re.search(r'<meta property="og:image" content="([^"]+)"', event_page)[1]
    assert event_card.endswith(f"/event/{event_id}/card.png?lang=en")
    assert Image.open(io.BytesIO(api.get(event_card).content)).size == (1200, 630)
    assert api.get("/card.png", params={"catgory": "x"}).status_code == 400
