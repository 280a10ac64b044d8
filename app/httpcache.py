"""Prepared responses: bodies computed once per (snapshot, request key) and compressed once per
encoding asked for, served as bytes with a strong ETag, 304 on If-None-Match, gzip/brotli
negotiation, and a fast path for repeated GETs (FastPath)."""

from __future__ import annotations

import gzip
import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock
from typing import Callable

import brotli
from starlette.requests import Request
from starlette.responses import Response

from app.qvalues import qvalues
from app.security import headers_for_path


MIN_COMPRESS = 512
_SIZE = 1024


@dataclass(frozen=True)
class Prepared:
    """A response body with its ETag; its gzip and brotli forms are computed the first time a
    client asks for each (most API clients ask for one, some for none), then kept."""

    body: bytes
    media_type: str
    etag: str
    headers: tuple[tuple[str, str], ...] = ()
    brotli_quality: int = 4
    _encoded: dict = field(default_factory=dict, compare=False, repr=False)

    def encoded(self, coding: str) -> bytes | None:
        if len(self.body) < MIN_COMPRESS:
            return None
        found = self._encoded.get(coding)
        if found is None:
            if coding == "br":
                found = brotli.compress(self.body, quality=self.brotli_quality)
            else:
                found = gzip.compress(self.body, compresslevel=6, mtime=0)
            self._encoded[coding] = found  # a race only computes the same bytes twice
        return found


def prepare(body: bytes, media_type: str, headers: tuple[tuple[str, str], ...] = (),
            brotli_quality: int = 4, br: bytes | None = None) -> Prepared:
    """Body and ETag; compressed forms on demand. Responses are prepared on first request, so
    brotli runs at quality 4 (1.7 ms for 90 KB; 5 took 3.1 ms, 9 about 20 ms on a 10,000-event
    body); assets use 11 (large ones 9 unless precompressed: see app/assets.py)."""
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    prepared = Prepared(body, media_type, etag, headers, brotli_quality)
    if br is not None:
        prepared._encoded["br"] = br
    return prepared


def _weight(value) -> int:
    prepared = value[0] if isinstance(value, tuple) else value
    return 3 * len(prepared.body) + 512  # body, compressed forms (at most about as big), overhead


class PreparedCache:
    """An LRU of prepared responses, bounded by count and by bytes (so many large distinct
    responses cannot grow memory without limit)."""

    def __init__(self, size: int = _SIZE, max_bytes: int = 256 * 1024 * 1024):
        self.size = size
        self.max_bytes = max_bytes
        self._bytes = 0
        self._data: OrderedDict[tuple, Prepared] = OrderedDict()
        self._building: dict[tuple, Lock] = {}
        self._lock = Lock()

    def _store(self, key: tuple, value) -> None:  # with the lock held
        old = self._data.pop(key, None)
        if old is not None:
            self._bytes -= _weight(old)
        self._data[key] = value
        self._bytes += _weight(value)
        while len(self._data) > self.size or (self._bytes > self.max_bytes and len(self._data) > 1):
            _, evicted = self._data.popitem(last=False)
            self._bytes -= _weight(evicted)

    def get_or_build(self, key: tuple, build: Callable[[], Prepared]) -> Prepared:
        """The prepared response for key, built once: concurrent callers of a key being built
        wait for that build instead of repeating it (a cold page under load)."""
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
                return found
            building = self._building.get(key)
            if building is None:
                building = self._building[key] = Lock()
        with building:
            with self._lock:
                found = self._data.get(key)
            if found is not None:
                return found
            try:
                prepared = build()
                with self._lock:
                    self._store(key, prepared)
            finally:
                with self._lock:
                    self._building.pop(key, None)
        return prepared

    def get(self, key: tuple):
        with self._lock:
            return self._data.get(key)

    def put(self, key: tuple, value) -> None:
        with self._lock:
            self._store(key, value)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._bytes = 0


def _accepts(accept_encoding: str, coding: str) -> bool:
    """Whether an Accept-Encoding value admits `coding` with a non-zero q-value."""
    return any(name == coding and q > 0 for name, q in qvalues(accept_encoding))


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    tags = [t.strip() for t in header.split(",")]
    return etag in tags or f"W/{etag}" in tags or any(t.startswith("W/") and t[2:] == etag for t in tags)


def send(request: Request, prepared: Prepared, cache_control: str, status: int = 200) -> Response:
    """The response for a prepared body; remembered for the fast path (see FastPath)."""
    fast = getattr(request.app.state, "fast", None) if "app" in request.scope else None
    if fast is not None and status == 200 and request.method in ("GET", "HEAD"):
        fast.put(fast_key(request.scope, request.app), (prepared, cache_control))
    return respond(request, prepared, cache_control, status)


def coded_etag(etag: str, coding: str | None) -> str:
    """A distinct strong ETag per content-coding (RFC 9110 8.8.3: the gzip and brotli forms
    are different representations): '"abc"' -> '"abc-br"'."""
    return etag if coding is None else f'{etag[:-1]}-{coding}"'


def choose_coding(accept: str, prepared: Prepared) -> str | None:
    if len(prepared.body) < MIN_COMPRESS:
        return None
    if _accepts(accept, "br"):
        return "br"
    if _accepts(accept, "gzip"):
        return "gzip"
    return None


def negotiate(get_header: Callable[[str], str | None], method: str, prepared: Prepared, cache_control: str,
              status: int = 200) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body for a prepared response: brotli or gzip when accepted, each
    with its own ETag; 304 on a matching If-None-Match; no body for HEAD (Content-Length still
    the body's). Every answer to the same request carries the same headers."""
    coding = choose_coding(get_header("accept-encoding") or "", prepared)
    etag = coded_etag(prepared.etag, coding)
    headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    headers.update(dict(prepared.headers))
    inm = get_header("if-none-match")
    if status == 200 and inm and _etag_matches(inm, etag):
        return 304, headers, b""
    body = prepared.body
    if coding is not None:
        body, headers["Content-Encoding"] = prepared.encoded(coding), coding
    headers["Content-Type"] = prepared.media_type
    headers["Content-Length"] = str(len(body))
    return status, headers, (b"" if method == "HEAD" else body)


def respond(request: Request, prepared: Prepared, cache_control: str, status: int = 200) -> Response:
    status, headers, body = negotiate(request.headers.get, request.method, prepared, cache_control, status)
    if status == 304:
        for name in ("Content-Type", "Content-Length"):
            headers.pop(name, None)
        return Response(status_code=304, headers=headers)
    response = Response(body, status_code=status, headers=headers)
    response.headers["Content-Length"] = headers["Content-Length"]  # HEAD: the body's length
    return response


def _today() -> int:
    return int(time.time() // 86400)  # pages cite "accessed <date>": a new day, new pages


def fast_key(scope, app) -> tuple:
    """Everything a prepared GET response depends on: the data snapshot, the public base (scheme
    and Host when no base URL is configured), the path, the raw query and Accept-Language (pages
    negotiate the language when `lang=` is absent)."""
    headers = dict(scope["headers"])
    return (app.state.store.snapshot.content_hash, _today(), scope.get("scheme"), headers.get(b"host"),
            headers.get(b"x-forwarded-proto"), headers.get(b"x-forwarded-host"), scope["path"],
            scope.get("query_string", b""), headers.get(b"accept-language"),
            getattr((scope.get("state") or {}).get("urls"), "key", None))


class FastPath:
    """ASGI middleware, outermost: a GET that exactly repeats an earlier successful one (same
    snapshot, path, query and language) is answered from its prepared bytes, with the same
    security and CORS headers, without going through FastAPI (which parses and validates the
    parameters again: a third of a cached request's CPU, measured with py-spy) or the other
    middleware. Everything else goes down the normal stack."""

    def __init__(self, app, owner):
        self.app = app
        self.owner = owner  # the FastAPI app, whose state holds the cache and the store

    async def __call__(self, scope, receive, send_):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            entry = self.owner.state.fast.get(fast_key(scope, self.owner))
            if entry is not None:
                prepared, cache_control = entry
                raw = dict(scope["headers"])
                status, headers, body = negotiate(
                    lambda name: (raw.get(name.encode()) or b"").decode("latin-1") or None,
                    scope["method"], prepared, cache_control)
                if status == 304:
                    headers.pop("Content-Type", None)
                    headers.pop("Content-Length", None)
                out = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
                out += headers_for_path(scope["path"])
                await send_({"type": "http.response.start", "status": status, "headers": out})
                await send_({"type": "http.response.body", "body": body})
                return
        if scope["type"] == "http" and scope["method"] == "HEAD":
            # HEAD on every GET route, the first request included: the GET's headers, no body.
            async def send_headers_only(message):
                if message["type"] == "http.response.body":
                    if message.get("more_body"):
                        return
                    message = {"type": "http.response.body", "body": b""}
                await send_(message)

            await self.app({**scope, "method": "GET"}, receive, send_headers_only)
            return
        await self.app(scope, receive, send_)
