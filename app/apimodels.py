"""Response models of the API, for the OpenAPI document (components) and typed clients.

The routes answer with prepared bytes (app/httpcache.py), not through these models; the
models describe exactly those bytes, and schemathesis checks every response against them
(tests/test_api.py). Event fields come from app/models.py: these add only what the API adds.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.models import Event, Term, Text


class InForceState(BaseModel):
    """With as_of: the measure's state that day (app/inforce.py)."""

    state: Literal["in-force", "suspended", "ended", "superseded", "reversed"]
    since: dt.date = Field(description="when it took effect (in-force) or entered this state")
    by: str | None = Field(description="the event that suspended, superseded or reversed it")


class EventOut(Event):
    """An event as the API serves it: the stored fields plus what the API derives."""

    model_config = ConfigDict(title="Event", extra="forbid", frozen=True)

    side: str = Field(description="side of the primary actor (us, china, allies)")
    scheduled: list[Literal["effective_date", "end_date"]] = Field(
        description="date fields after the sources' review date: only scheduled, not known to have happened")
    url: str = Field(description="the event's page")
    api_url: str = Field(description="this event in the API")
    state: InForceState | None = Field(None, description="only with as_of: the state on that day")


class LinkedEvent(BaseModel):
    """Another event linked from or to this one, resolved."""

    id: str
    date: dt.date
    title: Text
    relation: str = Field(description="relation key (taxonomy)")
    relation_label: Text = Field(description="the relation as read from this event")
    url: str
    api_url: str


class EventDetail(EventOut):
    """One event with its links resolved (/events/{id})."""

    model_config = ConfigDict(title="EventDetail", extra="forbid", frozen=True)

    related: list[LinkedEvent] = Field(description="links this event makes")  # type: ignore[assignment]
    referenced_by: list[LinkedEvent] = Field(description="events that link to this one")


class EventPage(BaseModel):
    """A page of /events in JSON."""

    total: int = Field(description="events matching the filters")
    count: int = Field(description="events in this page")
    offset: int
    limit: int
    next: str | None = Field(description="URL of the next page, or null")
    snapshot: str = Field(description="content hash of the data the page was built from")
    events: list[EventOut]
    facets: dict[str, dict[str, int]] | None = Field(None, description="with facets=true: counts per facet value")


class Facets(BaseModel):
    total: int
    facets: dict[str, dict[str, int]] = Field(description="facet -> value -> count")


class ProblemItem(BaseModel):
    parameter: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    parameter: str | None = Field(None, description="the query or path parameter at fault")
    errors: list[ProblemItem] | None = None


class OEmbed(BaseModel):
    version: Literal["1.0"]
    type: Literal["rich"]
    title: str
    provider_name: str
    provider_url: str
    html: str
    width: int
    height: int
    cache_age: int


class TimelineJSDate(BaseModel):
    year: str
    month: str | None = None
    day: str | None = None


class TimelineJSText(BaseModel):
    headline: str
    text: str


class TimelineJSEvent(BaseModel):
    unique_id: str
    start_date: TimelineJSDate
    end_date: TimelineJSDate | None = None
    text: TimelineJSText
    group: str


class TimelineJSTitle(BaseModel):
    text: TimelineJSText


class TimelineJSDocument(BaseModel):
    """format=timelinejs: a TimelineJS3 document (also application/json)."""

    title: TimelineJSTitle
    events: list[TimelineJSEvent]


# /events answers application/json in two shapes: a page (json), or TimelineJS (format=timelinejs)
EventsJSON = EventPage | TimelineJSDocument


class StoryBrief(BaseModel):
    id: str
    title: Text
    introduction: Text
    steps: int = Field(description="number of steps")
    url: str = Field(description="the story's page")
    api_url: str


class StoryZoom(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")


class StoryStepOut(BaseModel):
    number: int
    event: str
    narrative: Text
    zoom: StoryZoom
    links: Literal["thread", "all", "none"]
    event_date: dt.date
    event_title: Text
    event_url: str
    url: str = Field(description="the story's page, opened at this step")


class StoryOut(BaseModel):
    id: str
    title: Text
    introduction: Text
    closing: Text
    url: str
    steps: list[StoryStepOut]


class TermOut(Term):
    """A glossary term as /terms serves it."""

    model_config = ConfigDict(title="TermOut", extra="forbid", frozen=True)

    id: str
    url: str = Field(description="the term on /glossary")
    events: list[str] = Field(description="ids of the events whose text uses the term")
