"""`timeline export --out DIR [--base-url URL] [--data DIR]`: a self-contained static site.

The real app is built in-process (`create_app`, requested through httpx's ASGI transport) and every page and
file it serves is fetched and post-processed, so the export renders exactly like the live
site. Nothing runs on the server afterwards: any static host or CDN (or a plain
`python -m http.server`) serves the result, and the explorer filters in the browser from
`events.json` (static/static-explorer.js, same semantics as app/query.py).

Layout of DIR (every link inside is RELATIVE and names files explicitly, `.../index.html`,
so hosts without directory indexes such as S3/CloudFront origins work too):

    index.html, zh/index.html                       explorer (all events; filtering client-side)
    embed/index.html, embed/zh/index.html           embed (all events)
    event/<id>/index.html, event/<id>/zh/index.html event pages
    event/<id>/panel.en.html, panel.zh.html         detail fragments loaded by the pages
    events.json                                     every event (JSON carries both languages)
    events.{csv,ics,atom,timelinejs.json}           flat formats in English,
    events.zh.{csv,ics,atom,timelinejs.json}        ... and in Chinese
    events/<id>.json, taxonomy.json                 the API's per-event and vocabulary documents
    static/...                                      assets, static/vendor/plotly.min.js
    _headers                                        security headers for Netlify/Cloudflare Pages

`--base-url` (the public address of the exported site) makes canonical links, feeds, iCal,
JSON `url` fields, citations and embed codes absolute. Without it those carry site-relative
paths (e.g. `event/<id>/`) and embed codes are computed from the page's address at run time.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import time
from html import escape, unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from app.assets import plotly_js_path
from app.i18n import t
from app.renderers import json_for_script
from app.security import CSP_BASE
from app.settings import Settings

SENTINEL = "http://static-export.invalid"  # the app's base while rendering without --base-url
TESTSERVER = "http://testserver"  # the in-process client's own base (seen in Atom self links)
LANGS = ("en", "zh")
FLAT = ("csv", "ics", "atom", "timelinejs.json")
_ID = r"\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*"
_EVENT = re.compile(rf"^/event/({_ID})/?$")
_PANEL = re.compile(rf"^/event/({_ID})/panel$")
_EVENT_JSON = re.compile(rf"^/events/({_ID})$")
_KEY = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_STORY = re.compile(rf"^/story/({_KEY})/?$")
_STORY_EMBED = re.compile(rf"^/embed/story/({_KEY})/?$")
_STORY_JSON = re.compile(rf"^/stories/({_KEY})$")
_TERM_JSON = re.compile(rf"^/terms/({_KEY})$")
_TAG = re.compile(r"<(a|link|meta|script|form|iframe|img|area|source)\b[^>]*>", re.I)
_ATTR = re.compile(r'(\s)(href|src|action|content)="([^"]*)"', re.I)
_PAGE_DATA = re.compile(r'(<script type="application/json" id="page-data">)(.*?)(</script>)', re.S)
_LDJSON = re.compile(r'(<script type="application/ld\+json">)(.*?)(</script>)', re.S)
_SCRIPT_SRC = re.compile(r'<script src="([^"]*)"')

HEADERS_FILE = f"""# Security headers as the live app sends them (Netlify / Cloudflare Pages format).
/*
  Content-Security-Policy: {CSP_BASE}; frame-ancestors 'self'
  X-Content-Type-Options: nosniff
  Referrer-Policy: strict-origin-when-cross-origin
  X-Frame-Options: SAMEORIGIN
/embed/*
  ! X-Frame-Options
  Content-Security-Policy: {CSP_BASE}; frame-ancestors *
"""


def _fold(line: str, limit: int = 75) -> str:
    """RFC 5545 line folding: at most `limit` octets a line, never inside a character."""
    if len(line.encode("utf-8")) <= limit:
        return line
    parts, current, size = [], [], 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(ch)
        size += n
    parts.append("".join(current))
    return "\r\n".join(parts)


class ExportError(Exception):
    pass


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


def route(path: str, query: str, default_lang: str = "en") -> tuple[str, list[tuple[str, str]]] | None:
    """A URL of the live app -> (file in the export, query items worth keeping), or None."""
    items = parse_qsl(query, keep_blank_values=True)
    lang = dict(items).get("lang") or default_lang
    lang = lang if lang in LANGS else default_lang
    rest = [(k, v) for k, v in items if k != "lang"]
    if path in ("", "/"):
        return explorer_file(lang), rest
    if path in ("/embed", "/embed/"):
        return embed_file(lang), []  # the static embed shows every event (see the report)
    if m := _EVENT.match(path):
        return event_file(m[1], lang), []
    if m := _PANEL.match(path):
        return panel_file(m[1], lang), []
    if m := _EVENT_JSON.match(path):
        return f"events/{m[1]}.json", []
    if m := _STORY.match(path):
        return story_file(m[1], lang), [(k, v) for k, v in rest if k == "step"]
    if m := _STORY_EMBED.match(path):
        return story_file(m[1], lang, embed=True), [(k, v) for k, v in rest if k == "step"]
    if m := _STORY_JSON.match(path):
        return f"stories/{m[1]}.json", []
    if path == "/stories":
        return "stories.json", []
    if path == "/card.png" or (path.startswith("/event/") and path.endswith("/card.png")):
        return f"cards/site.{lang}.png", []  # one card per language on a static host
    if path in ("/glossary", "/glossary/"):
        return glossary_file(lang), []
    if path == "/terms":
        return "terms.json", []
    if m := _TERM_JSON.match(path):
        return f"terms/{m[1]}.json", []
    if path in ("/events", "/events.json", "/docs", "/openapi.json"):
        return "events.json", []  # a static site's API is its data files
    for ext in FLAT:
        if path == f"/events.{ext}":
            return data_file(ext, lang), []
    if path == "/taxonomy":
        return "taxonomy.json", []
    if path == "/changes.atom":
        return f"changes.{lang}.atom", []
    if path.startswith("/static/") and ".." not in path:
        return path[1:], []
    return None


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


class Exporter:
    def __init__(self, data: Path, out: Path, base_url: str = ""):
        self.data = Path(data)
        self.out = Path(out)
        self.base = base_url.strip().rstrip("/")
        if self.base and not re.match(r"^https?://[^/\s]+(/\S*)?$", self.base):
            raise ExportError(f"--base-url must be an absolute http(s) URL, not {base_url!r}")
        self.app_base = self.base or SENTINEL
        bases = sorted({self.app_base, TESTSERVER}, key=len, reverse=True)
        self._base_re = "(?:" + "|".join(re.escape(b) for b in bases) + ")"
        self.written = 0
        self._made: set[Path] = set()
        self.problems: list[str] = []
        self.labels: dict = {}

    # -- URL mapping -------------------------------------------------------------------------
    def _map(self, url: str, from_file: str, default_lang: str, absolute: bool) -> str | None:
        """Map one URL found in a page; None if it is not the app's own."""
        raw = url
        for base in (self.app_base, TESTSERVER):
            if url == base or url.startswith(base + "/") or url.startswith(base + "?"):
                url = url[len(base):] or "/"
                break
        else:
            if not url.startswith("/") or url.startswith("//"):
                return None
        parts = urlsplit(url)
        found = route(parts.path, parts.query, default_lang)
        if found is None:
            self.problems.append(f"{from_file}: no static file for {raw!r}")
            return raw
        target, keep = found
        query = ("?" + urlencode(keep)) if keep else ""
        fragment = ("#" + parts.fragment) if parts.fragment else ""
        if absolute and self.base:
            return f"{self.base}/{pretty(target)}{query}{fragment}"
        return relative(from_file, target) + query + fragment

    def _text_url(self, path: str, from_file: str | None) -> str:
        """A base-prefixed URL in text or data: absolute with --base-url; else relative to
        `from_file` (JSON-LD inside a page) or to the site root (feeds, citations)."""
        found = route(path or "/", "", "en")
        if found is None:
            self.problems.append(f"{from_file or 'data'}: no static file for {path!r}")
            return path
        target = found[0]
        if self.base:
            return f"{self.base}/{pretty(target)}"
        if from_file is not None:
            return relative(from_file, target)
        return pretty(target)

    def rewrite_text(self, text: str, from_file: str | None = None) -> str:
        """Every base-prefixed URL in `text` (its query, if any, is dropped: data files and
        citations only name events, feeds and the explorer)."""
        pattern = re.compile(self._base_re + r"(/[A-Za-z0-9._~/-]*)?(?:\?[^\s\"'<>\\]*)?")
        return pattern.sub(lambda m: self._text_url(m[1] or "/", from_file), text)

    # -- pages -------------------------------------------------------------------------------
    def rewrite_html(self, html: str, file: str, lang: str, page_data=None) -> str:
        saved: dict[str, str] = {}

        def stash(m: re.Match) -> str:
            key = f"\0{len(saved)}\0"
            body = m[2]
            if m[1].startswith('<script type="application/json"') and page_data is not None:
                body = json_for_script(page_data(json.loads(body)))
            else:  # JSON-LD: URLs resolve against the page itself
                body = self.rewrite_text(body, file)
            saved[key] = m[1] + body + m[3]
            return key

        html = _PAGE_DATA.sub(stash, html)
        html = _LDJSON.sub(stash, html)

        def tag(m: re.Match) -> str:
            text = m[0]
            name = m[1].lower()
            lower = text.lower()
            if name == "link" and "oembed" in lower:
                return ""  # no oEmbed endpoint without a server
            absolute = name == "meta" or (name == "link" and ('rel="canonical"' in lower or "hreflang=" in lower))

            def attr(a: re.Match) -> str:
                value = unescape(a[3])
                if a[2].lower() == "content" and not value.startswith((self.app_base, TESTSERVER)):
                    return a[0]
                mapped = self._map(value, file, lang, absolute)
                if mapped is None:
                    return a[0]
                return f'{a[1]}{a[2]}="{mapped.replace("&", "&amp;").replace(chr(34), "&quot;")}"'

            return _ATTR.sub(attr, text)

        html = _TAG.sub(tag, html)
        # citations (APA, BibTeX) and any other text between tags
        html = re.sub(r"(<[^>]*>)|([^<]+)", lambda m: m[1] or self.rewrite_text(m[2]), html)
        for key, value in saved.items():
            html = html.replace(key, value)
        return html

    def _static_block(self, file: str, lang: str) -> dict:
        return {
            "root": (relative(file, "index.html")[: -len("index.html")] or "./"),
            "events_url": relative(file, "events.json"),
            "index_url": relative(file, "query-index.json"),
            "strings": {**{k: t(k, lang) for k in ("error_title", "not_applied", "results_without", "from_after_to",
                                                   "invalid_date", "invalid_day", "unknown_param")},
                        "state_of_play": t("state_of_play", lang, day="{day}", n="{n}")},
            "labels": self.labels[lang],
            "explorer": {lg: relative(file, explorer_file(lg)) for lg in LANGS},
            "embed": {lg: embed_file(lg) for lg in LANGS},  # relative to the site root
            "count_one": t("event_one", lang),
            "count_many": t("events_count", lang, n="{n}"),
            "no_events": t("no_events", lang),
            "timeline": t("timeline", lang),
        }

    def _templates(self, file: str, lang: str) -> dict:
        return {
            "panel_url": relative(file, panel_file("{id}", lang)),
            "event_url": relative(file, event_file("{id}", lang)),
        }

    def explorer_page(self, html: str, lang: str) -> str:
        file = explorer_file(lang)

        def data(d: dict) -> dict:
            d.update(self._templates(file, lang), base=self.base)
            d["static"] = self._static_block(file, lang)
            return d

        html = self.rewrite_html(html, file, lang, data)
        html, n = re.subn(r'<script src="[^"]*/explorer\.js"',
                          f'<script src="{relative(file, "static/query.js")}" defer></script>\n'
                          f'<script src="{relative(file, "static/static-explorer.js")}"', html)
        if n != 1:
            self.problems.append(f"{file}: explorer.js script tag not found")
        # The exported download files hold every event, whatever the filters: say so. (The
        # embed follows the filters: static-explorer.js applies its URL's.)
        old = f'<p class="downloads">{escape(t("downloads", lang))}:'
        if html.count(old) != 1:
            self.problems.append(f"{file}: {old!r} not found")
        html = html.replace(old, f'<p class="downloads">{escape(t("downloads_all", lang))}:')
        return html

    def embed_page(self, html: str, lang: str) -> str:
        file = embed_file(lang)

        def data(d: dict) -> dict:
            d.update(self._templates(file, lang), base=self.base)
            # embed-frame.js needs an absolute explorer URL: static-explorer.js resolves this
            # relative one against the page's address before embed-frame.js runs.
            d["explorer"] = self.base + "/" + pretty(explorer_file(lang)) if self.base else relative(file, explorer_file(lang))
            d["static"] = {**self._static_block(file, lang), "mode": "embed"}
            return d

        html = self.rewrite_html(html, file, lang, data)
        ours = relative(file, "static/static-explorer.js")
        query = relative(file, "static/query.js")
        html, n = re.subn(r'(<script src="[^"]*/embed-frame\.js")',
                          f'<script src="{query}" defer></script>\n<script src="{ours}" defer></script>\n\\1', html)
        if n != 1:
            self.problems.append(f"{file}: embed-frame.js script tag not found")
        return html

    def story_page(self, html: str, file: str, lang: str) -> str:
        def data(d: dict) -> dict:
            d = json.loads(self.rewrite_text(json.dumps(d, ensure_ascii=False), file))  # the story's URLs
            # the embed dialog's code: the exported embed of this story (absolute with --base-url)
            target = story_file(d["story"]["id"], lang, embed=True)
            d["embed_src"] = f"{self.base}/{pretty(target)}" if self.base else relative(file, target)
            d["base"] = self.base
            return d

        return self.rewrite_html(html, file, lang, data)

    # -- output ------------------------------------------------------------------------------
    def write(self, file: str, body: bytes | str) -> None:
        path = self.out / file
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
        self.written += 1

    def fix_ics(self, text: str) -> str:
        """Rewrite URLs in iCalendar text: unfold lines, rewrite, fold again at 75 octets."""
        unfolded = re.sub(r"\r\n[ \t]", "", text)
        if not self.base:
            unfolded = unfolded.replace("@" + urlsplit(SENTINEL).hostname, "@chip-controls-timeline")
        lines = self.rewrite_text(unfolded).split("\r\n")
        return "\r\n".join(_fold(line) for line in lines)

    def run(self) -> int:
        from app.main import create_app

        settings = Settings(data=self.data.resolve(), base_url=self.app_base, log_level="warning")
        app = create_app(settings)
        self._run(app, settings)  # identity bodies only: the app compresses on demand
        self._copy_assets(settings)
        if self.problems:
            raise ExportError("links without a static file:\n" + "\n".join(sorted(set(self.problems))[:50]))
        return self.written

    def _run(self, app, settings: Settings) -> int:
        if self.out.exists():
            previous = (self.out / "_headers").is_file() and (self.out / "events.json").is_file()
            if not self.out.is_dir() or (any(self.out.iterdir()) and not previous):
                raise ExportError(f"{self.out} exists and is not empty nor a previous export; choose another --out")
            shutil.rmtree(self.out)  # a previous export: replace it whole
        self.out.mkdir(parents=True)
        _run(lambda: self._fetch_all(app))

    async def _fetch_all(self, app) -> None:
        """Every page and data file, fetched from the app in-process (ASGI, no sockets), a
        few at a time so one page's rendering overlaps the next request's dispatch."""
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=TESTSERVER,
                                     headers={"Accept-Encoding": "identity"}) as client:
            gate = asyncio.Semaphore(6)

            async def get(url: str) -> str:
                async with gate:
                    r = await client.get(url)
                if r.status_code != 200:
                    raise ExportError(f"GET {url} -> {r.status_code}: {r.text[:300]}")
                return r.text

            # data: walk the pages of /events so any number of events ends up in one file
            events: list[dict] = []
            url: str | None = "/events?limit=1000"
            body: dict = {}
            while url:
                body = json.loads(await get(url))
                events += body["events"]
                url = body["next"].replace(self.app_base, "").replace(TESTSERVER, "") if body["next"] else None
            body.update(total=len(events), count=len(events), offset=0, limit=len(events), next=None, events=events)
            self.write("events.json", self.rewrite_text(json.dumps(body, ensure_ascii=False, separators=(",", ":"))))
            ids = [e["id"] for e in events]
            from app.pages import EmbedParams, ExplorerParams
            from app.staticindex import build_index

            known = sorted({info.alias or name for name, info in ExplorerParams.model_fields.items()})
            embed_known = sorted({info.alias or name for name, info in EmbedParams.model_fields.items()})
            snap = app.state.store.snapshot
            self.labels = {lg: {"side": {k: v.label.get(lg) for k, v in snap.taxonomy.sides.items()},
                                "category": {k: v.label.get(lg) for k, v in snap.taxonomy.categories.items()}}
                           for lg in LANGS}
            index = build_index(snap, known)
            index["embed_params"] = embed_known
            self.write("query-index.json", json.dumps(index, ensure_ascii=False, separators=(",", ":")))

            async def flat(ext: str, lang: str) -> None:  # without a limit: every event
                text = await get(f"/events.{ext}?lang={lang}")
                self.write(data_file(ext, lang), self.fix_ics(text) if ext == "ics" else self.rewrite_text(text))

            async def plain(url: str, file: str) -> None:
                self.write(file, self.rewrite_text(await get(url)))

            async def page(url: str, file: str, lang: str, kind: str = "") -> None:
                html = await get(url)
                if kind == "explorer":
                    self.write(file, self.explorer_page(html, lang))
                elif kind == "embed":
                    self.write(file, self.embed_page(html, lang))
                elif kind == "story":
                    self.write(file, self.story_page(html, file, lang))
                else:
                    self.write(file, self.rewrite_html(html, file, lang))

            async def binary(url: str, file: str) -> None:
                async with gate:
                    r = await client.get(url)
                if r.status_code != 200:
                    raise ExportError(f"GET {url} -> {r.status_code}")
                self.write(file, r.content)

            jobs = [plain("/taxonomy", "taxonomy.json"), plain("/stories", "stories.json")]
            jobs += [binary(f"/card.png?lang={lang}", f"cards/site.{lang}.png") for lang in LANGS]
            story_ids = [s["id"] for s in json.loads(await get("/stories"))]
            jobs += [plain(f"/stories/{i}", f"stories/{i}.json") for i in story_ids]
            term_ids = [term["id"] for term in json.loads(await get("/terms"))]
            jobs += [plain("/terms", "terms.json")] + [plain(f"/terms/{i}", f"terms/{i}.json") for i in term_ids]
            jobs += [page(f"/glossary?lang={lang}", glossary_file(lang), lang) for lang in LANGS]
            for lang in LANGS:
                jobs += [page(f"/story/{i}?lang={lang}", story_file(i, lang), lang, "story") for i in story_ids]
                jobs += [page(f"/embed/story/{i}?lang={lang}", story_file(i, lang, embed=True), lang, "story")
                         for i in story_ids]
            jobs += [plain(f"/changes.atom?lang={lang}", f"changes.{lang}.atom") for lang in LANGS]
            jobs += [flat(ext, lang) for lang in LANGS for ext in FLAT]
            jobs += [plain(f"/events/{i}", f"events/{i}.json") for i in ids]
            for lang in LANGS:
                jobs += [page(f"/?lang={lang}", explorer_file(lang), lang, "explorer"),
                         page(f"/embed?lang={lang}", embed_file(lang), lang, "embed")]
                jobs += [page(f"/event/{i}?lang={lang}", event_file(i, lang), lang) for i in ids]
                jobs += [page(f"/event/{i}/panel?lang={lang}", panel_file(i, lang), lang) for i in ids]
            await asyncio.gather(*jobs)

    def _copy_assets(self, settings: Settings) -> None:
        # assets: every file under static/ (vendor/ aside), plus the plotly.js the app serves
        static_dir = settings.static_dir.resolve()
        for path in sorted(static_dir.rglob("*")):
            rel = path.relative_to(static_dir).as_posix()
            if path.is_file() and not rel.startswith("vendor/"):
                self.write(f"static/{rel}", path.read_bytes())
        self.write("static/vendor/plotly.min.js", plotly_js_path(static_dir).read_bytes())
        self.write("favicon.svg", (static_dir / "favicon.svg").read_bytes())
        self.write("_headers", HEADERS_FILE)


def export_site(data: Path, out: Path, base_url: str = "") -> int:
    """Write the static site for the store in `data` to `out` (replaced); returns the number
    of files written."""
    return Exporter(data, out, base_url).run()



def _run(make_coroutine) -> None:
    """asyncio.run, also from a thread that already runs an event loop (then in a worker thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(make_coroutine())
        return
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(make_coroutine())).result()


if __name__ == "__main__":  # python -m app.export DATA OUT [BASE_URL]
    import sys

    started = time.monotonic()
    n = export_site(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "")
    print(f"wrote {n} files in {time.monotonic() - started:.1f} s")
