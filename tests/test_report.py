"""`timeline report`: the reference data set's figures, and the targets they must meet."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

from app import report
from app.models import Source
from app.store import load_snapshot
from tests.conftest import DATA, ROOT


def test_report_prints_the_figures():
    out = subprocess.run([sys.executable, "-m", "app.cli", "report"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for line in ("events:", "by year and side", "official acts:", "sources:", "glossary:"):
        assert line in out.stdout


def test_source_kinds():
    kind = lambda **kw: report.source_kind(Source(publisher=kw.pop("publisher", "X"), title="t", **kw))  # noqa: E731
    assert kind(url="http://10.1.2.3/a") == "ip"
    assert kind(url="https://www.federalregister.gov/d/1") == "official"
    assert kind(url="https://english.mofcom.gov.cn/x") == "official"
    assert kind(url="https://example.com/x", publisher="Reuters", via="Yahoo") == "reprint"
    assert kind(url="https://www.reuters.com/x") == "press"
    assert kind(citation="87 FR 62186") == "citation"


def test_the_real_store_meets_the_coverage_and_sourcing_targets():
    snap = load_snapshot(DATA)
    result = report.build(snap, DATA)
    assert len(snap.events) >= 180
    years = Counter(e.date.year for e in snap.events)
    assert all(years[y] >= 12 for y in range(2018, 2027)), years
    sides = {(e.date.year, snap.side_of(e)) for e in snap.events}
    assert all((y, s) in sides for y in range(2018, 2027) for s in ("us", "china")), "both sides in every year"
    acts = [e for e in snap.events if report.is_act(e, snap)]
    documented = [e for e in acts if e.documents]
    assert len(documented) >= 0.9 * len(acts), f"{len(documented)}/{len(acts)} acts cite their own document"
    # Most are cited by their number; the rest are named by issuer, date and subject and say whether they have
    # no number or it was not found (docs/DATA.md), and the report says how many.
    assert sum(e.documents[0].number == "given" for e in documented) >= 0.75 * len(acts)
    assert "its number not found:" in "\n".join(result.lines)
    assert not [e.id for e in acts if not e.documents and not e.document_note], "an act without document says why"
    assert not [s.url for e in snap.events for s in e.sources if report.source_kind(s) == "ip"]
    assert result.terminology == []


def test_a_document_without_its_number_is_an_official_notice():
    import pydantic
    import pytest

    from app.models import Document
    doc = Document(kind="official-notice", citation="BIS rule of November 26, 2021",
                   citation_zh="美国商务部工业与安全局2021年11月26日的规则", number="not-found")
    assert (doc.number, doc.cited("en"), doc.cited("zh")) == (
        "not-found", "BIS rule of November 26, 2021", "美国商务部工业与安全局2021年11月26日的规则")
    assert Document(kind="federal-register", citation="90 FR 47201").number == "given"
    with pytest.raises(pydantic.ValidationError, match="official-notice"):
        Document(kind="federal-register", citation="90 FR 47201", number="not-found")
    with pytest.raises(pydantic.ValidationError):
        Document(kind="official-notice", citation="a notice", number="unknown")


def test_a_citation_without_its_number_is_described_in_both_languages_and_says_nothing_of_the_number():
    """The `number` field says a number is missing (pages show it in their language); the citation,
    a description, is given in Chinese too; a title is the document's own, provenance is a note."""
    import pydantic
    import pytest

    from app.i18n import document_number_note
    from app.models import Document
    with pytest.raises(pydantic.ValidationError, match="citation_zh"):
        Document(kind="official-notice", citation="SAMR notice of December 9, 2024", number="none")
    with pytest.raises(pydantic.ValidationError, match="citation_zh"):
        Document(kind="federal-register", citation="90 FR 47201", citation_zh="90 FR 47201")
    for citation, zh in (("SAMR notice of December 9, 2024 (unnumbered)", "市场监管总局2024年12月9日的消息"),
                         ("MOFCOM announcement (number not found)", "商务部公告"),
                         ("MOFCOM announcement", "商务部公告（编号未查到）")):
        with pytest.raises(pydantic.ValidationError, match="`number` field"):
            Document(kind="official-notice", citation=citation, citation_zh=zh, number="not-found")
    with pytest.raises(pydantic.ValidationError, match="note"):
        Document(kind="federal-register", citation="90 FR 47201", title="Entity List additions (descriptive title)")
    doc = Document(kind="official-notice", citation="SAMR notice of December 9, 2024",
                   citation_zh="市场监管总局2024年12月9日的消息", number="none")
    assert (document_number_note(doc, "en"), document_number_note(doc, "zh")) == (" (no number)", "（无编号）")
    assert document_number_note(Document(kind="federal-register", citation="90 FR 47201"), "zh") == ""


def test_pages_and_csv_cite_a_document_without_its_number_in_their_language(client):
    """The real store: the Unreliable Entity List announcement of 2023-02-16 is cited by issuer, date
    and subject; each language's page and CSV carry its own description and say the number is missing."""
    import csv
    import io
    import re

    eid = "2023-02-16-unreliable-entity-list-lockheed-raytheon"
    doc = client.get(f"/events/{eid}").json()["documents"][0]
    assert doc["number"] == "not-found" and doc["citation_zh"].startswith("商务部")
    for lang, cited, note in (("en", doc["citation"], " (number not found)"), ("zh", doc["citation_zh"], "（编号未查到）")):
        page = client.get(f"/event/{eid}", params={"lang": lang}).text
        line = re.search(r'<p class="primary-document">(.*?)</p>', page, re.S).group(1)
        assert f"<cite>{cited.replace('&', '&amp;')}</cite>" in line
        assert f'<span class="doc-number" data-number="not-found">{note}</span>' in line
        rows = {r["id"]: r for r in csv.DictReader(io.StringIO(client.get("/events.csv", params={"lang": lang}).text))}
        assert rows[eid]["documents"].startswith(cited + note)
    # a document with its number says nothing more
    page = client.get("/event/2025-11-09-china-suspends-us-export-ban", params={"lang": "zh"}).text
    assert "商务部公告2025年第72号" in page and "doc-number" not in page and "编号据Graf von Westphalen" in page


def test_a_descriptive_source_title_is_a_flag_shown_in_the_page_language(client):
    import pydantic
    import pytest

    from app.models import Source
    with pytest.raises(pydantic.ValidationError, match="title_descriptive"):
        Source(url="https://example.org/a", publisher="P", title="China sanctions two firms (descriptive title)")
    with pytest.raises(pydantic.ValidationError, match="title_descriptive"):
        Source(url="https://example.org/a", publisher="P", title="China sanctions two firms",
               note={"en": "descriptive title", "zh": "描述性标题"})
    eid = "2023-02-16-unreliable-entity-list-lockheed-raytheon"  # UPI's report is cited by a description
    sources = client.get(f"/events/{eid}").json()["sources"]
    upi = next(s for s in sources if s["publisher"] == "UPI")
    assert upi["title_descriptive"] is True and "descriptive" not in upi["title"]
    for lang, note in (("en", ' <span class="note">(descriptive title)'), ("zh", '<span class="note">（描述性标题）')):
        page = client.get(f"/event/{eid}", params={"lang": lang}).text  # no space before a full-width "（"
        assert f'{upi["title"]}</a>{note}</span>' in page
    import csv
    import io
    for lang, note in (("en", " (descriptive title)"), ("zh", "（描述性标题）")):
        rows = {r["id"]: r for r in csv.DictReader(io.StringIO(client.get("/events.csv", params={"lang": lang}).text))}
        assert f'UPI: {upi["title"]}{note} {upi["url"]}' in rows[eid]["sources"]


def test_every_source_note_is_shown_in_the_page_language(client):
    """A source's note is bilingual: an event page in Chinese shows every note in Chinese, in
    full-width parentheses, and none of the English ones; the English page the reverse."""
    from markupsafe import escape

    events = client.get("/events", params={"limit": 1000}).json()["events"]
    with_notes = [e for e in events if any(s.get("note") for s in e["sources"])]
    assert len(with_notes) > 100
    for e in with_notes:
        pages = {lang: client.get(f"/event/{e['id']}", params={"lang": lang}).text for lang in ("en", "zh")}
        for s in e["sources"]:
            if not s.get("note"):
                continue
            en, zh = escape(s["note"]["en"]), escape(s["note"]["zh"])
            assert f'<span class="note">({en})</span>' in pages["en"], (e["id"], en)
            assert f'<span class="note">（{zh}）</span>' in pages["zh"], (e["id"], zh)
            assert f"({en})" not in pages["zh"], (e["id"], en)


def test_a_reprint_names_the_site_read_in_the_page_language(client):
    """`via` is the site whose copy was read: "Reuters (via Nasdaq)" / "Reuters（经Nasdaq转载）" on
    pages, in the CSV and in Atom; the publisher field never says it in words."""
    import csv
    import io

    import pydantic
    import pytest
    from markupsafe import escape

    from app.models import Source
    with pytest.raises(pydantic.ValidationError, match="via"):
        Source(url="https://example.org/a", publisher="Reuters (via Nasdaq)", title="T")
    events = client.get("/events", params={"limit": 1000}).json()["events"]
    assert not [s["publisher"] for e in events for s in e["sources"] if "(via " in s["publisher"] or "citing" in s["publisher"]]
    from tests.conftest import publisher_zh_names
    zh = publisher_zh_names()
    e = next(e for e in events if any(s.get("via") in zh and s["publisher"] in zh for s in e["sources"]))
    s = next(s for s in e["sources"] if s.get("via") in zh and s["publisher"] in zh)
    shown = {"en": f'{s["publisher"]} (via {s["via"]})', "zh": f'{zh[s["publisher"]]}（经{zh[s["via"]]}转载）'}
    for lang, text in shown.items():
        assert f" — {escape(text)}" in client.get(f"/event/{e['id']}", params={"lang": lang}).text
        rows = {r["id"]: r for r in csv.DictReader(io.StringIO(client.get("/events.csv", params={"lang": lang}).text))}
        assert f"{text}: " in rows[e["id"]]["sources"]
        assert str(escape(text)) in client.get("/events.atom", params={"lang": lang}).text


def test_publishers_are_named_in_the_page_language(client):
    """One name per publisher (timeline_data/publishers.yaml): Chinese pages, CSV, Atom and the
    TimelineJS data name a publisher and the site read by their Chinese names where they have
    one ("路透社（经纳斯达克转载）"), English pages by the one English name; a variant or a Chinese name
    in publisher or via is refused."""
    import csv
    import io

    from markupsafe import escape

    from tests.conftest import publisher_zh_names
    zh = publisher_zh_names()
    assert zh["Reuters"] == "路透社" and zh["MOFCOM"] == "商务部" and zh["Federal Register"] == "《联邦公报》"
    events = client.get("/events", params={"limit": 1000}).json()["events"]
    registered = 0
    for e in events:
        pages = {lang: client.get(f"/event/{e['id']}", params={"lang": lang}).text for lang in ("en", "zh")}
        for s in e["sources"]:
            assert s["publisher"] not in zh.values() or s["publisher"] in zh, s["publisher"]
            registered += s["publisher"] in zh
            via = s.get("via")
            en = s["publisher"] + (f" (via {via})" if via else "")
            cn = zh.get(s["publisher"], s["publisher"]) + (f"（经{zh.get(via, via)}转载）" if via else "")
            assert f" — {escape(en)}" in pages["en"], (e["id"], en)
            assert f" — {escape(cn)}" in pages["zh"], (e["id"], cn)
    assert registered > 300
    rows = list(csv.DictReader(io.StringIO(client.get("/events.csv", params={"lang": "zh", "limit": 1000}).text)))
    cells = " | ".join(r["sources"] for r in rows)
    assert "路透社: " in cells and "Reuters: " not in cells and "《联邦公报》: " in cells
    assert "路透社" in client.get("/events.atom", params={"lang": "zh"}).text
    assert "路透社" in client.get("/events.timelinejs.json", params={"lang": "zh"}).text
    assert "路透社" not in client.get("/events.csv", params={"lang": "en"}).text


def test_related_events_are_listed_in_the_page_language(client):
    """An event page lists its related events with their dates in the page's parentheses:
    "(December 8, 2025)" in English, "（2025年12月8日）" in Chinese, never "(2025年…)"."""
    import re

    one = client.get("/events/2025-12-09-china-h200-limits-reported").json()
    assert one["related"]
    pages = {lang: client.get(f"/event/{one['id']}", params={"lang": lang}).text for lang in ("en", "zh")}
    assert re.search(r'</a> <span class="meta">\(December 8, 2025\)</span>', pages["en"])
    assert '</a><span class="meta">（2025年12月8日）</span>' in pages["zh"]
    assert not re.search(r'class="meta">\(\d{4}年', pages["zh"])
    glossary = client.get("/glossary", params={"lang": "zh"}).text
    assert '<span class="meta">（' in glossary and not re.search(r'class="meta">\(\d{4}年', glossary)


def test_downloads_in_chinese_link_the_chinese_pages(client):
    """A Chinese CSV, iCalendar file, Atom feed, JSON-LD list, changes feed and story for
    TimelineJS link each event's Chinese page (they linked the English one); the English ones the
    English page (each page's canonical address). An Atom entry's id is the event's, whatever the
    feed's language."""
    import csv
    import io

    import feedparser
    from icalendar import Calendar

    first = client.get("/events", params={"limit": 1}).json()["events"][0]
    en_url = first["url"]  # the JSON's, in no language: a page in the reader's (Accept-Language)
    for lang in ("en", "zh"):
        url = f"{en_url}?lang={lang}"  # each page's canonical address
        rows = list(csv.DictReader(io.StringIO(client.get("/events.csv", params={"lang": lang}).text)))
        assert rows[0]["url"] == url
        cal = Calendar.from_ical(client.get("/events.ics", params={"lang": lang}).content)
        assert str(cal.walk("VEVENT")[0]["url"]) == url
        feed = feedparser.parse(client.get("/events.atom", params={"lang": lang, "sort": "date"}).content)
        assert feed.entries[0].link == url and feed.entries[0].id == en_url
        alternate = next(l["href"] for l in feed.feed.links if l["rel"] == "alternate")
        assert ("lang=zh" in alternate) == (lang == "zh")
        items = client.get("/events.jsonld", params={"lang": lang}).json()["itemListElement"]
        assert items[0]["item"]["url"] == url and items[0]["item"]["@id"] == en_url
        changes = feedparser.parse(client.get("/changes.atom", params={"lang": lang}).content)
        assert all(("lang=zh" in e.link) == (lang == "zh") for e in changes.entries)
        story = client.get("/stories/huawei", params={"format": "timelinejs", "lang": lang}).text
        assert f"?lang={lang}" in story
        china = feedparser.parse(client.get("/events.atom", params={"lang": lang, "side": "china"}).content)
        alternate = next(l["href"] for l in china.feed.links if l["rel"] == "alternate")
        assert "side=china" in alternate and f"lang={lang}" in alternate  # the feed's view, as a page


def test_a_download_holds_the_whole_view(client):
    """The explorer's "Download this view" links hold every event of the view, JSON too: a file
    (/events.json) is a download, where /events pages its JSON (50 a page by default). A
    format= that contradicts the extension is an error, not ignored."""
    import re

    page = client.get("/", params={"side": "us"}).text
    links: dict[str, str] = {}
    for href, label in re.findall(r'<a href="([^"]*/events\.[^"]+)">(JSON|CSV|iCal|Atom|TimelineJS)</a>', page):
        links.setdefault(label, href.replace("&amp;", "&"))  # the first line: this view's downloads
    assert all("side=us" in href for href in links.values()), links
    assert set(links) == {"JSON", "CSV", "iCal", "Atom", "TimelineJS"}, links
    body = client.get(links["JSON"]).json()
    assert body["total"] == body["count"] == len(body["events"]) == 120 and body["next"] is None
    assert len(client.get(links["TimelineJS"]).json()["events"]) == 120
    paged = client.get("/events", params={"side": "us"}).json()
    assert paged["count"] == 50 and paged["next"]
    limited = client.get("/events.json", params={"side": "us", "limit": 10}).json()
    assert limited["count"] == 10 and limited["next"]
    bad = client.get("/events.csv", params={"format": "json"})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    assert client.get("/events.csv", params={"format": "csv"}).status_code == 200


def test_bad_input_is_named_in_the_page_language_and_never_guessed(client):
    """A parameter given twice (that takes one value) is an error in the API and on pages, not
    resolved by a guess; a lang that is neither en nor zh is an error on every page; a page's
    messages are in its language; the state-of-play heading names the states shown."""
    import re

    r = client.get("/events", params=[("from", "2023"), ("from", "2024")])
    assert r.status_code == 400 and r.json()["parameter"] == "from" and "more than once" in r.json()["detail"]
    assert client.get("/events", params=[("side", "us"), ("side", "china")]).status_code == 200  # a list
    page = client.get("/", params=[("lang", "zh"), ("sort", "-date"), ("sort", "date")]).text
    assert "<li><code>sort</code>: 参数“sort”出现了不止一次；它只取一个值。</li>" in page
    for path in ("/event/2018-03-22-section-301-presidential-memorandum", "/glossary", "/story/huawei"):
        r = client.get(path, params={"lang": "fr"})
        assert r.status_code == 400 and "“fr” is not a language of this site" in r.text, path
    assert client.get("/story/huawei", params=[("step", "2"), ("step", "5")]).status_code == 400
    zh = {
        "side=mars": "“mars”不是 side 的取值",
        "state=suspended": "state 须与 as_of（判断状态的日期）一起使用。",
        "as_of=2030-01-01": "晚于来源核查截止日期",
        "significance=9": "请使用 1、2 或 3",
    }
    for query, message in zh.items():
        page = client.get(f"/?lang=zh&{query}").text
        errors = re.search(r'<div class="error" role="alert" id="view-errors">(.*?)</div>', page, re.S)[1]
        assert message in errors and not re.search(r"[a-z]{4,} [a-z]{4,}", errors.split("</h2>", 1)[1].replace("as_of", "")), errors
    assert "没有事件“nope”" in client.get("/event/nope", params={"lang": "zh"}).text
    heading = lambda q: re.search(r'<h2 id="sop-h">([^<]*)', client.get("/?" + q).text)[1]  # noqa: E731
    assert heading("as_of=2025-12-01").endswith("measures in force")
    assert heading("as_of=2025-12-01&state=suspended").endswith("measures suspended")
    assert heading("as_of=2025-12-01&state=in-force&state=suspended&lang=zh").endswith("项措施有效或已暂停")


def test_a_zoom_is_both_ends_in_order(client):
    """x0 and x1 zoom the chart together: one alone, reversed ends or a bad date is named (each
    was silently ignored, and one bad end blamed both)."""
    import re

    def errors(query: str) -> dict[str, str]:
        page = client.get("/?" + query).text
        return dict(re.findall(r"<li><code>([^<]+)</code>: ([^<]*)</li>", page))
    assert errors("x0=2024-01-01") == {"x0": "a zoom needs both x0 and x1."}
    assert errors("x1=2024-01-01&lang=zh") == {"x1": "缩放范围须同时给出 x0 和 x1。"}
    assert errors("x0=2024&x1=2023") == {"x0": "x0 (2024) is not before x1 (2023)."}
    assert list(errors("x0=banana&x1=2024")) == ["x0"]
    assert errors("x0=2023&x1=2024") == {}


def test_search_finds_what_a_reader_types(client):
    """A quoted phrase is searched as its words, invisible characters are ignored and traditional
    Chinese finds the simplified text (each gave 0 results without a word)."""
    def ids(q: str) -> list[str]:
        return [e["id"] for e in client.get("/events.json", params={"q": q}).json()["events"]]
    assert ids('"entity list"') == ids("entity list") != []
    assert ids("H\u200b200") == ids("H200") != []
    assert ids("實體清單") == ids("实体清单") != []
    assert ids("《出口管制法》") == ids("出口管制法") != []
    assert ids("“”") == ids("") and len(ids("")) == 205


def test_empty_values_mean_not_set_everywhere(client):
    """An empty value is "not set" in the API as on pages and as from= and q= were (side= was a
    400, "unknown side ''"); the Chinese calendar names categories in Chinese."""
    from icalendar import Calendar

    everything = client.get("/events.json").json()["total"]
    for params in ({"side": ""}, {"state": "", "as_of": ""}, {"from": "", "q": ""}, {"category": ["", "tariff"]}):
        r = client.get("/events.json", params=params)
        assert r.status_code == 200, (params, r.text)
    assert client.get("/events.json", params={"side": ""}).json()["total"] == everything
    assert client.get("/events.json", params={"category": ["", "tariff"]}).json()["total"] == \
        client.get("/events.json", params={"category": "tariff"}).json()["total"]
    cal = Calendar.from_ical(client.get("/events.ics", params={"lang": "zh", "category": "tariff"}).content)
    assert {str(c) for v in cal.walk("VEVENT") for c in v["categories"].cats} == {"关税"}
