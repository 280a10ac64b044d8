"""oEmbed: discovery from the pages' <link> tags, then fetching with a real consumer (micawber)."""

from __future__ import annotations

import html.parser
import re
from urllib.parse import parse_qs, urlsplit

import micawber
import pytest


class LinkFinder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.oembed: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "alternate" and a.get("type") == "application/json+oembed":
            self.oembed.append(a["href"])


def discover(client, path: str) -> str:
    finder = LinkFinder()
    finder.feed(client.get(path).text)
    assert len(finder.oembed) == 1, finder.oembed
    return finder.oembed[0]


def registry_for(server) -> micawber.ProviderRegistry:
    """What a CMS does: register our endpoint for our URL pattern."""
    reg = micawber.ProviderRegistry()
    reg.register(re.escape(server.url) + r"/\S*", micawber.Provider(server.url + "/oembed"))
    return reg


def test_discovery_and_fetch_for_an_explorer_view(server, client):
    page_url = f"{server.url}/?actor=us-bis&lang=zh"
    endpoint = discover(client, "/?actor=us-bis&lang=zh")
    assert endpoint.startswith(server.url + "/oembed?")
    discovered = parse_qs(urlsplit(endpoint).query)["url"][0]
    assert parse_qs(urlsplit(discovered).query)["actor"] == ["us-bis"]
    data = registry_for(server).request(page_url, maxwidth=600, maxheight=400)
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert data["width"] <= 600 and data["height"] <= 400
    src = re.search(r'src="([^"]+)"', data["html"]).group(1).replace("&amp;", "&")
    q = parse_qs(urlsplit(src).query)
    assert urlsplit(src).path == "/embed" and q["actor"] == ["us-bis"] and q["lang"] == ["zh"]
    assert client.get(src.replace(server.url, "")).status_code == 200
    # micawber turning a pasted URL into the embed, as a CMS would
    out = registry_for(server).parse_text_full(f"See {page_url}")
    assert "<iframe" in out and "/embed?" in out


def test_discovery_and_fetch_for_an_event_page(server, client):
    event = client.get("/events", params={"limit": 1, "q": "H200"}).json()["events"][0]
    endpoint = discover(client, f"/event/{event['id']}")
    data = registry_for(server).request(parse_qs(urlsplit(endpoint).query)["url"][0])
    assert data["title"] == event["title"]["en"]
    src = re.search(r'src="([^"]+)"', data["html"]).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(src).query)["event"] == [event["id"]]


@pytest.mark.parametrize("url,status", [
    ("http://elsewhere.example/", 404),
    ("{base}/event/no-such-event", 404),
    ("{base}/docs", 404),
    ("javascript:alert(1)", 404),
])
def test_unknown_urls_are_404(client, server, url, status):
    r = client.get("/oembed", params={"url": url.format(base=server.url)})
    assert r.status_code == status and r.headers["content-type"] == "application/problem+json"


def test_xml_form_and_bad_sizes_are_422(client, server):
    import xml.etree.ElementTree as ET

    r = client.get("/oembed", params={"url": server.url + "/?side=china", "format": "xml", "maxwidth": 300})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(r.content)
    assert root.tag == "oembed" and root.findtext("type") == "rich" and root.findtext("width") == "300"
    assert root.findtext("html").startswith("<iframe") and "side=china" in root.findtext("html")
    assert client.get("/oembed", params={"url": server.url + "/", "maxwidth": "-3"}).status_code == 422
    assert client.get("/oembed").status_code == 422


def test_oembed_never_hands_out_the_iframe_of_an_error_page(client, server):
    """A maxheight under the embed's least height, a view the embed refuses or a parameter it does
    not take is a 422 naming the fault (it gave an iframe of a 400 page, or dropped the
    parameter); every iframe it gives loads."""
    base = server.url
    for params, fault in (({"url": base + "/", "maxheight": 100}, "maxheight"),
                          ({"url": base + "/?side=mars"}, "mars"),
                          ({"url": base + "/?foo=1"}, "foo"),
                          ({"url": base + "/?from=2025-02-30"}, "2025-02-30"),
                          ({"url": base + "/story/huawei?step=99"}, "step"),
                          ({"url": base + "/event/2018-03-22-section-301-presidential-memorandum?x=1"}, "x")):
        r = client.get("/oembed", params=params)
        assert r.status_code == 422 and fault in r.json()["detail"], (params, r.text)
    for url in (base + "/?side=china&lang=zh", base + "/story/huawei?step=3&lang=zh", base + "/embed?title=T"):
        data = client.get("/oembed", params={"url": url, "maxheight": 150}).json()
        src = re.search(r'src="([^"]+)"', data["html"]).group(1).replace("&amp;", "&")
        assert client.get(src.replace(base, "")).status_code == 200, src


def test_chinese_pages_discover_a_chinese_embed(client, server):
    """The oEmbed link of a Chinese event or story page names the Chinese page (and the story's
    step), so a CMS embeds it in Chinese."""
    event = client.get("/events", params={"limit": 1}).json()["events"][0]
    for path, title in ((f"/event/{event['id']}?lang=zh", event["title"]["zh"]), ("/story/huawei?lang=zh&step=3", None)):
        data = registry_for(server).request(parse_qs(urlsplit(discover(client, path)).query)["url"][0])
        src = re.search(r'src="([^"]+)"', data["html"]).group(1).replace("&amp;", "&")
        assert parse_qs(urlsplit(src).query)["lang"] == ["zh"], src
        if title:
            assert data["title"] == title
        else:
            assert parse_qs(urlsplit(src).query)["step"] == ["3"], src
