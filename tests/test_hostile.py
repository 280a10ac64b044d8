"""Hostile text in events is inert in every output (HTTP-level; the browser test is in tests/browser)."""

from __future__ import annotations

import csv
import io
import json
import re

import feedparser
import httpx
import pytest
from icalendar import Calendar

from tests.conftest import Server
from tests.hostile import EVENTS, FORMULA, HOSTILE_URL, PAYLOADS, SCRIPT, TITLE_EN, write_hostile_store


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    srv = Server(write_hostile_store(tmp_path_factory.mktemp("hostile") / "data"))
    with httpx.Client(base_url=srv.url, timeout=20) as c:
        yield srv, c
    srv.stop()


HTML_PATHS = ["/", "/?lang=zh", "/embed", "/embed?lang=zh", "/event/2022-10-07-hostile-one",
              "/event/2022-10-07-hostile-one?lang=zh", "/event/2023-07-03-hostile-two",
              "/event/2022-10-07-hostile-one/panel", "/event/2023-07-03-hostile-two/panel?lang=zh",
              "/?event=2022-10-07-hostile-one", "/?q=%3Cscript%3E"]


@pytest.mark.parametrize("path", HTML_PATHS)
def test_html_outputs_escape_everything(hostile, path):
    _, c = hostile
    r = c.get(path)
    assert r.status_code == 200
    body = r.text
    for payload in PAYLOADS:
        assert payload not in body, (path, payload)
    assert "&lt;script&gt;" in body or "\\u003cscript" in body
    # the hostile URL never breaks out of its attribute
    assert '/"onmouseover' not in body
    if "hostile-one" in path and "lang=zh" not in path and "panel" in path:
        assert 'href="https://example.org/&#34;onmouseover' in body or 'href="https://example.org/&quot;onmouseover' in body
    # inline scripts are data only (JSON), never code
    for m in re.finditer(r"<script([^>]*)>(.*?)</script>", body, re.S):
        attrs, content = m.groups()
        if content.strip():
            assert 'type="application/json"' in attrs or 'type="application/ld+json"' in attrs, attrs
            json.loads(content)  # and it is valid JSON whose "<" are escaped
            assert "<" not in content


def test_atom_text_is_text(hostile):
    _, c = hostile
    feed = feedparser.parse(c.get("/events.atom").content)
    assert not feed.bozo
    titles = {e.title for e in feed.entries}
    assert TITLE_EN in titles  # shown as the literal characters
    for e in feed.entries:
        assert e.title_detail.type == "text/plain"


def test_ical_text_is_text(hostile):
    _, c = hostile
    cal = Calendar.from_ical(c.get("/events.ics").content)
    assert TITLE_EN in {str(v["summary"]) for v in cal.walk("VEVENT")}


def test_csv_neutralises_formulas(hostile):
    _, c = hostile
    rows = list(csv.DictReader(io.StringIO(c.get("/events.csv").content.decode("utf-8-sig"))))
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    zh = list(csv.DictReader(io.StringIO(c.get("/events.csv", params={"lang": "zh"}).text)))
    assert zh[0]["summary"].startswith("'" + FORMULA)


def test_json_and_jsonld_round_trip_the_text(hostile):
    _, c = hostile
    data = c.get("/events/2022-10-07-hostile-one").json()
    assert data["title"]["en"] == TITLE_EN
    assert data["sources"][0]["url"] == HOSTILE_URL
    ld = c.get("/events.jsonld").json()
    assert ld["itemListElement"][0]["item"]["name"] in (TITLE_EN, EVENTS[0]["title"]["en"])


def test_timelinejs_headlines_are_escaped_html(hostile):
    _, c = hostile
    data = c.get("/events.timelinejs.json").json()
    for ev in data["events"]:
        for text in (ev["text"]["headline"], ev["text"]["text"]):
            for payload in PAYLOADS:
                assert payload not in text


def test_oembed_title_is_escaped_in_html(hostile):
    srv, c = hostile
    data = c.get("/oembed", params={"url": f"{srv.url}/event/2022-10-07-hostile-one"}).json()
    assert data["title"] == TITLE_EN
    assert SCRIPT not in data["html"] and "&lt;script&gt;" in data["html"]


def test_figure_hover_text_is_escaped(hostile):
    _, c = hostile
    body = c.get("/").text
    page = json.loads(re.search(r'<script type="application/json" id="page-data">(.*?)</script>', body, re.S).group(1))
    texts = json.dumps([tr.get("customdata") for tr in page["figure"]["data"]], ensure_ascii=False)
    for payload in PAYLOADS:
        assert payload not in texts
    assert "&lt;script&gt;" in texts


def test_validation_rejects_non_http_urls(tmp_path):
    from app.store import StoreError, load_snapshot
    from tests.conftest import event_dict, write_store

    for bad in ("javascript:alert(1)", "data:text/html,<script>", "ftp://x.example/", "//x.example/a", "https://"):
        root = write_store(tmp_path / re.sub(r"\W", "_", bad), [event_dict(sources=[
            {"url": bad, "publisher": "P", "title": "T"}])])
        with pytest.raises(StoreError) as exc:
            load_snapshot(root)
        assert "sources[0].url" in str(exc.value.problems[0]), bad
