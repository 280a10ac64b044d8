"""oEmbed (https://oembed.com): `/oembed?url=<explorer or event URL>` answers a `rich` response
whose HTML is the iframe of `/embed` at the same view, sized to the consumer's limits."""

from __future__ import annotations

import datetime as dt
import html
import xml.etree.ElementTree as ET
from typing import Annotated, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from starlette.requests import Request as PlainRequest
from starlette.responses import Response

from app.apimodels import OEmbed, Problem
from app.httpcache import prepare, send
from app.i18n import t
from app.pages import EMBED_HEIGHT, EmbedParams, parse_view
from app.errors import ProblemError
from app.jsonout import json_bytes
from app.webutil import cache_control, cache_key, prepared_cache, snapshot, urls

router = APIRouter(tags=["embed"])

DEFAULT_WIDTH = 800
DEFAULT_HEIGHT = EMBED_HEIGHT
MIN_EMBED_HEIGHT, MAX_EMBED_HEIGHT = 150, 2000
# What an explorer or embed URL may carry into the embed: the embed's own parameters (the view,
# the filters of app/filters.py, title, note, theme, list), but not its height, which
# maxheight decides. Another parameter, or a view the embed would refuse, is a 422: an oEmbed
# answer never hands out the iframe of an error page.
VIEW_KEYS = frozenset(info.alias or name for name, info in EmbedParams.model_fields.items()) - {"height"}


def _check_view(request: Request, query: str, lang: str) -> None:
    """The view of an explorer or embed URL, checked as /embed checks it (app/pages.parse_view)."""
    view = PlainRequest({"type": "http", "query_string": query.encode(), "headers": []})
    _params, _query, _x_range, errors = parse_view(EmbedParams, view, snapshot(request), lang)
    if errors:
        raise ProblemError(422, "url: " + "; ".join(errors.values()), "url")


def _embed_target(request: Request, url: str) -> tuple[str, str]:
    """The embed address (absolute, from the URL builder) and a title for an explorer, event or
    story URL of this site (same host, under the site's base path); 404 otherwise."""
    u = urls(request).abs
    base = urlsplit(u.base)
    parts = urlsplit(url)
    root = base.path.rstrip("/")
    if (parts.scheme not in ("http", "https") or parts.netloc.lower() != base.netloc.lower()
            or not (parts.path == root or parts.path.startswith(root + "/"))):
        raise ProblemError(404, "url is not a page of this site", "url")
    items = [(k, v) for k, v in parse_qsl(parts.query) if k != "height"]
    lang = dict(items).get("lang", "en") if dict(items).get("lang") in ("en", "zh") else "en"
    path = parts.path[len(root):].rstrip("/") or "/"
    if path in ("/", "/embed"):
        _check_view(request, urlencode(items), lang)
        return u.embed(lang, [(k, v) for k, v in items if k != "lang"]), t("site_title", lang)
    for prefix in ("/story/", "/embed/story/"):
        if path.startswith(prefix) and "/" not in path[len(prefix):]:
            story = snapshot(request).story(path[len(prefix):])
            if story is None:
                raise ProblemError(404, f"no story at {parts.path!r}", "url")
            step = dict(items).get("step")
            if (extra := sorted({k for k, _ in items} - {"lang", "step", "theme"})) or (
                    step is not None and not (step.isdigit() and 1 <= int(step) <= len(story.steps))):
                raise ProblemError(422, f"url: a story page takes lang and step (1-{len(story.steps)}), not "
                                        f"{', '.join(extra) or 'step=' + step}", "url")
            return u.story_embed(story.id, lang, int(step) if step else None), story.title.get(lang)
    prefix = "/event/"
    if path.startswith(prefix) and "/" not in path[len(prefix):]:
        event = snapshot(request).get(path[len(prefix):])
        if event is None:
            raise ProblemError(404, f"no event at {parts.path!r}", "url")
        if extra := sorted({k for k, _ in items} - {"lang"}):
            raise ProblemError(422, f"url: an event page takes only lang, not {', '.join(extra)}", "url")
        window = dt.timedelta(days=365)
        return (u.embed(lang, [("event", event.id), ("x0", (event.date - window).isoformat()),
                               ("x1", (event.date + window).isoformat())]), event.title.get(lang))
    raise ProblemError(404, "url is not an explorer, event or story page of this site", "url")


def _xml_bytes(body: dict) -> bytes:
    """The oEmbed XML form: <oembed> with one child element per field (text escaped by ElementTree)."""
    root = ET.Element("oembed")
    for key, value in body.items():
        ET.SubElement(root, key).text = str(value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@router.get(
    "/oembed",
    summary="oEmbed for explorer and event URLs",
    description="Returns a `rich` oEmbed response whose `html` is an iframe of `/embed` at the same view as "
    "`url` (an explorer URL such as `/?actor=us-bis` or an event page). `maxwidth`/`maxheight` bound the "
    "iframe. `format=json` (default) or `format=xml`.",
    responses={200: {"description": "The oEmbed response.", "model": OEmbed,
                     "content": {"application/json": {}, "text/xml": {}}},
               400: {"description": "Unknown parameter.", "model": Problem, "content": {"application/problem+json": {}}},
               404: {"description": "Not a page of this site.", "model": Problem,
                     "content": {"application/problem+json": {}}},
               422: {"description": "Bad parameter.", "model": Problem, "content": {"application/problem+json": {}}}},
)
def oembed(
    request: Request,
    url: Annotated[str, Query(max_length=2000, description="An explorer or event URL of this site.",
                              examples=["http://127.0.0.1:8000/?actor=us-bis&lang=en"])],
    maxwidth: Annotated[int | None, Query(ge=1, le=10000, description="Maximum width in pixels.")] = None,
    maxheight: Annotated[int | None, Query(ge=1, le=10000, description="Maximum height in pixels.")] = None,
    format: Annotated[Literal["json", "xml"], Query(description="Response format.")] = "json",
) -> Response:
    def build():
        embed_url, title = _embed_target(request, url)
        width = min(DEFAULT_WIDTH, maxwidth or DEFAULT_WIDTH)
        # The embed fills its frame exactly (a compact layout under 380 px keeps the chart, its
        # date axis and the credit), so the frame's height is the embed's height.
        if maxheight is not None and maxheight < MIN_EMBED_HEIGHT:
            raise ProblemError(422, f"maxheight {maxheight}: the embed needs at least {MIN_EMBED_HEIGHT} pixels "
                                    "(its header, chart, date axis and credit)", "maxheight")
        height = min(maxheight or DEFAULT_HEIGHT, DEFAULT_HEIGHT)
        src = f"{embed_url}{'&' if '?' in embed_url else '?'}{urlencode([('height', str(height))])}"
        iframe = (f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" width="{width}" '
                  f'height="{height}" style="border:0;max-width:100%" loading="lazy"></iframe>')
        body = {
            "version": "1.0", "type": "rich", "title": title,
            "provider_name": "Chip Controls Timeline", "provider_url": urls(request).abs.explorer(),
            "html": iframe, "width": width, "height": height, "cache_age": 3600,
        }
        if format == "xml":
            return prepare(_xml_bytes(body), "text/xml; charset=utf-8")
        return prepare(json_bytes(body), "application/json")

    prepared = prepared_cache(request).get_or_build(cache_key(request), build)
    return send(request, prepared, cache_control(request))
