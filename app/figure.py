"""Build the Plotly timeline figure from a list of events. Knows nothing of HTTP.

One lane per side (US on top, allies in the middle, China below); markers coloured by
category (one trace each, so the legend filters categories), sized by significance, open
for press-reported events; events that fall within a few weeks of each other in a lane are
staggered vertically so they do not sit on one another; `related` links are drawn as a
separate, toggleable connector trace (action -> reaction).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any, Iterable

import plotly.graph_objects as go

from app.i18n import format_date, t
from app.models import Event
from app.store import Snapshot

LANES = ("china", "allies", "us")  # bottom to top
SIZES = {1: 9, 2: 13, 3: 19}
# Rows within a lane (lane units; a lane is 1 apart): markers closer in time than GAP_PX at the
# view's scale take the next row, so they do not cover each other (measured in a browser test).
OFFSETS = (0.0, 0.15, -0.15, 0.3, -0.3, 0.45, -0.45)
GAP_PX = 16  # about a marker's width
PLOT_PX = {"explorer": 480, "embed": 400}  # the plot width the rows are computed for
CONNECTOR_NAME = "connectors"
Y_RANGE = (-0.6, 2.6)


def _label_width(labels: list[str]) -> int:
    """Left margin for the lane labels at 13 px: CJK characters are about one em wide."""
    def width(text: str) -> float:
        return sum(13 if ord(ch) > 0x2E80 else 7.2 for ch in text)
    return int(max(width(label) for label in labels)) + 16


def gap_days(view: tuple[dt.date, dt.date], plot_px: int) -> float:
    """The time two markers in one row must be apart: GAP_PX at the view's scale."""
    return max((view[1] - view[0]).days, 1) * GAP_PX / plot_px


def shown_lanes(snapshot: Snapshot, events: list[Event]) -> list[str]:
    """The lanes drawn, bottom to top: those with events (a filter that empties a lane collapses
    it); all of them when there is no event."""
    present = {snapshot.side_of(e) for e in events}
    return [side for side in LANES if side in present] or list(LANES)


def _lane_positions(snapshot: Snapshot, events: list[Event], gap: float, lanes: list[str]) -> dict[str, float]:
    """y position per event id: the side's lane plus a row offset, so events less than `gap` days
    apart in one lane take different rows (the first free row; if none, the longest free)."""
    positions: dict[str, float] = {}
    last_in_slot: dict[tuple[str, int], dt.date] = {}
    for event in sorted(events, key=lambda e: (e.date, e.id)):
        side = snapshot.side_of(event)
        lane = lanes.index(side)
        slot = 0
        for slot in range(len(OFFSETS)):
            previous = last_in_slot.get((side, slot))
            if previous is None or (event.date - previous).days > gap:
                break
        else:
            slot = min(range(len(OFFSETS)), key=lambda s: last_in_slot[(side, s)])
        last_in_slot[(side, slot)] = event.date
        positions[event.id] = lane + OFFSETS[slot]
    return positions


def _escape(text: str) -> str:
    """Plotly renders a subset of HTML in hover labels; event text must show as text."""
    return html.escape(text, quote=False)


LABEL_FONT_PX = 11


def _text_px(text: str) -> float:
    """Estimated width of a label: CJK characters about a font size each, others about 0.58."""
    return sum(LABEL_FONT_PX * (1.0 if ord(ch) > 0x2E80 else 0.58) for ch in text) + 6


def landmark_labels(events, y: dict[str, float], view: tuple[dt.date, dt.date], plot_px: int, lang: str,
                    muted: frozenset[str] = frozenset()) -> list[dict]:
    """Short labels of the landmark events in view (significance 3, their `label`), above their
    marker or, if that collides with a label already placed, below it; skipped if both collide.
    Placed in the order of the events' dates, at the scale of `plot_px` (the narrowest plot the
    view is drawn for). Each annotation's name is `landmark:<id>` (the static site keeps the
    labels of the events a query kept)."""
    span = max((view[1] - view[0]).days, 1)
    placed: list[tuple[float, float, float, float]] = []  # x0, x1 (px), y band (lane units)
    out = []
    for e in sorted((e for e in events if e.significance == 3 and e.label and e.id not in muted),
                    key=lambda e: (e.date, e.id)):
        if not view[0] <= e.date <= view[1]:
            continue
        x = (e.date - view[0]).days / span * plot_px
        width = _text_px(e.label.get(lang))
        x0, x1 = x - width / 2, x + width / 2
        for shift, band in ((12, (y[e.id] + 0.04, y[e.id] + 0.2)), (-12, (y[e.id] - 0.2, y[e.id] - 0.04))):
            if not any(a < x1 and x0 < b and lo < band[1] and band[0] < hi for a, b, lo, hi in placed):
                placed.append((x0, x1, *band))
                out.append({"x": e.date.isoformat(), "y": y[e.id], "yshift": shift, "text": _escape(e.label.get(lang)),
                            "showarrow": False, "xanchor": "center", "yanchor": "bottom" if shift > 0 else "top",
                            "font": {"size": LABEL_FONT_PX}, "bgcolor": "rgba(255,255,255,0.8)", "borderpad": 1,
                            "name": f"landmark:{e.id}",
                            "captureevents": False})
                break
    return out


def build_figure(
    snapshot: Snapshot,
    events: Iterable[Event],
    lang: str = "en",
    x_range: tuple[dt.date, dt.date] | None = None,
    connectors: bool = False,
    height: int = 460,
    rangeslider: bool = True,
    plot_px: int = PLOT_PX["explorer"],
    muted: frozenset[str] = frozenset(),
    as_of: dt.date | None = None,
) -> go.Figure:
    """`muted`: ids drawn grey, in one trace of their own (with as_of: not in force that day);
    `as_of`: a vertical line at that day, which the explorer lets the reader drag."""
    events = list(events)
    tax = snapshot.taxonomy
    if events:
        first = min(e.date for e in events) - dt.timedelta(days=45)
        last = max(e.date for e in events) + dt.timedelta(days=45)
    else:
        first, last = dt.date(2018, 1, 1), dt.date.today()
    view = x_range or (first, last)
    lanes = shown_lanes(snapshot, events)
    y = _lane_positions(snapshot, events, gap_days(view, plot_px), lanes)
    fig = go.Figure()

    by_category: dict[str, list[Event]] = {}
    for event in events:
        by_category.setdefault("muted" if event.id in muted else event.category, []).append(event)
    groups = [(key, category.label.get(lang), category.colour) for key, category in tax.categories.items()]
    if muted and as_of:
        groups.append(("muted", t("not_in_force", lang, day=format_date(as_of, "day", lang)), "#a9a9a9"))
    for key, label, colour in groups:
        members = by_category.get(key)
        if not members:
            continue
        fig.add_trace(go.Scatter(
            x=[e.date.isoformat() for e in members],
            y=[y[e.id] for e in members],
            mode="markers",
            name=label,
            legendgroup=key,
            marker={
                "color": colour,
                "size": [SIZES[e.significance] for e in members],
                "symbol": ["circle" if e.status == "official" else "circle-open" for e in members],
                "line": {"width": [1 if e.status == "official" else 2.5 for e in members], "color": colour},
                "opacity": 0.45 if key == "muted" else 0.92,
            },
            customdata=[
                [e.id, _escape(format_date(e.date, e.date_precision, lang)),
                 _escape(tax.actors[e.primary_actor].label.get(lang)), _escape(e.title.get(lang)),
                 _escape(t("reported", lang) if e.status == "reported" else "")]
                for e in members
            ],
            hovertemplate="%{customdata[1]} · %{customdata[2]}<br><b>%{customdata[3]}</b> %{customdata[4]}<extra></extra>",
            meta={"category": key},
        ))

    present = {e.id for e in events}
    xs: list[Any] = []
    ys: list[Any] = []
    ends: list[Any] = []  # the event id at each vertex, so a client can drop links of hidden events
    for event in events:
        for link in event.related:
            if link.id in present:
                other = snapshot.get(link.id)
                xs += [other.date.isoformat(), event.date.isoformat(), None]
                ys += [y[other.id], y[event.id], None]
                ends += [other.id, event.id, None]
    fig.add_trace(go.Scatter(
        x=xs, y=ys, customdata=ends, mode="lines", name=t("connectors", lang), legendgroup=CONNECTOR_NAME,
        line={"color": "rgba(110,110,110,0.55)", "width": 1.2, "dash": "dot"},
        hoverinfo="skip", visible=True if connectors else "legendonly", meta={"connectors": True},
    ))
    # The thread of the hovered or selected event (its links, and theirs, across lanes), drawn
    # by the browser from the links above (static/timeline.js showThread): empty until then.
    fig.add_trace(go.Scatter(
        x=[], y=[], mode="lines", name=t("thread", lang), showlegend=False, hoverinfo="skip",
        line={"color": "rgba(214,120,0,0.95)", "width": 2.6}, meta={"thread": True},
    ))

    lane_labels = [tax.sides[side].label.get(lang) for side in lanes]
    # Fixed margins instead of automargin, and the legend as HTML beside the chart: each of
    # them costs plotly.js extra layout passes (measured: about half the drawing time).
    margin = {"l": _label_width(lane_labels), "r": 12, "t": 12, "b": 30}  # plotly adds the range slider below
    fig.update_layout(
        height=height,
        margin=margin,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', sans-serif", "size": 13},
        hovermode="closest",
        hoverlabel={"align": "left", "namelength": 0},
        dragmode="zoom",
        showlegend=False,
        xaxis={
            "type": "date",
            "range": [view[0].isoformat(), view[1].isoformat()],
            "rangeslider": {"visible": rangeslider, "thickness": 0.08, "range": [first.isoformat(), last.isoformat()]},
            "showgrid": True,
            "gridcolor": "rgba(128,128,128,0.18)",
            "automargin": False,
            **({"tickformat": "%Y年%-m月", "hoverformat": "%Y年%-m月%-d日"} if lang == "zh" else {}),
        },
        yaxis={
            "tickmode": "array",
            "tickvals": list(range(len(lanes))),
            "ticktext": lane_labels,
            "range": [Y_RANGE[0], round(len(lanes) - 1 + Y_RANGE[1] - 2, 3)],
            "fixedrange": True,
            "zeroline": False,
            "showgrid": True,
            "gridcolor": "rgba(128,128,128,0.25)",
            "automargin": False,
        },
        meta={"lang": lang, "events": len(events), "gap_px": GAP_PX, "plot_px": plot_px, "lanes": lanes,
              **({"as_of": as_of.isoformat()} if as_of else {})},
    )
    labels = landmark_labels(events, y, view, plot_px, lang, muted)
    if labels:
        fig.update_layout(annotations=labels)
    if as_of:
        fig.update_layout(shapes=[{"type": "line", "name": "as-of", "xref": "x", "yref": "paper",
                                   "x0": as_of.isoformat(), "x1": as_of.isoformat(), "y0": 0, "y1": 1,
                                   "line": {"color": "rgba(30,120,60,0.9)", "width": 3}}])
    return fig


def figure_dict(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """The figure as plain JSON-ready data (lists, not typed arrays) for plotly.js."""
    return build_figure(*args, **kwargs).to_plotly_json()
