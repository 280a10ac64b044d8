"""Small helpers shared by the API and page routers."""

from __future__ import annotations

from fastapi import Request

from app.httpcache import PreparedCache
from app.settings import Settings
from app.store import Snapshot
from app.urls import LiveUrls, StaticUrls


def settings(request: Request) -> Settings:
    return request.app.state.settings


def snapshot(request: Request) -> Snapshot:
    """The snapshot of this request: read once, on first use, and the same for every later read
    (a reload during the request cannot mix two snapshots in one response or its cache key)."""
    snap = getattr(request.state, "snapshot", None)
    if snap is None:
        snap = request.state.snapshot = request.app.state.store.snapshot
    return snap


def prepared_cache(request: Request) -> PreparedCache:
    return request.app.state.prepared


def base_url(request: Request) -> str:
    """Public base URL: the configured one, else what the request says (proxy headers are
    honoured by uvicorn's --proxy-headers)."""
    configured = settings(request).base_url
    return (configured or str(request.base_url)).rstrip("/")


def urls(request: Request) -> LiveUrls | StaticUrls:
    """The URL builder of this request: live, under the public base (path included); the
    static export puts its own builder for the file being written in the request's state."""
    found = getattr(request.state, "urls", None)
    if found is None:
        found = request.state.urls = LiveUrls(base_url(request), request.app.state.assets.version)
    return found


def cache_control(request: Request) -> str:
    max_age = settings(request).cache_max_age
    return f"public, max-age={max_age}, stale-while-revalidate={max_age}"


def cache_key(request: Request, *parts: object, snap: Snapshot | None = None) -> tuple:
    """Key of a prepared response: snapshot, public base, path, raw query and extra parts. Pass the
    snapshot the response is built from, so that key and content come from the same one."""
    return ((snap or snapshot(request)).content_hash, urls(request).key, request.url.path, request.url.query, *parts)
