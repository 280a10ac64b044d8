"""Output formats: one table mapping a format name to a renderer, a media type and a file
extension (the way Datasette registers output renderers). Adding a format is adding a row.

Each renderer takes a `RenderContext` (a page of events from the one query function) and
returns bytes. Text from the data is escaped for its format: HTML-escaped where the format
carries HTML (Atom content, TimelineJS text), formula-neutralised in CSV, and JSON embedded
in HTML is escaped by `json_for_script` (app/jsonout.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

from app.i18n import document_number_note, source_publisher, source_title
from app.jsonout import json_bytes
from app.models import Event, EventQuery
from app.query import Page
from app.store import Snapshot

SITE_TITLE = {"en": "Chip Controls Timeline", "zh": "芯片管制时间线"}
SITE_DESCRIPTION = {
    "en": "US–China semiconductor export controls, tariffs, entity listings and each side's responses since 2018, with sources.",
    "zh": "2018年以来中美半导体出口管制、关税、实体清单及双方应对措施时间线（附来源）。",
}


@dataclass(frozen=True)
class RenderContext:
    snapshot: Snapshot
    page: Page
    query: EventQuery
    urls: Any  # the absolute URL builder of app/urls.py (`urls.abs`): every link in an output comes from it
    lang: str = "en"
    self_url: str = ""
    next_url: str | None = None
    facets: dict[str, dict[str, int]] | None = None
    bom: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def state_of(ctx: RenderContext, event: Event):
    """With as_of: the event's state that day (app/inforce.py); else None."""
    if ctx.query.as_of is None:
        return None
    from app.inforce import state_on

    return state_on(ctx.snapshot, event, ctx.query.as_of)


def with_state(ctx: RenderContext, event: Event, text: str) -> str:
    """A flat format's text, prefixed with the event's state on the as_of day."""
    state = state_of(ctx, event)
    if state is None:
        return text
    from app.inforce import state_text

    return f"[{state_text(state, ctx.query.as_of, ctx.lang)}] {text}"


def event_json(snapshot: Snapshot, event: Event, urls) -> dict[str, Any]:
    data = event.model_dump(mode="json")
    data["side"] = snapshot.side_of(event)
    data["scheduled"] = snapshot.scheduled(event)
    data["url"] = urls.event(event.id)
    data["api_url"] = urls.event_api(event.id)
    return data


# --- JSON ---------------------------------------------------------------------------------

# Each event's JSON is encoded once per (snapshot, base URL) and pages are spliced from the
# fragments: encoding was most of the time of a first /events request on a large store.
_FRAGMENTS: "OrderedDict[tuple[str, str], dict[str, bytes]]" = OrderedDict()


def event_json_bytes(snapshot: Snapshot, event: Event, urls) -> bytes:
    key = (snapshot.content_hash, urls.key)
    cache = _FRAGMENTS.get(key)
    if cache is None:
        cache = _FRAGMENTS[key] = {}
        while len(_FRAGMENTS) > 4:
            _FRAGMENTS.popitem(last=False)
    fragment = cache.get(event.id)
    if fragment is None:
        fragment = cache[event.id] = json_bytes(event_json(snapshot, event, urls))
    return fragment


def render_json(ctx: RenderContext) -> bytes:
    """{"total", "count", "offset", "limit", "next", "snapshot", "events": [...], "facets"?}"""
    head = json_bytes({
        "total": ctx.page.total,
        "count": len(ctx.page.events),
        "offset": ctx.page.offset,
        "limit": ctx.page.limit,
        "next": ctx.next_url,
        "snapshot": ctx.snapshot.content_hash,
    })
    if ctx.query.as_of is None:
        events = b",".join(event_json_bytes(ctx.snapshot, e, ctx.urls) for e in ctx.page.events)
    else:  # each event carries its state on the day
        events = b",".join(event_json_bytes(ctx.snapshot, e, ctx.urls)[:-1] + b',"state":' +
                           json_bytes(state_of(ctx, e).as_json()) + b"}" for e in ctx.page.events)
    tail = b',"facets":' + json_bytes(ctx.facets) if ctx.facets is not None else b""
    return head[:-1] + b',"events":[' + events + b"]" + tail + b"}"


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id", "date", "date_precision", "published_date", "effective_date", "end_date", "title",
    "summary", "actors", "side", "category", "technologies", "entities", "significance", "label",
    "status", "documents", "document_note", "sources", "related", "added", "updated", "changes", "url",
    "state", "state_since", "state_by",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (OWASP): a cell that starts with = + - @ or a
    control character is prefixed with an apostrophe so Excel/Sheets show it as text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _source_text(source, lang: str, name: Callable[[str, str], str]) -> str:
    where = " ".join(x for x in (source.citation, source.url) if x)
    return f"{source_publisher(source, lang, name)}: {source_title(source, lang)} {where}".strip()


def _who(ctx: RenderContext, source) -> str:
    """A source's publisher (and via) in the context's language, escaped for HTML."""
    return html.escape(source_publisher(source, ctx.lang, ctx.snapshot.publisher_name))


def _document_text(doc, lang: str) -> str:
    cited = doc.cited(lang) + document_number_note(doc, lang)
    note = f"[{doc.note.get(lang)}]" if doc.note else ""
    return " ".join(x for x in (cited, f"({doc.title})" if doc.title else "", doc.url, note) if x)


def render_csv(ctx: RenderContext) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    lang = ctx.lang
    for e in ctx.page.events:
        row = [
            e.id, e.date.isoformat(), e.date_precision,
            e.published_date.isoformat() if e.published_date else "",
            e.effective_date.isoformat() if e.effective_date else "",
            e.end_date.isoformat() if e.end_date else "",
            e.title.get(lang), e.summary.get(lang), ";".join(e.actors), ctx.snapshot.side_of(e),
            e.category, ";".join(e.technologies), "; ".join(e.entities), str(e.significance),
            e.label.get(lang) if e.label else "", e.status, " | ".join(_document_text(d, lang) for d in e.documents),
            e.document_note.get(lang) if e.document_note else "",
            " | ".join(_source_text(s, lang, ctx.snapshot.publisher_name) for s in e.sources),
            ";".join(f"{r.relation}:{r.id}" for r in e.related),
            e.added.isoformat(), e.updated.isoformat(),
            " | ".join(f"{c.date.isoformat()}: {c.text.get(lang)}" for c in e.changes),
            ctx.urls.event(e.id, lang),
        ]
        state = state_of(ctx, e)
        row += [state.kind, state.since.isoformat(), state.by or ""] if state else ["", "", ""]
        writer.writerow([csv_safe(cell) for cell in row])
    text = out.getvalue()
    return (("\ufeff" + text) if ctx.bom else text).encode("utf-8")


# --- iCalendar --------------------------------------------------------------------------------

def render_ics(ctx: RenderContext) -> bytes:
    from icalendar import Calendar, Event as VEvent

    host = ctx.urls.host
    cal = Calendar()
    cal.add("prodid", "-//Chip Controls Timeline//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", SITE_TITLE[ctx.lang])
    cal.add("x-wr-caldesc", SITE_DESCRIPTION[ctx.lang])
    stamp = ctx.snapshot.loaded_at.replace(microsecond=0)
    for e in ctx.page.events:
        item = VEvent()
        item.add("uid", f"{e.id}@{host}")
        item.add("dtstamp", stamp)
        item.add("dtstart", e.date)
        item.add("dtend", e.date + dt.timedelta(days=1))
        item.add("summary", e.title.get(ctx.lang))
        sources = "\n".join(f"- {_source_text(s, ctx.lang, ctx.snapshot.publisher_name)}" for s in e.sources)
        item.add("description", f"{with_state(ctx, e, e.summary.get(ctx.lang))}\n\n{sources}")
        item.add("url", ctx.urls.event(e.id, ctx.lang))
        item.add("categories", [ctx.snapshot.taxonomy.categories[e.category].label.get(ctx.lang)])
        item.add("transp", "TRANSPARENT")
        cal.add_component(item)
    return cal.to_ical()


# --- Atom -----------------------------------------------------------------------------------------

def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def render_atom(ctx: RenderContext) -> bytes:
    from feedgen.feed import FeedGenerator

    lang = ctx.lang
    fg = FeedGenerator()
    fg.id(ctx.urls.data("atom"))
    fg.title(SITE_TITLE[lang])
    fg.subtitle(SITE_DESCRIPTION[lang])
    fg.language("zh-Hans" if lang == "zh" else "en")
    fg.link(href=ctx.self_url or ctx.urls.data("atom"), rel="self")
    if ctx.next_url:
        fg.link(href=ctx.next_url, rel="next")
    fg.link(href=ctx.urls.explorer(lang, ctx.query.filter_items()), rel="alternate")  # the same view, as a page
    fg.author({"name": SITE_TITLE[lang]})
    latest = max((e.updated for e in ctx.page.events), default=ctx.snapshot.loaded_at.date())
    fg.updated(_midnight(latest))
    # The entries in the query's order (the feed's default sort is newest first); feedgen
    # prepends, so they are added in reverse. An entry's `updated` is the event's last change.
    for e in reversed(ctx.page.events):
        entry = fg.add_entry()
        entry.id(ctx.urls.event(e.id))  # the event's id, whatever the feed's language
        entry.title(e.title.get(lang))
        entry.link(href=ctx.urls.event(e.id, lang))
        entry.published(_midnight(e.date))
        entry.updated(_midnight(max(e.updated, e.date)))
        entry.category(term=e.category)
        sources = "".join(
            f'<li><a href="{html.escape(s.url)}">{_who(ctx, s)}: {html.escape(source_title(s, lang))}</a></li>'
            if s.url else f"<li>{_who(ctx, s)}: {html.escape(source_title(s, lang))} ({html.escape(s.citation or '')})</li>"
            for s in e.sources
        )
        summary = with_state(ctx, e, e.summary.get(lang))
        entry.content(f"<p>{html.escape(summary)}</p><ul>{sources}</ul>", type="html")
        entry.summary(summary)
    return fg.atom_str(pretty=False)


# --- TimelineJS ---------------------------------------------------------------------------------

def _tl_date(day: dt.date, precision: str) -> dict[str, str]:
    out = {"year": str(day.year)}
    if precision in ("month", "day"):
        out["month"] = str(day.month)
    if precision == "day":
        out["day"] = str(day.day)
    return out


def timelinejs_data(ctx: RenderContext) -> dict[str, Any]:
    """TimelineJS3 JSON. TimelineJS renders headline and text as HTML, so all text is escaped."""
    lang = ctx.lang
    tax = ctx.snapshot.taxonomy
    events = []
    for e in ctx.page.events:
        sources = "".join(
            f'<li><a href="{html.escape(s.url)}" rel="noopener">{_who(ctx, s)}</a></li>' if s.url
            else f"<li>{_who(ctx, s)} ({html.escape(s.citation or '')})</li>"
            for s in e.sources
        )
        item: dict[str, Any] = {
            "unique_id": e.id,
            "start_date": _tl_date(e.date, e.date_precision),
            "text": {
                "headline": html.escape(e.title.get(lang)),
                "text": f"<p>{html.escape(with_state(ctx, e, e.summary.get(lang)))}</p><ul>{sources}</ul>",
            },
            "group": tax.sides[ctx.snapshot.side_of(e)].label.get(lang),
        }
        if e.end_date:
            item["end_date"] = _tl_date(e.end_date, "day")
        events.append(item)
    return {
        "title": {"text": {"headline": SITE_TITLE[lang], "text": html.escape(SITE_DESCRIPTION[lang])}},
        "events": events,
    }


def render_timelinejs(ctx: RenderContext) -> bytes:
    return json_bytes(timelinejs_data(ctx))


# --- JSON-LD (schema.org) ---------------------------------------------------------------------------

def event_jsonld(snapshot: Snapshot, event: Event, urls, lang: str) -> dict[str, Any]:
    actors = [snapshot.taxonomy.actors[a].label.get(lang) for a in event.actors]
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": urls.event(event.id),
        "url": urls.event(event.id, lang),  # the page in the language of name and description
        "name": event.title.get(lang),
        "description": event.summary.get(lang),
        "startDate": event.date.isoformat(),
        **({"endDate": event.end_date.isoformat()} if event.end_date else {}),
        "inLanguage": "zh-Hans" if lang == "zh" else "en",
        "eventStatus": "https://schema.org/EventScheduled",
        "organizer": [{"@type": "Organization", "name": name} for name in actors],
        "keywords": [event.category, *event.technologies, *event.entities],
        "citation": [
            {"@type": "CreativeWork", "name": s.title, "publisher": snapshot.publisher_name(s.publisher, lang),
             **({"url": s.url} if s.url else {}), **({"identifier": s.citation} if s.citation else {})}
            for s in event.sources
        ],
    }


def render_jsonld(ctx: RenderContext) -> bytes:
    return json_bytes({
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": SITE_TITLE[ctx.lang],
        "numberOfItems": ctx.page.total,
        "itemListElement": [
            {"@type": "ListItem", "position": ctx.page.offset + i + 1,
             "item": {**event_jsonld(ctx.snapshot, e, ctx.urls, ctx.lang),
                      **({"description": with_state(ctx, e, e.summary.get(ctx.lang))} if ctx.query.as_of else {})}}
            for i, e in enumerate(ctx.page.events)
        ],
    })


def changes_feed(snapshot: Snapshot, urls, lang: str, self_url: str, since: dt.date | None = None) -> bytes:
    """Atom feed of additions and corrections, newest first: an entry per event added and one per
    `changes` entry, each dated by when it happened."""
    from feedgen.feed import FeedGenerator

    items: list[tuple[dt.date, str, Event, str, str]] = []
    for e in snapshot.events:
        items.append((e.added, f"{urls.event(e.id)}#added", e, "added", e.summary.get(lang)))
        for i, change in enumerate(e.changes):
            items.append((change.date, f"{urls.event(e.id)}#change-{i + 1}", e, "corrected", change.text.get(lang)))
    if since:
        items = [it for it in items if it[0] >= since]
    items.sort(key=lambda it: (it[0], it[1]))
    prefix = {"en": {"added": "Added: ", "corrected": "Corrected: "}, "zh": {"added": "新增：", "corrected": "更正："}}[lang]
    fg = FeedGenerator()
    fg.id(urls.changes())
    fg.title(SITE_TITLE[lang] + (" — 更新记录" if lang == "zh" else " — changes"))
    fg.subtitle("新增与更正的事件，最新在前。" if lang == "zh" else "Events added and corrected, newest first.")
    fg.language("zh-Hans" if lang == "zh" else "en")
    fg.link(href=self_url, rel="self")
    fg.link(href=urls.explorer(lang), rel="alternate")
    fg.author({"name": SITE_TITLE[lang]})
    fg.updated(_midnight(items[-1][0] if items else snapshot.loaded_at.date()))
    for day, entry_id, e, kind, text in items:  # feedgen prepends: oldest added first reads newest first
        entry = fg.add_entry()
        entry.id(entry_id)
        entry.title(prefix[kind] + e.title.get(lang))
        entry.link(href=urls.event(e.id, lang))
        entry.published(_midnight(day))
        entry.updated(_midnight(day))
        entry.category(term=kind)
        entry.content(f"<p>{html.escape(text)}</p>", type="html")
    return fg.atom_str(pretty=False)


@dataclass(frozen=True)
class Renderer:
    name: str
    extension: str
    media_type: str
    render: Callable[[RenderContext], bytes]
    attachment: bool = False  # sent with Content-Disposition (downloads)
    paged: bool = False  # JSON: pages of DEFAULT_LIMIT; the others: every matching event unless `limit` is given
    default_sort: str = "date"


RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer("json", "json", "application/json", render_json, paged=True),
        Renderer("csv", "csv", "text/csv; charset=utf-8", render_csv, attachment=True),
        Renderer("ics", "ics", "text/calendar; charset=utf-8", render_ics),
        Renderer("atom", "atom", "application/atom+xml; charset=utf-8", render_atom, default_sort="-date"),
        Renderer("timelinejs", "timelinejs.json", "application/json", render_timelinejs),
        Renderer("jsonld", "jsonld", "application/ld+json", render_jsonld),
    )
}
BY_EXTENSION = {r.extension: r for r in RENDERERS.values()}
