"""The web app: `create_app(settings)` wires the store, the routers and the middleware."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import logging.config
from typing import Annotated

import jinja2
from fastapi import Depends, FastAPI, Path, Request
from starlette.responses import Response

from app import api, apidocs, errors, oembed, openapi_doc, ops, pages
from app.assets import IMMUTABLE, REVALIDATE, Assets
from app.basepath import BasePath
from app.httpcache import FastPath, PreparedCache, send
from app.logconfig import log_config
from app.errors import ProblemError
from app.params import reject_unknown_params
from app.security import SecurityHeaders
from app.settings import Settings
from app.store import Snapshot, StoreHolder

log = logging.getLogger("timeline")

DESCRIPTION = """
The reference timeline of US–China semiconductor export controls: tariffs, export-control rules,
entity listings, licence decisions, investigations and each side's responses, from 2018 to the
present. Every event carries its date(s), both sides' labels in English and
简体中文, and the sources it was checked against.

All list endpoints share one set of filters (the same ones the explorer `/` and the embed
`/embed` take). Responses carry strong `ETag`s (send `If-None-Match` for a 304), `Cache-Control`,
and are gzip/brotli-compressed when asked. CORS is open for GET.
"""


async def _watch(holder: StoreHolder) -> None:
    from watchfiles import awatch

    async for _changes in awatch(holder.folder, debounce=300, step=100):
        await asyncio.to_thread(holder.reload)


async def _warm_up(app: FastAPI) -> None:
    """Render the pages once as soon as the worker starts: the first render compiles the
    templates and imports plotly's figure classes (seconds on a busy machine)."""
    import httpx

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://warm-up.invalid") as client:
        # an empty view: the cost is in compiling and importing, not in the events
        for path in ("/?lang=en&q=%00warm-up", "/embed?lang=en&q=%00warm-up", "/events?limit=1"):
            try:
                await client.get(path)
            except Exception:  # noqa: BLE001 - warming is best effort; real requests report errors
                log.exception("warm-up request %s failed", path)


def create_app(settings: Settings | None = None, snapshot: Snapshot | None = None) -> FastAPI:
    settings = settings or Settings()
    if not logging.getLogger("timeline").handlers:  # `timeline serve` configures logging; other hosts get JSON too
        logging.config.dictConfig(log_config(settings.log_level))
    holder = StoreHolder(settings.data, snapshot, settings.cache_dir)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        task = asyncio.create_task(_watch(holder)) if settings.watch else None
        log.info("serving %d events from %s (hash %s)", len(holder.snapshot.events), settings.data,
                 holder.snapshot.content_hash)
        # Warm up in the background: start-up (and /healthz) is not delayed; requests that
        # arrive meanwhile share builds with it (PreparedCache builds each response once).
        warm = asyncio.create_task(_warm_up(app))
        yield
        if not warm.done():
            warm.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await warm
        if task:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        title="Chip Controls Timeline API",
        version="1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(reject_unknown_params)],
        docs_url=None,  # /docs is app/apidocs.py: self-hosted Swagger UI, within the CSP
        redoc_url=None,
        openapi_tags=[{"name": "events", "description": "Events, facets and vocabularies."},
                      {"name": "operations", "description": "Health and reload."}],
    )
    app.state.settings = settings
    app.state.store = holder
    app.state.prepared = PreparedCache()
    app.state.fast = PreparedCache(4096)  # request signature -> (prepared, cache-control), see FastPath
    app.state.assets = Assets(settings.static_dir)
    app.state.jinja = jinja2.Environment(
        loader=jinja2.FileSystemLoader(settings.templates_dir),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
    )

    errors.install(app)
    app.include_router(api.router)
    app.include_router(oembed.router)
    app.include_router(pages.router)
    app.include_router(apidocs.router)
    app.include_router(ops.router)
    openapi_doc.install(app, holder)

    @app.get("/static/{name:path}", include_in_schema=False)
    def static(request: Request, name: Annotated[str, Path(max_length=200)]) -> Response:
        asset = app.state.assets.get(name)
        if asset is None:
            raise ProblemError(404, f"no static file {name!r}")
        immutable = request.query_params.get("v") == asset.version
        return send(request, asset.prepared, IMMUTABLE if immutable else REVALIDATE)

    app.add_middleware(SecurityHeaders)
    app.add_middleware(FastPath, owner=app)  # repeated GETs answered from prepared bytes
    app.add_middleware(BasePath, base_url=settings.base_url)  # outermost: routes see paths without the base's
    return app
