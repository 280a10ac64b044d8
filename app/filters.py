"""The filters over a vocabulary, in one table: adding a filter is adding a row (and its field
in `models.EventQuery` / `params.FilterParams`, which a test checks against this table).

Each row says what the filter is called (its URL parameter, its EventQuery field and its facet),
which values it admits (a vocabulary of the taxonomy, or a fixed list), which values an event
carries (what the store indexes and the facets count), how it is shown (a label key of
app/i18n.py) and documented. Repeated values of one filter are ORed, different filters ANDed
(app/query.py). Derived from it: the store's indexes (app/store.py), the query and the facets
(app/query.py), parameter validation (app/params.py), the OpenAPI enums (app/openapi_doc.py),
the explorer's filter groups (app/pages.py), the views oEmbed carries (app/oembed.py) and the
static site's query index (app/staticindex.py, read by static/query.js).

Free-text filters (`entity`, `q`), dates, significance and the in-force view are not
vocabularies: they have their own fields and rules in app/query.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from app.models import Event, Taxonomy

STATUSES = ("official", "reported")


@dataclass(frozen=True)
class Filter:
    name: str  # URL parameter, EventQuery field, facet and index name
    label: str  # i18n key of the filter group's heading
    vocabulary: Callable[[Taxonomy], Iterable[str]]  # the values it admits, in display order
    values: Callable[[Event, Taxonomy], Iterable[str]]  # the values an event carries
    description: str  # for the API documentation
    shown: bool = True  # a group of the explorer's filter form
    swatch: bool = False  # its options show the value's colour (the chart's marker colour)

    def admits(self, taxonomy: Taxonomy) -> list[str]:
        return list(self.vocabulary(taxonomy))


# In the order of the explorer's filter form.
FILTERS: tuple[Filter, ...] = (
    Filter("side", "side", lambda tax: tax.sides, lambda e, tax: [tax.actors[e.primary_actor].side],
           "Side of the acting party (its primary actor): us, china or allies. Repeatable."),
    Filter("category", "category", lambda tax: tax.categories, lambda e, tax: [e.category],
           "Category key (see /taxonomy): what the act is. Repeatable.", swatch=True),
    Filter("technology", "technology", lambda tax: tax.technologies, lambda e, tax: e.technologies,
           "Technology key (see /taxonomy). Repeatable."),
    Filter("actor", "actor", lambda tax: tax.actors, lambda e, tax: dict.fromkeys(e.actors),
           "Actor key (see /taxonomy); an event matches any of its actors. Repeat to OR several."),
    Filter("status", "status", lambda tax: STATUSES, lambda e, tax: [e.status],
           "official (an act or document of the actor) or reported (known from press reports). Repeatable."),
)

BY_NAME = {f.name: f for f in FILTERS}
NAMES = tuple(BY_NAME)
# Facets: every filter's counts, and the years (counted with the date range relaxed).
FACETS = NAMES + ("year",)


def vocabularies(taxonomy: Taxonomy) -> dict[str, list[str]]:
    return {f.name: f.admits(taxonomy) for f in FILTERS}


def event_values(name: str, event: Event, taxonomy: Taxonomy) -> list[str]:
    """The facet values of an event: a filter's, or its year."""
    if name == "year":
        return [str(event.date.year)]
    return list(BY_NAME[name].values(event, taxonomy))
