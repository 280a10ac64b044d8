"""`timeline export --out DIR [--base-url URL] [--data DIR]`: a self-contained static site.

The real app is built in-process (`create_app`, requested through httpx's ASGI transport) and
every page and file is rendered by it with the static URL builder (`app/urls.py`
`StaticUrls`) for the file being written: the pages come out with the export's own links,
nothing is rewritten afterwards. Nothing runs on the server: any static host, object store or
CDN (or a plain `python -m http.server`) serves the result, under any path, and the explorer
answers queries in the browser (static/query.js, from `query-index.json`, with the server's
semantics and errors).

Layout of DIR (every link inside is RELATIVE and names files explicitly, `.../index.html`,
so hosts without directory indexes such as S3/CloudFront origins work too):

    index.html, zh/index.html                       explorer (all events; filtering client-side)
    embed/index.html, embed/zh/index.html           embed
    event/<id>/index.html, event/<id>/zh/index.html event pages
    event/<id>/panel.en.html, panel.zh.html         detail fragments loaded by the pages
    story/<id>/…, embed/story/<id>/…, glossary/…    stories, their embeds, the glossary
    events.json, query-index.json                   every event; what static/query.js answers from
    events.{csv,ics,atom,timelinejs.json}           flat formats in English,
    events.zh.{csv,ics,atom,timelinejs.json}        ... and in Chinese
    events/<id>.json, taxonomy.json, publishers.json, stories…, terms…, changes.<lang>.atom
    cards/site.<lang>.png                           social cards
    static/...                                      assets, static/vendor/plotly.min.js
    _headers                                        cache and security headers (Netlify/Cloudflare Pages)

`--base-url` (the public address of the exported site) makes canonical links, feeds, iCal,
JSON `url` fields, citations and embed codes absolute. Without it those carry relative
addresses (site-relative, `event/<id>/`, in data files) and embed codes are computed from the
page's address at run time.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import httpx

from app.assets import plotly_js_path
from app.params import MAX_LIMIT, encode_cursor
from app.security import CSP_BASE
from app.settings import Settings
from app.urls import FLAT, LANGS, PLOTLY_FILE, LiveUrls, StaticUrls, static_pages

FILE_HEADER = "x-export-file"  # which file a request renders; read (and removed) by the shim

HEADERS_FILE = f"""# Security headers as the live app sends them, and cache lifetimes (Netlify / Cloudflare Pages
# format; see the README for other hosts). A new export replaces files under the same names, so
# pages and data are cached for minutes and assets for an hour, then revalidated.
/*
  Content-Security-Policy: {CSP_BASE}; frame-ancestors 'self'
  X-Content-Type-Options: nosniff
  Referrer-Policy: strict-origin-when-cross-origin
  X-Frame-Options: SAMEORIGIN
  Cache-Control: public, max-age=300, stale-while-revalidate=300
/embed/*
  ! X-Frame-Options
  Content-Security-Policy: {CSP_BASE}; frame-ancestors *
/static/*
  Cache-Control: public, max-age=3600, stale-while-revalidate=86400
"""


class ExportError(Exception):
    pass


class StaticShim:
    """ASGI wrapper: each request renders with the static URL builder for the file named in its
    `x-export-file` header (none: a data file, whose links are site-relative), in the language
    of its `lang` parameter."""

    def __init__(self, app, base: str):
        self.app, self.base = app, base

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k.decode("latin-1") != FILE_HEADER]
            found = dict(scope["headers"]).get(FILE_HEADER.encode())
            lang = dict(parse_qsl(scope.get("query_string", b"").decode())).get("lang", "en")
            urls = StaticUrls(self.base, at=found.decode() if found else None, lang=lang if lang in LANGS else "en")
            scope = {**scope, "headers": headers, "state": {**scope.get("state", {}), "urls": urls}}
        await self.app(scope, receive, send)


class Exporter:
    def __init__(self, data: Path, out: Path, base_url: str = ""):
        self.data = Path(data)
        self.out = Path(out)
        self.base = base_url.strip().rstrip("/")
        if self.base and not re.match(r"^https?://[^/\s]+(/\S*)?$", self.base):
            raise ExportError(f"--base-url must be an absolute http(s) URL, not {base_url!r}")
        self.written = 0
        self._made: set[Path] = set()

    def run(self) -> int:
        from app.main import create_app

        settings = Settings(data=self.data.resolve(), base_url=self.base, log_level="warning")
        app = create_app(settings)
        self._prepare_out()
        _run(lambda: self._fetch_all(app))  # identity bodies only: the app compresses on demand
        self._copy_assets(settings)
        return self.written

    def _prepare_out(self) -> None:
        if self.out.exists():
            previous = (self.out / "_headers").is_file() and (self.out / "events.json").is_file()
            if not self.out.is_dir() or (any(self.out.iterdir()) and not previous):
                raise ExportError(f"{self.out} exists and is not empty nor a previous export; choose another --out")
            shutil.rmtree(self.out)  # a previous export: replace it whole
        self.out.mkdir(parents=True)

    async def _fetch_all(self, app) -> None:
        """Every page and data file, rendered by the app in-process (ASGI, no sockets), a few
        at a time so one page's rendering overlaps the next request's dispatch."""
        transport = httpx.ASGITransport(app=StaticShim(app, self.base))
        async with httpx.AsyncClient(transport=transport, base_url="http://export.invalid",
                                     headers={"Accept-Encoding": "identity"}) as client:
            gate = asyncio.Semaphore(6)

            async def get(url: str, file: str | None = None) -> bytes:
                async with gate:
                    r = await client.get(url, headers={FILE_HEADER: file} if file else {})
                if r.status_code != 200:
                    raise ExportError(f"GET {url} -> {r.status_code}: {r.text[:300]}")
                return r.content

            async def save(url: str, file: str, page: bool = False) -> None:
                self.write(file, await get(url, file if page else None))

            snap = app.state.store.snapshot
            await self._events_json(get)
            self._query_index(snap)
            event_ids = [e.id for e in snap.events]
            story_ids = [s.id for s in snap.stories]
            term_ids = list(snap.glossary.terms) if snap.glossary else []
            # each data file: the live address the app answers, and the export's file for it,
            # both from the URL builders
            live, files = LiveUrls(""), StaticUrls("", at=None)
            pairs = [(live.taxonomy(), files.taxonomy()), (live.publishers(), files.publishers()),
                     (live.stories_api(), files.stories_api()),
                     (live.terms_api(), files.terms_api())]
            pairs += [(live.story_api(i), files.story_api(i)) for i in story_ids]
            pairs += [(live.term_api(i), files.term_api(i)) for i in term_ids]
            pairs += [(live.event_api(i), files.event_api(i)) for i in event_ids]
            for lang in LANGS:
                pairs += [(live.card(lang), files.card(lang)), (live.changes(lang), files.changes(lang))]
                pairs += [(live.data(ext, [("lang", lang)]), files.data(ext, [("lang", lang)])) for ext in FLAT]
            jobs = [save(path, file) for path, file in pairs]
            jobs += [save(path, file, page=True) for file, path, _lang in static_pages(event_ids, story_ids)]
            await asyncio.gather(*jobs)

    async def _events_json(self, get) -> None:
        """events.json: every event in one file, whatever the store's size (walked a page at a
        time, as a client would)."""
        events: list[dict] = []
        body: dict = {}
        offset = 0
        while True:
            query = [("limit", str(MAX_LIMIT))] + ([("cursor", encode_cursor(offset))] if offset else [])
            body = json.loads(await get("/events?" + urlencode(query)))
            events += body["events"]
            offset += len(body["events"])
            if not body["next"] or not body["events"]:
                break
        body.update(total=len(events), count=len(events), offset=0, limit=len(events), next=None, events=events)
        self.write("events.json", json.dumps(body, ensure_ascii=False, separators=(",", ":")))

    def _query_index(self, snap) -> None:
        from app.pages import EmbedParams, ExplorerParams
        from app.staticindex import build_index

        known = sorted({info.alias or name for name, info in ExplorerParams.model_fields.items()})
        index = build_index(snap, known)
        index["embed_params"] = sorted({info.alias or name for name, info in EmbedParams.model_fields.items()})
        self.write("query-index.json", json.dumps(index, ensure_ascii=False, separators=(",", ":")))

    def write(self, file: str, body: bytes | str) -> None:
        path = self.out / file
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
        self.written += 1

    def _copy_assets(self, settings: Settings) -> None:
        # assets: every file under static/ (vendor/ aside), plus the plotly.js the app serves
        static_dir = settings.static_dir.resolve()
        for path in sorted(static_dir.rglob("*")):
            rel = path.relative_to(static_dir).as_posix()
            if path.is_file() and not rel.startswith("vendor/"):
                self.write(f"static/{rel}", path.read_bytes())
        self.write(PLOTLY_FILE, plotly_js_path(static_dir).read_bytes())
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


def main(argv: list[str]) -> None:  # python -m app.export DATA OUT [BASE_URL]
    started = time.monotonic()
    n = export_site(Path(argv[0]), Path(argv[1]), argv[2] if len(argv) > 2 else "")
    print(f"wrote {n} files in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
