"""Every error is answered as application/problem+json (RFC 9457), never as a bare 500."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

log = logging.getLogger("timeline.errors")

PROBLEM_JSON = "application/problem+json"


class ProblemError(Exception):
    """An error answered as application/problem+json (RFC 9457)."""

    def __init__(self, status: int, detail: str, parameter: str | None = None, title: str | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.parameter = parameter
        self.title = title


def problem(status: int, detail: str, parameter: str | None = None, title: str | None = None,
            errors: list | None = None, headers: dict | None = None) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if parameter:
        body["parameter"] = parameter
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON,
                        headers={"Cache-Control": "no-store", **(headers or {})})


def install(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError):
        return problem(exc.status, exc.detail, exc.parameter, exc.title)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
            errors.append({"parameter": ".".join(loc), "message": err.get("msg", "invalid value")})
        first = errors[0] if errors else {"parameter": "", "message": "invalid request"}
        detail = "; ".join(f"{e['parameter'] or 'request'}: {e['message']}" for e in errors)
        return problem(422, detail, first["parameter"] or None, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no resource at {request.url.path}"
        return problem(exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return problem(500, "internal error; it has been logged")


PROBLEM_RESPONSE = {"content": {PROBLEM_JSON: {}}, "description": "Problem details (RFC 9457)."}
