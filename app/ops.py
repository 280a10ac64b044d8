"""Operations: liveness (/healthz), readiness (/readyz) and a local-only reload (/-/reload)."""

from __future__ import annotations

import ipaddress

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from app import errors
from app.errors import ProblemError

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness")
def healthz(request: Request) -> dict:
    holder = request.app.state.store
    snap = holder.snapshot
    return {
        "status": "ok", "events": len(snap.events), "hash": snap.content_hash,
        "loaded_at": snap.loaded_at.isoformat(), "last_reload_error": holder.last_error or None,
    }


@router.get("/readyz", summary="Readiness: the store is loaded",
            responses={503: errors.PROBLEM_RESPONSE})
def readyz(request: Request) -> JSONResponse:
    holder = request.app.state.store
    snap = holder.snapshot
    body = {"ready": bool(snap.events), "events": len(snap.events), "hash": snap.content_hash,
            "last_reload": holder.last_reload.isoformat(), "last_reload_error": holder.last_error or None}
    return JSONResponse(body, status_code=200 if snap.events else 503, headers={"Cache-Control": "no-store"})


@router.post("/-/reload", summary="Reload the data folder (from this machine only)",
             responses={403: errors.PROBLEM_RESPONSE, 409: errors.PROBLEM_RESPONSE})
def reload(request: Request) -> JSONResponse:
    client = request.client.host if request.client else ""
    try:
        local = ipaddress.ip_address(client).is_loopback
    except ValueError:
        local = False
    if not local or request.headers.get("x-forwarded-for"):
        raise ProblemError(403, "reload is allowed from the local machine only")
    holder = request.app.state.store
    ok = holder.reload()
    body = {"ok": ok, "events": len(holder.snapshot.events), "hash": holder.snapshot.content_hash,
            "errors": holder.last_error}
    return JSONResponse(body, status_code=200 if ok else 409, headers={"Cache-Control": "no-store"})
