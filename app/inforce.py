"""What was in force on a date: the state of a measure, from its dates and the links to it.

A *measure* is an official event whose category has `measure: true` in taxonomy.yaml (a
tariff, an export-control rule, a listing, a law, a purchase or investment restriction, an
enforcement order, a licence decision, guidance). On a day D a measure is:

- not yet in effect (no state) if its effective date (or, without one, its date) is after D;
- `suspended`, `superseded` or `reversed` if an official event dated (effective) on or before D
  links to it with that relation (`suspends`, `supersedes`, `reverses`) — a court ruling that
  blocks a measure links to it with `suspends` or `reverses`; a suspension whose own end date is
  on or before D no longer applies (the measure is in force again);
- `ended` if its own end date is on or before D (and no link explains why);
- `in-force` otherwise.

The latest applicable link wins. docs/DATA.md ("In force on a date") says the same for curators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.models import Event
from app.store import Snapshot

STATES = ("in-force", "suspended", "ended", "superseded", "reversed")
_BY_RELATION = {"suspends": "suspended", "supersedes": "superseded", "reverses": "reversed"}


@dataclass(frozen=True)
class State:
    kind: str  # one of STATES
    since: dt.date  # when the measure took effect (in-force) or the state began
    by: str | None = None  # the event that suspended, superseded or reversed it

    def as_json(self) -> dict:
        return {"state": self.kind, "since": self.since.isoformat(), "by": self.by}


def start_of(event: Event) -> dt.date:
    return event.effective_date or event.date


def is_measure(snapshot: Snapshot, event: Event) -> bool:
    category = snapshot.taxonomy.categories.get(event.category)
    return event.status == "official" and bool(category and category.measure)


def state_on(snapshot: Snapshot, event: Event, day: dt.date) -> State | None:
    if not is_measure(snapshot, event) or start_of(event) > day:
        return None
    found: State | None = None
    for other_id, relation in snapshot.inverse_related.get(event.id, ()):
        kind = _BY_RELATION.get(relation)
        if kind is None:
            continue
        other = snapshot.get(other_id)
        if other.status != "official" or start_of(other) > day:
            continue
        if kind == "suspended" and other.end_date and other.end_date <= day:
            continue  # the suspension itself has ended
        if found is None or start_of(other) >= found.since:
            found = State(kind, start_of(other), other.id)
    if found is not None:
        return found
    if event.end_date and event.end_date <= day:
        return State("ended", event.end_date)
    return State("in-force", start_of(event))


STATE_TEXT = {
    "in-force": {"en": "In force on {day} (since {since})", "zh": "{day}时有效（自{since}起）"},
    "suspended": {"en": "Suspended on {day} (since {since})", "zh": "{day}时已暂停（自{since}起）"},
    "ended": {"en": "Ended by {day} (on {since})", "zh": "{day}时已结束（{since}结束）"},
    "superseded": {"en": "Superseded by {day} (on {since})", "zh": "{day}时已被取代（{since}）"},
    "reversed": {"en": "Reversed by {day} (on {since})", "zh": "{day}时已撤销（{since}）"},
}


def state_text(state: State, day: dt.date, lang: str) -> str:
    return STATE_TEXT[state.kind][lang].format(day=day.isoformat(), since=state.since.isoformat())
