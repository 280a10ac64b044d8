"""/docs: Swagger UI on the app's own OpenAPI document (/openapi.json, app/openapi_doc.py).

FastAPI's built-in page loads Swagger UI from a CDN with an inline script, which the app's
Content-Security-Policy (script-src 'self') rightly blocks, and which a self-hosted deployment
should not depend on. This page serves the pinned swagger-ui-dist files vendored by `make
vendor` (and the Dockerfile's assets stage) and starts it from static/docs.js. Where Swagger UI
was not vendored (no npm), the page says so and links the OpenAPI document.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.webutil import urls

router = APIRouter()

SWAGGER_JS = "vendor/swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS = "vendor/swagger-ui/swagger-ui.css"


@router.get("/docs", include_in_schema=False)
def docs(request: Request) -> HTMLResponse:
    assets = request.app.state.assets
    body = request.app.state.jinja.get_template("docs.html").render(
        title=request.app.title,
        asset_url=urls(request).asset,
        urls=urls(request),
        swagger=assets.get(SWAGGER_JS) is not None and assets.get(SWAGGER_CSS) is not None,
        swagger_js=SWAGGER_JS,
        swagger_css=SWAGGER_CSS,
        openapi_url=urls(request).openapi(),
    )
    return HTMLResponse(body, headers={"Cache-Control": "no-cache"})
