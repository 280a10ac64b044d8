"""Stories: guided narratives through the timeline (timeline_data/stories/<id>.yaml).

The API (/stories, /stories/{id}, format=timelinejs) and the pages (/story/{id},
/embed/story/{id}) render from here; the stories themselves are loaded and validated with
the store (app/store.py)."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from app.models import Story
from app.renderers import SITE_TITLE
from app.store import Snapshot

WINDOW = dt.timedelta(days=240)  # the default zoom around a step's event


def step_range(snapshot: Snapshot, story: Story, i: int) -> tuple[dt.date, dt.date]:
    step = story.steps[i]
    if step.zoom:
        return step.zoom.start, step.zoom.end
    day = snapshot.get(step.event).date
    return day - WINDOW, day + WINDOW


def story_brief(urls, story: Story) -> dict[str, Any]:
    return {"id": story.id, "title": story.title.model_dump(), "introduction": story.introduction.model_dump(),
            "steps": len(story.steps), "url": urls.story(story.id), "api_url": urls.story_api(story.id)}


def story_json(snapshot: Snapshot, story: Story, urls) -> dict[str, Any]:
    steps = []
    for i, step in enumerate(story.steps):
        event = snapshot.get(step.event)
        start, end = step_range(snapshot, story, i)
        steps.append({
            "number": i + 1, "event": step.event, "narrative": step.narrative.model_dump(),
            "zoom": {"from": start.isoformat(), "to": end.isoformat()}, "links": step.links,
            "event_date": event.date.isoformat(), "event_title": event.title.model_dump(),
            "event_url": urls.event(event.id), "url": urls.story(story.id, step=i + 1),
        })
    return {"id": story.id, "title": story.title.model_dump(), "introduction": story.introduction.model_dump(),
            "closing": story.closing.model_dump(), "url": urls.story(story.id), "steps": steps}


def _tl_date(day: dt.date) -> dict[str, str]:
    return {"year": str(day.year), "month": str(day.month), "day": str(day.day)}


def story_timelinejs(snapshot: Snapshot, story: Story, urls, lang: str) -> dict[str, Any]:
    """A TimelineJS3 document: a title slide (the introduction), one slide per step. TimelineJS
    renders headline and text as HTML, so every text is escaped."""
    events = []
    for i, step in enumerate(story.steps):
        event = snapshot.get(step.event)
        link = html.escape(urls.event(event.id, lang))
        events.append({
            "unique_id": f"step-{i + 1}",
            "start_date": _tl_date(event.date),
            "text": {"headline": html.escape(event.title.get(lang)),
                     "text": f"<p>{html.escape(step.narrative.get(lang))}</p>"
                             f'<p><a href="{link}" rel="noopener">{html.escape(SITE_TITLE[lang])}</a></p>'},
            "group": snapshot.taxonomy.sides[snapshot.side_of(event)].label.get(lang),
        })
    return {"title": {"text": {"headline": html.escape(story.title.get(lang)),
                               "text": f"<p>{html.escape(story.introduction.get(lang))}</p>"}},
            "events": events}
