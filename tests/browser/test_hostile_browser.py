"""Hostile event text in a real browser: nothing runs, no element is injected, the text shows as text."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.conftest import POINTS, shot, wait_chart
from tests.conftest import Server
from tests.hostile import SCRIPT, TITLE_EN, write_hostile_store

TRAP = """
window.__pwned = undefined;
window.alert = function () { window.__pwned = 'alert'; };
"""
INJECTED = "img[src='x'], [onerror], [onload], [onmouseover], b[onmouseover], script:not([src]):not([type])"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    srv = Server(write_hostile_store(tmp_path_factory.mktemp("hostile-browser") / "data"))
    yield srv
    srv.stop()


def assert_inert(target, dialogs):
    assert target.evaluate("window.__pwned") is None
    assert target.locator(INJECTED).count() == 0
    assert dialogs == []


@pytest.mark.parametrize("path", ["/", "/?lang=zh", "/event/2022-10-07-hostile-one", "/embed",
                                  "/?event=2023-07-03-hostile-two"])
def test_nothing_runs(browser, hostile_server, path):
    ctx = browser.new_context()
    ctx.add_init_script(TRAP)
    pg = ctx.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.goto(hostile_server.url + path)
    if pg.locator("#chart").count():
        wait_chart(pg)
        # hover every marker so Plotly renders each hover label
        for i in range(pg.locator(POINTS).count()):
            box = pg.locator(POINTS).nth(i).bounding_box()
            if box:
                pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                pg.wait_for_timeout(150)
                assert_inert(pg, dialogs)
    # open every event's detail
    for link in pg.locator("a.event-link").all()[:4]:
        if link.is_visible():
            link.click()
            pg.wait_for_timeout(300)
    # the title is shown as literal text
    text = pg.locator("body").text_content()
    assert SCRIPT in text or "<svg/onload" in text
    assert_inert(pg, dialogs)
    shot(pg, f"hostile{path}")
    ctx.close()


def test_hover_label_shows_markup_as_text(browser, hostile_server):
    ctx = browser.new_context()
    ctx.add_init_script(TRAP)
    pg = ctx.new_page()
    pg.goto(hostile_server.url + "/?significance=3")
    wait_chart(pg)
    box = pg.locator(POINTS).first.bounding_box()
    pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pg.wait_for_selector(".hoverlayer .hovertext")
    text = pg.locator(".hoverlayer .hovertext").text_content()
    assert "<script>" in text and "title" in text
    assert pg.evaluate("window.__pwned") is None
    ctx.close()
    assert httpx.get(hostile_server.url + "/events/2022-10-07-hostile-one").json()["title"]["en"] == TITLE_EN
