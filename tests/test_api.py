"""The /events API over real HTTP, on a synthetic store whose contents the tests know."""

from __future__ import annotations

import csv
import io

import feedparser
import httpx
import pytest
from icalendar import Calendar

from tests.conftest import Server, event_dict, write_store

EVENTS = [
    event_dict("2018-07-06-china-answer", actors=["cn-tariff-commission"], category="procurement-restriction",
               technologies=["semiconductors"], entities=[],
               related=[{"id": "2018-07-06-tariff-one", "relation": "responds-to"}],
               title={"en": "China answers tariffs", "zh": "中国反制关税"}),
    event_dict("2018-07-06-tariff-one", actors=["ustr"], category="tariff", technologies=["semiconductors"],
               entities=["Section 301"], significance=3, title={"en": "First tariffs", "zh": "第一批关税"}),
    event_dict("2019-05-15-huawei", actors=["us-bis", "white-house"], category="entity-list",
               technologies=["telecom"], entities=["Huawei"], significance=3),
    event_dict("2020-05-15-fdpr", actors=["us-bis"], category="export-control-rule", entities=["Huawei", "TSMC"],
               related=[{"id": "2019-05-15-huawei", "relation": "follows-up"}]),
    event_dict("2022-10-07-big-rule", actors=["us-bis"], category="export-control-rule",
               technologies=["ai-chips", "chipmaking-equipment"], entities=["Nvidia A100"], significance=3,
               summary={"en": "Controls on advanced computing chips and the US persons rule.", "zh": "对先进计算芯片实施出口管制。"}),
    event_dict("2023-07-03-gallium", actors=["cn-mofcom"], category="export-control-rule",
               technologies=["critical-minerals"], entities=["gallium", "germanium"],
               title={"en": "China licenses gallium exports", "zh": "中国对镓锗实施出口管制"},
               related=[{"id": "2022-10-07-big-rule", "relation": "responds-to"}]),
    event_dict("2023-09-01-dutch", actors=["nl-government"], category="export-control-rule",
               technologies=["chipmaking-equipment"], entities=["ASML"]),
    event_dict("2025-05-13-ascend", actors=["us-bis"], category="guidance", technologies=["ai-chips"],
               entities=["Huawei Ascend 910B"]),
    event_dict("2025-09-13-probe", actors=["cn-mofcom"], category="investigation", technologies=["legacy-chips"],
               entities=["Texas Instruments"], significance=3),
    event_dict("2025-12-08-h200", actors=["white-house"], category="license-decision", technologies=["ai-chips"],
               entities=["Nvidia H200"], significance=3),
    event_dict("2025-12-09-h200-limits", actors=["cn-regulators"], category="procurement-restriction", technologies=["ai-chips"],
               entities=["Nvidia H200"], status="reported",
               related=[{"id": "2025-12-08-h200", "relation": "responds-to"}]),
    event_dict("2025-12-10-formula", actors=["cn-mfa"], category="diplomacy", entities=["=cmd|'/c calc'!A1"],
               title={"en": "=HYPERLINK(\"http://evil.example\",\"x\")", "zh": "+公式"},
               summary={"en": "-2+3 @SUM(A1)", "zh": "@公式"}),
]
IDS = [e["id"] for e in EVENTS]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    root = write_store(tmp_path_factory.mktemp("api") / "data", EVENTS)
    srv = Server(root)
    with httpx.Client(base_url=srv.url, timeout=20) as c:
        yield c
    srv.stop()


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [e["id"] for e in response.json()["events"]]


@pytest.mark.parametrize("params,expected", [
    ({}, IDS),
    ({"actor": "us-bis"}, ["2019-05-15-huawei", "2020-05-15-fdpr", "2022-10-07-big-rule", "2025-05-13-ascend"]),
    ({"actor": "white-house"}, ["2019-05-15-huawei", "2025-12-08-h200"]),  # any actor of the event
    ({"actor": ["ustr", "nl-government"]}, ["2018-07-06-tariff-one", "2023-09-01-dutch"]),  # OR within
    ({"category": "procurement-restriction"}, ["2018-07-06-china-answer", "2025-12-09-h200-limits"]),
    ({"technology": "chipmaking-equipment"}, ["2022-10-07-big-rule", "2023-09-01-dutch"]),
    ({"side": "allies"}, ["2023-09-01-dutch"]),
    ({"side": "china", "category": "export-control-rule"}, ["2023-07-03-gallium"]),  # AND across
    ({"entity": "H200"}, ["2025-12-08-h200", "2025-12-09-h200-limits"]),
    ({"entity": "H20"}, []),  # whole-word: H20 is not H200
    ({"entity": "huawei"}, ["2019-05-15-huawei", "2020-05-15-fdpr", "2025-05-13-ascend"]),  # "Huawei Ascend 910B"
    ({"q": "gallium"}, ["2023-07-03-gallium"]),
    ({"q": "镓锗"}, ["2023-07-03-gallium"]),
    ({"q": "US persons"}, ["2022-10-07-big-rule"]),
    ({"q": "先进计算"}, ["2022-10-07-big-rule"]),
    ({"significance": 3}, ["2018-07-06-tariff-one", "2019-05-15-huawei", "2022-10-07-big-rule", "2025-09-13-probe", "2025-12-08-h200"]),
    ({"from": "2025", "to": "2025"}, IDS[7:]),
    ({"from": "2023-07", "to": "2023-07"}, ["2023-07-03-gallium"]),
    ({"from": "2019-05-15", "to": "2020-05-15"}, ["2019-05-15-huawei", "2020-05-15-fdpr"]),
    ({"status": "reported"}, ["2025-12-09-h200-limits"]),
    ({"sort": "-date", "category": "procurement-restriction"}, ["2025-12-09-h200-limits", "2018-07-06-china-answer"]),
])
def test_filters(api, params, expected):
    assert ids(api.get("/events", params=params)) == expected


def test_filters_mean_the_same_in_every_format(api):
    params = {"side": "china", "from": "2023"}
    expected = ids(api.get("/events", params=params))
    rows = list(csv.DictReader(io.StringIO(api.get("/events.csv", params=params).text)))
    assert [r["id"] for r in rows] == expected
    feed = feedparser.parse(api.get("/events.atom", params=params).content)
    assert sorted(e.id.rsplit("/", 1)[-1] for e in feed.entries) == sorted(expected)
    cal = Calendar.from_ical(api.get("/events.ics", params=params).content)
    assert sorted(str(v["uid"]).split("@")[0] for v in cal.walk("VEVENT")) == sorted(expected)
    tl = api.get("/events.timelinejs.json", params=params).json()
    assert [e["unique_id"] for e in tl["events"]] == expected
    page = api.get("/", params=params)
    assert page.status_code == 200
    for event_id in expected:
        assert f'id="e-{event_id}"' in page.text
    assert page.text.count('<li class="event ') == len(expected)


def test_pagination_walks_every_event_once(api):
    seen, url, pages = [], "/events?limit=5", 0
    while url:
        r = api.get(url)
        body = r.json()
        assert body["total"] == len(IDS)
        seen += [e["id"] for e in body["events"]]
        if body["next"]:
            assert r.headers["link"] == f'<{body["next"]}>; rel="next"'
        else:
            assert "link" not in r.headers
        url = body["next"]
        pages += 1
    assert pages == 3
    assert seen == IDS


def test_pagination_keeps_filters(api):
    first = api.get("/events", params={"actor": "us-bis", "limit": 2}).json()
    assert "actor=us-bis" in first["next"]
    second = api.get(first["next"]).json()
    assert [e["id"] for e in first["events"] + second["events"]] == ids(api.get("/events", params={"actor": "us-bis"}))


def test_etag_and_304(api):
    r = api.get("/events", params={"actor": "us-bis"})
    etag = r.headers["etag"]
    assert "max-age=" in r.headers["cache-control"]
    again = api.get("/events", params={"actor": "us-bis"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = api.get("/events", params={"actor": "ustr"})
    assert other.headers["etag"] != etag
    assert api.get("/events", params={"actor": "ustr"}, headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_compression(api, coding):
    r = api.get("/events", headers={"Accept-Encoding": coding})
    assert r.headers["content-encoding"] == coding
    assert r.json()["total"] == len(IDS)  # httpx decodes both
    assert "Accept-Encoding" in r.headers["vary"]


def test_cors(api):
    r = api.get("/events", headers={"Origin": "https://news.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = api.options("/events", headers={"Origin": "https://news.example", "Access-Control-Request-Method": "GET"})
    assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("path,params,status,parameter", [
    ("/events", {"actor": "nobody"}, 400, "actor"),
    ("/events", {"side": "mars"}, 400, "side"),
    ("/events", {"from": "2025", "to": "2024"}, 400, "from"),
    ("/events", {"limit": 0}, 422, "limit"),
    ("/events", {"limit": 1001}, 422, "limit"),
    ("/events", {"limit": "ten"}, 422, "limit"),
    ("/events", {"from": "2022-02-30"}, 422, "from"),
    ("/events", {"from": "yesterday"}, 422, "from"),
    ("/events", {"cursor": "!!!"}, 400, "cursor"),
    ("/events", {"cursor": "bzotMQ"}, 400, "cursor"),
    ("/events", {"format": "xlsx"}, 400, "format"),
    ("/events", {"significance": 9}, 422, "significance"),
    ("/events", {"sort": "title"}, 422, "sort"),
    ("/events.pdf", {}, 400, "format"),
    ("/events/2099-01-01-nothing", {}, 404, "event_id"),
    ("/facets", {"category": "nope"}, 400, "category"),
])
def test_errors_are_problem_json(api, path, params, status, parameter):
    r = api.get(path, params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["detail"]
    assert body.get("parameter") == parameter, body


def test_unknown_path_is_problem_404(api):
    r = api.get("/nothing/here")
    assert r.status_code == 404 and r.json()["status"] == 404


def test_csv_is_parsed_and_formulas_are_neutralised(api):
    r = api.get("/events.csv", params={"lang": "en"})
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8"))))
    assert [row["id"] for row in rows] == IDS
    evil = rows[-1]
    assert evil["title"].startswith("'=HYPERLINK")
    assert evil["summary"].startswith("'-2+3")
    assert evil["entities"].startswith("'=cmd")
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    zh = list(csv.DictReader(io.StringIO(api.get("/events.csv", params={"lang": "zh"}).text)))
    assert zh[1]["title"] == "第一批关税" and zh[-1]["title"] == "'+公式"
    bom = api.get("/events.csv", params={"bom": "true"}).content
    assert bom.startswith("\ufeff".encode()) and not r.content.startswith("\ufeff".encode())


def test_ics_with_icalendar(api):
    r = api.get("/events.ics", params={"lang": "zh"})
    assert r.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    vevents = cal.walk("VEVENT")
    assert len(vevents) == len(IDS)
    first = next(v for v in vevents if str(v["uid"]).startswith("2018-07-06-tariff-one@"))
    assert str(first["summary"]) == "第一批关税"
    assert first.decoded("dtstart").isoformat() == "2018-07-06"
    assert first.decoded("dtend").isoformat() == "2018-07-07"


def test_atom_with_feedparser(api):
    r = api.get("/events.atom", params={"limit": 5, "sort": "-date"})
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Chip Controls Timeline"
    assert [e.title for e in feed.entries][0] == '=HYPERLINK("http://evil.example","x")'
    assert len(feed.entries) == 5


def test_timelinejs_shape(api):
    data = api.get("/events.timelinejs.json").json()
    assert len(data["events"]) == len(IDS)
    first = data["events"][1]
    assert first["start_date"] == {"year": "2018", "month": "7", "day": "6"}
    assert first["text"]["headline"] == "First tariffs"
    assert data["events"][-1]["text"]["headline"].startswith("=HYPERLINK(&quot;")


def test_jsonld_list(api):
    data = api.get("/events.jsonld").json()
    assert data["@type"] == "ItemList" and data["numberOfItems"] == len(IDS)
    assert data["itemListElement"][0]["item"]["startDate"] == "2018-07-06"


def test_one_event_resolves_related_both_ways(api):
    body = api.get("/events/2022-10-07-big-rule").json()
    assert body["side"] == "us" and body["title"]["zh"]
    assert body["referenced_by"] == [{
        "id": "2023-07-03-gallium", "date": "2023-07-03",
        "title": {"en": "China licenses gallium exports", "zh": "中国对镓锗实施出口管制"},
        "relation": "responds-to", "relation_label": {"en": "answered by", "zh": "引发回应"},
        "url": body["url"].replace("2022-10-07-big-rule", "2023-07-03-gallium"),
        "api_url": body["api_url"].replace("2022-10-07-big-rule", "2023-07-03-gallium"),
    }]
    out = api.get("/events/2023-07-03-gallium").json()
    assert [r["id"] for r in out["related"]] == ["2022-10-07-big-rule"]


def test_facets_are_counted_without_their_own_filter(api):
    body = api.get("/facets", params={"side": "china"}).json()
    assert body["total"] == 5
    assert body["facets"]["side"] == {"us": 6, "china": 5, "allies": 1}
    assert body["facets"]["category"]["procurement-restriction"] == 2
    inline = api.get("/events", params={"side": "china", "facets": "true"}).json()
    assert inline["facets"] == body["facets"]


def test_taxonomy(api):
    tax = api.get("/taxonomy").json()
    assert tax["actors"]["cn-mofcom"]["label"]["zh"] == "中国商务部"
    assert set(tax["sides"]) == {"us", "china", "allies"}


def test_publishers(client, api):
    """/publishers: each publisher's one name in both languages (a glossary term's from the
    glossary), the variants not used; every source writes the one name."""
    from tests.conftest import publisher_zh_names
    listed = client.get("/publishers").json()["publishers"]
    by_en = {p["en"]: p for p in listed}
    assert by_en["Reuters"]["zh"] == "路透社"
    assert by_en["MOFCOM"] == {"term": "mofcom", "en": "MOFCOM", "zh": "商务部", "variants": by_en["MOFCOM"]["variants"]}
    assert "Ministry of Commerce of China" in by_en["MOFCOM"]["variants"]
    assert {p["en"]: p["zh"] for p in listed if p["zh"]} == publisher_zh_names()
    not_used = {v for p in listed for v in p["variants"]} | {p["zh"] for p in listed if p["zh"] and p["zh"] != p["en"]}
    events = client.get("/events", params={"limit": 1000}).json()["events"]
    written = {n for e in events for s in e["sources"] for n in (s["publisher"], s.get("via")) if n}
    assert written & set(by_en) and not written & not_used, written & not_used
    assert api.get("/publishers").json() == {"publishers": []}  # a store without publishers.yaml
    spec = api.get("/openapi.json").json()
    assert "Publishers" in spec["components"]["schemas"]


def test_openapi_documents_every_parameter(api):
    spec = api.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/events"]["get"]["parameters"]}
    for name in ("from", "to", "actor", "category", "technology", "side", "entity", "q", "significance",
                 "sort", "limit", "cursor", "lang", "format"):
        assert name in params, name
        assert params[name].get("description"), name
    assert api.get("/docs").status_code == 200


def test_openapi_lists_the_loaded_vocabularies(api):
    """The taxonomy keys of the loaded store are enums in the document (drop-downs in /docs);
    the formats come from the renderer table; dates and cursors carry their patterns."""
    import re

    spec = api.get("/openapi.json").json()
    tax = api.get("/taxonomy").json()
    for path in ("/events", "/events.{ext}", "/facets"):
        params = {p["name"]: p["schema"] for p in spec["paths"][path]["get"]["parameters"]}
        for name, vocab in (("actor", "actors"), ("category", "categories"), ("technology", "technologies"),
                            ("side", "sides")):
            assert params[name]["items"]["enum"] == list(tax[vocab]), (path, name)
        assert params["status"]["items"]["enum"] == ["official", "reported"]
        date = next(b for b in params["from"]["anyOf"] if b.get("type") == "string")["pattern"]
        assert all(re.match(date, v) for v in ("2022", "2022-10", "2022-10-07", ""))
        assert not any(re.match(date, v) for v in ("22", "2022-13", "2022-10-32", "2022/10/07", "1800"))
    ext = {p["name"]: p["schema"] for p in spec["paths"]["/events.{ext}"]["get"]["parameters"]}["ext"]
    assert {"csv", "ics", "atom", "jsonld", "timelinejs.json"} <= set(ext["enum"])
    oembed = {p["name"]: p["schema"] for p in spec["paths"]["/oembed"]["get"]["parameters"]}
    assert "json" in str(oembed["format"]) and "atom" not in str(oembed["format"])
    for value in ext["enum"]:  # every documented extension is served
        assert api.get(f"/events.{value}", params={"limit": 1}).status_code == 200, value


def test_healthz(api):
    body = api.get("/healthz").json()
    assert body["events"] == len(IDS) and len(body["hash"]) == 20


def test_schemathesis_fuzz_no_5xx(api, tmp_path):
    """Property-based fuzzing of the API from its own OpenAPI document (bounded): explicit
    examples, schemathesis's boundary-value coverage phase, then random fuzzing."""
    import subprocess
    import sys

    base = str(api.base_url).rstrip("/")
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{base}/openapi.json",
         "--checks", "not_a_server_error,response_schema_conformance,content_type_conformance",
         "--max-examples", "40", "--phases", "examples,coverage,fuzzing", "--request-timeout", "10",
         "--suppress-health-check", "all", "--no-color"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
