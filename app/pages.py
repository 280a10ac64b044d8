"""HTML pages: the explorer (/), event pages (/event/{id}), the embed (/embed) and the
detail fragment the pages' scripts load (/event/{id}/panel). Thin: parse the request into
the shared query model, call the query module, hand the result to a Jinja2 template."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, ValidationError
from starlette.responses import HTMLResponse, Response

from app import query as q
from app.filters import FILTERS
from app.figure import PLOT_PX, figure_dict
from app.preview import preview_html
from app.httpcache import prepare, respond, send
from app.i18n import (STATE_NAMES, count_text, document_number_note, format_date, negotiate, parenthetical,
                      source_publisher, state_of_play_heading, t)
from app.models import Event
from app.errors import ProblemError
from app.jsonout import json_for_script
from app.params import Q_MAX, FilterParams, parse_partial_date, repeatable
from app.renderers import event_jsonld
from app.store import Snapshot
from app.stories import story_json
from app.glossary import TermLinker, terms_used
from app.cards import render_card
from app.webutil import cache_control, cache_key, prepared_cache, settings, snapshot, urls

router = APIRouter(include_in_schema=False)

HTML = "text/html; charset=utf-8"


class ExplorerParams(FilterParams):
    lang: Literal["en", "zh"] | None = None
    event: str | None = Field(None, max_length=200, description="selected event id")
    x0: str | None = Field(None, description="start of the zoomed date range")
    x1: str | None = Field(None, description="end of the zoomed date range")
    connectors: bool = Field(False, description="all links between events drawn (otherwise only the hovered or "
                                                "selected event's thread)")


EMBED_HEIGHT = 560  # the frame's default height (px): the embed fills exactly this
EMBED_CHROME = 150  # header, legend, list line and credit (one line each, see style.css)
EMBED_LIST_LINE = 30  # the list's line (its <summary>): the chart's when the list is left out


class EmbedParams(ExplorerParams):
    title: str | None = Field(None, max_length=120)
    note: str | None = Field(None, max_length=200, description="a line beside the title (e.g. the article's note)")
    show_list: bool = Field(True, alias="list", description="the list of events under the chart (a line that opens it)")
    theme: Literal["light", "dark", "auto"] = "auto"
    height: int = Field(EMBED_HEIGHT, ge=150, le=2000, description="the frame's height; the chart gets what the "
                                                                   "header, legend and credit leave")


def _readable(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "request"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def _html_error(request: Request, lang: str, status: int, message: str) -> HTMLResponse:
    env = request.app.state.jinja
    heading = t("not_found", lang) if status == 404 else t("error_title", lang)
    other = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", "en" if lang == "zh" else "zh")]
    body = env.get_template("error.html").render(**_globals(request, lang), heading=heading, message=message,
                                                 other_lang_query=urlencode(other))
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store", "Vary": "Accept-Encoding, Accept-Language"})


def _only_lang(request: Request, lang: str) -> None:
    """Event pages take `lang` and nothing else: another parameter is an error, not ignored."""
    check_page_params(request, lang, ("lang",))


def check_page_params(request: Request, lang: str, allowed: tuple[str, ...]) -> None:
    """A page that takes only `allowed` (an event, a story, the glossary): another parameter, one
    given twice, or a lang that is neither en nor zh is an error, not ignored or replaced."""
    for name in request.query_params.keys():
        if name not in allowed:
            raise ProblemError(400, t("unknown_param", lang, name=name, known=", ".join(allowed)), name)
        if len(request.query_params.getlist(name)) > 1:
            raise ProblemError(400, t("repeated_param", lang, name=name), name)
    asked = request.query_params.get("lang")
    if asked is not None and asked not in ("en", "zh"):
        raise ProblemError(400, t("bad_lang", lang, value=asked), "lang")


def _globals(request: Request, lang: str) -> dict[str, Any]:
    snap = snapshot(request)
    u = urls(request)
    return {
        "lang": lang,
        "other_lang": "en" if lang == "zh" else "zh",
        "t": lambda key, **kw: t(key, lang, **kw),
        "fdate": lambda day, precision="day": format_date(day, precision, lang),
        "number_note": lambda doc: document_number_note(doc, lang),
        "source_publisher": lambda source: source_publisher(source, lang, snap.publisher_name),
        "paren": lambda text: parenthetical(text, lang),
        "urls": u,
        "asset_url": u.asset,
        "inline_css": request.app.state.assets.text("style.css"),
        "tax": snap.taxonomy,
        "side_of": snap.side_of,
        "scheduled_of": snap.scheduled,
        "stories_of": snap.stories_of,
        "stories": snap.stories,
        "reviewed_through": snap.taxonomy.reviewed_through,
    }


def _page_urls(request: Request, lang: str) -> dict[str, str]:
    """The addresses the pages' scripts use, from the URL builder ({id} is replaced; a
    relative one, in the static export, resolves against the page's own address)."""
    u = urls(request)
    return {"panel_url": u.panel("{id}", lang), "event_url": u.event("{id}", lang), "explorer_url": u.explorer(),
            "embed_url": u.abs.embed(), "embed_urls": {lg: u.abs.embed(lg) for lg in ("en", "zh")},
            "embed_script": u.abs.asset("embed.js", versioned=False)}


def _static_data(request: Request, lang: str, mode: str) -> dict[str, Any] | None:
    """What the static export's explorer and embed (static-explorer.js) need to answer queries in
    the browser: where the data and the query index are, the language's strings and labels.
    None on the live site, which answers queries itself."""
    u = urls(request)
    if not u.static:
        return None
    tax = snapshot(request).taxonomy
    return {
        "mode": mode, "events_url": u.events_api(), "index_url": u.file("query-index.json"),
        "strings": {**{k: t(k, lang) for k in ("error_title", "not_applied", "results_without", "from_after_to",
                                               "invalid_date", "invalid_day", "unknown_param", "repeated_param",
                                               "unknown_value", "state_needs_as_of", "as_of_after_review",
                                               "bad_significance", "bad_lang", "bad_value",
                                               "no_such_event", "zoom_needs_both", "zoom_reversed")},
                    "q_too_long": t("q_too_long", lang, n=Q_MAX),
                    "state_of_play": t("state_of_play", lang, day="{day}", n="{n}"),
                    "state_of_play_states": t("state_of_play_states", lang, day="{day}", n="{n}", states="{states}")},
        "state_names": {k: v[lang] for k, v in STATE_NAMES.items()}, "state_or": t("state_or", lang),
        "labels": {"side": {k: v.label.get(lang) for k, v in tax.sides.items()},
                   "category": {k: v.label.get(lang) for k, v in tax.categories.items()}},
        "explorer": {lg: u.explorer(lg) for lg in ("en", "zh")}, "embed": {lg: u.embed(lg) for lg in ("en", "zh")},
        "count_one": t("event_one", lang), "count_many": t("events_count", lang, n="{n}"),
        "no_events": t("no_events", lang), "timeline": t("timeline", lang),
    }


def _lang(request: Request) -> str:
    return negotiate(request.query_params.get("lang"), request.headers.get("accept-language"),
                     settings(request).default_lang)


def _group_by_year(events: list[Event]) -> list[tuple[int, list[Event]]]:
    return [(year, list(items)) for year, items in groupby(events, key=lambda e: e.date.year)]


def _filter_groups(snap: Snapshot, params: FilterParams, facets: dict, lang: str) -> list[dict]:
    """The filter form's groups, one per filter of the registry (app/filters.py). A taxonomy
    vocabulary lists the values found in the view (or chosen); a fixed one lists all its values."""
    groups = []
    for f in FILTERS:
        if not f.shown:
            continue
        chosen = set(getattr(params, f.name))
        counts = facets.get(f.name, {})
        vocab = f.vocabulary(snap.taxonomy)
        options = []
        for key in vocab:
            item = vocab[key] if isinstance(vocab, Mapping) else None
            if item is not None and not (counts.get(key, 0) or key in chosen):
                continue
            options.append({"value": key, "label": item.label.get(lang) if item else t(f"{f.name}_{key}", lang),
                            "count": counts.get(key, 0), "checked": key in chosen,
                            "colour": getattr(item, "colour", None) if f.swatch else None})
        groups.append({"name": f.name, "legend": t(f.label, lang), "options": options})
    return groups


def _links(snap: Snapshot, event: Event, lang: str) -> list[dict]:
    tax = snap.taxonomy
    out = [{"label": tax.relations[r.relation].label.get(lang), "event": snap.get(r.id)} for r in event.related]
    out += [{"label": tax.relations[rel].inverse.get(lang), "event": snap.get(other)}
            for other, rel in snap.inverse_related.get(event.id, ())]
    return out


def _linker(u, snap: Snapshot, lang: str, scope: str) -> TermLinker:
    return TermLinker(snap.glossary, lang, u.glossary(lang), scope)


def render_detail(request: Request, snap: Snapshot, event: Event, lang: str, heading: str = "h2") -> str:
    env = request.app.state.jinja
    return env.get_template("_detail.html").render(
        **_globals(request, lang), e=event, links=_links(snap, event, lang), heading=heading,
        link_terms=_linker(urls(request), snap, lang, event.id))


class ZoomError(ValueError):
    """What is wrong with a zoom (x0, x1): [(parameter, message key, values)]."""

    def __init__(self, problems: list[tuple[str, str, dict]]):
        super().__init__(problems)
        self.problems = problems


def _x_range(params: ExplorerParams) -> tuple[dt.date, dt.date] | None:
    """The zoomed range, or None; a zoom with one end, a bad date or its ends reversed is a
    ZoomError naming the parameter at fault (static/query.js parse does the same)."""
    if not (params.x0 or params.x1):
        return None
    if not (params.x0 and params.x1):
        raise ZoomError([("x0" if params.x0 else "x1", "zoom_needs_both", {})])
    ends, problems = [], []
    for name, value, end in (("x0", params.x0, False), ("x1", params.x1, True)):
        try:
            ends.append(parse_partial_date(value, end=end))
        except ValueError:
            problems.append((name, "invalid_date", {"value": value}))
    if problems:
        raise ZoomError(problems)
    if not ends[0] < ends[1]:
        raise ZoomError([("x0", "zoom_reversed", {"start": params.x0, "end": params.x1})])
    return ends[0], ends[1]


def _field_message(name: str, value: str, message: str, lang: str) -> str:
    """A parameter's validation error in the page's language (the page names the parameter)."""
    if name == "as_of":
        return t("invalid_day", lang, value=value)
    if name in ("from", "to", "x0", "x1", "updated_since"):
        return t("invalid_date", lang, value=value)
    if name == "lang":
        return t("bad_lang", lang, value=value)
    if name == "significance":
        return t("bad_significance", lang)
    if name == "q" and len(value) > Q_MAX:
        return t("q_too_long", lang, n=Q_MAX)
    return t("bad_value", lang, value=value, detail=message[:1].lower() + message[1:])


def parse_view(model: type[ExplorerParams], request: Request, snap: Snapshot, lang: str):
    """The view a page's URL asks for, and what in it could not be applied: (params, query,
    x_range, errors), errors mapping a parameter name to a readable message. A bad parameter is
    dropped from the view (and named on the page); it is never silently replaced or ignored."""
    known = {info.alias or name for name, info in model.model_fields.items()}
    lists = {info.alias or name for name, info in model.model_fields.items() if repeatable(info)}
    errors: dict[str, str] = {}
    dropped: set[str] = set()
    for name in request.query_params.keys():
        if name not in known and name not in errors:
            errors[name] = t("unknown_param", lang, name=name, known=", ".join(sorted(known)))
        elif name not in lists and name not in errors and len(request.query_params.getlist(name)) > 1:
            errors[name] = t("repeated_param", lang, name=name)
            dropped.add(name)
    for _ in range(len(known) + 1):
        raw = {k: v for k, v in parse_params_raw(model, request).items() if k not in dropped}
        try:
            params = model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else "request"
                value = request.query_params.get(name, "")
                errors.setdefault(name, _field_message(name, value, err["msg"], lang))
                dropped.add(name)
            continue
        try:
            query = params.to_query(snap, lang=lang)
        except ProblemError as exc:
            name = exc.parameter or "request"
            if name == "from" and "to" in raw and exc.detail.startswith("'from'"):
                errors["from"] = t("from_after_to", lang, start=raw.get("from"), end=raw.get("to"))
                dropped |= {"from", "to"}
            else:
                errors.setdefault(name, exc.detail)
                dropped.add(name)
            continue
        try:
            x_range = _x_range(params)
        except ZoomError as exc:
            for name, key, values in exc.problems:
                errors.setdefault(name, t(key, lang, **values))
            dropped |= {"x0", "x1"}
            continue
        return params, query, x_range, errors
    raise ProblemError(400, "; ".join(errors.values()) or "invalid request")


def parse_params_raw(model: type[BaseModel], request: Request) -> dict[str, Any]:
    """Query string -> the model's input, lists from repeated parameters (same names as
    /events). Empty fields are "not set": a plain (no-JS) form submission sends every field."""
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if repeatable(info):
            values = [v for v in request.query_params.getlist(key) if v.strip()]
            if values:
                data[key] = values
        elif request.query_params.get(key, "").strip():
            data[key] = request.query_params[key]
    return data


def _embed_chart_height(params: "EmbedParams") -> int:
    """The embed fills its frame: the chart gets the height the header, legend, list line and
    credit leave (and the list's line, when the list is left out)."""
    return max(params.height - EMBED_CHROME + (0 if params.show_list else EMBED_LIST_LINE), 120)


def _view(request: Request, model: type[ExplorerParams], lang: str) -> dict[str, Any]:
    """What the explorer and the embed share: the parsed view, its events, facets and figure."""
    snap = snapshot(request)
    params, query, x_range, errors = parse_view(model, request, snap, lang)
    events = q.events(snap, query)
    facets = q.facets(snap, query)
    embed = model is EmbedParams
    # With as_of the chart keeps the other events of the view, greyed: what was not in force.
    drawn, muted = events, frozenset()
    if query.as_of:
        drawn = q.events(snap, query.model_copy(update={"as_of": None, "state": ()}))
        muted = frozenset(e.id for e in drawn) - {e.id for e in events}
    # The embed has no range slider (drag to zoom, double-click to reset): lighter to draw.
    figure = figure_dict(snap, drawn, lang, x_range=x_range, connectors=params.connectors,
                         height=_embed_chart_height(params) if embed else 540, rangeslider=not embed,
                         plot_px=PLOT_PX["embed" if embed else "explorer"],
                         muted=muted, as_of=query.as_of)
    legend = [{"key": tr["meta"]["category"], "label": tr["name"], "colour": tr["marker"]["color"]}
              for tr in figure["data"] if tr.get("mode") == "markers"]
    filters = query.filter_items()
    view_items = filters + [("lang", lang)]
    if x_range:
        view_items += [("x0", x_range[0].isoformat()), ("x1", x_range[1].isoformat())]
    if params.connectors:
        view_items.append(("connectors", "true"))
    zoom_empty = bool(x_range and events and not any(x_range[0] <= e.date <= x_range[1] for e in events))
    return {
        "snap": snap, "params": params, "query": query, "events": events, "facets": facets,
        "figure": figure, "filters": filters, "view_items": view_items,
        "legend": legend, "preview": preview_html(figure), "chart_height": figure["layout"]["height"],
        "groups": _group_by_year(events),
        "count_text": count_text(len(events), lang), "event_count": len(events),
        "api_items": filters + [("lang", lang)],
        "errors": errors, "raw": request.query_params, "zoom_empty": zoom_empty,
        "state_of_play": _state_of_play(snap, events, lang) if query.as_of else None,
        "state_of_play_heading": state_of_play_heading(format_date(query.as_of, "day", lang), len(events), query.state, lang)
        if query.as_of else None,
    }


def _state_of_play(snap: Snapshot, events: list[Event], lang: str) -> list[dict]:
    """The measures in force, by side and category (the explorer's "state of play" panel)."""
    tax = snap.taxonomy
    out = []
    for side_key, side in tax.sides.items():
        mine = [e for e in events if snap.side_of(e) == side_key]
        if not mine:
            continue
        cats = [{"label": cat.label.get(lang), "events": [e for e in mine if e.category == key]}
                for key, cat in tax.categories.items()]
        out.append({"label": side.label.get(lang), "count": len(mine), "categories": [c for c in cats if c["events"]]})
    return out


class _WithErrors(Exception):
    """A page rendered with inline errors: answered with status 400 and never cached."""

    def __init__(self, prepared):
        self.prepared = prepared


def _page_response(request: Request, lang: str, build) -> Response:
    key = cache_key(request, lang, dt.date.today().isoformat())
    try:
        prepared = prepared_cache(request).get_or_build(key, build)
    except _WithErrors as exc:
        return respond(request, exc.prepared, "no-store", status=400)
    except ValidationError as exc:
        return _html_error(request, lang, 400, _readable(exc))
    except ProblemError as exc:
        return _html_error(request, lang, exc.status, exc.detail)
    return send(request, prepared, cache_control(request))


# A page is rendered and compressed once per view and snapshot, then cached: brotli at quality 6
# makes the explorer 9% smaller than quality 4 (78.8 against 87.0 KB) for 6 ms once (measured
# on the 205-event page, 426 KB of HTML; quality 7 took twice as long for 1% more).
PAGE_BROTLI_QUALITY = 6


def _html(body: str):
    return prepare(body.encode(), HTML, (("Vary", "Accept-Encoding, Accept-Language"),),
                   brotli_quality=PAGE_BROTLI_QUALITY)


def _prepared_page(body: str, view: dict | None = None):
    prepared = _html(body)
    if view and view["errors"]:
        raise _WithErrors(prepared)
    return prepared


def _selected(view: dict, lang: str) -> Event | None:
    event_id = view["params"].event
    if not event_id:
        return None
    event = view["snap"].get(event_id)
    if event is None:
        view["errors"]["event"] = t("no_such_event", lang, id=event_id)
    return event


@router.get("/")
def explorer(request: Request) -> Response:
    lang = _lang(request)

    def build():
        view = _view(request, ExplorerParams, lang)
        snap, params = view["snap"], view["params"]
        selected = _selected(view, lang)
        # the language link carries the whole state: filters, zoom, links toggle and the open event
        state = [(k, v) for k, v in view["view_items"] if k != "lang"] + ([("event", selected.id)] if selected else [])
        other_items = state + [("lang", "en" if lang == "zh" else "zh")]
        page_data = {
            "figure": view["figure"], "lang": lang, **_page_urls(request, lang),
            "strings": {k: t(k, lang) for k in ("copy", "copied", "close", "show_chart", "reset_view")},
            "selected": selected.id if selected else None, "embed_height": EMBED_HEIGHT,
            "static": _static_data(request, lang, "explorer"),
        }
        body = request.app.state.jinja.get_template("explorer.html").render(
            **_globals(request, lang), **view,
            filter_groups=_filter_groups(snap, params, view["facets"], lang),
            other_lang_url=urls(request).explorer(query=other_items),
            selected_html=render_detail(request, snap, selected, lang) if selected else "",
            page_json=json_for_script(page_data),
        )
        return _prepared_page(body, view)

    return _page_response(request, lang, build)


@router.get("/embed")
def embed(request: Request) -> Response:
    lang = _lang(request)

    def build():
        view = _view(request, EmbedParams, lang)
        params: EmbedParams = view["params"]
        explorer_url = urls(request).abs.explorer(query=view["view_items"])
        selected = _selected(view, lang)
        page_data = {"figure": view["figure"], "lang": lang, "explorer": explorer_url, **_page_urls(request, lang),
                     "selected": selected.id if selected else None,
                     "theme": params.theme, "height": params.height, "strings": {k: t(k, lang) for k in ("close",)},
                     "static": _static_data(request, lang, "embed"),
                     "chrome": EMBED_CHROME, "list_line": EMBED_LIST_LINE}
        body = request.app.state.jinja.get_template("embed.html").render(
            **_globals(request, lang), **view,
            title=params.title or t("site_title", lang), theme=params.theme, note=params.note,
            show_list=params.show_list,
            explorer_url=explorer_url, page_json=json_for_script(page_data),
        )
        return _prepared_page(body, view)

    return _page_response(request, lang, build)


def _get_event(request: Request, event_id: str, lang: str) -> Event:
    event = snapshot(request).get(event_id)
    if event is None:
        raise ProblemError(404, t("no_such_event", lang, id=event_id))
    return event


@router.get("/event/{event_id}/panel")
def event_panel(request: Request, event_id: str) -> Response:
    lang = _lang(request)

    def build():
        _only_lang(request, lang)
        event = _get_event(request, event_id, lang)
        return _html(render_detail(request, snapshot(request), event, lang))

    return _page_response(request, lang, build)


def _apa_date(day: dt.date, precision: str) -> str:
    """APA 7 reference date: (2024, December 3), (2024, December) or (2024)."""
    if precision == "year":
        return str(day.year)
    month = format_date(day, "month", "en").split()[0]
    return f"{day.year}, {month}" + (f" {day.day}" if precision == "day" else "")


def _bibtex_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "{}\\%&$#_" else ch for ch in text)


@router.get("/event/{event_id}")
def event_page(request: Request, event_id: str) -> Response:
    lang = _lang(request)

    def build():
        _only_lang(request, lang)
        snap = snapshot(request)
        event = _get_event(request, event_id, lang)
        u = urls(request)
        url = u.abs.event(event.id, lang)  # the page cited: a Chinese citation names the Chinese page
        today = dt.date.today()
        title = event.title.get(lang)
        site = t("site_title", lang)
        apa = f"{site}. ({_apa_date(event.date, event.date_precision)}). {title}. " \
              f"Retrieved {format_date(today, 'day', 'en')}, from {url}"
        # GB/T 7714—2015, the Chinese standard for references, for an online resource: creator.
        # title[EB/OL]. (updated)[cited]. address.
        gbt = f"{site}. {title}[EB/OL]. ({event.updated.isoformat()})[{today.isoformat()}]. {url}." if lang == "zh" else None
        bibtex = (
            f"@misc{{cct-{event.id},\n"
            f"  title        = {{{_bibtex_escape(title)}}},\n"
            f"  author       = {{{{{_bibtex_escape(site)}}}}},\n"
            f"  year         = {{{event.date.year}}},\n"
            f"  howpublished = {{\\url{{{url}}}}},\n"
            f"  note         = {{Event of {event.date.isoformat()}. Accessed {today.isoformat()}}}\n"
            f"}}"
        )
        body = request.app.state.jinja.get_template("event.html").render(
            **_globals(request, lang), e=event, detail_html=render_detail(request, snap, event, lang, heading="h1"),
            jsonld=json_for_script(event_jsonld(snap, event, u.abs, lang)), apa=apa, gbt=gbt, bibtex=bibtex,
        )
        return _html(body)

    return _page_response(request, lang, build)


def _story_page(request: Request, story_id: str, embed: bool) -> Response:
    lang = _lang(request)

    def build():
        allowed = ("lang", "step") + (("theme", "height") if embed else ())
        check_page_params(request, lang, allowed)
        snap = snapshot(request)
        story = snap.story(story_id)
        if story is None:
            raise ProblemError(404, t("no_such_story", lang, id=story_id))
        step = request.query_params.get("step", "1")
        if not step.isdigit() or not 1 <= int(step) <= len(story.steps):
            raise ProblemError(400, t("bad_step", lang, n=len(story.steps)), "step")
        theme = request.query_params.get("theme", "auto")
        if theme not in ("light", "dark", "auto"):
            raise ProblemError(400, f"theme: light, dark or auto", "theme")
        height = request.query_params.get("height", str(EMBED_HEIGHT))
        if not height.isdigit() or not 150 <= int(height) <= 2000:
            raise ProblemError(400, "height: 150-2000", "height")
        events = [snap.get(s.event) for s in story.steps]
        ordered = sorted(events, key=lambda e: (e.date, e.id))
        u = urls(request)
        figure = figure_dict(snap, ordered, lang, height=max(int(height) - 230, 160) if embed else 380,
                             rangeslider=False)
        data = story_json(snap, story, u.abs)
        page_data = {"figure": figure, "lang": lang, "story": data, "step": int(step), "embed": embed,
                     "height": int(height), "embed_height": EMBED_HEIGHT,
                     "embed_src": u.abs.story_embed(story.id, lang),
                     "embed_srcs": {lg: u.abs.story_embed(story.id, lg) for lg in ("en", "zh")}, "embed_script": u.abs.asset("embed.js", versioned=False),
                     "strings": {k: t(k, lang) for k in ("step_of", "previous", "next", "copy", "copied")}}
        if u.static:  # no server to answer 400: story.js checks the address as check_page_params does
            page_data["check"] = {
                "allowed": allowed, "pages": {lg: (u.story_embed if embed else u.story)(story.id, lg) for lg in ("en", "zh")},
                "strings": {"error_title": t("error_title", lang), "bad_step": t("bad_step", lang, n=len(story.steps)),
                            "unknown_param": t("unknown_param", lang, name="{name}", known=", ".join(allowed)),
                            "repeated_param": t("repeated_param", lang, name="{name}"),
                            "bad_lang": t("bad_lang", lang, value="{value}")}}
        steps = [{"n": i + 1, "event": e, "narrative": s.narrative.get(lang), "zoom": data["steps"][i]["zoom"],
                  "links": s.links} for i, (s, e) in enumerate(zip(story.steps, events))]
        view_url = u.abs.story(story.id, lang)
        body = request.app.state.jinja.get_template("story.html").render(
            **_globals(request, lang), story=story, steps=steps, step=int(step), embed=embed, theme=theme,
            preview=preview_html(figure), chart_height=figure["layout"]["height"], view_url=view_url,
            other_lang_url=u.story(story.id, "en" if lang == "zh" else "zh", int(step)),
            page_json=json_for_script(page_data), link_terms=_linker(urls(request), snap, lang, story.id),
        )
        return _html(body)

    return _page_response(request, lang, build)


@router.get("/story/{story_id}")
def story_page(request: Request, story_id: str) -> Response:
    return _story_page(request, story_id, embed=False)


@router.get("/embed/story/{story_id}")
def story_embed(request: Request, story_id: str) -> Response:
    return _story_page(request, story_id, embed=True)


@router.get("/glossary")
def glossary_page(request: Request) -> Response:
    lang = _lang(request)

    def build():
        _only_lang(request, lang)
        snap = snapshot(request)
        glossary = snap.glossary
        terms = sorted(glossary.terms.items(), key=lambda kv: getattr(kv[1], lang).name.casefold()) if glossary else []
        used = terms_used(snap)
        body = request.app.state.jinja.get_template("glossary.html").render(
            **_globals(request, lang), terms=terms, used={k: [snap.get(i) for i in v] for k, v in used.items()},
            other_lang_url=urls(request).glossary("en" if lang == "zh" else "zh"),
        )
        return _html(body)

    return _page_response(request, lang, build)


def _card_response(request: Request, build_card) -> Response:
    """A social card, built once per (snapshot, URL) and served like any prepared response."""
    prepared = prepared_cache(request).get_or_build(cache_key(request, "card"), lambda: prepare(build_card(), "image/png"))
    return send(request, prepared, cache_control(request))


@router.get("/card.png")
def view_card(request: Request) -> Response:
    """The card of an explorer view (og:image of / and of every filtered view)."""
    lang = _lang(request)

    def build():
        snap = snapshot(request)
        _params, query, _x, errors = parse_view(ExplorerParams, request, snap, lang)
        if errors:
            name = next(iter(errors))
            raise ProblemError(400, errors[name], name)
        events = q.events(snap, query)
        filtered = bool(query.filter_items())
        title = t("tagline", lang) if not filtered else f"{t('site_title', lang)}: {count_text(len(events), lang)}"
        subtitle = count_text(len(events), lang) + " · " + t("reviewed_through", lang,
                                                             date=format_date(snap.taxonomy.reviewed_through, "day", lang))
        return render_card(snap, events, title, subtitle, lang)

    return _card_response(request, build)


@router.get("/event/{event_id}/card.png")
def event_card(request: Request, event_id: str) -> Response:
    lang = _lang(request)

    def build():
        _only_lang(request, lang)
        snap = snapshot(request)
        event = _get_event(request, event_id, lang)
        side = snap.taxonomy.sides[snap.side_of(event)].label.get(lang)
        subtitle = f"{format_date(event.date, event.date_precision, lang)} · {side}"
        return render_card(snap, list(snap.events), event.title.get(lang), subtitle, lang, highlight=event)

    return _card_response(request, build)
