"""Security headers on every response (a pure ASGI middleware). Only /embed may be framed by
other sites; scripts run only from the app's own files (no inline scripts)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP_BASE = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)


# CORS: the data is public and read-only, so every response allows every origin, whatever the
# request's Origin: the same headers for the same request (no Vary: Origin), one expose line.
CORS_EXPOSE = "ETag, Link, X-Total-Count"
_CORS = [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", CORS_EXPOSE.encode())]
_PREFLIGHT = [(b"access-control-allow-origin", b"*"), (b"access-control-allow-methods", b"GET, HEAD, OPTIONS"),
              (b"access-control-allow-headers", b"Accept, Accept-Language, If-None-Match"),
              (b"access-control-max-age", b"86400"), (b"vary", b"Access-Control-Request-Headers")]


def _headers_for(frameable: bool) -> list[tuple[bytes, bytes]]:
    ancestors = "frame-ancestors *" if frameable else "frame-ancestors 'self'"
    headers = [*_CORS,
        (b"content-security-policy", f"{CSP_BASE}; {ancestors}".encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if not frameable:
        headers.append((b"x-frame-options", b"SAMEORIGIN"))
    return headers


_EMBED = _headers_for(True)
_OTHER = _headers_for(False)


def headers_for_path(path: str) -> list[tuple[bytes, bytes]]:
    return _EMBED if (path == "/embed" or path.startswith("/embed/")) else _OTHER


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        extra = headers_for_path(path)
        if scope["method"] == "OPTIONS":  # a CORS preflight, or a client asking what it may send
            await send({"type": "http.response.start", "status": 204,
                        "headers": [*_PREFLIGHT, (b"allow", b"GET, HEAD, OPTIONS"), *extra[2:]]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
