"""Every address the site gives out, from one builder (in the spirit of Datasette's `urls`).

Templates, renderers, feeds, oEmbed and JSON ask a `Urls` object for a link; nothing else
spells a path. Two builders answer the same methods:

- `LiveUrls` for the running app. Its base is the public base URL, path included
  (`https://example.org/tl`); in-page links are root-relative under that path (`/tl/event/…`),
  links meant to leave the page (canonical, feeds, JSON `url` fields, citations, embed codes)
  come from `.abs` and are absolute.
- `StaticUrls` for the static export. Each page is a file (`event/<id>/zh/index.html`); links
  are relative to the file being written (`at`) and name files explicitly, so any static host
  or object store serves them under any path. With a base URL, `.abs` links are absolute.

A method returns None for what a kind of site does not have (the static site has no oEmbed
endpoint); templates leave such links out.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence
from urllib.parse import urlencode, urlsplit

LANGS = ("en", "zh")
FLAT = ("csv", "ics", "atom", "timelinejs.json")
Query = Sequence[tuple[str, str]]


def _q(query: Query | None) -> str:
    return ("?" + urlencode(list(query))) if query else ""


def split_base(base_url: str) -> tuple[str, str]:
    """'https://h/tl/' -> ('https://h/tl', '/tl'): the absolute base and its path."""
    base = base_url.strip().rstrip("/")
    return base, urlsplit(base).path.rstrip("/")


class LiveUrls:
    static = False

    def __init__(self, base: str, asset_version: Callable[[str], str] = lambda name: "", absolute: bool = False):
        self.base, self.path = split_base(base)
        self._version = asset_version
        self._root = self.base if absolute else self.path
        self.absolute = absolute

    @property
    def abs(self) -> "LiveUrls":
        """The same builder, giving absolute URLs."""
        return self if self.absolute else LiveUrls(self.base, self._version, absolute=True)

    @property
    def key(self) -> str:
        return self.base

    @property
    def host(self) -> str:
        return urlsplit(self.base).hostname or "chip-controls-timeline"

    def _u(self, path: str, query: Query | None = None) -> str:
        return self._root + path + _q(query)

    @staticmethod
    def _lang(lang: str | None, query: Query | None = None) -> list[tuple[str, str]]:
        """The query with `lang` set to `lang` (if given: it replaces the query's own)."""
        if not lang:
            return list(query or ())
        return [(k, v) for k, v in (query or ()) if k != "lang"] + [("lang", lang)]

    # pages
    def explorer(self, lang: str | None = None, query: Query | None = None) -> str:
        return self._u("/", self._lang(lang, query))

    def embed(self, lang: str | None = None, query: Query | None = None) -> str:
        return self._u("/embed", self._lang(lang, query))

    def event(self, event_id: str, lang: str | None = None) -> str:
        return self._u(f"/event/{event_id}", self._lang(lang))

    def panel(self, event_id: str, lang: str) -> str:
        return self._u(f"/event/{event_id}/panel", self._lang(lang))

    def story(self, story_id: str, lang: str | None = None, step: int | None = None) -> str:
        return self._u(f"/story/{story_id}", self._lang(lang) + ([("step", str(step))] if step else []))

    def story_embed(self, story_id: str, lang: str | None = None, step: int | None = None) -> str:
        return self._u(f"/embed/story/{story_id}", self._lang(lang) + ([("step", str(step))] if step else []))

    def glossary(self, lang: str | None = None) -> str:
        return self._u("/glossary", self._lang(lang))

    def docs(self) -> str:
        return self._u("/docs")

    # data
    def events_api(self, query: Query | None = None) -> str:
        return self._u("/events", query)

    def event_api(self, event_id: str) -> str:
        return self._u(f"/events/{event_id}")

    def data(self, ext: str, query: Query | None = None) -> str:
        """A complete download of the view (`query`: its filters and language)."""
        return self._u(f"/events.{ext}", query)

    def taxonomy(self) -> str:
        return self._u("/taxonomy")

    def publishers(self) -> str:
        return self._u("/publishers")

    def changes(self, lang: str | None = None) -> str:
        return self._u("/changes.atom", self._lang(lang))

    def stories_api(self) -> str:
        return self._u("/stories")

    def story_api(self, story_id: str) -> str:
        return self._u(f"/stories/{story_id}")

    def terms_api(self) -> str:
        return self._u("/terms")

    def term_api(self, term_id: str) -> str:
        return self._u(f"/terms/{term_id}")

    def openapi(self) -> str:
        return self._u("/openapi.json")

    def oembed(self, url: str) -> str | None:
        return self._u("/oembed", [("url", url), ("format", "json")])

    def card(self, lang: str, event_id: str | None = None, query: Query | None = None) -> str:
        path = f"/event/{event_id}/card.png" if event_id else "/card.png"
        return self._u(path, self._lang(lang, query))

    def asset(self, name: str, versioned: bool = True) -> str:
        """A static file; versioned (`?v=` its content hash), it is served as immutable."""
        return self._u(f"/static/{name}", [("v", self._version(name))] if versioned else None)

    def favicon(self) -> str:
        return self.asset("favicon.svg")


# -- the static export's files ---------------------------------------------------------------------

def explorer_file(lang: str) -> str:
    return "index.html" if lang == "en" else "zh/index.html"


def embed_file(lang: str) -> str:
    return "embed/index.html" if lang == "en" else "embed/zh/index.html"


def event_file(event_id: str, lang: str) -> str:
    return f"event/{event_id}/index.html" if lang == "en" else f"event/{event_id}/zh/index.html"


def panel_file(event_id: str, lang: str) -> str:
    return f"event/{event_id}/panel.{lang}.html"


def glossary_file(lang: str) -> str:
    return "glossary/index.html" if lang == "en" else "glossary/zh/index.html"


def story_file(story_id: str, lang: str, embed: bool = False) -> str:
    prefix = "embed/story" if embed else "story"
    return f"{prefix}/{story_id}/index.html" if lang == "en" else f"{prefix}/{story_id}/zh/index.html"


def data_file(ext: str, lang: str) -> str:
    return f"events.{ext}" if lang == "en" or ext == "json" else f"events.zh.{ext}"


def relative(from_file: str, to_file: str) -> str:
    """Path of `to_file` seen from `from_file` (both relative to the site root)."""
    src, dst = from_file.split("/")[:-1], to_file.split("/")
    i = 0
    while i < len(src) and i < len(dst) - 1 and src[i] == dst[i]:
        i += 1
    return "/".join([".."] * (len(src) - i) + dst[i:])


def pretty(file: str) -> str:
    """The public address of a file: directories for index pages (for absolute links)."""
    return file[: -len("index.html")] if file.endswith("index.html") else file


PLOTLY_FILE = "static/vendor/plotly.min.js"


class StaticUrls:
    """Links of the export, relative to the file `at` (None: data files, whose links are
    site-relative addresses such as `event/<id>/`), or absolute with a base URL (`.abs`)."""

    static = True

    def __init__(self, base: str = "", at: str | None = "index.html", absolute: bool = False, lang: str = "en"):
        self.base = split_base(base)[0] if base else ""
        self.at = at
        self.absolute = absolute
        self.lang = lang  # the page's language: links without one stay in it

    @property
    def abs(self) -> "StaticUrls":
        if self.absolute or not self.base:
            return self
        return StaticUrls(self.base, self.at, absolute=True, lang=self.lang)

    @property
    def key(self) -> str:
        return f"static:{self.base}:{self.at}:{self.absolute}:{self.lang}"

    @property
    def host(self) -> str:
        return urlsplit(self.base).hostname if self.base else "chip-controls-timeline"

    def file(self, target: str, query: Query | None = None) -> str:
        if self.absolute:
            return f"{self.base}/{pretty(target)}{_q(query)}"
        if self.at is None:
            return pretty(target) + _q(query)
        return relative(self.at, target) + _q(query)

    def _lang(self, lang: str | None, query: Query | None = None) -> str:
        lang = lang or dict(query or ()).get("lang")
        return lang if lang in LANGS else self.lang

    # pages: the language is in the file's name; the static explorer and embed apply the
    # rest of their address's query (filters, zoom, open event) in the browser
    def explorer(self, lang: str | None = None, query: Query | None = None) -> str:
        return self.file(explorer_file(self._lang(lang, query)), [(k, v) for k, v in (query or ()) if k != "lang"])

    def embed(self, lang: str | None = None, query: Query | None = None) -> str:
        return self.file(embed_file(self._lang(lang, query)), [(k, v) for k, v in (query or ()) if k != "lang"])

    def event(self, event_id: str, lang: str | None = None) -> str:
        return self.file(event_file(event_id, self._lang(lang)))

    def panel(self, event_id: str, lang: str) -> str:
        return self.file(panel_file(event_id, self._lang(lang)))

    def story(self, story_id: str, lang: str | None = None, step: int | None = None) -> str:
        return self.file(story_file(story_id, self._lang(lang)), [("step", str(step))] if step else None)

    def story_embed(self, story_id: str, lang: str | None = None, step: int | None = None) -> str:
        return self.file(story_file(story_id, self._lang(lang), embed=True), [("step", str(step))] if step else None)

    def glossary(self, lang: str | None = None) -> str:
        return self.file(glossary_file(self._lang(lang)))

    def docs(self) -> str:
        return self.file("events.json")  # a static site's API is its data files

    # data: complete files (the static site cannot filter a download)
    def events_api(self, query: Query | None = None) -> str:
        return self.file("events.json")

    def event_api(self, event_id: str) -> str:
        return self.file(f"events/{event_id}.json")

    def data(self, ext: str, query: Query | None = None) -> str:
        return self.file(data_file(ext, self._lang(None, query)))

    def taxonomy(self) -> str:
        return self.file("taxonomy.json")

    def publishers(self) -> str:
        return self.file("publishers.json")

    def changes(self, lang: str | None = None) -> str:
        return self.file(f"changes.{self._lang(lang)}.atom")

    def stories_api(self) -> str:
        return self.file("stories.json")

    def story_api(self, story_id: str) -> str:
        return self.file(f"stories/{story_id}.json")

    def terms_api(self) -> str:
        return self.file("terms.json")

    def term_api(self, term_id: str) -> str:
        return self.file(f"terms/{term_id}.json")

    def openapi(self) -> str:
        return self.file("events.json")

    def oembed(self, url: str) -> None:
        return None  # no oEmbed endpoint without a server

    def card(self, lang: str, event_id: str | None = None, query: Query | None = None) -> str:
        return self.file(f"cards/site.{self._lang(lang)}.png")  # one card per language on a static host

    def asset(self, name: str, versioned: bool = True) -> str:
        return self.file(PLOTLY_FILE if name == "vendor/plotly.min.js" else f"static/{name}")

    def favicon(self) -> str:
        return self.file("favicon.svg")


def static_pages(event_ids: Iterable[str], story_ids: Iterable[str]) -> list[tuple[str, str, str]]:
    """(file, live address, lang) of every page of the export: the live address (from the live
    builder, at the root) is what the app renders into that file."""
    event_ids, story_ids = list(event_ids), list(story_ids)
    live = LiveUrls("")
    pages = []
    for lang in LANGS:
        pages += [(explorer_file(lang), live.explorer(lang), lang), (embed_file(lang), live.embed(lang), lang),
                  (glossary_file(lang), live.glossary(lang), lang)]
        pages += [(event_file(i, lang), live.event(i, lang), lang) for i in event_ids]
        pages += [(panel_file(i, lang), live.panel(i, lang), lang) for i in event_ids]
        pages += [(story_file(i, lang), live.story(i, lang), lang) for i in story_ids]
        pages += [(story_file(i, lang, embed=True), live.story_embed(i, lang), lang) for i in story_ids]
    return pages
