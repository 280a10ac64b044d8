"""Context for readers in Chromium: term definitions by keyboard and touch, the state of play (issue 15)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import POINTS, serious, shot, wait_chart


def an_event_with(client, term: str) -> str:
    return client.get(f"/terms/{term}").json()["events"][0]


def test_term_definition_opens_by_keyboard_and_closes_with_escape(page, server, client):
    event_id = an_event_with(client, "entity-list")
    page.goto(f"{server.url}/event/{event_id}?lang=en")
    button = page.locator("button.term[popovertarget$='-entity-list']")
    popover = page.locator(f"#term-{event_id}-entity-list")
    assert not popover.is_visible()
    button.focus()
    page.keyboard.press("Enter")
    popover.wait_for(state="visible")
    assert "Entity List" in popover.inner_text() and popover.locator("a[href*='#t-entity-list']").count() == 1
    shot(page, "term-popover")
    page.keyboard.press("Escape")
    popover.wait_for(state="hidden")


def test_term_definition_opens_by_touch_in_the_explorer_panel(browser, server, client):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    try:
        event_id = an_event_with(client, "bis")
        page.goto(f"{server.url}/?lang=zh&event={event_id}")
        page.wait_for_selector("#detail:not([hidden]) button.term")
        term = page.locator("#detail button.term").first
        target = term.get_attribute("popovertarget")
        term.tap()
        page.locator(f"#{target}").wait_for(state="visible")
        shot(page, "term-popover-phone-zh")
    finally:
        ctx.close()


def test_glossary_page_axe_and_anchors(page, server):
    for lang in ("en", "zh"):
        page.goto(f"{server.url}/glossary?lang={lang}#t-fdpr")
        assert page.locator("#t-fdpr").is_visible()
        assert serious(Axe().run(page)) == []
    shot(page, "glossary-zh")


def test_state_of_play_greys_what_was_not_in_force_and_follows_the_dragged_line(page, server, client):
    page.goto(f"{server.url}/?lang=en&as_of=2025-12-01")
    wait_chart(page)
    n = client.get("/events", params={"as_of": "2025-12-01", "limit": 1}).json()["total"]
    assert page.locator("#state-of-play").is_visible()
    assert f"{n} measures in force" in page.locator("#state-of-play h2").inner_text()
    assert page.locator("#event-list li.event").count() == n
    muted = page.evaluate("document.getElementById('chart').data.filter(t => t.meta && t.meta.category === 'muted')"
                          ".reduce((a, t) => a + t.x.length, 0)")
    total = client.get("/events", params={"limit": 1}).json()["total"]
    assert page.locator(POINTS).count() == total and muted == total - n  # the rest greyed, not hidden
    shot(page, "state-of-play")
    # dragging the as_of line moves the day (plotly reports the moved shape as a relayout)
    page.evaluate("Plotly.relayout(document.getElementById('chart'), {'shapes[0].x0': '2025-10-15', 'shapes[0].x1': '2025-10-15'})")
    page.wait_for_function("() => location.search.includes('as_of=2025-10-15')")
    page.wait_for_selector("#results:not([aria-busy])")
    m = client.get("/events", params={"as_of": "2025-10-15", "limit": 1}).json()["total"]
    page.wait_for_function(f"() => document.querySelectorAll('#event-list li.event').length === {m}")
    assert page.locator("#as_of").input_value() == "2025-10-15"
    assert page.watch.errors == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_state_of_play_axe(page, server, lang):
    page.goto(f"{server.url}/?lang={lang}&as_of=2025-06-01")
    wait_chart(page)
    assert serious(Axe().run(page)) == []
