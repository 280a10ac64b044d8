"""The JSON API: /events (every format), /events/{id}, /facets, /taxonomy."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode
from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from app import query as q
from app.apimodels import EventDetail, EventsJSON, Facets, Problem, StoryBrief, StoryOut, TermOut, TimelineJSDocument
from app.models import Publishers, Taxonomy
from app.httpcache import prepare, send
from app.errors import ProblemError
from app.jsonout import json_bytes
from app.params import (DEFAULT_LIMIT, EventsParams, FilterParams, decode_cursor, encode_cursor,
                        parse_partial_date)
from app.glossary import terms_used
from app.stories import story_brief, story_json, story_timelinejs
from app.renderers import BY_EXTENSION, RENDERERS, RenderContext, changes_feed, event_json
from app.webutil import cache_control, cache_key, prepared_cache, snapshot, urls

router = APIRouter(tags=["events"])

PROBLEM = {"model": Problem, "content": {"application/problem+json": {}},
           "description": "A readable error (RFC 9457 problem details)."}
ERRORS: dict[int | str, dict[str, Any]] = {400: PROBLEM, 422: PROBLEM}

EVENT_EXAMPLE = {
    "id": "2022-10-07-bis-advanced-computing-rule",
    "date": "2022-10-07",
    "title": {"en": "…", "zh": "…"},
    "actors": ["us-bis"],
    "category": "export-control-rule",
    "side": "us",
    "url": "https://example.org/event/2022-10-07-bis-advanced-computing-rule",
}


def _render_events(request: Request, params: EventsParams, fmt: str | None) -> Response:
    snap = snapshot(request)
    name = (fmt or params.format or "json").lower()
    renderer = RENDERERS.get(name) or BY_EXTENSION.get(name)
    if renderer is None:
        raise ProblemError(400, f"unknown format {name!r}; known: {', '.join(RENDERERS)}", "format")
    if fmt and params.format and (RENDERERS.get(params.format.lower()) or BY_EXTENSION.get(params.format.lower())) is not renderer:
        raise ProblemError(400, f"format={params.format} and the extension .{fmt} ask for different formats; give one", "format")
    # /events pages its JSON; a file (/events.json, .csv, …) is a download: every matching event
    # unless a limit is asked for
    paged = renderer.paged and fmt is None

    def build():
        query = params.to_query(snap, renderer.default_sort)
        offset = decode_cursor(params.cursor) if params.cursor else 0
        limit = params.limit or (DEFAULT_LIMIT if paged else max(len(q.match(snap, query)), 1))
        page = q.page(snap, query, offset, limit)
        u = urls(request).abs
        items = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]

        def address(query):
            return u.events_api(query) if fmt is None else u.data(fmt, query)

        next_url = None
        if page.next_offset is not None:
            next_url = address(items + [("cursor", encode_cursor(page.next_offset))])
        ctx = RenderContext(
            snapshot=snap, page=page, query=query, urls=u,
            lang=params.lang or "en", next_url=next_url,
            self_url=address(request.query_params.multi_items()),
            facets=q.facets(snap, query) if params.facets else None, bom=params.bom,
        )
        headers = []
        if next_url:
            headers.append(("Link", f'<{next_url}>; rel="next"'))
        headers.append(("X-Total-Count", str(page.total)))
        if renderer.attachment:
            headers.append(("Content-Disposition", f'attachment; filename="chip-controls-timeline.{renderer.extension}"'))
        return prepare(renderer.render(ctx), renderer.media_type, tuple(headers))

    prepared = prepared_cache(request).get_or_build(cache_key(request, name, snap=snap), build)
    return send(request, prepared, cache_control(request))


FORMATS_DOC = (
    "Formats: JSON (default), CSV, iCalendar, Atom, TimelineJS JSON, JSON-LD; choose with `format=` or a "
    "file extension (`/events.csv`, `/events.ics`, `/events.atom`, `/events.timelinejs.json`, `/events.jsonld`)."
)


# Every media type a renderer can answer with, for the OpenAPI document.
FORMAT_CONTENT = {r.media_type.split(";")[0]: {} for r in RENDERERS.values()}


@router.get(
    "/events",
    summary="List events",
    description="The events matching the filters, oldest first by default, paginated with `limit` and an opaque "
    "`cursor`; the body carries `total` and a `next` URL, also sent as a `Link: rel=\"next\"` header. " + FORMATS_DOC,
    responses={200: {"description": "A page of events (or, with format=timelinejs, a TimelineJS document).",
                     "model": EventsJSON, "content": {
        "application/json": {"example": {"total": 1, "count": 1, "offset": 0, "limit": 50, "next": None,
                                         "snapshot": "…", "events": [EVENT_EXAMPLE]}},
        "text/csv": {}, "text/calendar": {}, "application/atom+xml": {}, "application/ld+json": {}}},
        **ERRORS},
)
def list_events(request: Request, params: Annotated[EventsParams, Query()]) -> Response:
    return _render_events(request, params, None)


@router.get(
    "/events.{ext}",
    summary="List events as a file",
    description="Same as /events, format chosen by the extension: json, csv, ics, atom, timelinejs.json, jsonld. A "
    "file is a download: every matching event unless `limit` is given (/events.json too, where /events pages).",
    responses={200: {"description": "The events in the chosen format.", "model": EventsJSON,
                     "content": FORMAT_CONTENT}, **ERRORS},
)
def list_events_ext(
    request: Request,
    params: Annotated[EventsParams, Query()],
    ext: Annotated[str, Path(description="json, csv, ics, atom, timelinejs.json or jsonld", examples=["csv"])],
) -> Response:
    return _render_events(request, params, ext)


@router.get(
    "/events/{event_id}",
    summary="One event",
    description="One event with its related events resolved: `related` (links this event makes, with the other "
    "event's title and date) and `referenced_by` (events that link to this one).",
    responses={200: {"description": "The event.", "model": EventDetail,
                     "content": {"application/json": {"example": EVENT_EXAMPLE}}},
               404: PROBLEM, **ERRORS},
)
def get_event(
    request: Request,
    event_id: Annotated[str, Path(max_length=200, description="Event id", examples=["2022-10-07-bis-advanced-computing-rule"])],
) -> Response:
    snap = snapshot(request)
    event = snap.get(event_id)
    if event is None:
        raise ProblemError(404, f"no event with id {event_id!r}", "event_id")

    def build():
        u = urls(request).abs
        tax = snap.taxonomy
        data = event_json(snap, event, u)

        def brief(other_id: str, relation: str, inverse: bool) -> dict:
            other = snap.get(other_id)
            rel = tax.relations[relation]
            return {
                "id": other_id, "date": other.date.isoformat(), "title": other.title.model_dump(),
                "relation": relation, "relation_label": (rel.inverse if inverse else rel.label).model_dump(),
                "url": u.event(other_id), "api_url": u.event_api(other_id),
            }

        data["related"] = [brief(r.id, r.relation, False) for r in event.related]
        data["referenced_by"] = [brief(i, rel, True) for i, rel in snap.inverse_related.get(event.id, ())]
        return prepare(json_bytes(data), "application/json")

    prepared = prepared_cache(request).get_or_build(cache_key(request, snap=snap), build)
    return send(request, prepared, cache_control(request))


@router.get(
    "/facets",
    summary="Facet counts",
    description="Counts per side, actor, category, technology, status and year for the current filters. Each facet "
    "is counted with every filter except its own, so a filter UI can show the alternatives.",
    responses={200: {"description": "Counts.", "model": Facets, "content": {"application/json": {"example": {
        "total": 3, "facets": {"side": {"us": 2, "china": 1}}}}}}, **ERRORS},
)
def get_facets(request: Request, params: Annotated[FilterParams, Query()]) -> Response:
    snap = snapshot(request)

    def build():
        query = params.to_query(snap)
        return prepare(json_bytes({"total": len(q.match(snap, query)), "facets": q.facets(snap, query)}),
                       "application/json")

    prepared = prepared_cache(request).get_or_build(cache_key(request, snap=snap), build)
    return send(request, prepared, cache_control(request))


@router.get(
    "/taxonomy",
    summary="Vocabularies",
    description="Sides, actors, categories, technologies and relations with English and Chinese labels.",
    responses={200: {"description": "The taxonomy.", "model": Taxonomy}, **ERRORS},
)
def get_taxonomy(request: Request) -> Response:
    snap = snapshot(request)
    prepared = prepared_cache(request).get_or_build(
        cache_key(request, snap=snap), lambda: prepare(json_bytes(snap.taxonomy.model_dump(mode="json")), "application/json"))
    return send(request, prepared, cache_control(request))


@router.get(
    "/publishers",
    summary="Publishers",
    description="The one name of each publisher and site the sources name, in English (as `sources[].publisher` and "
    "`sources[].via` write it) and in Chinese where it has one (as Chinese pages show it), with the other names not "
    "used; `term` is the glossary term a publisher is (timeline_data/publishers.yaml).",
    responses={200: {"description": "The publishers.", "model": Publishers}, **ERRORS},
)
def get_publishers(request: Request) -> Response:
    snap = snapshot(request)
    prepared = prepared_cache(request).get_or_build(cache_key(request, snap=snap), lambda: prepare(json_bytes(
        snap.publishers.model_dump(mode="json") if snap.publishers else {"publishers": []}), "application/json"))
    return send(request, prepared, cache_control(request))


class ChangesParams(BaseModel):
    lang: Literal["en", "zh"] = Field("en", description="Language of titles and texts.")
    updated_since: str | None = Field(None, description="Only additions and corrections on or after this date.",
                                      examples=["2026-12-01"])


@router.get(
    "/changes.atom",
    summary="Feed of additions and corrections",
    description="An Atom feed with an entry for every event added and every substantive correction (an event's "
    "`changes`), newest first, each dated when it happened. Subscribe to follow what changed in the timeline.",
    responses={200: {"description": "The feed.", "content": {"application/atom+xml": {}}}, **ERRORS},
)
def changes_atom(request: Request, params: Annotated[ChangesParams, Query()]) -> Response:
    snap = snapshot(request)

    def build():
        since = None
        if params.updated_since:
            try:
                since = parse_partial_date(params.updated_since, end=False)
            except ValueError as exc:
                raise ProblemError(400, f"updated_since: {exc}", "updated_since") from None
        u = urls(request).abs
        self_url = u.changes(params.lang) if not params.updated_since else (
            u.changes(params.lang) + "&" + urlencode([("updated_since", params.updated_since)]))
        return prepare(changes_feed(snap, u, params.lang, self_url, since), "application/atom+xml; charset=utf-8")

    prepared = prepared_cache(request).get_or_build(cache_key(request, snap=snap), build)
    return send(request, prepared, cache_control(request))


class StoryParams(BaseModel):
    format: Literal["json", "timelinejs"] = Field("json", description="json, or timelinejs: a TimelineJS3 document "
                                                                      "with one slide per step")
    lang: Literal["en", "zh"] = Field("en", description="Language of the TimelineJS document (JSON carries both).")


@router.get(
    "/stories",
    summary="Stories",
    description="The guided narratives through the timeline: id, title, introduction, number of steps, links.",
    responses={200: {"description": "The stories.", "model": list[StoryBrief]}, **ERRORS},
)
def list_stories(request: Request) -> Response:
    snap = snapshot(request)
    prepared = prepared_cache(request).get_or_build(cache_key(request, snap=snap), lambda: prepare(
        json_bytes([story_brief(urls(request).abs, s) for s in snap.stories]), "application/json"))
    return send(request, prepared, cache_control(request))


@router.get(
    "/stories/{story_id}",
    summary="One story",
    description="A story with its steps resolved (each step's event title, date and links, its zoom range). "
    "`format=timelinejs` gives a TimelineJS3 document with one slide per step.",
    responses={200: {"description": "The story.", "model": StoryOut | TimelineJSDocument}, 404: PROBLEM, **ERRORS},
)
def get_story(request: Request, story_id: Annotated[str, Path(max_length=100)],
              params: Annotated[StoryParams, Query()]) -> Response:
    snap = snapshot(request)
    story = snap.story(story_id)
    if story is None:
        raise ProblemError(404, f"no story with id {story_id!r}", "story_id")

    def build():
        u = urls(request).abs
        data = (story_timelinejs(snap, story, u, params.lang) if params.format == "timelinejs"
                else story_json(snap, story, u))
        return prepare(json_bytes(data), "application/json")

    prepared = prepared_cache(request).get_or_build(cache_key(request, snap=snap), build)
    return send(request, prepared, cache_control(request))


def _term_json(snap, key: str, u) -> dict:
    term = snap.glossary.terms[key]
    return {"id": key, **term.model_dump(mode="json"), "url": f"{u.glossary()}#t-{key}",
            "events": terms_used(snap).get(key, [])}


@router.get(
    "/terms",
    summary="Glossary",
    description="Every term of the glossary: canonical English and Chinese names, variants not used, acronym, a "
    "neutral definition in both languages, sources, and the ids of the events whose text uses it.",
    responses={200: {"description": "The terms.", "model": list[TermOut]}, **ERRORS},
)
def list_terms(request: Request) -> Response:
    snap = snapshot(request)
    u = urls(request).abs
    prepared = prepared_cache(request).get_or_build(cache_key(request, snap=snap), lambda: prepare(json_bytes(
        [_term_json(snap, k, u) for k in (snap.glossary.terms if snap.glossary else {})]), "application/json"))
    return send(request, prepared, cache_control(request))


@router.get(
    "/terms/{term_id}",
    summary="One term",
    responses={200: {"description": "The term.", "model": TermOut}, 404: PROBLEM, **ERRORS},
)
def get_term(request: Request, term_id: Annotated[str, Path(max_length=100)]) -> Response:
    snap = snapshot(request)
    if not snap.glossary or term_id not in snap.glossary.terms:
        raise ProblemError(404, f"no term with id {term_id!r}", "term_id")
    prepared = prepared_cache(request).get_or_build(cache_key(request, snap=snap), lambda: prepare(
        json_bytes(_term_json(snap, term_id, urls(request).abs)), "application/json"))
    return send(request, prepared, cache_control(request))
