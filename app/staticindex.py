"""The index the static export's query module (static/query.js) answers from.

Everything that decides a query's answer is computed here, from the snapshot, by the same
code as the server: the filter postings (which events carry each value), folded entities and
search text (app/store.py fold), the fold of the characters where JavaScript's lowercase
differs from Python's casefold, the vocabularies, and each measure's states over time
(app/inforce.py). query.js only intersects, counts and validates; tests/test_static_query.py
runs it under node on generated queries and compares with app/params.py and app/query.py.
"""

from __future__ import annotations

import sys
import unicodedata
from typing import Any

from app.inforce import STATES, is_measure, start_of, state_on
from app.filters import FACETS, NAMES, event_values, vocabularies
from app.store import SEARCH_DROP, T2S, Snapshot, _search_text, fold



def fold_table() -> dict[str, str]:
    """Characters whose Python casefold differs from their (per-character) lowercase, which is
    what JavaScript's toLowerCase gives: query.js folds them through this table."""
    out = {}
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        folded = ch.casefold()
        if folded != ch.lower():
            out[ch] = folded
    return out


def _state_changes(snapshot: Snapshot, event) -> list[list[Any]]:
    """A measure's states over time: [[from_day, state, since, by], ...], one row at each day its
    state may change (its start, its end, and the start and end of every link acting on it)."""
    days = {start_of(event)}
    if event.end_date:
        days.add(event.end_date)
    for other_id, _relation in snapshot.inverse_related.get(event.id, ()):
        other = snapshot.get(other_id)
        days.add(start_of(other))
        if other.end_date:
            days.add(other.end_date)
    rows: list[list[Any]] = []
    for day in sorted(d for d in days if d >= start_of(event)):
        state = state_on(snapshot, event, day)
        row = [day.isoformat(), state.kind, state.since.isoformat(), state.by]
        if not rows or rows[-1][1:] != row[1:]:
            rows.append(row)
    return rows


def build_index(snapshot: Snapshot, known_params: list[str]) -> dict[str, Any]:
    events = snapshot.events
    postings: dict[str, dict[str, list[int]]] = {name: {} for name in FACETS}
    for i, event in enumerate(events):
        for name in FACETS:
            for value in event_values(name, event, snapshot.taxonomy):
                postings[name].setdefault(value, []).append(i)
    tax = snapshot.taxonomy
    texts = [_search_text(e) for e in events]
    entities = [[fold(x) for x in e.entities] for e in events]
    corpus = set("".join(texts)) | {ch for names in entities for name in names for ch in name}
    return {
        "snapshot": snapshot.content_hash,
        "ids": [e.id for e in events],
        "dates": [e.date.isoformat() for e in events],
        "significance": [e.significance for e in events],
        "updated": [e.updated.isoformat() for e in events],
        "entities": entities,
        "text": texts,
        "postings": postings,
        "filters": list(NAMES),  # app/filters.py: the vocabulary filters, and the facets counted
        "facets": list(FACETS),
        "vocab": {**vocabularies(tax), "state": list(STATES)},
        "states": {str(i): _state_changes(snapshot, e) for i, e in enumerate(events) if is_measure(snapshot, e)},
        "reviewed_through": tax.reviewed_through.isoformat(),
        "known_params": sorted(known_params),
        "fold": fold_table(),
        # app/store.py fold: what search drops, and the traditional characters whose simplified
        # form occurs in the texts (another can match nothing, mapped or not)
        "drop": SEARCH_DROP,
        "t2s": {trad: simple for trad, simple in T2S.items() if simple in corpus},
        "nfkc": unicodedata.unidata_version,
    }
