"""One query function from (snapshot, EventQuery) to matching events, plus facet counts.

Every output (API formats, explorer, embed, export) goes through `match` so a filter means
the same thing everywhere. Results are memoised per (snapshot hash, query).
"""

from __future__ import annotations

import re
from collections import Counter, OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Iterable

from app.filters import FACETS, NAMES, event_values
from app.models import Event, EventQuery
from app.store import Snapshot, fold

FACET_FIELDS = FACETS  # app/filters.py
_CACHE_SIZE = 2048


class _LRU:
    def __init__(self, size: int):
        self.size = size
        self.data: OrderedDict = OrderedDict()
        self.lock = Lock()

    def get(self, key):
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return value


_matches = _LRU(_CACHE_SIZE)
_facets = _LRU(_CACHE_SIZE)


def _entity_matches(snapshot: Snapshot, wanted: str) -> set[int]:
    """`entity=H200` matches an entity equal to it or containing it as a whole word
    ('Nvidia H200'), but not 'H2000'."""
    term = fold(wanted.strip())
    if not term:
        return set()
    pattern = re.compile(r"(?<![\w])" + re.escape(term) + r"(?![\w])")
    out: set[int] = set()
    for entity, ids in snapshot.index.get("entity", {}).items():
        if entity == term or pattern.search(entity):
            out |= ids
    return out


def _filter(snapshot: Snapshot, query: EventQuery) -> list[int]:
    candidates: set[int] | None = None

    def narrow(ids: set[int] | frozenset[int]) -> None:
        nonlocal candidates
        candidates = set(ids) if candidates is None else candidates & ids

    for name in NAMES:
        values = getattr(query, name)
        if values:
            index = snapshot.index.get(name, {})
            union: set[int] = set()
            for value in values:
                union |= index.get(value, frozenset())
            narrow(union)
    if query.entity:
        union = set()
        for value in query.entity:
            union |= _entity_matches(snapshot, value)
        narrow(union)

    # Full text (app/textindex.py): every term must occur, as a substring, in the event's folded
    # titles, summaries, context, entities or id, in either language.
    terms = {term for t in (query.q or "").split() if (term := fold(t))}  # a term of quotes only is none
    indices: Iterable[int]
    if terms:
        found = snapshot.text_index.matching(terms)
        indices = found if candidates is None else [i for i in found if i in candidates]
    else:
        indices = range(len(snapshot.events)) if candidates is None else sorted(candidates)
    out = list(indices)
    if query.date_from or query.date_to or query.significance or query.updated_since:
        events = snapshot.events
        low, high = query.date_from, query.date_to
        least, since = query.significance, query.updated_since
        out = [i for i in out if (low is None or events[i].date >= low) and (high is None or events[i].date <= high)
               and (not least or events[i].significance >= least)
               and (since is None or events[i].updated >= since)]
    if query.as_of:
        from app.inforce import state_on

        wanted = set(query.state or ("in-force",))
        events = snapshot.events
        out = [i for i in out if (st := state_on(snapshot, events[i], query.as_of)) is not None and st.kind in wanted]
    if query.sort == "-date":
        out.reverse()
    return out


def match(snapshot: Snapshot, query: EventQuery) -> tuple[int, ...]:
    """Indices (into snapshot.events) of the events the query selects, in its sort order."""
    key = (snapshot.content_hash, query)
    found = _matches.get(key)
    if found is None:
        found = _matches.put(key, tuple(_filter(snapshot, query)))
    return found


def events(snapshot: Snapshot, query: EventQuery) -> list[Event]:
    return [snapshot.events[i] for i in match(snapshot, query)]


@dataclass(frozen=True)
class Page:
    events: tuple[Event, ...]
    total: int
    offset: int
    limit: int

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.events)
        return end if end < self.total else None


def page(snapshot: Snapshot, query: EventQuery, offset: int, limit: int) -> Page:
    found = match(snapshot, query)
    chosen = tuple(snapshot.events[i] for i in found[offset: offset + limit])
    return Page(events=chosen, total=len(found), offset=offset, limit=limit)


def _facet_values(snapshot: Snapshot, i: int, name: str) -> list[str]:
    return event_values(name, snapshot.events[i], snapshot.taxonomy)


def facets(snapshot: Snapshot, query: EventQuery) -> dict[str, dict[str, int]]:
    """Counts per facet value. Each facet is counted with every filter applied except its
    own (as in faceted search UIs), so choosing one actor still shows the others' counts."""
    key = (snapshot.content_hash, query)
    cached = _facets.get(key)
    if cached is not None:
        return cached
    result: dict[str, dict[str, int]] = {}
    for name in FACET_FIELDS:
        if name == "year":
            relaxed = query.model_copy(update={"date_from": None, "date_to": None})
        else:
            relaxed = query.model_copy(update={name: ()})
        counts: Counter[str] = Counter()
        for i in match(snapshot, relaxed):
            counts.update(_facet_values(snapshot, i, name))
        result[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return _facets.put(key, result)
