"""In force on a date (as_of), on the real chains of the store, through HTTP (issue 15)."""

from __future__ import annotations

import csv
import io

import feedparser
import pytest
from icalendar import Calendar

AFFILIATES = "2025-09-29-bis-affiliates-rule"
ZTE = "2018-04-15-zte-denial-order"
NO_46 = "2024-12-03-china-ban-gallium-germanium-antimony-us"
RARE_EARTHS = "2025-10-09-china-rare-earth-expansion"
ALL = ["in-force", "suspended", "ended", "superseded", "reversed"]


def states(client, day: str, **params) -> dict[str, dict]:
    r = client.get("/events", params={"as_of": day, "limit": 1000, **params})
    assert r.status_code == 200, r.text
    return {e["id"]: e["state"] for e in r.json()["events"]}


@pytest.mark.parametrize("event,before,after,kind,since,by", [
    (ZTE, "2018-05-01", "2018-08-01", "ended", "2018-07-13", None),
    (AFFILIATES, "2025-10-15", "2025-12-01", "suspended", "2025-11-10", "2025-11-10-bis-suspends-affiliates-rule"),
    (NO_46, "2025-06-01", "2025-12-01", "suspended", "2025-11-09", "2025-11-09-china-suspends-us-export-ban"),
    (RARE_EARTHS, "2025-10-20", "2025-11-20", "suspended", "2025-11-07", "2025-11-07-china-suspends-october-controls"),
])
def test_real_chains(client, event, before, after, kind, since, by):
    assert states(client, before)[event]["state"] == "in-force"
    assert event not in states(client, after)  # alone, as_of gives what was in force
    state = states(client, after, state=ALL)[event]
    assert state == {"state": kind, "since": since, "by": by}


def test_measures_not_yet_taken_and_non_measures_are_left_out(client):
    day = states(client, "2025-10-15", state=ALL)
    assert RARE_EARTHS in day and "2025-11-10-bis-suspends-affiliates-rule" not in day  # not yet
    assert not [i for i in day if "talks" in i or "meeting" in i]  # diplomacy is not a measure
    suspension = states(client, "2025-12-01")["2025-11-10-bis-suspends-affiliates-rule"]
    assert suspension["state"] == "in-force"  # the suspension itself is a measure in force


def test_every_format_carries_the_state(client):
    params = {"as_of": "2025-12-01", "state": ALL, "actor": "us-bis"}
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(client.get("/events.csv", params=params).text))}
    assert rows[AFFILIATES]["state"] == "suspended" and rows[AFFILIATES]["state_since"] == "2025-11-10"
    cal = Calendar.from_ical(client.get("/events.ics", params=params).content)
    affiliates = next(v for v in cal.walk("VEVENT") if str(v["uid"]).startswith(AFFILIATES))
    assert str(affiliates["description"]).startswith("[Suspended on 2025-12-01 (since 2025-11-10)]")
    feed = feedparser.parse(client.get("/events.atom", params=params).content)
    assert any(e.summary.startswith("[Suspended on 2025-12-01") for e in feed.entries)
    tl = client.get("/events.timelinejs.json", params={**params, "lang": "zh"}).json()
    assert any("已暂停" in e["text"]["text"] for e in tl["events"])


@pytest.mark.parametrize("params,parameter", [
    ({"as_of": "2099-01-01"}, "as_of"),  # after the sources' review date: not known
    ({"as_of": "2025"}, "as_of"),        # a day, not a year
    ({"state": "suspended"}, "state"),   # states need a day
    ({"as_of": "2025-01-01", "state": "asleep"}, "state"),
])
def test_bad_as_of(client, params, parameter):
    r = client.get("/events", params=params)
    assert r.status_code in (400, 422) and r.json()["parameter"] == parameter
