"""Serving under a path: with `TIMELINE_BASE_URL=https://host/tl`, a proxy may pass requests
on as `/tl/events` or strip the prefix to `/events`; either way the app routes `/events`.

ASGI middleware, outermost: it removes the base path from `scope["path"]` when present and
records it as `root_path` (as uvicorn's --root-path does). Links come from the URL builder
(app/urls.py), which puts the base path back in front of every address it gives out.
"""

from __future__ import annotations

from urllib.parse import urlsplit


class BasePath:
    def __init__(self, app, base_url: str):
        self.app = app
        self.prefix = urlsplit(base_url.strip()).path.rstrip("/")

    async def __call__(self, scope, receive, send):
        if self.prefix and scope["type"] in ("http", "websocket"):
            path = scope["path"]
            if path == self.prefix or path.startswith(self.prefix + "/"):
                path = path[len(self.prefix):] or "/"
            raw = path.encode("utf-8")
            scope = {**scope, "path": path, "raw_path": raw, "root_path": self.prefix}
        await self.app(scope, receive, send)
