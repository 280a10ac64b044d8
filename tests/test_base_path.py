"""The live app under a base-URL path (`TIMELINE_BASE_URL=http://host:port/tl`): every link of
every kind of page stays under /tl/ and answers, whether the proxy passes the prefix on or
strips it; API and feed URLs carry the path too."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import DATA, Server, free_port
from tests.links import links, raw_links


@pytest.fixture(scope="module")
def tl():
    port = free_port()
    base = f"http://127.0.0.1:{port}/tl"  # the base names the port: chosen first
    srv = Server(DATA, env={"TIMELINE_BASE_URL": base + "/"}, port=port)  # ready on /healthz, prefix stripped
    yield base
    srv.stop()


def _pages(base: str) -> list[str]:
    events = httpx.get(base + "/events?limit=3").json()["events"]
    stories = httpx.get(base + "/stories").json()
    pages = [f"{base}/?lang={lang}" for lang in ("en", "zh")]
    pages += [f"{base}/embed?lang=en", f"{base}/glossary?lang=zh", f"{base}/docs",
              f"{base}/?side=us&lang=en&event={events[0]['id']}"]
    pages += [f"{base}/event/{e['id']}?lang={lang}" for e in events for lang in ("en", "zh")]
    pages += [f"{base}/story/{stories[0]['id']}?lang=en", f"{base}/embed/story/{stories[0]['id']}?lang=zh"]
    return pages


def test_every_link_stays_under_the_base_path_and_answers(tl):
    host = urlsplit(tl).netloc
    seen: dict[str, int] = {}
    for page in _pages(tl):
        r = httpx.get(page)
        assert r.status_code == 200, page
        for tag, attr, value in raw_links(r.text):
            assert not (value.startswith("/") and not value.startswith("/tl/")), f"{page}: <{tag} {attr}={value!r}>"
        own = [u for u in links(r.text, page) if urlsplit(u).netloc == host]
        assert own, page
        for url in own:
            assert urlsplit(url).path.startswith("/tl/") or urlsplit(url).path == "/tl", f"{page} links {url}"
            if url not in seen:
                seen[url] = httpx.get(url).status_code
            assert seen[url] == 200, f"{page} links {url}: {seen[url]}"
    assert len(seen) > 30, seen


def test_page_data_and_api_urls_carry_the_base_path(tl):
    page = httpx.get(tl + "/?lang=en").text
    data = json.loads(re.search(r'<script type="application/json" id="page-data">(.*?)</script>', page, re.S)[1])
    for key in ("panel_url", "event_url", "explorer_url", "embed_url", "embed_script"):
        assert "/tl/" in data[key], (key, data[key])
    body = httpx.get(tl + "/events?limit=2").json()
    assert body["next"].startswith(tl + "/events?")
    assert httpx.get(body["next"]).status_code == 200
    assert all(e["url"].startswith(tl + "/event/") for e in body["events"])
    atom = httpx.get(tl + "/changes.atom?lang=en").text
    assert f'href="{tl}/changes.atom?lang=en"' in atom, atom[:800]
    oembed = httpx.get(tl + "/oembed", params={"url": tl + "/?side=us"}).json()
    assert f'src="{tl}/embed?' in oembed["html"], oembed
    assert httpx.get(tl + "/oembed", params={"url": f"{urlsplit(tl).scheme}://{urlsplit(tl).netloc}/elsewhere"}).status_code == 404


def test_a_proxy_that_strips_the_prefix_works_too(tl):
    root = tl[: -len("/tl")]
    r = httpx.get(root + "/events?limit=1")
    assert r.status_code == 200
    assert r.json()["events"][0]["url"].startswith(tl + "/event/")
    assert 'href="/tl/' in httpx.get(root + "/?lang=en").text
