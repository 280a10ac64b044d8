"""Links of a page, as a browser would follow them: every href, src, action and srcset of its
elements and the URL-valued meta tags (og:image, og:url, twitter:image), resolved against the
page's address. Used to check that a site has no broken link and none outside its base."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

URL_ATTRS = {"href", "src", "action", "data-src"}
URL_META = {"og:image", "og:url", "twitter:image"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []  # (tag, attribute, raw value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRS:
                self.found.append((tag, name, value))
            elif name == "srcset":
                self.found += [(tag, name, part.strip().split(" ")[0]) for part in value.split(",") if part.strip()]
        if tag == "meta" and (a.get("property") in URL_META or a.get("name") in URL_META) and a.get("content"):
            self.found.append((tag, "content", a["content"]))


def raw_links(html: str) -> list[tuple[str, str, str]]:
    parser = _Collector()
    parser.feed(html)
    return parser.found


def links(html: str, page_url: str) -> list[str]:
    """Absolute URLs (fragment removed) of the page's own links: http(s) ones only."""
    out = []
    for _tag, _attr, value in raw_links(html):
        url = urljoin(page_url, value.strip())
        parts = urlsplit(url)
        if parts.scheme in ("http", "https"):
            out.append(urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")))
    return out
