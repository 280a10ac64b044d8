"""The web app: `create_app(settings)` wires the store, the routers and the middleware."""

from __future__ import annotations

from fastapi import FastAPI

from app.settings import Settings
from app.store import StoreHolder


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    holder = StoreHolder(settings.data)
    app = FastAPI(title="Chip Controls Timeline")
    app.state.settings = settings
    app.state.store = holder

    @app.get("/healthz")
    def healthz() -> dict:
        snap = holder.snapshot
        return {"status": "ok", "events": len(snap.events), "hash": snap.content_hash}

    return app
