"""Prepared responses: bodies computed and compressed once per (snapshot, request key),
served as bytes with a strong ETag, 304 on If-None-Match, and gzip/brotli negotiation."""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Callable

import brotli
from starlette.requests import Request
from starlette.responses import Response

MIN_COMPRESS = 512
_SIZE = 1024


@dataclass(frozen=True)
class Prepared:
    body: bytes
    media_type: str
    etag: str
    gzip: bytes | None
    br: bytes | None
    headers: tuple[tuple[str, str], ...] = ()


def prepare(body: bytes, media_type: str, headers: tuple[tuple[str, str], ...] = ()) -> Prepared:
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    gz = br = None
    if len(body) >= MIN_COMPRESS:
        gz = gzip.compress(body, compresslevel=6, mtime=0)
        br = brotli.compress(body, quality=9)
    return Prepared(body, media_type, etag, gz, br, headers)


class PreparedCache:
    def __init__(self, size: int = _SIZE):
        self.size = size
        self._data: OrderedDict[tuple, Prepared] = OrderedDict()
        self._lock = Lock()

    def get_or_build(self, key: tuple, build: Callable[[], Prepared]) -> Prepared:
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
                return found
        prepared = build()
        with self._lock:
            self._data[key] = prepared
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return prepared

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def _accepts(request: Request, coding: str) -> bool:
    """Whether Accept-Encoding admits `coding` with a non-zero q-value."""
    for part in request.headers.get("accept-encoding", "").split(","):
        name, *params = [p.strip() for p in part.split(";")]
        if name.lower() == coding:
            q = 1.0
            for param in params:
                if param.startswith("q="):
                    try:
                        q = float(param[2:])
                    except ValueError:
                        q = 0.0
            return q > 0
    return False


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    tags = [t.strip() for t in header.split(",")]
    return etag in tags or f"W/{etag}" in tags or any(t.startswith("W/") and t[2:] == etag for t in tags)


def send(request: Request, prepared: Prepared, cache_control: str, status: int = 200) -> Response:
    base_headers = {
        "ETag": prepared.etag,
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding",
    }
    base_headers.update(dict(prepared.headers))
    inm = request.headers.get("if-none-match")
    if status == 200 and inm and _etag_matches(inm, prepared.etag):
        return Response(status_code=304, headers=base_headers)
    body = prepared.body
    if prepared.br is not None and _accepts(request, "br"):
        body, base_headers["Content-Encoding"] = prepared.br, "br"
    elif prepared.gzip is not None and _accepts(request, "gzip"):
        body, base_headers["Content-Encoding"] = prepared.gzip, "gzip"
    if request.method == "HEAD":
        response = Response(status_code=status, headers=base_headers, media_type=prepared.media_type)
        response.headers["Content-Length"] = str(len(body))
        return response
    return Response(body, status_code=status, headers=base_headers, media_type=prepared.media_type)
