"""HTTP query parameters -> EventQuery, with readable 4xx errors.

`EventsParams` is what the API documents (OpenAPI is generated from it); `to_query` turns
it into the hashable `EventQuery` that the query module and every renderer use, checking
taxonomy values against the current snapshot.
"""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.requests import Request

from app.errors import ProblemError
from app.filters import BY_NAME, NAMES, vocabularies
from app.models import EventQuery
from app.store import Snapshot

MAX_VALUES = 50
DEFAULT_LIMIT = 50  # JSON pages
MAX_LIMIT = 1000

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_partial_date(value: str, *, end: bool) -> dt.date:
    """'2022' / '2022-10' / '2022-10-07' -> a date; `end` picks the period's last day."""
    m = _PARTIAL_DATE.match(value.strip())
    if not m:
        raise ValueError("use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m[1]), m[2], m[3]
    if year < 1900 or year > 2200:
        raise ValueError("year out of range")
    if month is None:
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    month_i = int(month)
    if not 1 <= month_i <= 12:
        raise ValueError("month must be 01-12")
    if day is None:
        last = calendar.monthrange(year, month_i)[1]
        return dt.date(year, month_i, last if end else 1)
    return dt.date(year, month_i, int(day))  # raises ValueError for 2022-02-30


Q_MAX = 200  # characters of a search
Values = Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=MAX_VALUES)]


class FilterParams(BaseModel):
    """Filters shared by /events, /facets, the explorer (/) and the embed (/embed)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    date_from: str | None = Field(
        None, alias="from", description="First date, inclusive. A year or a month works too: the period's first day.",
        examples=["2022-10-07", "2022-10", "2022"],
    )
    date_to: str | None = Field(
        None, alias="to", description="Last date, inclusive. A year or a month means the period's last day.",
        examples=["2025-12-31", "2025-12", "2025"],
    )
    actor: Values = Field([], description=BY_NAME["actor"].description, examples=[["us-bis"]])
    category: Values = Field([], description=BY_NAME["category"].description, examples=[["entity-list"]])
    technology: Values = Field([], description=BY_NAME["technology"].description, examples=[["ai-chips"]])
    side: Values = Field([], description=BY_NAME["side"].description, examples=[["china"]])
    entity: Values = Field([], description="A named company or product, e.g. H200 or Huawei (whole-word match). Repeatable.", examples=[["H200"]])
    status: Values = Field([], description=BY_NAME["status"].description, examples=[["official"]])
    q: str | None = Field(None, max_length=Q_MAX, description="Full-text search in English and Chinese: every word must occur (as a substring, case-insensitive) in the title, summary, context, entities or id; quotation marks and invisible characters are ignored, traditional Chinese finds the simplified text.", examples=["gallium", "出口管制"])
    significance: int | None = Field(None, ge=1, le=3, description="Minimum significance (1 minor, 2 notable, 3 landmark).")
    updated_since: str | None = Field(
        None, description="Only events added or changed on or after this date (YYYY-MM-DD; a year or month means "
        "its first day): the way to sync what changed since a previous download.", examples=["2026-12-01"])
    as_of: str | None = Field(
        None, description="A day (YYYY-MM-DD): only the measures in effect that day (tariffs, export-control rules, "
        "listings, laws, restrictions, licence decisions, guidance), each carrying its `state` on that day. Alone it "
        "gives what was in force; `state` chooses the states instead (state=suspended: only the suspended ones; "
        "state=in-force&state=suspended: both). At most "
        "the sources' review date (/taxonomy `reviewed_through`).", examples=["2025-12-01"])
    state: Values = Field([], description="With as_of: in-force (default), suspended, ended, superseded, reversed. "
                                          "Repeatable.", examples=[["in-force", "suspended"]])
    sort: Literal["date", "-date"] | None = Field(
        None, description="date (oldest first) or -date (newest first). Default: date; the Atom feed: -date.")

    @field_validator("as_of")
    @classmethod
    def _check_day(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            if not re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
                raise ValueError("use a day, YYYY-MM-DD")
            parse_partial_date(value, end=False)
            return value.strip()
        return None

    @field_validator("date_from", "date_to", "updated_since")
    @classmethod
    def _check_date(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            parse_partial_date(value, end=False)
            return value.strip()
        return None

    def to_query(self, snapshot: Snapshot, default_sort: str = "date", lang: str = "en") -> EventQuery:
        """The query, or a 400 naming the parameter at fault (its message in `lang`: the pages')."""
        from app.i18n import t
        tax = snapshot.taxonomy
        for name, known in vocabularies(tax).items():
            for value in getattr(self, name):
                if value.strip() and value not in known:  # an empty value is "not set", as from= and q=
                    raise ProblemError(400, t("unknown_value", lang, name=name, value=value, known=", ".join(sorted(known))), name)
        date_from = parse_partial_date(self.date_from, end=False) if self.date_from else None
        date_to = parse_partial_date(self.date_to, end=True) if self.date_to else None
        if date_from and date_to and date_from > date_to:
            raise ProblemError(400, f"'from' ({self.date_from}) is after 'to' ({self.date_to})", "from")
        q = " ".join((self.q or "").split()) or None
        since = parse_partial_date(self.updated_since, end=False) if self.updated_since else None
        as_of = parse_partial_date(self.as_of, end=False) if self.as_of else None
        from app.inforce import STATES
        states = [v for v in self.state if v.strip()]
        for value in states:
            if value not in STATES:
                raise ProblemError(400, t("unknown_value", lang, name="state", value=value, known=", ".join(STATES)), "state")
        if states and not as_of:
            raise ProblemError(400, t("state_needs_as_of", lang), "state")
        if as_of and as_of > tax.reviewed_through:
            raise ProblemError(400, t("as_of_after_review", lang, as_of=as_of, reviewed=tax.reviewed_through), "as_of")
        return EventQuery(
            date_from=date_from, date_to=date_to,
            **{name: tuple(dict.fromkeys(v for v in getattr(self, name) if v.strip())) for name in NAMES},
            entity=tuple(dict.fromkeys(e.strip() for e in self.entity if e.strip())),
            q=q, significance=self.significance, updated_since=since, sort=self.sort or default_sort,
            as_of=as_of, state=tuple(dict.fromkeys(states)) if as_of else (),
        )


class EventsParams(FilterParams):
    """/events: filters plus pagination, language and format."""

    limit: int | None = Field(
        None, ge=1, le=MAX_LIMIT, description=f"Page size, 1-{MAX_LIMIT}. /events (JSON) is paged, "
        f"{DEFAULT_LIMIT} events a page by default; the files (/events.json, CSV, iCalendar, Atom, TimelineJS, JSON-LD) "
        "carry every matching event unless a limit is given (then they are paged too, with `next` in the Link header).")
    cursor: str | None = Field(None, max_length=100, description="Opaque cursor from a previous response's `next`.")
    lang: Literal["en", "zh"] | None = Field(None, description="Language of title/summary in flat formats (CSV, iCal, Atom, TimelineJS). JSON carries both.")
    format: str | None = Field(None, max_length=20, description="Output format: json, csv, ics, atom, timelinejs, jsonld. A file extension (/events.csv) works too.")
    facets: bool = Field(False, description="Include facet counts in the JSON body.")
    bom: bool = Field(False, description="CSV only: start with a UTF-8 byte-order mark (for Excel).")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = raw.partition(":")
        offset = int(number)
        if kind != "o" or offset < 0 or offset > 10_000_000 or not number.isdigit():
            raise ValueError
        return offset
    except (ValueError, UnicodeDecodeError):
        raise ProblemError(400, "malformed cursor; use the `next` URL of a previous response", "cursor") from None


_KNOWN: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


def repeatable(info) -> bool:
    """Whether a field takes a list: its parameter may be given more than once."""
    return getattr(info.annotation, "__origin__", None) is list


def _known_params(route) -> tuple[frozenset[str], frozenset[str]]:
    """The query parameter names a route declares (a pydantic model's fields by alias, or a plain
    parameter's name), and those that take a list. Computed once per route."""
    known = _KNOWN.get(id(route))
    if known is None:
        names: set[str] = set()
        lists: set[str] = set()
        for param in route.dependant.query_params:
            annotation = param.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                names |= {info.alias or name for name, info in annotation.model_fields.items()}
                lists |= {info.alias or name for name, info in annotation.model_fields.items() if repeatable(info)}
            else:
                names.add(param.alias)
                lists |= {param.alias} if repeatable(param.field_info) else set()
        known = _KNOWN[id(route)] = (frozenset(names), frozenset(lists))
    return known


def repeated_params(items, lists) -> ProblemError | None:
    """A 400 for a parameter that takes one value given more than once (which one would count
    is not for the server to guess), or None."""
    seen: set[str] = set()
    for name, _value in items:
        if name in seen and name not in lists:
            return ProblemError(400, f"parameter {name!r} is given more than once; it takes one value", name,
                                title="Repeated query parameter")
        seen.add(name)
    return None


def unknown_params(names, known) -> ProblemError | None:
    """A 400 naming the first unknown parameter and listing the known ones, or None."""
    for name in names:
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            return ProblemError(400, f"unknown parameter {name!r}; this URL takes: {listed}", name,
                                title="Unknown query parameter")
    return None


def reject_unknown_params(request: Request) -> None:
    """App-wide dependency of the API routes: a parameter the route does not take is an error,
    never silently ignored (a misspelt `catgory=` would otherwise return everything)."""
    route = request.scope.get("route")
    if route is None or not getattr(route, "include_in_schema", True) or not hasattr(route, "dependant"):
        return  # the pages and static files check their own parameters
    known, lists = _known_params(route)
    problem = unknown_params(request.query_params.keys(), known) or repeated_params(request.query_params.multi_items(), lists)
    if problem is not None:
        raise problem
